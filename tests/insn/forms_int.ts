// Integer instruction forms of the differential test: ALU, INC/DEC/NOT/NEG, TEST, shifts and
// rotates, SHLD/SHRD, MUL/IMUL/DIV/IDIV, bit tests and scans, MOV/MOVZX/MOVSX, sign extensions,
// XCHG, CMOVcc/SETcc, BSWAP, CMPXCHG/XADD, LEA, flag instructions, string instructions, NOPs and
// trapping instructions. Names follow Intel's operand notation; "(reg)"/"(mem)" says whether the
// r/m operand is a register or [rbx+0x10].

import {
  AH,
  BH,
  CH,
  DH,
  enc,
  le,
  plain,
  R10,
  R11,
  R12,
  R13,
  R14,
  R15,
  R8,
  R9,
  RAX,
  RBP,
  RBX,
  RCX,
  RDI,
  RDX,
  regName,
  RSI,
  RSP,
  sized,
} from "./asm.ts";
import {
  AF,
  ARITH,
  CF,
  DF,
  type Form,
  getLoc,
  type Loc,
  MEM,
  MEM_FIXED,
  MEM_OFFSET,
  OF,
  PF,
  setLoc,
  SF,
  ZF,
} from "./form.ts";
import { DATA_ADDR, O_DATA, O_RFLAGS, type Rec } from "./record.ts";
import { intEdge, mask, type Rng } from "./values.ts";

const forms: Form[] = [];
const WIDTHS = [8, 16, 32, 64];
const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const MEM_LOC: Loc = { mem: MEM_OFFSET };

// Register pairs (destination, source), rotated through so that every register number and REX bit
// shows up; rsp (the scratch stack) and rbx (the memory base) are left out.
const PAIRS: [number, number][] = [
  [RCX, RDX],
  [RSI, R9],
  [R10, RAX],
  [R13, RBP],
  [RDI, R15],
  [R8, R12],
  [RDX, R11],
  [R14, RCX],
];
let turn = 0;
function pair(): [number, number] {
  return PAIRS[turn++ % PAIRS.length];
}

function add(f: Form): void {
  forms.push(f);
}

/** r/m operand for a register or memory variant, and the matching Form fields. */
function rmOf(mem: boolean, reg: number): { rm: number | typeof MEM; fixed?: [number, bigint][] } {
  return mem ? { rm: MEM, fixed: MEM_FIXED } : { rm: reg };
}

function immOf(g: Rng, width: number): number[] {
  return le(intEdge(g, width), width / 8);
}

function immWidth(width: number): number {
  return width === 64 ? 32 : width;
}

const ACC = (w: number) => regName(RAX, w);

// ---- ALU ----------------------------------------------------------------------------------------

for (let op = 0; op < 8; op++) {
  const n = ALU[op];
  const undef = op === 1 || op === 4 || op === 6 ? AF : 0;
  for (const w of WIDTHS) {
    const { pfx, w: rexW } = sized(w);
    const byte = w === 8;
    const b = op * 8 + (byte ? 0 : 1);
    const iw = immWidth(w);
    for (const mem of [false, true]) {
      const kind = mem ? "mem" : "reg";
      const [d, s] = pair();
      const { rm, fixed } = rmOf(mem, d);
      add({
        name: `${n} r/m${w}, r${w} (${kind})`,
        family: "alu",
        code: enc({ pfx, w: rexW, op: [b], reg: s, rm, byte }),
        width: w,
        fixed,
        undef,
      });
      add({
        name: `${n} r${w}, r/m${w} (${kind})`,
        family: "alu",
        code: enc({ pfx, w: rexW, op: [b + 2], reg: d, rm: mem ? MEM : s, byte }),
        width: w,
        fixed,
        undef,
      });
      add({
        name: `${n} r/m${w}, imm${iw} (${kind})`,
        family: "alu",
        code: (g) =>
          enc({ pfx, w: rexW, op: [byte ? 0x80 : 0x81], ext: op, rm, imm: immOf(g, iw), byte }),
        width: w,
        fixed,
        undef,
      });
      if (!byte) {
        add({
          name: `${n} r/m${w}, imm8 (${kind})`,
          family: "alu",
          code: (g) => enc({ pfx, w: rexW, op: [0x83], ext: op, rm, imm: immOf(g, 8) }),
          width: w,
          fixed,
          undef,
        });
      }
    }
    add({
      name: `${n} ${ACC(w)}, imm${iw}`,
      family: "alu",
      code: (g) => plain([b + 4], { pfx, w: rexW, imm: immOf(g, iw) }),
      width: w,
      undef,
    });
  }
}
// High-byte registers, REX byte registers and same-register operands.
// deno-fmt-ignore
const ALU_EXTRA: [string, number, number, number, number][] = [
  // name, opcode, reg, rm, width
  ["add r/m8, r8 (ah, ch)", 0x00, CH, AH, 8],
  ["sub r8, r/m8 (bh, dh)", 0x2a, BH, DH, 8],
  ["adc r/m8, r8 (dh, al)", 0x10, RAX, DH, 8],
  ["and r/m8, r8 (r8b, sil)", 0x20, RSI, R8, 8],
  ["xor r8, r/m8 (bpl, dil)", 0x32, RBP, RDI, 8],
  ["sub r/m32, r32 (same register)", 0x29, RDX, RDX, 32],
  ["xor r/m64, r64 (same register)", 0x31, R11, R11, 64],
  ["sbb r/m64, r64 (same register)", 0x19, RCX, RCX, 64],
  ["cmp r/m16, r16 (same register)", 0x39, RSI, RSI, 16],
];
for (const [name, op, reg, rm, w] of ALU_EXTRA) {
  const { pfx, w: rexW } = sized(w);
  const logic = [0x08, 0x09, 0x0a, 0x0b, 0x20, 0x21, 0x22, 0x23, 0x30, 0x31, 0x32, 0x33];
  add({
    name,
    family: "alu",
    code: enc({ pfx, w: rexW, op: [op], reg, rm, byte: w === 8 }),
    width: w,
    undef: logic.includes(op) ? AF : 0,
  });
}
add({
  name: "xor r/m8, imm8 (ah)",
  family: "alu",
  code: (g) => enc({ op: [0x80], ext: 6, rm: AH, imm: immOf(g, 8), byte: true }),
  width: 8,
  undef: AF,
});

