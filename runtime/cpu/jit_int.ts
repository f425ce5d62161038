// Translation templates for integer instructions: MOV family, LEA, ALU (all forms and sizes),
// TEST, INC/DEC, NOT/NEG, shifts, IMUL, MOVZX/MOVSX, CMOVcc, SETcc, CBW/CWD families, XCHG,
// stack operations and branches. Each row pairs an interpreter handler with a template that
// returns inline code for one instruction, or undefined to call the handler.
//
// Templates mirror the handlers in ops/ step by step (jit_gen.ts states the contract). Common
// 32/64-bit ALU forms record lazy flags inline so that a following Jcc/SETcc/CMOVcc can test the
// operands directly; rarer forms call the handlers' own cores (aluOp, shiftOp, imulTrunc) with
// the operands fetched inline, which shares their semantics by construction.

import type { Exec, Insn } from "./insn.ts";
import {
  addrFrom,
  addrFromDouble,
  addrOf,
  aluCode,
  cfExpr,
  condExpr,
  coRecord,
  FLAGS,
  type Gen,
  localsKind,
  maskImm,
  memGet,
  memSet,
  OP_CO,
  OP_DEC,
  OP_INC,
  OP_LOGIC,
  OP_SUB,
  popCode,
  pushCode,
  regGet,
  regSet,
} from "./jit_gen.ts";
import {
  aluAI,
  aluEG,
  aluEI,
  aluGE,
  decE,
  incE,
  negE,
  notE,
  testAI,
  testEG,
  testEI,
} from "./ops/alu.ts";
import { callE, callRel, jcc, jmpE, jmpRel, ret } from "./ops/branch.ts";
import { nop } from "./ops/misc.ts";
import {
  cbw,
  cmov,
  cwd,
  lea,
  movEG,
  movEI,
  movGE,
  movRI,
  movsxB,
  movsxd,
  movsxW,
  movzxB,
  movzxW,
  setcc,
  xchgAR,
  xchgEG,
} from "./ops/mov.ts";
import { imulGE, imulGEI } from "./ops/muldiv.ts";
import { shiftE1, shiftECL, shiftEI } from "./ops/shift.ts";
import { leave, popR, pushE, pushI, pushR } from "./ops/stack.ts";
import { movs, stos } from "./ops/string.ts";
import { REP_NONE } from "./insn.ts";
import { F_DEC, F_INC, F_LOGIC } from "./state.ts";

/** Inline code for one instruction, or undefined to call its handler. */
export type Template = (g: Gen, i: Insn) => string | undefined;

const eReg = (i: Insn) => (i.size === 1 ? i.rm8 : i.rm);
const gReg = (i: Insn) => (i.size === 1 ? i.reg8 : i.reg);

/** Code loading the E operand of `size` bytes into fresh block-scoped v0, v1 (to be used inside
 * braces); register operands cannot fault, so `g.safe` is set for them. */
function loadE(g: Gen, i: Insn, size: number, reg = size === 1 ? i.rm8 : i.rm): string {
  if (i.rm >= 0) {
    g.safe = true;
    const [lo, hi] = regGet(reg, size);
    return `const v0 = ${lo}, v1 = ${hi};`;
  }
  const A = addrOf(g, i);
  return `${A.setup} let v0 = 0, v1 = 0; ${memGet(size, A, "v0", "v1")}`;
}

// ---- moves --------------------------------------------------------------------------------------

function movGETemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  return `{ ${loadE(g, i, i.size)} ${regSet(gReg(i), i.size, "v0", "v1")} }`;
}

function movEGTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  const [lo, hi] = regGet(gReg(i), i.size);
  if (i.rm >= 0) {
    g.safe = true;
    return `{ const v0 = ${lo}, v1 = ${hi}; ${regSet(eReg(i), i.size, "v0", "v1")} }`;
  }
  const A = addrOf(g, i);
  return `{ ${A.setup} ${memSet(i.size, A, lo, hi)} }`;
}

function movEITemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  if (i.rm >= 0) {
    g.safe = true;
    return regSet(eReg(i), i.size, String(i.imm), String(i.immHi));
  }
  const A = addrOf(g, i);
  return `{ ${A.setup} ${memSet(i.size, A, String(i.imm), String(i.immHi))} }`;
}

function movRITemplate(g: Gen, i: Insn): string {
  g.neutral = g.safe = true;
  return regSet(gReg(i), i.size, String(i.imm), String(i.immHi));
}

function leaTemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 8 && i.size !== 4) return undefined;
  g.neutral = g.safe = true;
  // Exact on 32-bit halves, as ops/mov.ts lea (values beyond 2^53 are common), in int32: a sum
  // below its addend (unsigned) carried.
  const d = i.disp, d0 = d | 0, d1 = ((d - (d0 >>> 0)) / 4294967296) | 0;
  let code = `{ let lo = ${d0}, hi = ${d1}, nl = 0;`;
  const add = (x0: string, x1: string) =>
    ` nl = (lo + ${x0}) | 0; hi = (hi + ${x1} + ((nl >>> 0) < (lo >>> 0) ? 1 : 0)) | 0; lo = nl;`;
  if (i.base >= 0) code += add(`L[${i.base}]`, `H[${i.base}]`);
  if (i.index >= 0) {
    const x = i.index, s = Math.log2(i.scale);
    const x0 = s === 0 ? `L[${x}]` : `(L[${x}] << ${s})`;
    const x1 = s === 0 ? `H[${x}]` : `((H[${x}] << ${s}) | (L[${x}] >>> ${32 - s}))`;
    code += add(x0, x1);
  }
  const hi = i.size === 8 && i.asize === 8 ? "hi" : "0";
  return `${code} L[${i.reg}] = lo; H[${i.reg}] = ${hi}; }`;
}

/** MOVZX/MOVSX/MOVSXD: the source of `from` bytes, widened by `widen` (an expression of v0). */
function extendTemplate(from: number, widen: (v: string) => string, signed: boolean): Template {
  return (g, i) => {
    g.neutral = true;
    const src = loadE(g, i, from, from === 1 ? i.rm8 : i.rm);
    const hi = signed ? "w >> 31" : "0";
    return `{ ${src} const w = ${widen("v0")}; ${regSet(i.reg, i.size, "w", hi)} }`;
  };
}

function cmovTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  const keep = i.size === 4 ? ` else H[${i.reg}] = 0;` : "";
  return `{ ${loadE(g, i, i.size)} if (${condExpr(g, i.opcode & 15)}) { ${
    regSet(i.reg, i.size, "v0", "v1")
  } }${keep} }`;
}

function setccTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  const v = `(${condExpr(g, i.opcode & 15)} ? 1 : 0)`;
  if (i.rm >= 0) {
    g.safe = true;
    return regSet(i.rm8, 1, v, "0");
  }
  const A = addrOf(g, i);
  return `{ const v = ${v}; ${A.setup} ${memSet(1, A, "v", "0")} }`;
}

function cbwTemplate(g: Gen, i: Insn): string {
  g.neutral = g.safe = true;
  if (i.size === 8) return "H[0] = L[0] >> 31;";
  if (i.size === 4) return "L[0] = (L[0] << 16) >> 16; H[0] = 0;";
  return regSet(0, 2, "((L[0] << 24) >> 24)", "0");
}

function cwdTemplate(g: Gen, i: Insn): string {
  g.neutral = g.safe = true;
  if (i.size === 8) return "{ const s = H[0] >> 31; L[2] = s; H[2] = s; }";
  if (i.size === 4) return "L[2] = L[0] >> 31; H[2] = 0;";
  return regSet(2, 2, "(((L[0] << 16) >> 31) & 65535)", "0");
}

function xchgEGTemplate(g: Gen, i: Insn): string | undefined {
  if (i.rm < 0 || i.lock) return undefined; // memory forms are atomic: the handler's business
  g.neutral = g.safe = true;
  const s = i.size, [glo, ghi] = regGet(gReg(i), s), [elo, ehi] = regGet(eReg(i), s);
  return `{ const g0 = ${glo}, g1 = ${ghi}, e0 = ${elo}, e1 = ${ehi}; ` +
    `${regSet(eReg(i), s, "g0", "g1")} ${regSet(gReg(i), s, "e0", "e1")} }`;
}

function xchgARTemplate(g: Gen, i: Insn): string {
  g.neutral = g.safe = true;
  const s = i.size, [alo, ahi] = regGet(0, s), [rlo, rhi] = regGet(i.reg, s);
  return `{ const p0 = ${alo}, p1 = ${ahi}, q0 = ${rlo}, q1 = ${rhi}; ` +
    `${regSet(0, s, "q0", "q1")} ${regSet(i.reg, s, "p0", "p1")} }`;
}

