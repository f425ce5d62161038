// Random instruction encoder for jit_test.ts: every form the translation templates inline
// (jit_int.ts, jit_sse.ts), in register and memory forms and all operand sizes, with memory
// operands that sometimes cross into a read-only page or an unmapped one, or are misaligned.
//
// Register conventions of the generated code: rbx holds DATA (the base of every memory operand)
// and rsp the stack; neither is ever a destination. r15 counts loop iterations in loop tests.

/** xorshift32. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** Instruction families of Encoder.integer (the last few are SSE). */
export const KINDS = 30;

/** A writable page, then a read-only page, then nothing. */
export const DATA = 0x600000;

/** General registers that may be written: not rbx (3), rsp (4) or r15. */
export const REGS = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const le16 = (v: number) => [v & 0xff, (v >>> 8) & 0xff];

export class Encoder {
  constructor(readonly next: () => number) {}

  pick<T>(xs: T[]): T {
    return xs[this.next() % xs.length];
  }

  chance(percent: number): boolean {
    return this.next() % 100 < percent;
  }

  reg(): number {
    return this.pick(REGS);
  }

  /** A byte register code for a destination: with REX any of REGS, without REX AL CL DL AH CH
   * DH (not BL/BH: rbx is the base). Returns [code, needs REX]. */
  byteReg(rex = this.chance(50)): [number, boolean] {
    if (!rex) return [this.pick([0, 1, 2, 4, 5, 6]), false];
    return [this.reg(), true];
  }

  /** ModRM (and displacement) of [rbx + disp] with reg field `reg`; `align` the usual
   * alignment of the displacement (1, 8, 16). Mostly small displacements in the writable page;
   * a few reach the page end (reads continue into the read-only page, writes fault there), the
   * read-only page, or the end of the read-only page (crossing into unmapped memory). */
  mem(reg: number, align = 8): number[] {
    const r = (reg & 7) << 3;
    if (this.chance(8)) {
      // [rbx + index * scale + disp8] with an index register of any value (without REX.X: rax,
      // rcx, rdx, rbp, rsi, rdi): mostly wild addresses, so faults and their addresses, and
      // sometimes small values from the register pool.
      const index = this.pick([0, 1, 2, 5, 6, 7]);
      return [0x44 | r, ((this.next() % 4) << 6) | (index << 3) | 3, this.next() & 0x78];
    }
    const roll = this.next() % 100;
    if (roll < 90) {
      let disp = (this.next() % 15) * 8;
      if (align === 16) disp &= ~15;
      if (this.chance(3)) disp += this.pick([1, 4, 8]); // misaligned
      return [0x40 | r | 3, disp];
    }
    const base = roll < 94 ? 0xff0 : roll < 97 ? 0x1100 : 0x1ff0;
    const disp = base + this.next() % 16;
    return [0x80 | r | 3, ...le32(disp)];
  }

  /** REX byte (or none when it would be 0x40 and `force` is false). */
  rex(w: boolean, reg: number, rm: number, force = false): number[] {
    const v = 0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
    return v !== 0x40 || force ? [v] : [];
  }

  modrmRR(reg: number, rm: number): number {
    return 0xc0 | ((reg & 7) << 3) | (rm & 7);
  }

  /** Operand size prefix and REX.W for size 2, 4 or 8. */
  sized(size: number): { pre: number[]; w: boolean } {
    return { pre: size === 2 ? [0x66] : [], w: size === 8 };
  }

  imm(size: number): number[] {
    const v = this.pick([0, 1, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, this.next()]);
    return size === 1 ? [v & 0xff] : size === 2 ? le16(v) : le32(v);
  }

  // ---- integer -----------------------------------------------------------------------------------