// ---- INC DEC NOT NEG TEST ------------------------------------------------------------------------

// deno-fmt-ignore
const UNARY: [string, number, number][] = [["inc", 0xfe, 0], ["dec", 0xfe, 1], ["not", 0xf6, 2], ["neg", 0xf6, 3]];
for (const [n, op, ext] of UNARY) {
  for (const w of WIDTHS) {
    const { pfx, w: rexW } = sized(w);
    for (const mem of [false, true]) {
      const { rm, fixed } = rmOf(mem, pair()[0]);
      add({
        name: `${n} r/m${w} (${mem ? "mem" : "reg"})`,
        family: "alu",
        code: enc({ pfx, w: rexW, op: [op + (w === 8 ? 0 : 1)], ext, rm, byte: w === 8 }),
        width: w,
        fixed,
      });
    }
  }
}
for (const w of WIDTHS) {
  const { pfx, w: rexW } = sized(w);
  const byte = w === 8;
  const iw = immWidth(w);
  for (const mem of [false, true]) {
    const kind = mem ? "mem" : "reg";
    const [d, s] = pair();
    const { rm, fixed } = rmOf(mem, d);
    add({
      name: `test r/m${w}, r${w} (${kind})`,
      family: "alu",
      code: enc({ pfx, w: rexW, op: [byte ? 0x84 : 0x85], reg: s, rm, byte }),
      width: w,
      fixed,
      undef: AF,
    });
    add({
      name: `test r/m${w}, imm${iw} (${kind})`,
      family: "alu",
      code: (g) =>
        enc({ pfx, w: rexW, op: [byte ? 0xf6 : 0xf7], ext: 0, rm, imm: immOf(g, iw), byte }),
      width: w,
      fixed,
      undef: AF,
    });
  }
  add({
    name: `test ${ACC(w)}, imm${iw}`,
    family: "alu",
    code: (g) => plain([byte ? 0xa8 : 0xa9], { pfx, w: rexW, imm: immOf(g, iw) }),
    width: w,
    undef: AF,
  });
}
add({
  name: "test r/m8, imm8 (F6 /1 alias)",
  family: "alu",
  code: (g) => enc({ op: [0xf6], ext: 1, rm: RDX, imm: immOf(g, 8), byte: true }),
  width: 8,
  undef: AF,
});

// ---- shifts and rotates -------------------------------------------------------------------------

const SHIFTS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];

/** Shifted registers: never rcx, which holds the count of the CL forms. */
const SHIFTED = [RDX, RSI, R9, R10, RAX, R13, RBP, RDI, R15, R8, R12, R11, R14];

function shiftCount(g: Rng, width: number): number {
  return g.chance(0.7)
    ? g.pick([0, 1, 2, width - 1, width, width + 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65])
    : g.below(256);
}

function shiftUndef(ext: number, width: number, count: number): number {
  const c = count & (width === 64 ? 63 : 31);
  if (c === 0) return 0;
  const of = c !== 1 ? OF : 0;
  if (ext < 4) return of; // rotates: only OF, and only for counts other than 1
  const cf = ext !== 7 && c >= width ? CF : 0; // SHL/SHR by the width or more
  return AF | of | cf;
}