// ---- arithmetic ---------------------------------------------------------------------------------

const FORM_EG = 0, FORM_GE = 1, FORM_EI = 2, FORM_AI = 3;

/** ALU in all four forms: flags inline for ADD/SUB/CMP/AND/OR/XOR of 4 and 8 bytes, else aluOp. */
function aluTemplate(form: number): Template {
  return (g, i) => {
    if (i.lock) return undefined;
    const s = i.size;
    const op = form === FORM_EI ? (i.modrm >> 3) & 7 : (i.opcode >> 3) & 7;
    const inline = (s === 4 || s === 8) ? aluCode(g, op, s) : undefined;
    const compute = inline ?? `r0 = aluOp(c, ${op}, ${s}, a0, a1, b0, b1); r1 = c.th;`;
    g.last = inline ? { op: localsKind(op), size: s } : null;
    const imm = `b0 = ${maskImm(i.imm, s)}; b1 = ${s === 8 ? i.immHi : 0};`;
    if ((form === FORM_EG || form === FORM_EI) && i.rm < 0) {
      // Memory destination: read, operate, write back (not for CMP), the address computed once.
      let src = imm;
      if (form === FORM_EG) {
        const [lo, hi] = regGet(gReg(i), s);
        src = `b0 = ${lo}; b1 = ${hi};`;
      }
      const A = addrOf(g, i);
      const store = op === 7 ? "" : memSet(s, A, "r0", "r1");
      return `{ ${A.setup} ${src} ${memGet(s, A, "a0", "a1")} ${compute} ${store} }`;
    }
    let dst: number, src: string;
    if (form === FORM_EG) {
      g.safe = true;
      dst = eReg(i);
      const [lo, hi] = regGet(gReg(i), s);
      src = `b0 = ${lo}; b1 = ${hi};`;
    } else if (form === FORM_GE) {
      dst = gReg(i);
      if (i.rm >= 0) {
        g.safe = true;
        const [lo, hi] = regGet(eReg(i), s);
        src = `b0 = ${lo}; b1 = ${hi};`;
      } else {
        const A = addrOf(g, i);
        src = `{ ${A.setup} ${memGet(s, A, "b0", "b1")} }`;
      }
    } else {
      g.safe = true;
      dst = form === FORM_AI ? 0 : eReg(i);
      src = imm;
    }
    const [alo, ahi] = regGet(dst, s);
    const write = op === 7 ? "" : regSet(dst, s, "r0", "r1");
    return `${src} a0 = ${alo}; a1 = ${ahi}; ${compute} ${write}`;
  };
}

function testTemplate(form: number): Template {
  return (g, i) => {
    const s = i.size;
    let code = "", a0 = "a0", a1 = "a1";
    if (form === FORM_AI) [a0, a1] = regGet(0, s);
    else if (i.rm >= 0) [a0, a1] = regGet(eReg(i), s);
    else {
      const A = addrOf(g, i);
      code = `{ ${A.setup} ${memGet(s, A, "a0", "a1")} } `;
    }
    g.safe = code === "";
    const [b0, b1] = form === FORM_EG
      ? regGet(gReg(i), s)
      : [String(maskImm(i.imm, s)), String(i.immHi)];
    g.last = s >= 4 ? { op: OP_LOGIC, size: s } : null;
    const hi = s === 8 ? `${a1} & ${b1}` : "0";
    g.record = `c.fop = ${F_LOGIC}; c.fsize = ${s}; c.fr = r0; c.frh = r1;`;
    return `${code}r0 = ${a0} & ${b0}; r1 = ${hi}; ${FLAGS}`;
  };
}

function incDecTemplate(dec: boolean): Template {
  return (g, i) => {
    if (i.lock) return undefined;
    const s = i.size, op = dec ? 5 : 0;
    const cf = cfExpr(g);
    const inline = s >= 4 ? aluCode(g, op, s) : undefined;
    const compute = inline ?? `r0 = aluOp(c, ${op}, ${s}, a0, a1, b0, b1); r1 = c.th;`;
    g.last = inline ? { op: dec ? OP_DEC : OP_INC, size: s } : null;
    const tail = `c.fop = ${dec ? F_DEC : F_INC}; c.fcin = cf;`;
    if (i.rm >= 0) {
      g.safe = true;
      const r = eReg(i), [lo, hi] = regGet(r, s);
      // Registers only: the whole record (ADD/SUB, then INC/DEC with the old CF) may wait.
      if (inline) g.record += ` ${tail}`;
      return `cf = ${cf}; a0 = ${lo}; a1 = ${hi}; b0 = 1; b1 = 0; ${compute} ` +
        `${regSet(r, s, "r0", "r1")}${inline ? "" : ` ${tail}`}`;
    }
    const A = addrOf(g, i);
    return `cf = ${cf}; { ${A.setup} ${memGet(s, A, "a0", "a1")} b0 = 1; b1 = 0; ` +
      `${compute} ${memSet(s, A, "r0", "r1")} } ${tail}`;
  };
}

