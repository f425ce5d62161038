// Translation templates for SSE/SSE2 instructions: XMM moves (MOVAPS/MOVUPS/MOVDQA/MOVDQU,
// MOVSS/MOVSD/MOVQ, MOVD/MOVQ with general registers), bitwise ops, UNPCKL/HPD, SHUFPD, double
// arithmetic (ADD/SUB/MUL/DIV SD/PD), CVTSI2SD, CVTTSD2SI and (U)COMISD.
//
// Moves copy bits through c.xmm32 only, as the handlers do. Arithmetic runs inline only where the
// interpreter's fast path applies (sse_fp.ts arith64: round to nearest, operands and results far
// from the denormal and overflow ranges, or exact zeros) and precision exceptions are masked, so
// the only flag it can raise is PE; anything else calls the handler, which recomputes from the
// unchanged state. The lanes decide first, and the destination and MXCSR are written only when
// every lane took the fast path.

import type { Exec, Insn } from "./insn.ts";
import { access, addrOf, alignCheck, type Gen, memGet, memSet, regGet, regSet } from "./jit_gen.ts";
import type { Template } from "./jit_int.ts";
import { comisd, ucomisd } from "./ops/sse_compare.ts";
import { cvtsi2sd, cvttsd2si } from "./ops/sse_convert.ts";
import {
  addpd,
  addsd,
  andnps,
  andps,
  divpd,
  divsd,
  mulpd,
  mulsd,
  orps,
  shufpd,
  subpd,
  subsd,
  unpckhpd,
  unpcklpd,
  xorps,
} from "./ops/sse_float.ts";
import { MIN_NORMAL64, SAFE_HIGH, SAFE_LOW } from "./ops/sse_fp.ts";
import { pintXmm } from "./ops/sse_int.ts";
import {
  movapsLoad,
  movapsStore,
  movdFromXmm,
  movdToXmm,
  movqLoadXmm,
  movqStoreXmm,
  movsdLoad,
  movsdStore,
  movssLoad,
  movssStore,
  movupsLoad,
  movupsStore,
} from "./ops/sse_move.ts";

const LOW = SAFE_LOW, HIGH = SAFE_HIGH;

/** Scratch for reinterpreting memory dwords as doubles. */
export const scratchF64 = new Float64Array(2);
export const scratchI32 = new Int32Array(scratchF64.buffer);

/** MXCSR with round to nearest and PE masked: the condition for inline arithmetic. */
const MX_FAST_MASK = 0x7000, MX_FAST = 0x1000;

/** Code declaring s0..s(n-1) from the E operand (n = 1, 2 or 4 dwords); `aligned` 16-byte
 * memory operands fault with #GP when misaligned, as loadXmmE. */
function loadXmm(g: Gen, i: Insn, n: number, aligned: boolean): string {
  const names = [...Array(n).keys()].map((k) => `s${k}`);
  if (i.rm >= 0) {
    const b = i.rm << 2;
    return `const ${names.map((v, k) => `${v} = X[${b + k}]`).join(", ")};`;
  }
  const fast = names.map((v, k) => `${v} = DV.getInt32(x${k ? ` + ${4 * k}` : ""}, true);`);
  const slow = names.map((v, k) => `${v} = M.read32(a${k ? ` + ${4 * k}` : ""});`);
  const A = addrOf(g, i);
  return `${A.setup} ${aligned ? alignCheck(A) : ""}` +
    `let ${names.map((v) => `${v} = 0`).join(", ")}; ` +
    access(A, 4 * n, false, fast.join(" "), slow.join(" "));
}

/** Code declaring doubles y0 (and y1 for n = 2) from the E operand, as loadXmm with 2n dwords. */
function loadDoubles(g: Gen, i: Insn, n: number, aligned: boolean): string {
  if (i.rm >= 0) {
    const s = i.rm << 1;
    return n === 2 ? `const y0 = XF[${s}], y1 = XF[${s + 1}];` : `const y0 = XF[${s}];`;
  }
  const fast = n === 2
    ? "y0 = DV.getFloat64(x, true); y1 = DV.getFloat64(x + 8, true);"
    : "y0 = DV.getFloat64(x, true);";
  const slow = n === 2
    ? "SI[0] = M.read32(a); SI[1] = M.read32(a + 4); SI[2] = M.read32(a + 8); " +
      "SI[3] = M.read32(a + 12); y0 = SF[0]; y1 = SF[1];"
    : "SI[0] = M.read32(a); SI[1] = M.read32(a + 4); y0 = SF[0];";
  const A = addrOf(g, i);
  return `${A.setup} ${aligned ? alignCheck(A) : ""}let y0 = 0${n === 2 ? ", y1 = 0" : ""}; ` +
    access(A, 8 * n, false, fast, slow);
}