for (const ext of [0, 1, 2, 3, 4, 5, 6, 7]) {
  const n = SHIFTS[ext];
  for (const w of WIDTHS) {
    if (ext === 6 && w !== 32) continue; // SAL is SHL's alias (/6): one width is enough
    const { pfx, w: rexW } = sized(w);
    const byte = w === 8;
    const o = byte ? 0 : 1;
    for (const mem of [false, true]) {
      const kind = mem ? "mem" : "reg";
      const { rm, fixed } = rmOf(mem, SHIFTED[turn++ % SHIFTED.length]);
      if (!mem || w === 32) {
        add({
          name: `${n} r/m${w}, 1 (${kind})`,
          family: "shift",
          code: enc({ pfx, w: rexW, op: [0xd0 + o], ext, rm, byte }),
          width: w,
          fixed,
          undef: shiftUndef(ext, w, 1),
        });
      }
      add({
        name: `${n} r/m${w}, cl (${kind})`,
        family: "shift",
        code: enc({ pfx, w: rexW, op: [0xd2 + o], ext, rm, byte }),
        width: w,
        fixed,
        prep: (s, g) => setLoc(s, { reg: RCX }, 8, BigInt(shiftCount(g, w))),
        undef: (s) => shiftUndef(ext, w, Number(s.gpr(RCX) & 0xffn)),
      });
      if (!mem || w === 64) {
        add({
          name: `${n} r/m${w}, imm8 (${kind})`,
          family: "shift",
          code: (g) =>
            enc({ pfx, w: rexW, op: [0xc0 + o], ext, rm, imm: [shiftCount(g, w)], byte }),
          width: w,
          fixed,
          undef: (_s, code) => shiftUndef(ext, w, code[code.length - 1]),
        });
      }
    }
  }
}

// SHLD/SHRD: counts above 16 leave a 16-bit result undefined, so 16-bit counts stay at or below.
function doubleCount(g: Rng, width: number): number {
  if (width === 16) return g.pick([0, 1, 2, 7, 8, 15, 16, 32, 33, 47, 48, 96]);
  return shiftCount(g, width);
}
function doubleUndef(width: number, count: number): number {
  const c = count & (width === 64 ? 63 : 31);
  return c === 0 ? 0 : AF | (c !== 1 ? OF : 0);
}
for (const [n, op] of [["shld", 0xa4], ["shrd", 0xac]] as const) {
  for (const w of [16, 32, 64]) {
    const { pfx, w: rexW } = sized(w);
    for (const mem of [false, true]) {
      const kind = mem ? "mem" : "reg";
      const [d, s0] = pair();
      const s = s0 === RCX ? R9 : s0;
      const { rm, fixed } = rmOf(mem, d === RCX ? RSI : d);
      add({
        name: `${n} r/m${w}, r${w}, imm8 (${kind})`,
        family: "shift",
        code: (g) => enc({ pfx, w: rexW, op: [0x0f, op], reg: s, rm, imm: [doubleCount(g, w)] }),
        width: w,
        fixed,
        undef: (_s, code) => doubleUndef(w, code[code.length - 1]),
      });
      add({
        name: `${n} r/m${w}, r${w}, cl (${kind})`,
        family: "shift",
        code: enc({ pfx, w: rexW, op: [0x0f, op + 1], reg: s, rm }),
        width: w,
        fixed,
        prep: (st, g) => setLoc(st, { reg: RCX }, 8, BigInt(doubleCount(g, w))),
        undef: (st) => doubleUndef(w, Number(st.gpr(RCX) & 0xffn)),
      });
    }
  }
}

// ---- MUL IMUL DIV IDIV --------------------------------------------------------------------------

const DIVISORS = [RCX, RSI, R9, RBX, R13, RDI, R10];

function shapeDivision(s: Rec, g: Rng, w: number, divisor: Loc, signed: boolean): void {
  const hiLoc: Loc = { reg: w === 8 ? AH : RDX };
  const loLoc: Loc = { reg: RAX };
  const m = mask(w);
  const r = g.below(20);
  if (r === 0) {
    setLoc(s, divisor, w, 0n);
    return;
  }
  if (signed && r === 1) {
    setLoc(s, hiLoc, w, m);
    setLoc(s, loLoc, w, 1n << BigInt(w - 1));
    setLoc(s, divisor, w, m);
    return;
  }
  if (r >= 15) return; // as drawn: mostly quotient overflow
  let d = getLoc(s, divisor, w);
  if (d === 0n) setLoc(s, divisor, w, d = 1n + g.bits(w - 1));
  if (signed) {
    const lo = getLoc(s, loLoc, w);
    setLoc(s, hiLoc, w, lo >> BigInt(w - 1) ? m : 0n);
  } else setLoc(s, hiLoc, w, g.bits(w) % d);
}