function notTemplate(g: Gen, i: Insn): string | undefined {
  if (i.lock) return undefined;
  g.neutral = true;
  const s = i.size;
  if (i.rm >= 0) {
    g.safe = true;
    const r = eReg(i), [lo, hi] = regGet(r, s);
    return `{ const v0 = ~${lo}, v1 = ~${hi}; ${regSet(r, s, "v0", "v1")} }`;
  }
  const mask = s === 1 ? " & 255" : s === 2 ? " & 65535" : "";
  const A = addrOf(g, i);
  return `{ ${A.setup} let v0 = 0, v1 = 0; ${memGet(s, A, "v0", "v1")} ` +
    `${memSet(s, A, `(~v0${mask})`, "~v1")} }`;
}

function negTemplate(g: Gen, i: Insn): string | undefined {
  if (i.lock) return undefined;
  const s = i.size;
  const inline = s >= 4 ? aluCode(g, 5, s) : undefined;
  const compute = inline ?? `r0 = aluOp(c, 5, ${s}, a0, a1, b0, b1); r1 = c.th;`;
  g.last = inline ? { op: OP_SUB, size: s } : null;
  if (i.rm >= 0) {
    g.safe = true;
    const r = eReg(i), [lo, hi] = regGet(r, s);
    return `a0 = 0; a1 = 0; b0 = ${lo}; b1 = ${hi}; ${compute} ${regSet(r, s, "r0", "r1")}`;
  }
  const A = addrOf(g, i);
  return `{ ${A.setup} a0 = 0; a1 = 0; ${memGet(s, A, "b0", "b1")} ${compute} ` +
    `${memSet(s, A, "r0", "r1")} }`;
}

/**
 * SHL/SAL/SHR/SAR of a 32/64-bit register by a constant n (1 <= n < width) from a0/a1 into
 * r0/r1 with CF in cf and OF in of, as shift.ts shl/shr/sar specialized for n; undefined for
 * rotates.
 */
function shiftCode(op: number, size: number, n: number): string | undefined {
  if (op === 4 || op === 6) { // SHL, SAL
    if (size === 4) {
      return `r0 = a0 << ${n}; r1 = 0; cf = (a0 >>> ${32 - n}) & 1; of = (r0 >>> 31) ^ cf;`;
    }
    const body = n < 32
      ? `r0 = a0 << ${n}; r1 = (a1 << ${n}) | (a0 >>> ${32 - n}); cf = (a1 >>> ${32 - n}) & 1;`
      : `r0 = 0; r1 = a0 << ${n - 32}; cf = ${n === 32 ? "a1 & 1" : `(a0 >>> ${64 - n}) & 1`};`;
    return `${body} of = (r1 >>> 31) ^ cf;`;
  }
  if (op === 5) { // SHR
    if (size === 4) {
      return `r0 = a0 >>> ${n}; r1 = 0; cf = (a0 >>> ${n - 1}) & 1; ` +
        `of = ((r0 >>> 31) ^ (r0 >>> 30)) & 1;`;
    }
    const body = n < 32
      ? `r0 = (a0 >>> ${n}) | (a1 << ${32 - n}); r1 = a1 >>> ${n}; cf = (a0 >>> ${n - 1}) & 1;`
      : `r0 = a1 >>> ${n - 32}; r1 = 0; cf = ${n === 32 ? "a0 >>> 31" : `(a1 >>> ${n - 33}) & 1`};`;
    return `${body} of = ((r1 >>> 31) ^ (r1 >>> 30)) & 1;`;
  }
  if (op === 7) { // SAR
    if (size === 4) return `r0 = a0 >> ${n}; r1 = 0; cf = (a0 >> ${n - 1}) & 1; of = 0;`;
    const body = n < 32
      ? `r0 = (a0 >>> ${n}) | (a1 << ${32 - n}); r1 = a1 >> ${n}; cf = (a0 >>> ${n - 1}) & 1;`
      : `r0 = a1 >> ${n - 32}; r1 = a1 >> 31; cf = ${
        n === 32 ? "a0 >>> 31" : `(a1 >> ${n - 33}) & 1`
      };`;
    return `${body} of = 0;`;
  }
  return undefined;
}

