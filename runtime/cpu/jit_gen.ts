// Code generation primitives shared by the translation templates (jit_int.ts, jit_sse.ts) and the
// region translator (jit.ts): operand expressions, memory access code, lazy-flag records and
// condition expressions, and the per-translation state (Gen).
//
// Generated code sees these locals: c (the Cpu), L/H (c.lo/c.hi), M (c.mem), X/XF (c.xmm32/
// c.xmmF64), the memory's TLB arrays RT/RH/RL/RO/RI (read) and WT/WH/WL/WO/WI (write), its frames
// as DV (a DataView) and U8, rip (the next guest rip), k (index of the instruction that may fault), and
// the scratch a0 a1 b0 b1 r0 r1 t cf of. Every helper function the templates call is listed in
// jit.ts's helper table.
//
// Lazy flags: a template that records flags puts FLAGS where the record belongs in its code and
// the record itself in Gen.record; jit.ts decides whether the record is written there or left
// pending in the locals until something could observe it (see jit.ts). Templates mirror their interpreter handlers step by step: the same
// memory accesses in the same order, the same lazy-flag record, and nothing architectural written
// before the last access that can fault (unless the handler writes it there too).

import { TLB_MASK } from "../memory/memory.ts";
import type { Insn } from "./insn.ts";
import { F_ADD, F_CO, F_LOGIC, F_SUB } from "./state.ts";

/** Kinds of inlined flag-setting operations whose operands and result stay in locals. */
export const OP_ADD = 0, OP_LOGIC = 4, OP_SUB = 5, OP_INC = 8, OP_DEC = 9, OP_CO = 10;

/** Placeholder for the current instruction's lazy-flag record (Gen.record). */
export const FLAGS = "/*flags*/";

/** Per-translation state. A template reads the instruction and appends nothing itself: it returns
 * its code, and reports through `last`, `neutral` and `safe` what it did. */
export class Gen {
  /** The last inlined flag-setting operation of this block whose operands and result are still in
   * a0/a1, b0/b1, r0/r1; null when flags must be read through cond()/getCF(). */
  last: { op: number; size: number } | null = null;
  /** Set by a template that leaves the flags and the flag locals alone. */
  neutral = false;
  /** Set by a template that cannot fault (registers only, no handler call). */
  safe = false;
  /** Set by a template that leaves the next rip in `rip` (branches). */
  setsRip = false;
  /** Set when the code reads the flags from the Cpu (cond(), getCF()) rather than the locals. */
  readsFlags = false;
  /** The lazy-flag record of the current instruction, for FLAGS in its code; "" if none. */
  record = "";
  /** Block index in the region and instruction index in the block. */
  block = 0;
  index = 0;
  /** Closure constants: declarations run once when the region's function is made. */
  readonly decls: string[] = [];
  private readonly declared = new Set<string>();

  /** Resets the per-instruction reports before a template runs. */
  begin(block: number, index: number): void {
    this.block = block;
    this.index = index;
    this.neutral = false;
    this.safe = false;
    this.setsRip = false;
    this.readsFlags = false;
    this.record = "";
  }

  private declare(name: string, init: string): string {
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.decls.push(`const ${name} = ${init};`);
    }
    return name;
  }

  /** Name of a constant holding the current instruction. */
  insn(): string {
    return this.declare(
      `X${this.block}_${this.index}`,
      `B[${this.block}].insns[${this.index}]`,
    );
  }

  /** Code calling the current instruction's interpreter handler. */
  call(): string {
    const x = this.insn();
    const f = this.declare(`F${this.block}_${this.index}`, `${x}.exec`);
    return `${f}(c, ${x});`;
  }

  /** Name of the constant holding block j (for its validity flag). */
  blockRef(j: number): string {
    return this.declare(`B${j}`, `B[${j}]`);
  }
}

// ---- operands -----------------------------------------------------------------------------------

/** [lo, hi] expressions reading register r (a byte-register code for size 1), as getReg. */
export function regGet(r: number, size: number): [string, string] {
  switch (size) {
    case 8:
      return [`L[${r}]`, `H[${r}]`];
    case 4:
      return [`L[${r}]`, "0"];
    case 2:
      return [`(L[${r}] & 65535)`, "0"];
    default:
      return [r < 16 ? `(L[${r}] & 255)` : `((L[${r - 16}] >> 8) & 255)`, "0"];
  }
}