// ---- moves --------------------------------------------------------------------------------------

function load128(aligned: boolean): Template {
  return (g, i) => {
    g.neutral = true;
    g.safe = i.rm >= 0;
    const d = i.reg << 2;
    return `{ ${loadXmm(g, i, 4, aligned)} X[${d}] = s0; X[${d + 1}] = s1; X[${d + 2}] = s2; ` +
      `X[${d + 3}] = s3; }`;
  };
}

function store128(aligned: boolean): Template {
  return (g, i) => {
    g.neutral = true;
    const b = i.reg << 2;
    const v = [0, 1, 2, 3].map((k) => `X[${b + k}]`);
    if (i.rm >= 0) {
      g.safe = true;
      const r = i.rm << 2;
      return `{ const s0 = ${v[0]}, s1 = ${v[1]}, s2 = ${v[2]}, s3 = ${v[3]}; ` +
        `X[${r}] = s0; X[${r + 1}] = s1; X[${r + 2}] = s2; X[${r + 3}] = s3; }`;
    }
    const fast = v.map((e, k) => `DV.setInt32(x${k ? ` + ${4 * k}` : ""}, ${e}, true);`);
    const slow = `if ((a & 4095) > 4080) M.checkWritable(a, 16); M.write32(a, ${v[0]}); ` +
      `M.write32(a + 4, ${v[1]}); M.write32(a + 8, ${v[2]}); M.write32(a + 12, ${v[3]});`;
    const A = addrOf(g, i);
    return `{ ${A.setup} ${aligned ? alignCheck(A) : ""}${
      access(A, 16, true, fast.join(" "), slow)
    } }`;
  };
}

/**
 * Code copying 64 bits into lane `to` of c.xmmF64 from the double expression `v` when it is not a
 * NaN, else running `bits` (which copies them as dwords). A non-NaN double keeps its bits through
 * a load and a store; writing the lane whole spares a later double read of it the stall of a
 * 64-bit load from two 32-bit stores.
 */
function move64(to: number, v: string, bits: string): string {
  return `{ const v = ${v}; if (v === v) XF[${to}] = v; else { ${bits} } }`;
}

/** MOVSD/MOVQ xmm, xmm/m64: memory (and MOVQ's register form) zero the upper half. */
function loadLow64(zeroUpper: boolean): Template {
  return (g, i) => {
    g.neutral = true;
    g.safe = i.rm >= 0;
    const d = i.reg << 2;
    const zero = i.rm < 0 || zeroUpper ? ` XF[${(d >> 1) + 1}] = 0;` : "";
    if (i.rm >= 0) {
      const s = i.rm << 2;
      const bits = `const s0 = X[${s}], s1 = X[${s + 1}]; X[${d}] = s0; X[${d + 1}] = s1;`;
      return `{ ${move64(d >> 1, `XF[${s >> 1}]`, bits)}${zero} }`;
    }
    const A = addrOf(g, i);
    const fast = move64(
      d >> 1,
      "DV.getFloat64(x, true)",
      `X[${d}] = DV.getInt32(x, true); X[${d + 1}] = DV.getInt32(x + 4, true);`,
    );
    const slow = `const s0 = M.read32(a), s1 = M.read32(a + 4); X[${d}] = s0; X[${d + 1}] = s1;`;
    return `{ ${A.setup} ${access(A, 8, false, fast, slow)}${zero} }`;
  };
}

/** MOVSD/MOVQ xmm/m64, xmm: MOVQ's register destination gets its upper half zeroed. */
function storeLow64(zeroUpper: boolean): Template {
  return (g, i) => {
    g.neutral = true;
    const b = i.reg << 2;
    if (i.rm >= 0) {
      g.safe = true;
      const r = i.rm << 2;
      const zero = zeroUpper ? ` X[${r + 2}] = 0; X[${r + 3}] = 0;` : "";
      return `{ const s0 = X[${b}], s1 = X[${b + 1}]; X[${r}] = s0; X[${r + 1}] = s1;${zero} }`;
    }
    const A = addrOf(g, i);
    return `{ ${A.setup} ${memSet(8, A, `X[${b}]`, `X[${b + 1}]`)} }`;
  };
}

function movssLoadTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  g.safe = i.rm >= 0;
  const d = i.reg << 2;
  if (i.rm >= 0) return `X[${d}] = X[${i.rm << 2}];`;
  const A = addrOf(g, i);
  return `{ ${A.setup} let v0 = 0, v1 = 0; ${memGet(4, A, "v0", "v1")} ` +
    `X[${d}] = v0; X[${d + 1}] = 0; X[${d + 2}] = 0; X[${d + 3}] = 0; }`;
}

function movssStoreTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  g.safe = i.rm >= 0;
  const b = i.reg << 2;
  if (i.rm >= 0) return `X[${i.rm << 2}] = X[${b}];`;
  const A = addrOf(g, i);
  return `{ ${A.setup} ${memSet(4, A, `X[${b}]`, "0")} }`;
}

function movdToXmmTemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 4 && i.size !== 8) return undefined;
  g.neutral = true;
  const d = i.reg << 2;
  let load: string;
  if (i.rm >= 0) {
    g.safe = true;
    const [lo, hi] = regGet(i.rm, i.size);
    load = `const v0 = ${lo}, v1 = ${hi};`;
  } else {
    const A = addrOf(g, i);
    load = `${A.setup} let v0 = 0, v1 = 0; ${memGet(i.size, A, "v0", "v1")}`;
  }
  return `{ ${load} X[${d}] = v0; X[${d + 1}] = v1; X[${d + 2}] = 0; X[${d + 3}] = 0; }`;
}

function movdFromXmmTemplate(g: Gen, i: Insn): string | undefined {
  if (i.size !== 4 && i.size !== 8) return undefined;
  g.neutral = true;
  const b = i.reg << 2;
  if (i.rm >= 0) {
    g.safe = true;
    return `{ const v0 = X[${b}], v1 = X[${b + 1}]; ${regSet(i.rm, i.size, "v0", "v1")} }`;
  }
  const A = addrOf(g, i);
  return `{ ${A.setup} ${memSet(i.size, A, `X[${b}]`, `X[${b + 1}]`)} }`;
}

// ---- bitwise and shuffles -----------------------------------------------------------------------

const LOGIC: Record<string, (d: string, s: string) => string> = {
  and: (d, s) => `${d} & ${s}`,
  andn: (d, s) => `~${d} & ${s}`,
  or: (d, s) => `${d} | ${s}`,
  xor: (d, s) => `${d} ^ ${s}`,
};

function logicTemplate(kind: string): Template {
  const f = LOGIC[kind];
  return (g, i) => {
    g.neutral = true;
    g.safe = i.rm >= 0;
    const d = i.reg << 2;
    const body = [0, 1, 2, 3].map((k) => `X[${d + k}] = ${f(`X[${d + k}]`, `s${k}`)};`);
    return `{ ${loadXmm(g, i, 4, true)} ${body.join(" ")} }`;
  };
}

/** PAND/PANDN/POR/PXOR among the packed-integer ops; others call pintXmm. */
const PINT_LOGIC: Record<number, string> = { 0xdb: "and", 0xdf: "andn", 0xeb: "or", 0xef: "xor" };

function pintTemplate(g: Gen, i: Insn): string | undefined {
  const kind = PINT_LOGIC[i.opcode & 0xff];
  return kind === undefined ? undefined : logicTemplate(kind)(g, i);
}

function unpck64Template(high: boolean): Template {
  return (g, i) => {
    g.neutral = true;
    g.safe = i.rm >= 0;
    const d = i.reg << 2;
    if (!high && i.rm >= 0) {
      const s = i.rm << 2;
      const bits = `const s0 = X[${s}], s1 = X[${s + 1}]; X[${d + 2}] = s0; X[${d + 3}] = s1;`;
      return move64((d >> 1) + 1, `XF[${s >> 1}]`, bits);
    }
    const move = high ? `X[${d}] = X[${d + 2}]; X[${d + 1}] = X[${d + 3}]; ` : "";
    const h = high ? 2 : 0;
    return `{ ${loadXmm(g, i, 4, true)} ${move}X[${d + 2}] = s${h}; X[${d + 3}] = s${h + 1}; }`;
  };
}

function shufpdTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  g.safe = i.rm >= 0;
  const d = i.reg << 2, lo = (i.imm & 1) << 1, hi = i.imm & 2;
  return `{ ${loadXmm(g, i, 4, true)} const d0 = X[${d + lo}], d1 = X[${d + lo + 1}]; ` +
    `X[${d}] = d0; X[${d + 1}] = d1; X[${d + 2}] = s${hi}; X[${d + 3}] = s${hi + 1}; }`;
}