// deno-fmt-ignore
const MULDIV: [string, number, number][] = [
  ["mul", 4, SF | ZF | AF | PF], ["imul", 5, SF | ZF | AF | PF], ["div", 6, ARITH], ["idiv", 7, ARITH],
];
let divTurn = 0;
for (const [n, ext, undef] of MULDIV) {
  for (const w of WIDTHS) {
    const { pfx, w: rexW } = sized(w);
    for (const mem of [false, true]) {
      const reg = DIVISORS[divTurn++ % DIVISORS.length];
      const { rm, fixed } = rmOf(mem, reg);
      const loc: Loc = mem ? MEM_LOC : { reg };
      add({
        name: `${n} r/m${w} (${mem ? "mem" : "reg"})`,
        family: "muldiv",
        code: enc({ pfx, w: rexW, op: [w === 8 ? 0xf6 : 0xf7], ext, rm, byte: w === 8 }),
        width: w,
        fixed,
        prep: ext >= 6 ? (s, g) => shapeDivision(s, g, w, loc, ext === 7) : undefined,
        undef,
      });
    }
  }
}
for (const w of [16, 32, 64]) {
  const { pfx, w: rexW } = sized(w);
  const iw = immWidth(w);
  for (const mem of [false, true]) {
    const kind = mem ? "mem" : "reg";
    const [d, s] = pair();
    const rm = mem ? MEM : s;
    const fixed = mem ? MEM_FIXED : undefined;
    const undef = SF | ZF | AF | PF;
    add({
      name: `imul r${w}, r/m${w} (${kind})`,
      family: "muldiv",
      code: enc({ pfx, w: rexW, op: [0x0f, 0xaf], reg: d, rm }),
      width: w,
      fixed,
      undef,
    });
    add({
      name: `imul r${w}, r/m${w}, imm${iw} (${kind})`,
      family: "muldiv",
      code: (g) => enc({ pfx, w: rexW, op: [0x69], reg: d, rm, imm: immOf(g, iw) }),
      width: w,
      fixed,
      undef,
    });
    add({
      name: `imul r${w}, r/m${w}, imm8 (${kind})`,
      family: "muldiv",
      code: (g) => enc({ pfx, w: rexW, op: [0x6b], reg: d, rm, imm: immOf(g, 8) }),
      width: w,
      fixed,
      undef,
    });
  }
}

// ---- BT BTS BTR BTC BSF BSR ---------------------------------------------------------------------

// deno-fmt-ignore
const BT: [string, number, number][] = [["bt", 0xa3, 4], ["bts", 0xab, 5], ["btr", 0xb3, 6], ["btc", 0xbb, 7]];
for (const [n, op, ext] of BT) {
  for (const w of [16, 32, 64]) {
    const { pfx, w: rexW } = sized(w);
    const undef = OF | SF | AF | PF;
    for (const mem of [false, true]) {
      const kind = mem ? "mem" : "reg";
      const [d, s] = pair();
      const { rm, fixed } = rmOf(mem, d);
      add({
        name: `${n} r/m${w}, r${w} (${kind})`,
        family: "bit",
        code: enc({ pfx, w: rexW, op: [0x0f, op], reg: s, rm }),
        width: w,
        fixed,
        // A memory bit string is addressed by the signed offset: keep it inside the window.
        prep: mem
          ? (st, g) => setLoc(st, { reg: s }, w, BigInt(g.below(1536) - 768))
          : (st, g) => setLoc(st, { reg: s }, 8, BigInt(g.below(256))),
        undef,
      });
      add({
        name: `${n} r/m${w}, imm8 (${kind})`,
        family: "bit",
        code: (g) => enc({ pfx, w: rexW, op: [0x0f, 0xba], ext, rm, imm: [g.below(256)] }),
        width: w,
        fixed,
        undef,
      });
    }
  }
}
for (const [n, op] of [["bsf", 0xbc], ["bsr", 0xbd]] as const) {
  for (const w of [16, 32, 64]) {
    const { pfx, w: rexW } = sized(w);
    for (const mem of [false, true]) {
      const [d, s] = pair();
      const src: Loc = mem ? MEM_LOC : { reg: s };
      add({
        name: `${n} r${w}, r/m${w} (${mem ? "mem" : "reg"})`,
        family: "bit",
        code: enc({ pfx, w: rexW, op: [0x0f, op], reg: d, rm: mem ? MEM : s }),
        width: w,
        fixed: mem ? MEM_FIXED : undefined,
        prep: (st, g) => {
          if (g.chance(0.2)) setLoc(st, src, w, 0n);
        },
        undef: CF | OF | SF | AF | PF,
      });
    }
  }
}