  /** An integer (or SSE) instruction at `at` of family `kind` (0-29; random when undefined);
   * jumps and calls land on the next instruction. */
  integer(at: number, kind = this.next() % KINDS): number[] {
    const size = this.pick([1, 2, 4, 8, 8, 4]);
    const { pre, w } = this.sized(size);
    const a = this.reg(), b = this.reg();
    const op = this.next() % 8;
    switch (kind) {
      case 0: { // ALU E, G / G, E register forms, any size
        const dir = this.pick([0, 2]);
        if (size === 1) {
          const [x, rx] = this.byteReg(), [y] = this.byteReg(rx);
          return [
            ...(rx ? [0x40 | ((y >> 3) << 2) | (x >> 3)] : []),
            (op << 3) | dir,
            this.modrmRR(y, x),
          ];
        }
        return [...pre, ...this.rex(w, b, a), (op << 3) | 1 | dir, this.modrmRR(b, a)];
      }
      case 1: { // ALU with memory: E op= G (destination memory) or G op= E
        const dir = this.pick([0, 2]);
        const opc = (op << 3) | dir | (size === 1 ? 0 : 1);
        return [...pre, ...this.rex(w, a, 0, size === 1), opc, ...this.mem(a)];
      }
      case 2: { // group 1 with an immediate, register or memory
        if (this.chance(50)) {
          if (size === 1) {
            const [x, rx] = this.byteReg();
            return [
              ...(rx ? [0x40 | (x >> 3)] : []),
              0x80,
              0xc0 | (op << 3) | (x & 7),
              ...this.imm(1),
            ];
          }
          const opc = this.chance(50) ? 0x83 : 0x81;
          const imm = opc === 0x83 ? this.imm(1) : this.imm(size === 2 ? 2 : 4);
          return [...pre, ...this.rex(w, 0, a), opc, 0xc0 | (op << 3) | (a & 7), ...imm];
        }
        if (size === 1) return [0x80, ...this.mem(op), ...this.imm(1)];
        const opc = this.chance(50) ? 0x83 : 0x81;
        const imm = opc === 0x83 ? this.imm(1) : this.imm(size === 2 ? 2 : 4);
        return [...pre, ...this.rex(w, 0, 0), opc, ...this.mem(op), ...imm];
      }
      case 3: // AL/AX/EAX/RAX op= imm
        if (size === 1) return [(op << 3) | 4, ...this.imm(1)];
        return [...pre, ...this.rex(w, 0, 0), (op << 3) | 5, ...this.imm(size === 2 ? 2 : 4)];
      case 4: { // INC/DEC register or memory
        const sub = this.next() % 2;
        if (this.chance(40)) {
          return [
            ...pre,
            ...this.rex(w, 0, 0, size === 1),
            size === 1 ? 0xfe : 0xff,
            ...this.mem(sub),
          ];
        }
        if (size === 1) {
          const [x, rx] = this.byteReg();
          return [...(rx ? [0x40 | (x >> 3)] : []), 0xfe, 0xc0 | (sub << 3) | (x & 7)];
        }
        return [...pre, ...this.rex(w, 0, a), 0xff, 0xc0 | (sub << 3) | (a & 7)];
      }
      case 5: { // TEST register, memory or immediate forms
        const form = this.next() % 3;
        const opc = size === 1 ? 0x84 : 0x85;
        if (form === 0) return [...pre, ...this.rex(w, b, a, size === 1), opc, this.modrmRR(b, a)];
        if (form === 1) return [...pre, ...this.rex(w, a, 0, size === 1), opc, ...this.mem(a)];
        const imm = this.imm(size === 1 ? 1 : size === 2 ? 2 : 4);
        if (this.chance(50)) {
          return [...pre, ...this.rex(w, 0, 0), size === 1 ? 0xa8 : 0xa9, ...imm];
        }
        return [
          ...pre,
          ...this.rex(w, 0, a, size === 1),
          size === 1 ? 0xf6 : 0xf7,
          0xc0 | (a & 7),
          ...imm,
        ];
      }
      case 6: { // NOT/NEG register or memory
        const sub = this.pick([2, 3]);
        const opc = size === 1 ? 0xf6 : 0xf7;
        if (this.chance(40)) {
          return [...pre, ...this.rex(w, 0, 0, size === 1), opc, ...this.mem(sub)];
        }
        return [...pre, ...this.rex(w, 0, a, size === 1), opc, 0xc0 | (sub << 3) | (a & 7)];
      }
      case 7: { // shifts and rotates by 1, CL or imm8, register or memory
        const form = this.next() % 3;
        const opc = [0xd0, 0xd2, 0xc0][form] | (size === 1 ? 0 : 1);
        const imm = form === 2
          ? [this.pick([0, 1, 3, 31, 32, 33, 63, 64, this.next() & 0xff])]
          : [];
        if (this.chance(30)) {
          return [...pre, ...this.rex(w, 0, 0, size === 1), opc, ...this.mem(op), ...imm];
        }
        return [...pre, ...this.rex(w, 0, a, size === 1), opc, 0xc0 | (op << 3) | (a & 7), ...imm];
      }
      case 8: { // IMUL G, E and IMUL G, E, imm
        const s = size === 1 ? 4 : size, sp = this.sized(s);
        const form = this.next() % 3;
        const e = this.chance(30) ? this.mem(a) : [this.modrmRR(a, b)];
        const rex = this.rex(sp.w, a, e.length === 1 ? b : 0);
        if (form === 0) return [...sp.pre, ...rex, 0x0f, 0xaf, ...e];
        if (form === 1) return [...sp.pre, ...rex, 0x6b, ...e, ...this.imm(1)];
        return [...sp.pre, ...rex, 0x69, ...e, ...this.imm(s === 2 ? 2 : 4)];
      }
      case 9: { // MOVZX/MOVSX from byte or word, register or memory
        const s = size === 1 ? 4 : size, sp = this.sized(s);
        const opc = this.pick([0xb6, 0xb7, 0xbe, 0xbf]);
        if (this.chance(40)) return [...sp.pre, ...this.rex(sp.w, a, 0), 0x0f, opc, ...this.mem(a)];
        if ((opc & 1) === 0 && this.chance(50)) {
          // byte source without REX: AH CH DH BH
          return [
            ...sp.pre,
            ...(sp.w ? [0x48] : []),
            0x0f,
            opc,
            this.modrmRR(this.pick([0, 1, 2, 5]), this.next() % 8),
          ];
        }
        return [...sp.pre, ...this.rex(sp.w, a, b, true), 0x0f, opc, this.modrmRR(a, b)];
      }
      case 10: // MOVSXD register or memory
        if (this.chance(40)) return [...this.rex(this.chance(80), a, 0), 0x63, ...this.mem(a)];
        return [...this.rex(this.chance(80), a, b), 0x63, this.modrmRR(a, b)];
      case 11: { // MOV in all forms
        const form = this.next() % 5;
        if (size === 1) {
          const [x, rx] = this.byteReg();
          const rex = rx ? [0x40 | ((x >> 3) << 2)] : [];
          if (form === 0) return [...rex, 0x88, ...this.mem(x)];
          if (form === 1) return [...rex, 0x8a, ...this.mem(x)];
          if (form === 2) return [0xc6, ...this.mem(0), ...this.imm(1)];
          if (form === 3) return [...(rx ? [0x40 | (x >> 3)] : []), 0xb0 | (x & 7), ...this.imm(1)];
          const [y] = this.byteReg(rx);
          return [...(rx ? [0x40 | ((x >> 3) << 2) | (y >> 3)] : []), 0x88, this.modrmRR(x, y)];
        }
        if (form === 0) return [...pre, ...this.rex(w, a, 0), 0x89, ...this.mem(a)];
        if (form === 1) return [...pre, ...this.rex(w, a, 0), 0x8b, ...this.mem(a)];
        if (form === 2) {
          return [
            ...pre,
            ...this.rex(w, 0, 0),
            0xc7,
            ...this.mem(0),
            ...this.imm(size === 2 ? 2 : 4),
          ];
        }
        if (form === 3) {
          if (size === 8) return [0x48 | (a >> 3), 0xb8 | (a & 7), ...this.imm(4), ...this.imm(4)];
          return [...pre, ...this.rex(false, 0, a), 0xb8 | (a & 7), ...this.imm(size)];
        }
        return [...pre, ...this.rex(w, b, a), this.pick([0x89, 0x8b]), this.modrmRR(b, a)];
      }
      case 12: { // LEA with base, index and scale
        const s = this.pick([4, 8]);
        return [
          0x40 | (s === 8 ? 8 : 0) | ((a >> 3) << 2) | ((b >> 3) << 1),
          0x8d,
          0x44 | ((a & 7) << 3),
          (this.next() % 4 << 6) | ((b & 7) << 3) | 3,
          this.next() & 0xff,
        ];
      }
      case 13: { // SETcc register or memory
        const cc = this.next() % 16;
        if (this.chance(30)) return [0x0f, 0x90 | cc, ...this.mem(0)];
        const [x, rx] = this.byteReg();
        return [...(rx ? [0x40 | (x >> 3)] : []), 0x0f, 0x90 | cc, 0xc0 | (x & 7)];
      }
      case 14: { // CMOVcc register or memory
        const s = size === 1 ? 8 : size, sp = this.sized(s);
        const cc = this.next() % 16;
        if (this.chance(30)) {
          return [...sp.pre, ...this.rex(sp.w, a, 0), 0x0f, 0x40 | cc, ...this.mem(a)];
        }
        return [...sp.pre, ...this.rex(sp.w, a, b), 0x0f, 0x40 | cc, this.modrmRR(a, b)];
      }
      case 15: { // CBW family, CWD family
        const s = size === 1 ? 8 : size, sp = this.sized(s);
        return [...sp.pre, ...(sp.w ? [0x48] : []), this.pick([0x98, 0x99])];
      }
      case 16: { // XCHG register forms
        if (this.chance(50)) {
          return [
            ...pre,
            ...this.rex(w, b, a, size === 1),
            size === 1 ? 0x86 : 0x87,
            this.modrmRR(b, a),
          ];
        }
        const s = size === 1 ? 8 : size, sp = this.sized(s);
        const r = this.pick(REGS.filter((x) => x !== 0));
        return [...sp.pre, ...this.rex(sp.w, 0, r, true), 0x90 | (r & 7)];
      }
      case 17: // PUSH r; POP r
        return [...this.rex(false, 0, a), 0x50 | (a & 7), ...this.rex(false, 0, b), 0x58 | (b & 7)];
      case 18: { // PUSH imm or PUSH m64, then POP r
        const push = this.chance(50)
          ? (this.chance(50) ? [0x6a, ...this.imm(1)] : [0x68, ...this.imm(4)])
          : [0xff, ...this.mem(6)];
        return [...push, ...this.rex(false, 0, a), 0x58 | (a & 7)];
      }
      case 19: // mov rbp, rsp; push imm8; leave
        return [0x48, 0x89, 0xe5, 0x6a, this.next() & 0xff, 0xc9];
      case 20: { // JMP r / CALL r (+ POP) to the next instruction
        const call = this.chance(50);
        const target = at + 10 + 3;
        const mov = [0x48 | (a >> 3), 0xb8 | (a & 7), ...le32(target), 0, 0, 0, 0];
        const jump = [0x40 | (a >> 3), 0xff, (call ? 0xd0 : 0xe0) | (a & 7)];
        return [...mov, ...jump, ...(call ? this.rex(false, 0, b).concat([0x58 | (b & 7)]) : [])];
      }
      case 21: { // JMP [mem] / CALL [mem] through a stored target
        const call = this.chance(50);
        const m = this.mem(a);
        const target = at + 10 + (m.length + 2) + (m.length + 1);
        return [
          0x48 | (a >> 3),
          0xb8 | (a & 7),
          ...le32(target),
          0,
          0,
          0,
          0,
          0x48 | ((a >> 3) << 2),
          0x89,
          ...m,
          0xff,
          m[0] & 0xc7 | (call ? 0x10 : 0x20),
          ...m.slice(1),
          ...(call ? [0x40 | (b >> 3), 0x58 | (b & 7)] : []),
        ];
      }
      case 22: { // CALL rel32 to the next instruction, POP; or PUSH target; RET (imm)
        if (this.chance(50)) return [0xe8, 0, 0, 0, 0, ...this.rex(false, 0, a), 0x58 | (a & 7)];
        const withImm = this.chance(30);
        const target = at + 5 + (withImm ? 3 : 1);
        return [0x68, ...le32(target), ...(withImm ? [0xc2, 8, 0] : [0xc3])];
      }
      case 23: // JMP rel8 over nothing, or PUSHF; POP r (every flag so far, into a register)
        return this.chance(50) ? [0xeb, 0x00] : [0x9c, ...this.rex(false, 0, a), 0x58 | (a & 7)];
      case 24: { // MOVS/STOS without REP from [rbx + d] to [rbx + d'], either direction
        const lea = (r: number) => {
          const m = this.mem(r);
          return [0x48, 0x8d, ...m];
        };
        const back = this.chance(30);
        const opc = this.pick([0xa4, 0xaa]) | (size === 1 ? 0 : 1);
        return [
          ...(back ? [0xfd] : []),
          ...lea(6),
          ...lea(7),
          ...pre,
          ...(w ? [0x48] : []),
          opc,
          ...(back ? [0xfc] : []),
        ];
      }
      default:
        return this.sse();
    }
  }