// ---- arithmetic ---------------------------------------------------------------------------------

/** Splits v into high and low halves (Dekker), declaring `${h}` and `${l}`. */
function split(v: string, h: string, l: string): string {
  return `{ const w = 134217729 * ${v}; ${h} = w - (w - ${v}); ${l} = ${v} - ${h}; }`;
}

/** The error of the product p = x * y, as productError in sse_fp.ts (an expression of the
 * split halves xh xl yh yl). */
const PRODUCT_ERROR = "((xh * yh - p) + xh * yl + xl * yh) + xl * yl";

/**
 * One lane of ADD/SUB/MUL/DIV on doubles x and y into q, inline: the interpreter's fast path
 * (sse_fp.ts arith64: operands and result within the range where the error-free transformations
 * are exact; round to nearest) and the exact zeros around it. Clears `ok` when the handler must
 * decide; with `e`, sets `ie` when the result is inexact. One condition per lane: V8 keeps it to
 * a few predictable branches.
 */
function laneCode(op: string, x: string, y: string, q: string): string {
  const fast = (v: string) => `(${v} > ${LOW} && ${v} < ${HIGH})`;
  const b = op === "sub" ? "yn" : y; // a - b is a + (-b), signed zeros included
  const sym = op === "mul" ? "*" : op === "div" ? "/" : "+";
  const zx = `(${x} === 0)`, zy = `(${b} === 0)`;
  const fx = `(${fast("ax")} || ${zx})`;
  let fy = `(${fast("ay")} || ${zy})`, fq: string, exact: string;
  switch (op) {
    case "mul": // a zero operand gives an exact zero; a zero from nonzero operands underflowed
      fq = `(${fast("aq")} || ${zx} || ${zy})`;
      exact = `let xh = 0, xl = 0, yh = 0, yl = 0; const p = ${q}; ${split(x, "xh", "xl")} ` +
        `${split(b, "yh", "yl")} if (${PRODUCT_ERROR} !== 0) ie = true;`;
      break;
    case "div": // 0 / y is an exact zero; x / 0 raises ZE (the handler)
      fy = fast("ay");
      fq = `(${fast("aq")} || ${zx})`;
      exact =
        `let xh = 0, xl = 0, yh = 0, yl = 0; const p = ${q} * ${b}; ${split(q, "xh", "xl")} ` +
        `${split(b, "yh", "yl")} if (${x} - p !== ${PRODUCT_ERROR}) ie = true;`;
      break;
    default: // add, sub: a zero sum is exact
      fq = `(${fast("aq")} || ${q} === 0)`;
      exact = `const bb = ${q} - ${x}; if ((${x} - (${q} - bb)) + (${b} - bb) !== 0) ie = true;`;
  }
  return `{ ${op === "sub" ? `const yn = -${y}; ` : ""}${q} = ${x} ${sym} ${b}; ` +
    `const ax = Math.abs(${x}), ay = Math.abs(${b}), aq = Math.abs(${q}); ` +
    `if (!(${fx} && ${fy} && ${fq})) ok = false; else if (e) { ${exact} } }`;
}

/** ADD/SUB/MUL/DIV SD (lanes 1) or PD (lanes 2), inline where the interpreter's fast path applies
 * and PE is masked; otherwise the handler runs on the unchanged state. */
function arithTemplate(op: "add" | "sub" | "mul" | "div", lanes: number): Template {
  return (g, i) => {
    g.neutral = true;
    const d = i.reg << 1; // index in c.xmmF64
    const src = loadDoubles(g, i, lanes, lanes === 2);
    const lane0 = laneCode(op, "x0", "y0", "q0");
    const lane1 = lanes === 2 ? laneCode(op, "x1", "y1", "q1") : "";
    const x = lanes === 2 ? `const x0 = XF[${d}], x1 = XF[${d + 1}];` : `const x0 = XF[${d}];`;
    const q = lanes === 2 ? "let q0 = 0, q1 = 0;" : "let q0 = 0;";
    const write = lanes === 2 ? `XF[${d}] = q0; XF[${d + 1}] = q1;` : `XF[${d}] = q0;`;
    const call = g.call();
    return `{ ${src} const mx = c.mxcsr; let ok = (mx & ${MX_FAST_MASK}) === ${MX_FAST}; ` +
      `const e = (mx & 32) === 0; let ie = false; ${x} ${q} ${lane0} ${lane1} ` +
      `if (ok) { ${write} if (ie) c.mxcsr = mx | 32; } else ${call} }`;
  };
}