/** Group 2 with a count from `count` (a constant, or CL): shifts of 32/64-bit registers by a
 * constant inline (shiftCode), everything else through the handler's core shiftOp. */
function shiftTemplate(count: (i: Insn) => number | undefined): Template {
  return (g, i) => {
    const s = i.size, op = (i.modrm >> 3) & 7, mask = s === 8 ? 63 : 31;
    const fixed = count(i);
    const n = fixed === undefined ? "t" : String(fixed & mask);
    const start = fixed === undefined ? `t = L[1] & ${mask}; ` : "";
    if (fixed !== undefined && (fixed & mask) === 0) {
      // No flags, no memory write; a 32-bit register is still written.
      g.neutral = true;
      if (i.rm >= 0) {
        g.safe = true;
        return s === 4 ? `H[${i.rm}] = 0;` : "";
      }
      const A = addrOf(g, i);
      return `{ ${A.setup} let v0 = 0, v1 = 0; ${memGet(s, A, "v0", "v1")} }`;
    }
    const inline = fixed !== undefined && i.rm >= 0 && (s === 4 || s === 8)
      ? shiftCode(op, s, fixed & mask)
      : undefined;
    if (inline !== undefined) {
      g.safe = true;
      g.last = { op: OP_CO, size: s };
      g.record = coRecord(s);
      const [lo, hi] = regGet(i.rm, s);
      return `a0 = ${lo}; a1 = ${hi}; ${inline} ${FLAGS} ${regSet(i.rm, s, "r0", "r1")}`;
    }
    g.last = null;
    const guard = fixed === undefined ? `if (t !== 0) ` : "";
    if (i.rm >= 0) {
      g.safe = true;
      const r = eReg(i), [lo, hi] = regGet(r, s);
      const zero = fixed === undefined && s === 4 ? ` else H[${r}] = 0;` : "";
      return `${start}${guard}{ r0 = shiftOp(c, ${op}, ${s}, ${lo}, ${hi}, ${n}); ` +
        `r1 = c.th; ${regSet(r, s, "r0", "r1")} }${zero}`;
    }
    const A = addrOf(g, i);
    return `${start}{ ${A.setup} ${memGet(s, A, "a0", "a1")} ${guard}{ ` +
      `r0 = shiftOp(c, ${op}, ${s}, a0, a1, ${n}); r1 = c.th; ${memSet(s, A, "r0", "r1")} } }`;
  };
}

/**
 * Truncated signed product of a0/a1 and b0/b1 for 32/64 bits into r0/r1 with CF = OF in cf and
 * of, as muldiv.ts imulTrunc: 32 bits with Math.imul (the double product is exact); 64 bits as
 * the low 64 bits from 32-bit limbs, overflow decided from the double product when it is clearly
 * below 2^62 or at least 2^64 in magnitude, and imulTrunc itself in between.
 */
function imulCode(size: number): string {
  if (size === 4) return `r0 = Math.imul(a0, b0); r1 = 0; cf = a0 * b0 !== r0 ? 1 : 0; of = cf;`;
  return `r0 = Math.imul(a0, b0); ` +
    `t = Math.abs((a1 * 4294967296 + (a0 >>> 0)) * (b1 * 4294967296 + (b0 >>> 0))); ` +
    `if (t < 4611686018427387904 || t >= 18446744073709551616) { ` +
    `r1 = (Math.round(((a0 >>> 0) * (b0 >>> 0) - (r0 >>> 0)) / 4294967296) + ` +
    `Math.imul(a0, b1) + Math.imul(a1, b0)) | 0; cf = t < 4611686018427387904 ? 0 : 1; } ` +
    `else { r0 = imulTrunc(c, 8, a0, a1, b0, b1); r1 = c.th; cf = c.fcin; } of = cf;`;
}