// ---- MOV MOVZX MOVSX MOVSXD CBW..CQO XCHG BSWAP -------------------------------------------------

for (const w of WIDTHS) {
  const { pfx, w: rexW } = sized(w);
  const byte = w === 8;
  const o = byte ? 0 : 1;
  for (const mem of [false, true]) {
    const kind = mem ? "mem" : "reg";
    const [d, s] = pair();
    const { rm, fixed } = rmOf(mem, d);
    add({
      name: `mov r/m${w}, r${w} (${kind})`,
      family: "mov",
      code: enc({ pfx, w: rexW, op: [0x88 + o], reg: s, rm, byte }),
      width: w,
      fixed,
    });
    add({
      name: `mov r${w}, r/m${w} (${kind})`,
      family: "mov",
      code: enc({ pfx, w: rexW, op: [0x8a + o], reg: d, rm: mem ? MEM : s, byte }),
      width: w,
      fixed,
    });
    add({
      name: `mov r/m${w}, imm${immWidth(w)} (${kind})`,
      family: "mov",
      code: (g) =>
        enc({ pfx, w: rexW, op: [0xc6 + o], ext: 0, rm, imm: immOf(g, immWidth(w)), byte }),
      width: w,
      fixed,
    });
    add({
      name: `xchg r/m${w}, r${w} (${kind})`,
      family: "mov",
      code: enc({ pfx, w: rexW, op: [0x86 + o], reg: s, rm, byte }),
      width: w,
      fixed,
    });
  }
  add({
    name: `mov r${w}, imm${w} (B0+r/B8+r)`,
    family: "mov",
    code: (g) => plain([(byte ? 0xb0 : 0xb8) + 3], { pfx, w: rexW, b: true, imm: immOf(g, w) }),
    width: w,
  });
  add({
    name: `mov ${ACC(w)}, moffs${w}`,
    family: "mov",
    code: plain([0xa0 + o], { pfx, w: rexW, imm: le(DATA_ADDR + 0x88, 8) }),
    width: w,
  });
  add({
    name: `mov moffs${w}, ${ACC(w)}`,
    family: "mov",
    code: plain([0xa2 + o], { pfx, w: rexW, imm: le(DATA_ADDR + 0x88, 8) }),
    width: w,
  });
}
for (const w of [32, 64]) {
  add({
    name: `movnti m${w}, r${w}`,
    family: "mov",
    code: enc({ w: w === 64, op: [0x0f, 0xc3], reg: R9, rm: MEM }),
    width: w,
    fixed: MEM_FIXED,
  });
}
// deno-fmt-ignore
const EXTEND: [string, number, number, number][] = [
  // mnemonic, second opcode byte, destination width, source width
  ["movzx", 0xb6, 16, 8], ["movzx", 0xb6, 32, 8], ["movzx", 0xb6, 64, 8],
  ["movzx", 0xb7, 32, 16], ["movzx", 0xb7, 64, 16],
  ["movsx", 0xbe, 16, 8], ["movsx", 0xbe, 32, 8], ["movsx", 0xbe, 64, 8],
  ["movsx", 0xbf, 32, 16], ["movsx", 0xbf, 64, 16],
];
for (const [n, op, dw, sw] of EXTEND) {
  const { pfx, w: rexW } = sized(dw);
  for (const mem of [false, true]) {
    const [d, s] = pair();
    add({
      name: `${n} r${dw}, r/m${sw} (${mem ? "mem" : "reg"})`,
      family: "mov",
      code: enc({ pfx, w: rexW, op: [0x0f, op], reg: d, rm: mem ? MEM : s }),
      width: sw,
      fixed: mem ? MEM_FIXED : undefined,
    });
  }
}
add({
  name: "movzx r32, r/m8 (ah)",
  family: "mov",
  code: enc({ op: [0x0f, 0xb6], reg: RDX, rm: AH, byte: true }),
  width: 16,
});
add({
  name: "movsx r32, r/m8 (bh)",
  family: "mov",
  code: enc({ op: [0x0f, 0xbe], reg: RCX, rm: BH, byte: true }),
  width: 16,
});
for (const mem of [false, true]) {
  add({
    name: `movsxd r64, r/m32 (${mem ? "mem" : "reg"})`,
    family: "mov",
    code: enc({ w: true, op: [0x63], reg: R11, rm: mem ? MEM : RSI }),
    width: 32,
    fixed: mem ? MEM_FIXED : undefined,
  });
}
// deno-fmt-ignore
const SIGN: [string, number[], number][] = [
  ["cbw", [0x66, 0x98], 8], ["cwde", [0x98], 16], ["cdqe", [0x48, 0x98], 32],
  ["cwd", [0x66, 0x99], 16], ["cdq", [0x99], 32], ["cqo", [0x48, 0x99], 64],
];
for (const [n, code, w] of SIGN) add({ name: n, family: "mov", code, width: w });
for (const w of [16, 32, 64]) {
  const { pfx, w: rexW } = sized(w);
  add({
    name: `xchg ${ACC(w)}, r${w} (90+r)`,
    family: "mov",
    code: plain([0x90 + 5], { pfx, w: rexW }),
    width: w,
  });
}
add({ name: "xchg r64, rax (REX.B 90: r8)", family: "mov", code: [0x49, 0x90], width: 64 });
add({ name: "xchg eax, eax (87 c0)", family: "mov", code: [0x87, 0xc0], width: 32 });
for (
  const [name, code] of [
    ["bswap r32", [0x0f, 0xc9]],
    ["bswap r32 (r9d)", [0x41, 0x0f, 0xc9]],
    ["bswap r64", [0x48, 0x0f, 0xca]],
    ["bswap r64 (r11)", [0x49, 0x0f, 0xcb]],
  ] as const
) add({ name, family: "mov", code: [...code] });