/** Code writing register r as setReg: 32-bit writes clear the upper half, 8/16-bit merge. */
export function regSet(r: number, size: number, lo: string, hi: string): string {
  switch (size) {
    case 8:
      return `L[${r}] = ${lo}; H[${r}] = ${hi};`;
    case 4:
      return `L[${r}] = ${lo}; H[${r}] = 0;`;
    case 2:
      return `L[${r}] = (L[${r}] & -65536) | (${lo} & 65535);`;
    default:
      return r < 16
        ? `L[${r}] = (L[${r}] & -256) | (${lo} & 255);`
        : `L[${r - 16}] = (L[${r - 16}] & -65281) | ((${lo} & 255) << 8);`;
  }
}

/** The element read at frame offset x for `size` bytes (1, 2, 4), as Memory's fast paths. */
function frameRead(size: number, x: string): string {
  return size === 1
    ? `U8[${x}]`
    : size === 2
    ? `DV.getUint16(${x}, true)`
    : `DV.getInt32(${x}, true)`;
}

/**
 * A memory address in generated code. With `halves`, `setup` declares al and ah, the address's
 * 32-bit halves (exact modulo 2^64, computed without doubles), and the TLB is probed with the
 * integer tags; `sane` (when not "") is the condition under which the interpreter's double
 * address equals them (operand registers below 2^47 in magnitude, so that its sums are exact).
 * Otherwise `setup` declares the double `a` and the float tags are probed. `slow` is always the
 * double address exactly as the interpreter computes it, for Memory's accessors and faults.
 */
export interface Addr {
  halves: boolean;
  setup: string;
  sane: string;
  slow: string;
}

/** Address of a double expression (segments, 32-bit addressing), probed with the float tags. */
export function addrFromDouble(expr: string): Addr {
  return { halves: false, setup: `const a = ${expr};`, sane: "", slow: "a" };
}

/** Splits a displacement (an integer below 2^53 in magnitude) into uint32 low and int32 high. */
function splitDisp(d: number): [number, number] {
  const lo = d >>> 0;
  return [lo, Math.round((d - lo) / 4294967296) | 0];
}

const saneReg = (r: number) => `((H[${r}] + 32768) >>> 16) === 0`;

/**
 * The address base + index * scale + disp (registers or -1) with `slow`, the interpreter's
 * double for it.
 */
export function addrFrom(
  base: number,
  index: number,
  scale: number,
  disp: number,
  slow: string,
): Addr {
  const [d0, d1] = splitDisp(disp);
  const sane: string[] = [];
  const lows: string[] = [], highs: string[] = [];
  if (base >= 0) {
    lows.push(`L[${base}]`);
    highs.push(`H[${base}]`);
    sane.push(saneReg(base));
  }
  if (index >= 0) {
    const k = Math.log2(scale);
    lows.push(k === 0 ? `L[${index}]` : `(L[${index}] << ${k})`);
    highs.push(k === 0 ? `H[${index}]` : `((H[${index}] << ${k}) | (L[${index}] >>> ${32 - k}))`);
    sane.push(saneReg(index));
  }
  if (lows.length === 0) {
    return { halves: true, setup: `const al = ${d0 | 0}, ah = ${d1};`, sane: "", slow };
  }
  if (d0 !== 0) lows.push(String(d0 | 0));
  if (d1 !== 0) highs.push(String(d1));
  // Low halves added in int32 one at a time; a sum below an addend (unsigned) carried.
  const decls: string[] = [], carries: string[] = [];
  let acc = lows[0];
  for (let n = 1; n < lows.length; n++) {
    const name = n === lows.length - 1 ? "al" : `w${n}`;
    decls.push(`const ${name} = (${acc} + ${lows[n]}) | 0;`);
    carries.push(`((${name} >>> 0) < (${lows[n]} >>> 0) ? 1 : 0)`);
    acc = name;
  }
  if (lows.length === 1) decls.push(`const al = ${acc};`);
  return {
    halves: true,
    setup: `${decls.join(" ")} const ah = (${[...highs, ...carries].join(" + ")}) | 0;`,
    sane: sane.join(" && "),
    slow,
  };
}

/** Address of the memory operand of `i`. */
export function addrOf(g: Gen, i: Insn): Addr {
  const slow = `ea(c, ${g.insn()})`; // the interpreter's own address, on the slow path only
  if (i.asize !== 8 || i.seg !== 0) return addrFromDouble(slow);
  return addrFrom(i.base, i.index, i.scale, i.disp, slow);
}

/**
 * Code running `fast` (with x, the frame offset of the address) when the TLB maps all `size`
 * bytes at A within one page for reading (or writing), else `slow` (with a, the interpreter's
 * double address). A's setup must already be emitted.
 */
