// Block translation: a hot decoded block becomes one generated JS function, so V8 compiles the
// block's instructions together, with register numbers, displacements and immediates as
// constants, and without a call per instruction.
//
// Only common forms are translated inline (MOV, LEA, ADD/SUB/AND/OR/XOR/CMP, TEST, INC, DEC,
// MOVZX/MOVSX, PUSH/POP, Jcc, JMP, CALL, RET, CMOVcc, 32/64-bit); every other instruction is
// emitted as a call of its interpreter handler, so the two tiers share semantics by construction
// and the inline templates mirror the handlers in ops/ line for line. Lazy flags are recorded
// exactly as ops/alu.ts records them. A faulting instruction leaves its index in cpu.jitIndex.

import { cond, getCF } from "./flags.ts";
import type { Insn } from "./insn.ts";
import { aluAI, aluEG, aluEI, aluGE, decE, incE, testAI, testEG, testEI } from "./ops/alu.ts";
import { callRel, jcc, jmpRel, ret } from "./ops/branch.ts";
import {
  cmov,
  lea,
  movEG,
  movEI,
  movGE,
  movRI,
  movsxB,
  movsxd,
  movzxB,
  movzxW,
} from "./ops/mov.ts";
import { popR, pushR } from "./ops/stack.ts";
import { ea, pop64, push64 } from "./operands.ts";
import type { Cpu } from "./state.ts";
import { F_ADD, F_DEC, F_INC, F_LOGIC, F_SUB } from "./state.ts";

export type BlockFn = (c: Cpu, insns: Insn[]) => void;

const helpers = { cond, getCF, ea, pop64, push64 };

// Code generation state: the last inlined flag-setting operation of the block being translated,
// whose operands and result are still in the locals a0/a1, b0/b1, r0/r1 of the generated code.
const OP_ADD = 0, OP_LOGIC = 4, OP_SUB = 5, OP_INC = 8, OP_DEC = 9;
let last: { op: number; size: number } | null = null;

/** Handlers whose inline templates leave the flags (and the flag locals) alone. */
const FLAG_NEUTRAL = new Set<unknown>([
  movGE,
  movEG,
  movRI,
  movEI,
  lea,
  movzxB,
  movzxW,
  movsxB,
  movsxd,
  cmov,
  pushR,
  popR,
]);

/** CF of the last inlined operation as an expression, if it can be derived from the locals. */
function cfExpr(): string | undefined {
  if (!last) return undefined;
  const below = (a0: string, a1: string, b0: string, b1: string) =>
    last!.size === 8
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
  return undefined;
}

/** Condition cc (0-15) as an expression: direct from the locals when possible, else cond(). */
function condExpr(cc: number): string {
  const general = `cond(c, ${cc})`;
  if (!last) return general;
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
  return general;
}

/** Address expression of the memory operand of `i` (index k in the block). */
function eaExpr(i: Insn, k: number): string {
  if (i.asize !== 8 || i.seg !== 0) return `ea(c, I[${k}])`;
  const parts: string[] = [];
  if (i.base >= 0) parts.push(`(H[${i.base}] * 4294967296 + (L[${i.base}] >>> 0))`);
  if (i.index >= 0) parts.push(`(H[${i.index}] * 4294967296 + (L[${i.index}] >>> 0)) * ${i.scale}`);
  if (i.disp !== 0 || parts.length === 0) parts.push(String(i.disp));
  return parts.join(" + ");
}

/** Code that sets register r (size 4 or 8) from expressions lo, hi. */
function setR(r: number, size: number, lo: string, hi: string): string {
  return size === 8 ? `L[${r}] = ${lo}; H[${r}] = ${hi};` : `L[${r}] = ${lo}; H[${r}] = 0;`;
}

/** Code computing an ALU op into r0/r1 from a0/a1 and b0/b1, recording lazy flags. */
function aluCode(op: number, size: number): string | undefined {
  const flags = (kind: number) =>
    `c.fop = ${kind}; c.fsize = ${size}; c.fa = a0; c.fah = a1; c.fb = b0; c.fbh = b1; ` +
    `c.fr = r0; c.frh = r1; c.fcin = 0;`;
  switch (op) {
    case 0: // ADD
      return size === 8
        ? `t = (a0 >>> 0) + (b0 >>> 0); r0 = t | 0; ` +
          `r1 = (a1 + b1 + (t >= 4294967296 ? 1 : 0)) | 0; ${flags(F_ADD)}`
        : `r0 = (a0 + b0) | 0; r1 = 0; ${flags(F_ADD)}`;
    case 5: // SUB
    case 7: // CMP
      return size === 8
        ? `t = (a0 >>> 0) - (b0 >>> 0); r0 = t | 0; ` +
          `r1 = (a1 - b1 - (t < 0 ? 1 : 0)) | 0; ${flags(F_SUB)}`
        : `r0 = (a0 - b0) | 0; r1 = 0; ${flags(F_SUB)}`;
    case 1:
      return `r0 = a0 | b0; r1 = a1 | b1; ${flags(F_LOGIC)}`;
    case 4:
      return `r0 = a0 & b0; r1 = a1 & b1; ${flags(F_LOGIC)}`;
    case 6:
      return `r0 = a0 ^ b0; r1 = a1 ^ b1; ${flags(F_LOGIC)}`;
  }
  return undefined;
}

