// Exact floating-point arithmetic for the cases the double-precision fast path cannot certify:
// directed rounding modes, results near the overflow and underflow thresholds, and operands whose
// error terms would leave the double range. Values are exact BigInt significands with binary
// exponents; exactRound() rounds such a value to single or double precision under the MXCSR
// rounding mode and flush-to-zero, detecting tininess after rounding as x86 does, and reports
// OE/UE/PE in env.post. Off the hot path: BigInt and allocation are fine here.

import { env, MX_OE, MX_PE, MX_UE, RC_DOWN, RC_NEAREST, RC_UP } from "./sse_state.ts";

export const OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_SQRT = 4;

const bits = new DataView(new ArrayBuffer(8));

/** Significand and exponent of a finite double: |x| = mant * 2^exp. */
function split(x: number): { mant: bigint; exp: number } {
  bits.setFloat64(0, x);
  const hi = bits.getUint32(0) & 0x7fffffff, lo = bits.getUint32(4);
  const field = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (field !== 0) mant |= 1n << 52n;
  return { mant, exp: (field === 0 ? 1 : field) - 1075 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

function isNegative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

function setZero(negative: boolean, single: boolean): void {
  env.outLo = single && negative ? 0x80000000 | 0 : 0;
  env.outHi = !single && negative ? 0x80000000 | 0 : 0;
}

/**
 * Computes `a op b` (or sqrt(b)) exactly and rounds it. Operands are finite and not NaN, DAZ is
 * already applied, and invalid or divide-by-zero cases were handled by the caller.
 */
export function exactArith(op: number, a: number, b: number, single: boolean): void {
  if (op === OP_SQRT) {
    if (b === 0) return setZero(isNegative(b), single);
    const { mant, exp } = split(b);
    let m = mant, e = exp;
    if (e & 1) {
      m <<= 1n;
      e -= 1;
    }
    // At least 2 * (53 + 2) bits under the root so that guard bits exist for any format.
    let k = Math.max(0, 110 - bitLength(m));
    k += k & 1;
    const n = m << BigInt(k);
    const root = isqrt(n);
    return exactRound(false, root, (e - k) / 2, root * root !== n, single);
  }
  if (op === OP_MUL || op === OP_DIV) {
    const negative = isNegative(a) !== isNegative(b);
    if (a === 0 || b === 0) return setZero(negative, single);
    const x = split(a), y = split(b);
    if (op === OP_MUL) return exactRound(negative, x.mant * y.mant, x.exp + y.exp, false, single);
    const k = Math.max(0, 56 + bitLength(y.mant) - bitLength(x.mant));
    const n = x.mant << BigInt(k);
    const q = n / y.mant;
    return exactRound(negative, q, x.exp - y.exp - k, q * y.mant !== n, single);
  }
  const bb = op === OP_SUB ? -b : b;
  if (a === 0 || bb === 0) {
    // The sum is the other operand (exact), or a zero whose sign follows IEEE 754.
    if (a === 0 && bb === 0) {
      const negative = isNegative(a) && isNegative(bb);
      return setZero(negative || (isNegative(a) !== isNegative(bb) && env.rc === RC_DOWN), single);
    }
    const v = a === 0 ? bb : a, { mant, exp } = split(v);
    return exactRound(v < 0, mant, exp, false, single);
  }
  const x = split(a), y = split(bb);
  const e = Math.min(x.exp, y.exp);
  const sx = a < 0 ? -x.mant : x.mant, sy = bb < 0 ? -y.mant : y.mant;
  const sum = (sx << BigInt(x.exp - e)) + (sy << BigInt(y.exp - e));
  if (sum === 0n) return setZero(env.rc === RC_DOWN, single);
  exactRound(sum < 0n, sum < 0n ? -sum : sum, e, false, single);
}

/** Rounds a signed 64-bit integer (given as BigInt) to single or double precision. */
export function exactFromInteger(v: bigint, single: boolean): void {
  if (v === 0n) return setZero(false, single);
  exactRound(v < 0n, v < 0n ? -v : v, 0, false, single);
}

/** Rounds a finite double to single precision (CVTSD2SS and friends). */
export function exactNarrow(x: number): void {
  if (x === 0) return setZero(isNegative(x), true);
  const { mant, exp } = split(x);
  exactRound(x < 0, mant, exp, false, true);
}

/**
 * Rounds `(-1)^negative * (n + sticky) * 2^e` (n > 0; `sticky` marks a nonzero fraction below n's
 * last bit) to single or double precision. Result bits in env.outLo/outHi, flags in env.post.
 */
export function exactRound(
  negative: boolean,
  n: bigint,
  e: number,
  sticky: boolean,
  single: boolean,
): void {
  const p = single ? 24 : 53, emin = single ? -126 : -1022, emax = single ? 127 : 1023;
  const length = bitLength(n);
  // Unbounded exponent range first: decides overflow and tininess (after rounding).
  let m = roundAt(negative, n, sticky, length - p);
  const inexact = roundInexact;
  let top = e + length - 1;
  if (m >> BigInt(p) !== 0n) top++;
  const masks = env.masks;
  // With OE or UE unmasked nothing is delivered, and PE tells whether the result rounded to the
  // format's precision (exponent unbounded) was inexact.
  if (top > emax) {
    if ((masks & MX_OE) === 0) env.post |= inexact ? MX_OE | MX_PE : MX_OE;
    else {
      env.post |= MX_OE | MX_PE;
      const rc = env.rc;
      const toInfinity = rc === RC_NEAREST || (rc === RC_UP && !negative) ||
        (rc === RC_DOWN && negative);
      const fraction = toInfinity ? 0n : (1n << BigInt(p - 1)) - 1n;
      encode(negative, fraction, toInfinity ? emax + 1 : emax, single);
    }
    return;
  }
  if (top < emin) {
    if (env.ftz && (masks & MX_UE) !== 0) {
      env.post |= MX_UE | MX_PE;
      return setZero(negative, single);
    }
    if ((masks & MX_UE) === 0) {
      env.post |= inexact ? MX_UE | MX_PE : MX_UE;
      return;
    }
    m = roundAt(negative, n, sticky, emin - p + 1 - e);
    if (roundInexact) env.post |= MX_UE | MX_PE;
    // At the subnormal quantum the significand is the encoding itself (2^(p-1) is the smallest
    // normal number).
    if (single) {
      env.outLo = (negative ? 0x80000000 : 0) | Number(m);
      env.outHi = 0;
    } else {
      env.outLo = Number(m & 0xffffffffn) | 0;
      env.outHi = (negative ? 0x80000000 : 0) | Number(m >> 32n);
    }
    return;
  }
  if (inexact) env.post |= MX_PE;
  if (m >> BigInt(p) !== 0n) m >>= 1n;
  encode(negative, m & ((1n << BigInt(p - 1)) - 1n), top, single);
}

/** Encodes a normal (or infinite, with exponent emax + 1) value from its fraction bits. */
function encode(negative: boolean, fraction: bigint, exponent: number, single: boolean): void {
  const sign = negative ? 0x80000000 : 0;
  if (single) {
    env.outLo = (sign | ((exponent + 127) << 23) | Number(fraction)) | 0;
    env.outHi = 0;
  } else {
    env.outLo = Number(fraction & 0xffffffffn) | 0;
    env.outHi = (sign | ((exponent + 1023) << 20) | Number(fraction >> 32n)) | 0;
  }
}

let roundInexact = false;

/** Drops `drop` low bits of n (+ sticky) with the current rounding mode; sets roundInexact. */
function roundAt(negative: boolean, n: bigint, sticky: boolean, drop: number): bigint {
  if (drop <= 0) {
    roundInexact = sticky;
    return n << BigInt(-drop);
  }
  const d = BigInt(drop);
  const q = n >> d;
  const rest = n - (q << d);
  const half = 1n << (d - 1n);
  roundInexact = rest !== 0n || sticky;
  if (!roundInexact) return q;
  let up: boolean;
  switch (env.rc) {
    case RC_NEAREST:
      up = rest > half || (rest === half && (sticky || (q & 1n) === 1n));
      break;
    case RC_DOWN:
      up = negative;
      break;
    case RC_UP:
      up = !negative;
      break;
    default:
      up = false;
  }
  return up ? q + 1n : q;
}