  // ---- SSE ---------------------------------------------------------------------------------------

  /** An SSE/SSE2 instruction. */
  sse(): number[] {
    const x = this.next() % 16, y = this.next() % 16;
    const regForm = this.chance(60);
    const xmmOp = (pfx: number[], opc: number[], align = 8, extra: number[] = []) =>
      regForm
        ? [...pfx, ...this.rex(false, x, y), 0x0f, ...opc, this.modrmRR(x, y), ...extra]
        : [...pfx, ...this.rex(false, x, 0), 0x0f, ...opc, ...this.mem(x, align), ...extra];
    switch (this.next() % 14) {
      case 0: // MOVUPS/MOVAPS/MOVUPD/MOVAPD/MOVDQA/MOVDQU loads and stores
        return this.pick([
          () => xmmOp([], [0x10], 1),
          () => xmmOp([], [0x11], 1),
          () => xmmOp([], [0x28], 16),
          () => xmmOp([], [0x29], 16),
          () => xmmOp([0x66], [0x28], 16),
          () => xmmOp([0x66], [0x6f], 16),
          () => xmmOp([0x66], [0x7f], 16),
          () => xmmOp([0xf3], [0x6f], 1),
          () => xmmOp([0xf3], [0x7f], 1),
        ])();
      case 1: // MOVSD/MOVSS/MOVQ loads and stores
        return this.pick([
          () => xmmOp([0xf2], [0x10]),
          () => xmmOp([0xf2], [0x11]),
          () => xmmOp([0xf3], [0x10]),
          () => xmmOp([0xf3], [0x11]),
          () => xmmOp([0xf3], [0x7e]),
          () => xmmOp([0x66], [0xd6]),
        ])();
      case 2: { // MOVD/MOVQ between general and XMM registers
        const w = this.chance(50), g = this.reg();
        const opc = this.pick([0x6e, 0x7e]);
        if (!regForm) return [0x66, ...this.rex(w, x, 0), 0x0f, opc, ...this.mem(x)];
        return [0x66, ...this.rex(w, x, g), 0x0f, opc, this.modrmRR(x, g)];
      }
      case 3: // bitwise
        return xmmOp(
          ...this.pick<[number[], number[]]>([
            [[0x66], [0xef]],
            [[0x66], [0xdb]],
            [[0x66], [0xeb]],
            [[0x66], [0xdf]],
            [[], [0x57]],
            [[0x66], [0x54]],
            [[], [0x55]],
            [[], [0x56]],
          ]),
          16,
        );
      case 4: // UNPCKLPD/UNPCKHPD/SHUFPD
        if (this.chance(33)) return xmmOp([0x66], [0xc6], 16, [this.next() & 3]);
        return xmmOp([0x66], [this.pick([0x14, 0x15])], 16);
      case 5:
      case 6:
      case 7: // ADD/MUL/SUB/DIV SD/PD
        return xmmOp([this.pick([0x66, 0xf2])], [this.pick([0x58, 0x59, 0x5c, 0x5e])], 16);
      case 8: { // CVTSI2SD
        const w = this.chance(50), g = this.reg();
        if (!regForm) return [0xf2, ...this.rex(w, x, 0), 0x0f, 0x2a, ...this.mem(x)];
        return [0xf2, ...this.rex(w, x, g), 0x0f, 0x2a, this.modrmRR(x, g)];
      }
      case 9: { // CVTTSD2SI
        const w = this.chance(50), g = this.reg();
        if (!regForm) return [0xf2, ...this.rex(w, g, 0), 0x0f, 0x2c, ...this.mem(g)];
        return [0xf2, ...this.rex(w, g, y), 0x0f, 0x2c, this.modrmRR(g, y)];
      }
      default: // UCOMISD/COMISD
        return xmmOp([0x66], [this.pick([0x2e, 0x2f])]);
    }
  }