/** Inline code for instruction i at index k, or undefined to call its handler. */
function inline(i: Insn, k: number): string | undefined {
  const f = i.exec, size = i.size;
  const wide = size === 8 || size === 4;
  const hiOf = (r: number) => (size === 8 ? `H[${r}]` : "0");
  if (f === movGE && wide) {
    if (i.rm >= 0) return setR(i.reg, size, `L[${i.rm}]`, `H[${i.rm}]`);
    if (size === 4) return `L[${i.reg}] = M.read32(${eaExpr(i, k)}); H[${i.reg}] = 0;`;
    return `{ const a = ${eaExpr(i, k)}; const v0 = M.read32(a), v1 = M.read32(a + 4); ` +
      `L[${i.reg}] = v0; H[${i.reg}] = v1; }`;
  }
  if (f === movEG && wide) {
    if (i.rm >= 0) return setR(i.rm, size, `L[${i.reg}]`, `H[${i.reg}]`);
    if (size === 4) return `M.write32(${eaExpr(i, k)}, L[${i.reg}]);`;
    return `{ const a = ${eaExpr(i, k)}; if ((a & 4095) > 4088) M.checkWritable(a, 8); ` +
      `M.write32(a, L[${i.reg}]); M.write32(a + 4, H[${i.reg}]); }`;
  }
  if ((f === movRI || (f === movEI && i.rm >= 0)) && wide) {
    const r = f === movRI ? i.reg : i.rm;
    return setR(r, size, String(i.imm), String(i.immHi));
  }
  if (f === movEI && wide) {
    if (size === 4) return `M.write32(${eaExpr(i, k)}, ${i.imm});`;
    return `{ const a = ${eaExpr(i, k)}; if ((a & 4095) > 4088) M.checkWritable(a, 8); ` +
      `M.write32(a, ${i.imm}); M.write32(a + 4, ${i.immHi}); }`;
  }
  if (f === lea && wide) {
    // Exact on 32-bit halves, as ops/mov.ts lea (values beyond 2^53 are common).
    const d = i.disp, d0 = d | 0, d1 = ((d - (d0 >>> 0)) / 4294967296) | 0;
    let code = `{ let lo = ${d0}, hi = ${d1};`;
    if (i.base >= 0) {
      code += ` t = (lo >>> 0) + (L[${i.base}] >>> 0); lo = t | 0;` +
        ` hi = (hi + H[${i.base}] + (t >= 4294967296 ? 1 : 0)) | 0;`;
    }
    if (i.index >= 0) {
      const x = i.index, s = Math.log2(i.scale);
      const x0 = s === 0 ? `L[${x}]` : `(L[${x}] << ${s})`;
      const x1 = s === 0 ? `H[${x}]` : `((H[${x}] << ${s}) | (L[${x}] >>> ${32 - s}))`;
      code += ` t = (lo >>> 0) + (${x0} >>> 0); lo = t | 0;` +
        ` hi = (hi + ${x1} + (t >= 4294967296 ? 1 : 0)) | 0;`;
    }
    const hi = size === 8 && i.asize === 8 ? "hi" : "0";
    return `${code} L[${i.reg}] = lo; H[${i.reg}] = ${hi}; }`;
  }
  if ((f === aluEG || f === aluGE || f === aluEI || f === aluAI) && wide) {
    const op = f === aluEI ? (i.modrm >> 3) & 7 : (i.opcode >> 3) & 7;
    const body = aluCode(op, size);
    if (body === undefined) return undefined;
    let dst: number, src: string;
    if ((f === aluEG || f === aluEI) && i.rm < 0) {
      // Memory destination: read, operate, write back (not for CMP), the address computed once.
      src = f === aluEG
        ? `b0 = L[${i.reg}]; b1 = ${hiOf(i.reg)};`
        : `b0 = ${i.imm}; b1 = ${size === 8 ? i.immHi : 0};`;
      const load = size === 8
        ? `a0 = M.read32(m); a1 = M.read32(m + 4);`
        : `a0 = M.read32(m); a1 = 0;`;
      const store = op === 7
        ? ""
        : size === 8
        ? `if ((m & 4095) > 4088) M.checkWritable(m, 8); M.write32(m, r0); M.write32(m + 4, r1);`
        : `M.write32(m, r0);`;
      last = { op: op === 7 || op === 5 ? OP_SUB : op === 0 ? OP_ADD : OP_LOGIC, size };
      return `m = ${eaExpr(i, k)}; ${src} ${load} ${body} ${store}`;
    }
    if (f === aluEG) {
      dst = i.rm;
      src = `b0 = L[${i.reg}]; b1 = ${hiOf(i.reg)};`;
    } else if (f === aluGE) {
      dst = i.reg;
      if (i.rm >= 0) src = `b0 = L[${i.rm}]; b1 = ${hiOf(i.rm)};`;
      else if (size === 4) src = `b0 = M.read32(${eaExpr(i, k)}); b1 = 0;`;
      else {
        src = `t = ${eaExpr(i, k)}; b0 = M.read32(t); b1 = M.read32(t + 4);`;
      }
    } else {
      if (f === aluEI && i.rm < 0) return undefined;
      dst = f === aluAI ? 0 : i.rm;
      src = `b0 = ${i.imm}; b1 = ${size === 8 ? i.immHi : 0};`;
    }
    const write = op === 7 ? "" : setR(dst, size, "r0", "r1");
    last = { op: op === 7 ? OP_SUB : op === 0 ? OP_ADD : op === 5 ? OP_SUB : OP_LOGIC, size };
    return `${src} a0 = L[${dst}]; a1 = ${hiOf(dst)}; ${body} ${write}`;
  }
  if ((f === testEG || f === testEI || f === testAI) && wide) {
    if (f !== testAI && i.rm < 0) return undefined;
    const a = f === testAI ? 0 : i.rm;
    const b0 = f === testEG ? `L[${i.reg}]` : String(i.imm);
    const b1 = size === 8 ? (f === testEG ? `H[${i.reg}]` : String(i.immHi)) : "0";
    const hi = size === 8 ? `H[${a}] & ${b1}` : "0";
    last = { op: 4, size };
    return `r0 = L[${a}] & ${b0}; r1 = ${hi}; ` +
      `c.fop = ${F_LOGIC}; c.fsize = ${size}; c.fr = r0; c.frh = r1;`;
  }
  if ((f === incE || f === decE) && wide && i.rm >= 0) {
    const r = i.rm, dec = f === decE;
    const core = aluCode(dec ? 5 : 0, size)!;
    const cf = cfExpr() ?? "getCF(c)";
    last = { op: dec ? OP_DEC : OP_INC, size };
    return `cf = ${cf}; a0 = L[${r}]; a1 = ${hiOf(r)}; b0 = 1; b1 = 0; ${core} ` +
      `${setR(r, size, "r0", "r1")} c.fop = ${dec ? F_DEC : F_INC}; c.fcin = cf;`;
  }
  if (f === movzxB && i.rm < 0 && wide) {
    return setR(i.reg, size === 8 ? 8 : 4, `M.read8(${eaExpr(i, k)})`, "0");
  }
  if (f === movzxW && i.rm < 0 && wide) {
    return setR(i.reg, size === 8 ? 8 : 4, `M.read16(${eaExpr(i, k)})`, "0");
  }
  if (f === movsxB && i.rm < 0 && wide) {
    return `{ const v = (M.read8(${eaExpr(i, k)}) << 24) >> 24; ${
      setR(i.reg, size, "v", "v >> 31")
    } }`;
  }
  if (f === movsxd && size === 8) {
    const src = i.rm >= 0 ? `L[${i.rm}]` : `M.read32(${eaExpr(i, k)})`;
    return `{ const v = ${src}; L[${i.reg}] = v; H[${i.reg}] = v >> 31; }`;
  }
  if (f === cmov && wide && i.rm >= 0) {
    return `if (${condExpr(i.opcode & 15)}) { ${setR(i.reg, size, `L[${i.rm}]`, `H[${i.rm}]`)} }` +
      (size === 4 ? ` else H[${i.reg}] = 0;` : "");
  }
  if (f === pushR && size === 8) return `push64(c, L[${i.reg}], H[${i.reg}]);`;
  if (f === popR && size === 8) {
    return `{ const v = pop64(c); L[${i.reg}] = v; H[${i.reg}] = c.th; }`;
  }
  if (f === jcc) return `c.rip = (${condExpr(i.opcode & 15)}) ? ${i.target} : ${i.next};`;
  if (f === jmpRel) return `c.rip = ${i.target};`;
  if (f === callRel) {
    return `push64(c, ${i.next | 0}, ${(i.next / 4294967296) | 0}); c.rip = ${i.target};`;
  }
  if (f === ret && i.imm === 0) {
    return `{ const v = pop64(c); c.rip = c.th * 4294967296 + (v >>> 0); }`;
  }
  return undefined;
}

/** Translates a block; the function runs all its instructions (rip preset to the block end). */
export function translate(insns: Insn[]): BlockFn {
  const lines: string[] = [];
  last = null;
  for (let k = 0; k < insns.length; k++) {
    const before: typeof last = last;
    const code = inline(insns[k], k);
    if (code === undefined) last = null;
    else if (last === before && !FLAG_NEUTRAL.has(insns[k].exec)) last = null;
    lines.push(`k = ${k}; ` + (code ?? `I[${k}].exec(c, I[${k}]);`));
  }
  const src = `return function block(c, I) {
  const L = c.lo, H = c.hi, M = c.mem;
  let k = 0, a0 = 0, a1 = 0, b0 = 0, b1 = 0, r0 = 0, r1 = 0, t = 0, cf = 0, m = 0;
  try {
    ${lines.join("\n    ")}
  } catch (e) {
    c.jitIndex = k;
    throw e;
  }
};`;
  const make = new Function("h", `const { cond, getCF, ea, pop64, push64 } = h;\n${src}`);
  return make(helpers) as BlockFn;
}