// ---- CMOVcc SETcc -------------------------------------------------------------------------------

for (let cc = 0; cc < 16; cc++) {
  for (const w of [16, 32, 64]) {
    const { pfx, w: rexW } = sized(w);
    const [d, s] = pair();
    add({
      name: `cmov${CC[cc]} r${w}, r/m${w} (reg)`,
      family: "mov",
      code: enc({ pfx, w: rexW, op: [0x0f, 0x40 + cc], reg: d, rm: s }),
      width: w,
    });
  }
  add({
    name: `cmov${CC[cc]} r32, r/m32 (mem)`,
    family: "mov",
    code: enc({ op: [0x0f, 0x40 + cc], reg: R8, rm: MEM }),
    width: 32,
    fixed: MEM_FIXED,
  });
  const r8 = [RCX, AH, RSI, R10][cc % 4];
  add({
    name: `set${CC[cc]} r/m8 (reg ${regName(r8, 8)})`,
    family: "mov",
    code: enc({ op: [0x0f, 0x90 + cc], ext: 0, rm: r8, byte: true }),
    width: 8,
  });
  add({
    name: `set${CC[cc]} r/m8 (mem)`,
    family: "mov",
    code: enc({ op: [0x0f, 0x90 + cc], ext: 0, rm: MEM }),
    width: 8,
    fixed: MEM_FIXED,
  });
}

// ---- CMPXCHG XADD CMPXCHG8B/16B -----------------------------------------------------------------

for (const w of WIDTHS) {
  const { pfx, w: rexW } = sized(w);
  const byte = w === 8;
  for (const mem of [false, true]) {
    const kind = mem ? "mem" : "reg";
    const [d0, s] = pair();
    const d = d0 === RAX ? RDI : d0;
    const { rm, fixed } = rmOf(mem, d);
    const dest: Loc = mem ? MEM_LOC : { reg: d };
    add({
      name: `cmpxchg r/m${w}, r${w} (${kind})`,
      family: "atomic",
      code: enc({ pfx, w: rexW, op: [0x0f, byte ? 0xb0 : 0xb1], reg: s, rm, byte }),
      width: w,
      fixed,
      prep: (st, g) => {
        if (g.chance(0.5)) setLoc(st, { reg: RAX }, w, getLoc(st, dest, w));
      },
    });
    add({
      name: `xadd r/m${w}, r${w} (${kind})`,
      family: "atomic",
      code: enc({ pfx, w: rexW, op: [0x0f, byte ? 0xc0 : 0xc1], reg: s, rm, byte }),
      width: w,
      fixed,
    });
  }
}
add({
  name: "cmpxchg r/m32, r32 (same register as eax)",
  family: "atomic",
  code: enc({ op: [0x0f, 0xb1], reg: RCX, rm: RAX }),
  width: 32,
});
for (const [n, w] of [["cmpxchg8b m64", 32], ["cmpxchg16b m128", 64]] as const) {
  add({
    name: n,
    family: "atomic",
    code: enc({ w: w === 64, op: [0x0f, 0xc7], ext: 1, rm: MEM }),
    width: w,
    fixed: MEM_FIXED,
    prep: (st, g) => {
      if (!g.chance(0.5)) return;
      setLoc(st, { reg: RAX }, w, getLoc(st, MEM_LOC, w));
      setLoc(st, { reg: RDX }, w, getLoc(st, { mem: MEM_OFFSET + w / 8 }, w));
    },
  });
}
// deno-fmt-ignore
const LOCKED: [string, number[]][] = [
  ["lock add r/m32, r32 (mem)", [0xf0, ...enc({ op: [0x01], reg: RCX, rm: MEM })]],
  ["lock xadd r/m64, r64 (mem)", [0xf0, ...enc({ w: true, op: [0x0f, 0xc1], reg: RDX, rm: MEM })]],
  ["lock cmpxchg r/m32, r32 (mem)", [0xf0, ...enc({ op: [0x0f, 0xb1], reg: RSI, rm: MEM })]],
  ["lock bts r/m64, imm8 (mem)", [0xf0, ...enc({ w: true, op: [0x0f, 0xba], ext: 5, rm: MEM, imm: [37] })]],
  ["lock dec r/m16 (mem)", [0xf0, ...enc({ pfx: [0x66], op: [0xff], ext: 1, rm: MEM })]],
  ["lock xchg r/m8, r8 (mem)", [0xf0, ...enc({ op: [0x86], reg: RDI, rm: MEM, byte: true })]],
];
for (const [name, code] of LOCKED) {
  const undef = name.includes("bts") ? OF | SF | AF | PF : 0;
  add({ name, family: "atomic", code, fixed: MEM_FIXED, undef });
}