/** CVTSI2SD: int32 sources and int64 sources below 2^53 in magnitude convert exactly. */
function cvtsi2sdTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  const d = i.reg << 1;
  let load: string;
  if (i.rm >= 0) {
    const [lo, hi] = regGet(i.rm, i.size === 8 ? 8 : 4);
    load = `const v0 = ${lo}, v1 = ${hi};`;
  } else {
    const A = addrOf(g, i);
    load = `${A.setup} let v0 = 0, v1 = 0; ${memGet(i.size === 8 ? 8 : 4, A, "v0", "v1")}`;
  }
  if (i.size !== 8) {
    g.safe = i.rm >= 0;
    return `{ ${load} XF[${d}] = v0; }`;
  }
  return `{ ${load} if (v1 >= -2097152 && v1 < 2097152) XF[${d}] = v1 * 4294967296 + (v0 >>> 0); ` +
    `else ${g.call()} }`;
}

/** CVTTSD2SI with PE masked and DAZ clear: truncation, PE when inexact; out of range calls the
 * handler (IE, integer indefinite). */
function cvttsd2siTemplate(g: Gen, i: Insn): string {
  g.neutral = true;
  const src = `${loadDoubles(g, i, 1, false)} const x = y0;`;
  const call = g.call();
  const r = i.reg;
  const range = i.size === 8
    ? "t >= -9223372036854775808 && t < 9223372036854775808"
    : "t >= -2147483648 && t <= 2147483647";
  const write = i.size === 8
    ? `{ const hi = Math.floor(t / 4294967296); L[${r}] = (t - hi * 4294967296) | 0; ` +
      `H[${r}] = hi | 0; }`
    : `{ L[${r}] = t | 0; H[${r}] = 0; }`;
  return `{ ${src} const mx = c.mxcsr; t = Math.trunc(x); ` +
    `if ((mx & 0x1040) === 0x1000 && ${range}) { if (t !== x) c.mxcsr = mx | 32; ${write} } ` +
    `else ${call} }`;
}

/** COMISD/UCOMISD of ordered, non-denormal operands: ZF PF CF from the comparison, no MXCSR
 * change; NaNs and denormals call the handler (IE, DE). */
function comisdTemplate(g: Gen, i: Insn): string {
  g.last = null;
  const src = `${loadDoubles(g, i, 1, false)} const y = y0;`;
  const x = `XF[${i.reg << 1}]`;
  const ok = (v: string) => `(${v} === 0 || Math.abs(${v}) >= ${MIN_NORMAL64})`;
  return `{ ${src} const x = ${x}; if (x === x && y === y && ${ok("x")} && ${ok("y")}) ` +
    `{ c.fop = 0; c.fexp = x > y ? 0 : x < y ? 1 : 64; } else ${g.call()} }`;
}

// deno-fmt-ignore
export const SSE_TEMPLATES: [Exec, Template][] = [
  [movupsLoad,   load128(false)],
  [movapsLoad,   load128(true)],
  [movupsStore,  store128(false)],
  [movapsStore,  store128(true)],
  [movsdLoad,    loadLow64(false)],
  [movqLoadXmm,  loadLow64(true)],
  [movsdStore,   storeLow64(false)],
  [movqStoreXmm, storeLow64(true)],
  [movssLoad,    movssLoadTemplate],
  [movssStore,   movssStoreTemplate],
  [movdToXmm,    movdToXmmTemplate],
  [movdFromXmm,  movdFromXmmTemplate],
  [andps,        logicTemplate("and")],
  [andnps,       logicTemplate("andn")],
  [orps,         logicTemplate("or")],
  [xorps,        logicTemplate("xor")],
  [pintXmm,      pintTemplate],
  [unpcklpd,     unpck64Template(false)],
  [unpckhpd,     unpck64Template(true)],
  [shufpd,       shufpdTemplate],
  [addsd,        arithTemplate("add", 1)],
  [subsd,        arithTemplate("sub", 1)],
  [mulsd,        arithTemplate("mul", 1)],
  [divsd,        arithTemplate("div", 1)],
  [addpd,        arithTemplate("add", 2)],
  [subpd,        arithTemplate("sub", 2)],
  [mulpd,        arithTemplate("mul", 2)],
  [divpd,        arithTemplate("div", 2)],
  [cvtsi2sd,     cvtsi2sdTemplate],
  [cvttsd2si,    cvttsd2siTemplate],
  [comisd,       comisdTemplate],
  [ucomisd,      comisdTemplate],
];