function imulGETemplate(g: Gen, i: Insn): string {
  const s = i.size, [alo, ahi] = regGet(i.reg, s);
  if (s === 2) {
    g.last = null;
    return `{ ${loadE(g, i, s)} r0 = imulTrunc(c, ${s}, ${alo}, ${ahi}, v0, v1); r1 = c.th; ` +
      `${regSet(i.reg, s, "r0", "r1")} }`;
  }
  g.last = { op: OP_CO, size: s };
  g.record = coRecord(s);
  return `{ ${loadE(g, i, s)} b0 = v0; b1 = v1; a0 = ${alo}; a1 = ${ahi}; ${imulCode(s)} ` +
    `${FLAGS} ${regSet(i.reg, s, "r0", "r1")} }`;
}

function imulGEITemplate(g: Gen, i: Insn): string {
  const s = i.size;
  if (s === 2) {
    g.last = null;
    return `{ ${loadE(g, i, s)} r0 = imulTrunc(c, ${s}, v0, v1, ${i.imm}, ${i.immHi}); ` +
      `r1 = c.th; ${regSet(i.reg, s, "r0", "r1")} }`;
  }
  g.last = { op: OP_CO, size: s };
  g.record = coRecord(s);
  return `{ ${loadE(g, i, s)} a0 = v0; a1 = v1; b0 = ${i.imm}; b1 = ${i.immHi}; ` +
    `${imulCode(s)} ${FLAGS} ${regSet(i.reg, s, "r0", "r1")} }`;
}

// ---- stack and branches -------------------------------------------------------------------------

const SP = "H[4] * 4294967296 + (L[4] >>> 0)";

/** A branch target from 64-bit halves: a small integer when it fits, which keeps the region's
 * switch on integers. */
const RIP = (lo: string, hi: string) =>
  `(${hi} === 0 && ${lo} >= 0 ? ${lo} : ${hi} * 4294967296 + (${lo} >>> 0))`;

function pushRTemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 8) return undefined;
  g.neutral = true;
  return pushCode(`L[${i.reg}]`, `H[${i.reg}]`);
}

function popRTemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 8) return undefined;
  g.neutral = true;
  return `{ let q0 = 0, q1 = 0; ${popCode("q0", "q1")} L[${i.reg}] = q0; H[${i.reg}] = q1; }`;
}

function pushITemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 8) return undefined;
  g.neutral = true;
  return pushCode(String(i.imm), String(i.imm >> 31));
}

function pushETemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 8) return undefined;
  g.neutral = true;
  return `{ ${loadE(g, i, 8)} ${pushCode("v0", "v1")} }`;
}

function leaveTemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 8) return undefined;
  g.neutral = true;
  return `{ const a = H[5] * 4294967296 + (L[5] >>> 0); ` +
    `const v0 = M.read32(a), v1 = M.read32(a + 4); c.setReg(4, a + 8); L[5] = v0; H[5] = v1; }`;
}

function jccTemplate(g: Gen, i: Insn): string {
  g.neutral = g.safe = g.setsRip = true;
  return `rip = ${condExpr(g, i.opcode & 15)} ? ${i.target} : ${i.next};`;
}

function jmpRelTemplate(g: Gen, i: Insn): string {
  g.neutral = g.safe = g.setsRip = true;
  return `rip = ${i.target};`;
}

function callRelTemplate(g: Gen, i: Insn): string {
  g.neutral = g.setsRip = true;
  return `${pushCode(String(i.next | 0), String((i.next / 4294967296) | 0))} rip = ${i.target};`;
}

function retTemplate(g: Gen, i: Insn): string {
  g.neutral = g.setsRip = true;
  const adjust = i.imm ? ` c.setReg(4, ${SP} + ${i.imm});` : "";
  return `{ let q0 = 0, q1 = 0; ${popCode("q0", "q1")} rip = ${RIP("q0", "q1")};${adjust} }`;
}

function jmpETemplate(g: Gen, i: Insn): string {
  g.neutral = g.setsRip = true;
  return `{ ${loadE(g, i, 8, i.rm)} rip = ${RIP("v0", "v1")}; }`;
}

function callETemplate(g: Gen, i: Insn): string {
  g.neutral = g.setsRip = true;
  g.safe = false;
  return `{ ${loadE(g, i, 8, i.rm)} const target = ${RIP("v0", "v1")}; ` +
    `${pushCode(String(i.next | 0), String((i.next / 4294967296) | 0))} rip = target; }`;
}