// ---- LEA ----------------------------------------------------------------------------------------

// deno-fmt-ignore
const LEA: [string, number, number, typeof MEM, boolean?][] = [
  // name, width, destination, address, 0x67
  ["lea r64, [base+index*4+disp8]", 64, RDX, { base: RAX, index: RCX, scale: 4, disp: 0x12 }],
  ["lea r64, [base+index*8-disp8]", 64, R9, { base: RSI, index: RDI, scale: 8, disp: -0x80 }],
  ["lea r64, [base+index*1+disp32]", 64, R15, { base: R12, index: R13, scale: 1, disp: 0x12345678 }],
  ["lea r64, [base+index*2] (r13 base)", 64, RCX, { base: R13, index: R8, scale: 2, disp: 0 }],
  ["lea r64, [rbp+disp8]", 64, RAX, { base: RBP, disp: 0 }],
  ["lea r64, [index*4+disp32] (no base)", 64, R10, { index: RDX, scale: 4, disp: -0x1000 }],
  ["lea r64, [rsp+index*2+disp8]", 64, RSI, { base: RSP, index: RCX, scale: 2, disp: 8 }],
  ["lea r64, [rip+disp32]", 64, RDI, { rip: true, disp: -0x123 }],
  ["lea r32, [base+index*2+disp8]", 32, R11, { base: RAX, index: RAX, scale: 2, disp: 5 }],
  ["lea r16, [base+index*8+disp32]", 16, RDX, { base: R14, index: R15, scale: 8, disp: -0x7fffffff }],
  ["lea r32, [base+index*4+disp8] (67: 32-bit address)", 32, RCX, { base: RSI, index: R9, scale: 4, disp: -3 }, true],
  ["lea r64, [base+index*1] (67: 32-bit address)", 64, RAX, { base: RDX, index: RCX, scale: 1, disp: 0 }, true],
];
for (const [name, w, d, m, a32] of LEA) {
  const { pfx, w: rexW } = sized(w);
  add({
    name,
    family: "mov",
    code: enc({ pfx: [...pfx, ...(a32 ? [0x67] : [])], w: rexW, op: [0x8d], reg: d, rm: m }),
    width: w,
  });
}

// ---- addressing ---------------------------------------------------------------------------------

/** ebx + esi wraps past 2^32 onto window offset 0x80; the upper halves are random (ignored). */
function wrap32(s: Rec, g: Rng): void {
  s.setGpr(RBX, (BigInt(g.u32()) << 32n) | BigInt(DATA_ADDR + 0x180));
  s.setGpr(RSI, (BigInt(g.u32()) << 32n) | 0xffffff00n);
}
const WRAPPED = { base: RBX, index: RSI, scale: 1 as const };
add({
  name: "mov r32, m32 (67: [ebx+esi] wraps at 2^32)",
  family: "mov",
  code: enc({ pfx: [0x67], op: [0x8b], reg: RCX, rm: { ...WRAPPED, disp: 0 } }),
  width: 32,
  prep: wrap32,
});
add({
  name: "add m64, r64 (67: [ebx+esi+disp8] wraps at 2^32)",
  family: "alu",
  code: enc({ pfx: [0x67], w: true, op: [0x01], reg: RDX, rm: { ...WRAPPED, disp: 0x10 } }),
  width: 64,
  prep: wrap32,
});
add({
  name: "mov r32, m32 ([rip+disp32]: its own bytes)",
  family: "mov",
  code: [0x8b, 0x05, ...le(-6, 4)],
  width: 32,
});
// deno-fmt-ignore
const CROSSING: [string, number[], number][] = [
  ["mov r64, m64 (crossing into an unmapped page: #PF)", [0x48, 0x8b, 0x03], 0xffc],
  ["mov m32, r32 (crossing into an unmapped page: #PF)", [0x89, 0x0b], 0xffe],
  ["mov m64, r64 (crossing into an unmapped page: #PF)", [0x48, 0x89, 0x0b], 0xffa],
  ["add m16, r16 (crossing into an unmapped page: #PF)", [0x66, 0x01, 0x0b], 0xfff],
];
for (const [name, code, at] of CROSSING) {
  add({ name, family: "mov", code, fixed: [[RBX, BigInt(DATA_ADDR + at)]] });
}

