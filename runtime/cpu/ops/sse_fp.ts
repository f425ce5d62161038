// Floating-point lane arithmetic shared by the SSE/SSE2 handlers: one lane of D (first source)
// and S (second source) into R, for single (k indexes dwords) and double (k indexes qwords).
//
// Rules, as the SDM and the hardware have them:
// - NaN operands: the first source's NaN wins, else the second's, quieted; an SNaN raises IE. An
//   invalid operation without NaN operands gives the default NaN (negative QNaN).
// - Precedence: SNaN/QNaN operands, then other invalid cases and divide by zero, then denormal
//   operands (DE, or zero with DAZ); a lane that reports IE or ZE reports nothing else.
// - Results are correctly rounded under MXCSR.RC. The fast path (round to nearest) computes in
//   double precision and certifies exactness with error-free transformations (TwoSum, Dekker's
//   product) to report PE; directed rounding, results near the overflow or underflow thresholds and
//   operands outside the range where those transformations are exact take the BigInt path of
//   sse_exact.ts, which also applies FTZ and detects tininess after rounding.

import { exactArith, OP_ADD, OP_DIV, OP_MUL, OP_SQRT, OP_SUB } from "./sse_exact.ts";
import { D, env, MX_DE, MX_IE, MX_PE, MX_ZE, R, RC_NEAREST, S } from "./sse_state.ts";

export { OP_ADD, OP_DIV, OP_MUL, OP_SQRT, OP_SUB };

export const MIN_NORMAL32 = 1.1754943508222875e-38;
export const MIN_NORMAL64 = 2.2250738585072014e-308;
export const DEFAULT_NAN32 = 0xffc00000 | 0;
export const DEFAULT_NAN64_HI = 0xfff80000 | 0;
/** Bounds of the double-precision fast path: Dekker's product is exact between them. */
export const SAFE_LOW = 2 ** -968, SAFE_HIGH = 2 ** 995;
const SPLITTER = 134217729; // 2^27 + 1

export function isSignaling32(bits: number): boolean {
  return (bits & 0x7fc00000) === 0x7f800000 && (bits & 0x3fffff) !== 0;
}

export function isSignaling64(hi: number, lo: number): boolean {
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | lo) !== 0;
}

/** Error of the rounded sum s = a + b (TwoSum): a + b = s + error exactly. */
export function sumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/** Error of the rounded product p = x * y (Dekker): x * y = p + error exactly, in range. */
export function productError(x: number, y: number, p: number): number {
  let t = SPLITTER * x;
  const xh = t - (t - x), xl = x - xh;
  t = SPLITTER * y;
  const yh = t - (t - y), yl = y - yh;
  return ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
}

function inFastRange(x: number): boolean {
  const m = Math.abs(x);
  return m > SAFE_LOW && m < SAFE_HIGH;
}

// ---- single precision ---------------------------------------------------------------------------

/** Result bits for NaN operands (at least one of a, b is a NaN). */
function nan32(a: number, b: number): number {
  if (isSignaling32(a) || isSignaling32(b)) env.pre |= MX_IE;
  return ((a & 0x7fffffff) > 0x7f800000 ? a : b) | 0x400000;
}

/** Rounds the double r (with exactness known: `exact`) into R.f32[k] in round-to-nearest, or
 * returns false when the exact path must decide (tiny or overflowing results). */
function deliver32(r: number, exact: boolean, k: number): boolean {
  const f = Math.fround(r), m = Math.abs(f);
  if (m <= MIN_NORMAL32 || m === Infinity) return false;
  if (!exact || f !== r) env.post |= MX_PE;
  R.f32[k] = f;
  return true;
}

function slow32(op: number, a: number, b: number, k: number): void {
  exactArith(op, a, b, true);
  R.i32[k] = env.outLo;
}

/** R[k] = D[k] op S[k] in single precision; op is OP_ADD, OP_SUB, OP_MUL or OP_DIV. */
export function arith32(op: number, k: number): void {
  const a = D.f32[k], b = S.f32[k];
  const ma = Math.abs(a), mb = Math.abs(b);
  if (
    ma >= MIN_NORMAL32 && mb >= MIN_NORMAL32 && ma < Infinity && mb < Infinity &&
    env.rc === RC_NEAREST
  ) {
    // Normal operands, round to nearest: the double result is exact for products and certified
    // by an error term otherwise; only tiny or overflowing results need the general path.
    let r: number, exact = true;
    switch (op) {
      case OP_ADD:
        r = a + b;
        exact = sumError(a, b, r) === 0;
        break;
      case OP_SUB:
        r = a - b;
        exact = sumError(a, -b, r) === 0;
        break;
      case OP_MUL:
        r = a * b;
        break;
      default: {
        r = a / b;
        const p = r * b;
        exact = a - p === productError(r, b, p);
      }
    }
    if (r === 0) {
      R.f32[k] = r;
      return;
    }
    if (deliver32(r, exact, k)) return;
  }
  arith32General(op, k);
}