/** rSI/rDI += st (the step local), as string.ts advance with 64-bit addressing. */
function advance(r: number): string {
  return `{ const lo = (L[${r}] >>> 0) + st; L[${r}] = lo | 0; ` +
    `if (lo >= 4294967296) H[${r}] = (H[${r}] + 1) | 0; else if (lo < 0) H[${r}] = (H[${r}] - 1) | 0; }`;
}

const SEG_BASE = ["", " + c.fsBase", " + c.gsBase"];

/** MOVS without REP, 64-bit addressing: one element, as string.ts movsOne. */
function movsTemplate(g: Gen, i: Insn): string | undefined {
  if (i.rep !== REP_NONE || i.asize !== 8) return undefined;
  g.neutral = true;
  const s = i.size;
  const src = i.seg === 0
    ? addrFrom(6, -1, 1, 0, "H[6] * 4294967296 + (L[6] >>> 0)")
    : addrFromDouble(`H[6] * 4294967296 + (L[6] >>> 0)${SEG_BASE[i.seg]}`);
  const dst = addrFrom(7, -1, 1, 0, "H[7] * 4294967296 + (L[7] >>> 0)");
  return `{ let v0 = 0, v1 = 0; { ${src.setup} ${memGet(s, src, "v0", "v1")} } ` +
    `{ ${dst.setup} ${memSet(s, dst, "v0", "v1")} } const st = c.df ? ${-s} : ${s}; ` +
    `${advance(6)} ${advance(7)} }`;
}

/** STOS without REP, 64-bit addressing: one element, as string.ts stosOne. */
function stosTemplate(g: Gen, i: Insn): string | undefined {
  if (i.rep !== REP_NONE || i.asize !== 8) return undefined;
  g.neutral = true;
  const s = i.size, [lo, hi] = regGet(0, s);
  const dst = addrFrom(7, -1, 1, 0, "H[7] * 4294967296 + (L[7] >>> 0)");
  return `{ const v0 = ${lo}, v1 = ${hi}; { ${dst.setup} ${memSet(s, dst, "v0", "v1")} } ` +
    `const st = c.df ? ${-s} : ${s}; ${advance(7)} }`;
}

function nopTemplate(g: Gen): string {
  g.neutral = g.safe = true;
  return "";
}

// deno-fmt-ignore
export const INT_TEMPLATES: [Exec, Template][] = [
  [movGE,    movGETemplate],
  [movEG,    movEGTemplate],
  [movEI,    movEITemplate],
  [movRI,    movRITemplate],
  [lea,      leaTemplate],
  [movzxB,   extendTemplate(1, (v) => v, false)],
  [movzxW,   extendTemplate(2, (v) => v, false)],
  [movsxB,   extendTemplate(1, (v) => `(${v} << 24) >> 24`, true)],
  [movsxW,   extendTemplate(2, (v) => `(${v} << 16) >> 16`, true)],
  [movsxd,   extendTemplate(4, (v) => v, true)],
  [cmov,     cmovTemplate],
  [setcc,    setccTemplate],
  [cbw,      cbwTemplate],
  [cwd,      cwdTemplate],
  [xchgEG,   xchgEGTemplate],
  [xchgAR,   xchgARTemplate],
  [aluEG,    aluTemplate(FORM_EG)],
  [aluGE,    aluTemplate(FORM_GE)],
  [aluEI,    aluTemplate(FORM_EI)],
  [aluAI,    aluTemplate(FORM_AI)],
  [testEG,   testTemplate(FORM_EG)],
  [testEI,   testTemplate(FORM_EI)],
  [testAI,   testTemplate(FORM_AI)],
  [incE,     incDecTemplate(false)],
  [decE,     incDecTemplate(true)],
  [notE,     notTemplate],
  [negE,     negTemplate],
  [shiftE1,  shiftTemplate(() => 1)],
  [shiftEI,  shiftTemplate((i) => i.imm)],
  [shiftECL, shiftTemplate(() => undefined)],
  [imulGE,   imulGETemplate],
  [imulGEI,  imulGEITemplate],
  [pushR,    pushRTemplate],
  [popR,     popRTemplate],
  [pushI,    pushITemplate],
  [pushE,    pushETemplate],
  [leave,    leaveTemplate],
  [jcc,      jccTemplate],
  [jmpRel,   jmpRelTemplate],
  [callRel,  callRelTemplate],
  [ret,      retTemplate],
  [jmpE,     jmpETemplate],
  [callE,    callETemplate],
  [nop,      nopTemplate],
  [movs,     movsTemplate],
  [stos,     stosTemplate],
];