// ---- flag instructions, NOPs, traps -------------------------------------------------------------

// deno-fmt-ignore
const SIMPLE: [string, number[]][] = [
  ["lahf", [0x9f]], ["sahf", [0x9e]], ["cmc", [0xf5]], ["clc", [0xf8]], ["stc", [0xf9]],
  ["cld", [0xfc]], ["std", [0xfd]],
  ["nop", [0x90]], ["pause (F3 90)", [0xf3, 0x90]], ["nop r/m32 (0F 1F /0)", [0x0f, 0x1f, 0x44, 0x00, 0x00]],
  ["xchg ax, ax (66 90)", [0x66, 0x90]], ["endbr64", [0xf3, 0x0f, 0x1e, 0xfa]],
  ["prefetcht0 m8", [0x0f, 0x18, 0x4b, 0x10]],
  ["ud2 (#UD)", [0x0f, 0x0b]], ["int3 (#BP)", [0xcc]], ["hlt (#GP)", [0xf4]],
  ["lock add r/m32, r32 (reg: #UD)", [0xf0, 0x01, 0xc8]],
  ["mov r32, m32 (unmapped: #PF)", [0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00]],
  ["mov m32, r32 (unmapped: #PF)", [0x89, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00]],
];
for (const [name, code] of SIMPLE) add({ name, family: "misc", code, fixed: MEM_FIXED });

// ---- string instructions ------------------------------------------------------------------------

const STRING: [string, number, string[]][] = [
  ["movs", 0xa4, ["", "rep "]],
  ["stos", 0xaa, ["", "rep "]],
  ["lods", 0xac, ["", "rep "]],
  ["cmps", 0xa6, ["", "repe ", "repne "]],
  ["scas", 0xae, ["", "repe ", "repne "]],
];
const SUFFIX: Record<number, string> = { 8: "b", 16: "w", 32: "d", 64: "q" };

/** rsi/rdi inside the window whatever DF says; small counts; equal runs so REPE/REPNE vary. */
function shapeString(s: Rec, g: Rng, w: number, rep: boolean, scan: boolean): void {
  const rsi = 0x48 + g.below(16), rdi = 0xa8 + g.below(16);
  s.setGpr(RSI, BigInt(DATA_ADDR + rsi));
  s.setGpr(RDI, BigInt(DATA_ADDR + rdi));
  if (rep) s.setGpr(RCX, BigInt(g.chance(0.1) ? 0 : g.below(9)));
  const span = 72;
  const down = (s.u32(O_RFLAGS) & DF) !== 0;
  const srcStart = down ? rsi - span + w / 8 : rsi;
  const dstStart = down ? rdi - span + w / 8 : rdi;
  if (g.chance(0.6)) {
    for (let k = 0; k < span; k++) {
      const v = scan
        ? Number((s.gpr(RAX) >> BigInt(8 * (k % (w / 8)))) & 0xffn)
        : s.u8(O_DATA + srcStart + k);
      s.setU8(O_DATA + dstStart + k, v);
    }
    if (g.chance(0.7)) s.setU8(O_DATA + dstStart + g.below(span), g.below(256));
  }
}
for (const [n, op, reps] of STRING) {
  for (const rep of reps) {
    for (const w of WIDTHS) {
      const { pfx, w: rexW } = sized(w);
      const repPfx = rep === "" ? [] : rep === "repne " ? [0xf2] : [0xf3];
      const scan = n === "scas";
      add({
        name: `${rep}${n}${SUFFIX[w]}`,
        family: "string",
        code: plain([op + (w === 8 ? 0 : 1)], { pfx: [...repPfx, ...pfx], w: rexW }),
        width: w,
        prep: (s, g) => shapeString(s, g, w, rep !== "", scan),
      });
    }
  }
}

export const INT_FORMS: readonly Form[] = forms;