function arith32General(op: number, k: number): void {
  let a = D.f32[k], b = S.f32[k];
  if (a !== a || b !== b) {
    R.i32[k] = nan32(D.i32[k], S.i32[k]);
    return;
  }
  let den = false;
  if (a !== 0 && Math.abs(a) < MIN_NORMAL32) {
    if (env.daz) a = a < 0 ? -0 : 0;
    else den = true;
  }
  if (b !== 0 && Math.abs(b) < MIN_NORMAL32) {
    if (env.daz) b = b < 0 ? -0 : 0;
    else den = true;
  }
  if (op === OP_SUB) {
    b = -b;
    op = OP_ADD;
  }
  const special = specialCase(op, a, b);
  if (special !== 0) {
    if (special === MX_IE) R.i32[k] = DEFAULT_NAN32;
    else {
      if (special !== MX_ZE && den) env.pre |= MX_DE;
      R.f32[k] = lastSpecial;
    }
    return;
  }
  if (den) env.pre |= MX_DE;
  if (env.rc !== RC_NEAREST) return slow32(op, a, b, k);
  // Single-precision operands make every double result nonzero unless it is exactly zero.
  const r = op === OP_ADD ? a + b : op === OP_MUL ? a * b : a / b;
  if (r === 0) {
    R.f32[k] = r;
    return;
  }
  let exact = true; // products of 24-bit significands are exact in a double
  if (op === OP_ADD) exact = sumError(a, b, r) === 0;
  else if (op === OP_DIV) {
    const p = r * b;
    exact = a - p === productError(r, b, p);
  }
  if (!deliver32(r, exact, k)) slow32(op, a, b, k);
}

/** R[k] = sqrt(S[k]) in single precision. */
export function sqrt32(k: number): void {
  let b = S.f32[k];
  if (b !== b) {
    R.i32[k] = nan32(S.i32[k], S.i32[k]);
    return;
  }
  let den = false;
  if (b !== 0 && Math.abs(b) < MIN_NORMAL32) {
    if (env.daz) b = b < 0 ? -0 : 0;
    else den = true;
  }
  if (b < 0) {
    env.pre |= MX_IE;
    R.i32[k] = DEFAULT_NAN32;
    return;
  }
  if (den) env.pre |= MX_DE;
  if (b === 0 || b === Infinity) {
    R.f32[k] = b;
    return;
  }
  if (env.rc !== RC_NEAREST) return slow32(OP_SQRT, 0, b, k);
  const r = Math.sqrt(b), p = r * r;
  if (!deliver32(r, b - p === productError(r, r, p), k)) slow32(OP_SQRT, 0, b, k);
}

// ---- double precision ---------------------------------------------------------------------------

/** Writes the NaN result for lane k (at least one operand is a NaN). */
function nan64(k: number): void {
  const alo = D.i32[2 * k], ahi = D.i32[2 * k + 1], blo = S.i32[2 * k], bhi = S.i32[2 * k + 1];
  if (isSignaling64(ahi, alo) || isSignaling64(bhi, blo)) env.pre |= MX_IE;
  const aNaN = D.f64[k] !== D.f64[k];
  R.i32[2 * k] = aNaN ? alo : blo;
  R.i32[2 * k + 1] = (aNaN ? ahi : bhi) | 0x80000;
}

function defaultNan64(k: number): void {
  R.i32[2 * k] = 0;
  R.i32[2 * k + 1] = DEFAULT_NAN64_HI;
}

function slow64(op: number, a: number, b: number, k: number): void {
  exactArith(op, a, b, false);
  R.i32[2 * k] = env.outLo;
  R.i32[2 * k + 1] = env.outHi;
}

/** R[k] = D[k] op S[k] in double precision; op is OP_ADD, OP_SUB, OP_MUL or OP_DIV. */
export function arith64(op: number, k: number): void {
  const a = D.f64[k], b = S.f64[k];
  const ma = Math.abs(a), mb = Math.abs(b);
  if (
    ma > SAFE_LOW && mb > SAFE_LOW && ma < SAFE_HIGH && mb < SAFE_HIGH && env.rc === RC_NEAREST
  ) {
    // Operands where the error-free transformations are exact, round to nearest.
    let r: number, exact: boolean;
    switch (op) {
      case OP_ADD:
        r = a + b;
        exact = sumError(a, b, r) === 0;
        break;
      case OP_SUB:
        r = a - b;
        exact = sumError(a, -b, r) === 0;
        break;
      case OP_MUL:
        r = a * b;
        exact = productError(a, b, r) === 0;
        break;
      default: {
        r = a / b;
        const p = r * b;
        exact = a - p === productError(r, b, p);
      }
    }
    // A zero is exact for a sum; a product or quotient that small underflowed.
    const m = Math.abs(r);
    if ((m > SAFE_LOW && m < SAFE_HIGH) || (r === 0 && op <= OP_SUB)) {
      if (!exact) env.post |= MX_PE;
      R.f64[k] = r;
      return;
    }
  }
  arith64General(op, k);
}