export function access(A: Addr, size: number, write: boolean, fast: string, slow: string): string {
  const [th, tl, tf, off, offI] = write
    ? ["WH", "WL", "WT", "WO", "WI"]
    : ["RH", "RL", "RT", "RO", "RI"];
  if (!A.halves) {
    return `{ const p = Math.floor(a * 0.000244140625), s = p & ${TLB_MASK}, o = a & 4095; ` +
      `if (${tf}[s] === p && o <= ${4096 - size}) { const x = ${off}[s] + o; ${fast} } ` +
      `else { ${slow} } }`;
  }
  const sane = A.sane ? ` && ${A.sane}` : "";
  return `{ const s = (al >>> 12) & ${TLB_MASK}, o = al & 4095; ` +
    `if (${th}[s] === (ah >> 12) && ${tl}[s] === ((ah << 20) | (al >>> 12)) && ` +
    `o <= ${4096 - size}${sane}) { const x = ${offI}[s] + o; ${fast} } ` +
    `else { const a = ${A.slow}; ${slow} } }`;
}

/** Code raising #GP unless A is 16-byte aligned, as checkAligned16 on the interpreter's address
 * (which equals the halves whenever A is sane). */
export function alignCheck(A: Addr): string {
  if (!A.halves) return "checkAligned16(a); ";
  return `if ((al & 15) !== 0${A.sane ? ` || !(${A.sane})` : ""}) checkAligned16(${A.slow}); `;
}

/**
 * Code reading `size` bytes at A (its setup already emitted) into variables lo, hi, as readMem:
 * the TLB hit within one page inline, everything else through readMem itself (so the same
 * accesses and the same fault), kept out of line to keep the generated code small.
 */
export function memGet(size: number, A: Addr, lo: string, hi: string): string {
  const slow = `${lo} = readMem(c, a, ${size}); ${hi} = c.th;`;
  const fast = size === 8
    ? `${lo} = DV.getInt32(x, true); ${hi} = DV.getInt32(x + 4, true);`
    : `${lo} = ${frameRead(size, "x")}; ${hi} = 0;`;
  return access(A, size, false, fast, slow);
}

/** Code writing `size` bytes at A (its setup already emitted), as writeMem (all or nothing). */
export function memSet(size: number, A: Addr, lo: string, hi: string): string {
  const fast = size === 8
    ? `DV.setInt32(x, ${lo}, true); DV.setInt32(x + 4, ${hi}, true);`
    : size === 4
    ? `DV.setInt32(x, ${lo}, true);`
    : size === 2
    ? `DV.setUint16(x, ${lo}, true);`
    : `U8[x] = ${lo};`;
  return access(A, size, true, fast, `writeMem(c, a, ${size}, ${lo}, ${hi});`);
}

/** Code pushing 8 bytes (expressions lo, hi), as operands.ts push64. */
export function pushCode(lo: string, hi: string): string {
  const A = addrFrom(4, -1, 1, -8, "H[4] * 4294967296 + (L[4] >>> 0) - 8");
  return `{ ${A.setup} ${memSet(8, A, lo, hi)} ` +
    `const l4 = (L[4] - 8) | 0; L[4] = l4; if ((l4 >>> 0) > 4294967287) H[4] = (H[4] - 1) | 0; }`;
}

/** Code popping 8 bytes into the (declared) variables lo, hi, as operands.ts pop64. */
export function popCode(lo: string, hi: string): string {
  const A = addrFrom(4, -1, 1, 0, "H[4] * 4294967296 + (L[4] >>> 0)");
  return `{ ${A.setup} ${memGet(8, A, lo, hi)} ` +
    `const l4 = (L[4] + 8) | 0; L[4] = l4; if ((l4 >>> 0) < 8) H[4] = (H[4] + 1) | 0; }`;
}

/** Masks an immediate to `size` bytes, as operands.ts maskTo. */
export function maskImm(v: number, size: number): number {
  return size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v;
}

// ---- lazy flags ---------------------------------------------------------------------------------

/** The lazy-flag record aluOp leaves for `kind` on a0/a1, b0/b1 -> r0/r1. */
export function aluRecord(kind: number, size: number): string {
  return `c.fop = ${kind}; c.fsize = ${size}; c.fa = a0; c.fah = a1; c.fb = b0; c.fbh = b1; ` +
    `c.fr = r0; c.frh = r1; c.fcin = 0;`;
}

/** Code computing ADD/SUB/CMP/OR/AND/XOR (op 0-7 but ADC/SBB) into r0/r1 from a0/a1 and b0/b1
 * for size 4 or 8, followed by FLAGS, with the record aluOp leaves in g.record; undefined for
 * ADC and SBB. */