  /** An SSE double-precision arithmetic instruction (or a move feeding one). */
  sseArith(): number[] {
    const x = this.next() % 16, y = this.next() % 16;
    const pfx = this.pick([0x66, 0xf2]);
    const opc = this.pick([0x58, 0x59, 0x5c, 0x5e, 0x10]);
    if (this.chance(60)) return [pfx, ...this.rex(false, x, y), 0x0f, opc, this.modrmRR(x, y)];
    return [pfx, ...this.rex(false, x, 0), 0x0f, opc, ...this.mem(x, 16)];
  }

  /** A flag-setting instruction: ALU/TEST/INC/DEC on two registers or with an immediate. */
  flagSetter(): number[] {
    const a = this.reg(), b = this.reg();
    const w = this.chance(50);
    switch (this.next() % 5) {
      case 0:
        return [
          ...this.rex(w, b, a),
          this.pick([0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39, 0x85]),
          this.modrmRR(b, a),
        ];
      case 1:
        return [...this.rex(w, 0, a), 0x83, 0xf8 | (a & 7), this.pick([0, 1, 0xff, 0x7f, 0x80])];
      case 2:
        return [...this.rex(w, 0, a), 0xff, (this.chance(50) ? 0xc0 : 0xc8) | (a & 7)];
      case 3:
        return [...this.rex(w, b, a), 0x39, this.modrmRR(b, a)];
      default: // a shift (flags through the handler's core)
        return [
          ...this.rex(w, 0, a),
          0xc1,
          0xe0 | (this.next() % 2 << 3) | (a & 7),
          this.next() & 63,
        ];
    }
  }
}

/** Interesting doubles for XMM registers and memory. */
export const DOUBLES = [
  0,
  -0,
  1,
  -1,
  0.5,
  3,
  -2.5,
  0.1,
  1 / 3,
  1e300,
  -1e300,
  2 ** -1000,
  5e-324,
  1e-310,
  Infinity,
  -Infinity,
  NaN,
  2 ** 53,
  2 ** 63,
  -(2 ** 63),
  2147483647.5,
  -2147483648.9,
  123456789.25,
];