function arith64General(op: number, k: number): void {
  let a = D.f64[k], b = S.f64[k];
  if (a !== a || b !== b) return nan64(k);
  let den = false;
  if (a !== 0 && Math.abs(a) < MIN_NORMAL64) {
    if (env.daz) a = a < 0 ? -0 : 0;
    else den = true;
  }
  if (b !== 0 && Math.abs(b) < MIN_NORMAL64) {
    if (env.daz) b = b < 0 ? -0 : 0;
    else den = true;
  }
  if (op === OP_SUB) {
    b = -b;
    op = OP_ADD;
  }
  const special = specialCase(op, a, b);
  if (special !== 0) {
    if (special === MX_IE) defaultNan64(k);
    else {
      if (special !== MX_ZE && den) env.pre |= MX_DE;
      R.f64[k] = lastSpecial;
    }
    return;
  }
  if (den) env.pre |= MX_DE;
  if (env.rc !== RC_NEAREST) return slow64(op, a, b, k);
  let r: number, exact: boolean;
  switch (op) {
    case OP_ADD:
      r = a + b;
      if (r === 0) {
        R.f64[k] = r;
        return;
      }
      if (Math.abs(r) <= MIN_NORMAL64 || Math.abs(r) === Infinity) return slow64(op, a, b, k);
      exact = sumError(a, b, r) === 0;
      break;
    case OP_MUL:
      r = a * b;
      if (a === 0 || b === 0) {
        R.f64[k] = r;
        return;
      }
      if (!inFastRange(a) || !inFastRange(b) || !inFastRange(r)) return slow64(op, a, b, k);
      exact = productError(a, b, r) === 0;
      break;
    default: {
      r = a / b;
      if (a === 0) {
        R.f64[k] = r;
        return;
      }
      if (!inFastRange(a) || !inFastRange(b) || !inFastRange(r)) return slow64(op, a, b, k);
      const p = r * b;
      exact = a - p === productError(r, b, p);
    }
  }
  if (!exact) env.post |= MX_PE;
  R.f64[k] = r;
}

/** R[k] = sqrt(S[k]) in double precision. */
export function sqrt64(k: number): void {
  let b = S.f64[k];
  if (b !== b) {
    const lo = S.i32[2 * k], hi = S.i32[2 * k + 1];
    if (isSignaling64(hi, lo)) env.pre |= MX_IE;
    R.i32[2 * k] = lo;
    R.i32[2 * k + 1] = hi | 0x80000;
    return;
  }
  let den = false;
  if (b !== 0 && Math.abs(b) < MIN_NORMAL64) {
    if (env.daz) b = b < 0 ? -0 : 0;
    else den = true;
  }
  if (b < 0) {
    env.pre |= MX_IE;
    return defaultNan64(k);
  }
  if (den) env.pre |= MX_DE;
  if (b === 0 || b === Infinity) {
    R.f64[k] = b;
    return;
  }
  if (env.rc !== RC_NEAREST || !inFastRange(b)) return slow64(OP_SQRT, 0, b, k);
  const r = Math.sqrt(b), p = r * r;
  if (b - p !== productError(r, r, p)) env.post |= MX_PE;
  R.f64[k] = r;
}

// ---- shared -------------------------------------------------------------------------------------

/** Result of the last specialCase() that returned a value. */
let lastSpecial = 0;

/**
 * Invalid operations, division by zero and infinite operands (all exact): returns MX_IE for an
 * invalid operation (default NaN), MX_ZE for division by zero, -1 for another exact special
 * result (left in lastSpecial; ZE also leaves its infinity there), or 0 for ordinary operands.
 */
function specialCase(op: number, a: number, b: number): number {
  const infA = Math.abs(a) === Infinity, infB = Math.abs(b) === Infinity;
  switch (op) {
    case OP_ADD:
      if (!infA && !infB) return 0;
      if (infA && infB && a !== b) return invalid();
      lastSpecial = a + b;
      return -1;
    case OP_MUL:
      if (!infA && !infB) return 0;
      if (a === 0 || b === 0) return invalid();
      lastSpecial = a * b;
      return -1;
    default:
      if (infA && infB) return invalid();
      if (b === 0 && !infA) {
        if (a === 0) return invalid();
        env.pre |= MX_ZE;
        lastSpecial = a / b;
        return MX_ZE;
      }
      if (!infA && !infB) return 0;
      lastSpecial = a / b;
      return -1;
  }
}

function invalid(): number {
  env.pre |= MX_IE;
  return MX_IE;
}