export function aluCode(g: Gen, op: number, size: number): string | undefined {
  let code: string, kind: number;
  switch (op) {
    case 0: // ADD
      kind = F_ADD;
      code = size === 8
        ? `r0 = (a0 + b0) | 0; r1 = (a1 + b1 + ((r0 >>> 0) < (a0 >>> 0) ? 1 : 0)) | 0;`
        : `r0 = (a0 + b0) | 0; r1 = 0;`;
      break;
    case 5: // SUB
    case 7: // CMP
      kind = F_SUB;
      code = size === 8
        ? `r0 = (a0 - b0) | 0; r1 = (a1 - b1 - ((a0 >>> 0) < (b0 >>> 0) ? 1 : 0)) | 0;`
        : `r0 = (a0 - b0) | 0; r1 = 0;`;
      break;
    case 1:
      kind = F_LOGIC;
      code = `r0 = a0 | b0; r1 = a1 | b1;`;
      break;
    case 4:
      kind = F_LOGIC;
      code = `r0 = a0 & b0; r1 = a1 & b1;`;
      break;
    case 6:
      kind = F_LOGIC;
      code = `r0 = a0 ^ b0; r1 = a1 ^ b1;`;
      break;
    default:
      return undefined;
  }
  g.record = aluRecord(kind, size);
  return `${code} ${FLAGS}`;
}

/** The record shifts and multiplies leave (F_CO): result r0/r1, CF in cf, OF in of. */
export function coRecord(size: number): string {
  return `c.fop = ${F_CO}; c.fsize = ${size}; c.fr = r0; c.frh = r1; c.fcin = cf; c.fb = of;`;
}

/** The flag-locals kind of ALU operation op (0-7) inlined by aluCode. */
export function localsKind(op: number): number {
  return op === 0 ? OP_ADD : op === 5 || op === 7 ? OP_SUB : OP_LOGIC;
}

/** CF of the last inlined operation as an expression, if it can be derived from the locals. */
export function cfExpr(g: Gen): string {
  const last = g.last;
  const general = () => {
    g.readsFlags = true;
    return "getCF(c)";
  };
  if (!last) return general();
  const below = (a0: string, a1: string, b0: string, b1: string) =>
    last.size === 8
      ? `((${a1} !== ${b1} ? (${a1} >>> 0) < (${b1} >>> 0) : (${a0} >>> 0) < (${b0} >>> 0)) ? 1 : 0)`
      : `((${a0} >>> 0) < (${b0} >>> 0) ? 1 : 0)`;
  switch (last.op) {
    case OP_LOGIC:
      return "0";
    case OP_SUB:
      return below("a0", "a1", "b0", "b1");
    case OP_ADD:
      return below("r0", "r1", "a0", "a1");
  }
  return general();
}

/** Condition cc (0-15) as an expression: direct from the locals when possible, else cond(). */
export function condExpr(g: Gen, cc: number): string {
  const last = g.last;
  if (!last) return generalCond(g, cc);
  const size = last.size;
  const zero = size === 8 ? "((r0 | r1) === 0)" : "(r0 === 0)";
  const sign = size === 8 ? "(r1 < 0)" : "(r0 < 0)";
  const neg = (e: string) => `!${e}`;
  if (cc === 4) return zero;
  if (cc === 5) return neg(zero);
  if (cc === 8) return sign;
  if (cc === 9) return neg(sign);
  if (last.op === OP_SUB) {
    const eq = size === 8 ? "(a0 === b0 && a1 === b1)" : "(a0 === b0)";
    const below = size === 8
      ? "(a1 !== b1 ? (a1 >>> 0) < (b1 >>> 0) : (a0 >>> 0) < (b0 >>> 0))"
      : "((a0 >>> 0) < (b0 >>> 0))";
    const less = size === 8 ? "(a1 !== b1 ? a1 < b1 : (a0 >>> 0) < (b0 >>> 0))" : "(a0 < b0)";
    switch (cc) {
      case 2:
        return below;
      case 3:
        return neg(below);
      case 6:
        return `(${below} || ${eq})`;
      case 7:
        return `!(${below} || ${eq})`;
      case 12:
        return less;
      case 13:
        return neg(less);
      case 14:
        return `(${less} || ${eq})`;
      case 15:
        return `!(${less} || ${eq})`;
    }
  }
  if (last.op === OP_LOGIC) {
    switch (cc) {
      case 0:
      case 2:
        return "false"; // OF = CF = 0
      case 1:
      case 3:
        return "true";
      case 6:
        return zero;
      case 7:
        return neg(zero);
      case 12:
        return sign; // SF != OF with OF = 0
      case 13:
        return neg(sign);
      case 14:
        return `(${zero} || ${sign})`;
      case 15:
        return `!(${zero} || ${sign})`;
    }
  }
  return generalCond(g, cc);
}

function generalCond(g: Gen, cc: number): string {
  g.readsFlags = true;
  return `cond(c, ${cc})`;
}
