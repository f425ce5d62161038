// Conversions of x87 extended values: from and to integers (FILD, FIST, FRNDINT, FBLD/FBSTP),
// from and to IEEE binary32/binary64 (FLD/FST m32fp, m64fp and the memory operands of the
// arithmetic forms), and to a JavaScript number for debugging. Flags go to `status` as in
// softfloat80.ts.

import {
  BIAS,
  bitLength,
  classify,
  DE,
  F64,
  F80,
  type Format,
  IE,
  invalid,
  isNaNKind,
  K_DENORMAL,
  K_INF,
  K_QNAN,
  K_SNAN,
  K_UNSUPPORTED,
  K_ZERO,
  PE,
  POS_ZERO,
  propagateNaN,
  roundAt,
  ROUNDED_UP,
  roundOut,
  roundTo,
  signOf,
  status,
  unpack,
  zero,
} from "./softfloat80.ts";

const J_BIT = 0x8000000000000000n;
const QUIET_BIT = 0x4000000000000000n;

// ---- integers -------------------------------------------------------------------------------

/** Exact extended value of an integer with |v| < 2^64. */
export function fromBigInt(v: bigint): F80 {
  if (v === 0n) return POS_ZERO;
  const sign = v < 0n ? 1 : 0;
  const m = v < 0n ? -v : v;
  const n = bitLength(m);
  return new F80((sign << 15) | (BIAS + n - 1), m << BigInt(64 - n));
}

/**
 * Rounds a finite value to an integer with `rc` (chop for FISTTP), raising PE/ROUNDED_UP when
 * inexact. Returns a BigInt; the caller checks its range.
 */
export function toBigInt(a: F80, rc: number): bigint {
  const x = unpack(a);
  if (x.m === 0n) return 0n;
  if (x.e >= 0) return (x.m << BigInt(x.e)) * (x.sign ? -1n : 1n);
  roundAt(x.sign, x.m, x.e, false, 0, rc);
  if (roundOut.inexact) status.flags |= PE;
  if (roundOut.up) status.flags |= ROUNDED_UP;
  return x.sign ? -roundOut.q : roundOut.q;
}

/** FRNDINT: the value rounded to an integer with `rc`, sign kept (also for zero results). */
export function roundToInteger(a: F80, rc: number): F80 {
  const ka = classify(a);
  if (ka === K_UNSUPPORTED) return invalid();
  if (isNaNKind(ka)) return propagateNaN(a, ka, a, ka);
  if (ka === K_DENORMAL) status.flags |= DE;
  if (ka === K_ZERO || ka === K_INF || (a.se & 0x7fff) >= BIAS + 63) return a;
  const n = toBigInt(a, rc);
  if (n === 0n) return zero(signOf(a));
  return fromBigInt(n);
}

// ---- IEEE single and double ----------------------------------------------------------------

/** Exact extended value of m * 2^e for 0 < m < 2^64 in the normal extended range. */
function normalized(sign: number, m: bigint, e: number): F80 {
  const n = bitLength(m);
  return new F80((sign << 15) | (e + n - 1 + BIAS), m << BigInt(64 - n));
}

/** Extended value of a binary64 given as 32-bit halves; denormals raise DE, NaNs keep their kind. */
export function fromF64(lo: number, hi: number): F80 {
  const sign = hi >>> 31, exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo >>> 0);
  if (exp === 0x7ff) return new F80((sign << 15) | 0x7fff, J_BIT | (frac << 11n));
  if (exp === 0) {
    if (frac === 0n) return zero(sign);
    status.flags |= DE;
    return normalized(sign, frac, -1074);
  }
  return new F80((sign << 15) | (exp - 1023 + BIAS), J_BIT | (frac << 11n));
}

/** Extended value of a binary32; denormals raise DE, NaNs keep their kind. */
export function fromF32(bits: number): F80 {
  const sign = bits >>> 31, exp = (bits >>> 23) & 0xff;
  const frac = BigInt(bits & 0x7fffff);
  if (exp === 0xff) return new F80((sign << 15) | 0x7fff, J_BIT | (frac << 40n));
  if (exp === 0) {
    if (frac === 0n) return zero(sign);
    status.flags |= DE;
    return normalized(sign, frac, -149);
  }
  return new F80((sign << 15) | (exp - 127 + BIAS), J_BIT | (frac << 40n));
}

/**
 * Rounds an extended value to binary64 (fmt F64) or binary32 (F32) bits with `rc`. SNaNs are
 * quieted and unsupported values become the default NaN, both raising IE.
 */
export function toIeee(a: F80, fmt: Format, rc: number): bigint {
  const fracBits = fmt.p - 1;
  const expBits = fmt === F64 ? 11 : 8;
  const signBit = BigInt(signOf(a)) << BigInt(expBits + fracBits);
  const expAll = ((1n << BigInt(expBits)) - 1n) << BigInt(fracBits);
  const k = classify(a);
  switch (k) {
    case K_UNSUPPORTED:
      status.flags |= IE;
      return (1n << BigInt(expBits + fracBits)) | expAll | (1n << BigInt(fracBits - 1));
    case K_SNAN:
    case K_QNAN:
      if (k === K_SNAN) status.flags |= IE;
      return signBit | expAll | (((a.sig | QUIET_BIT) & ~J_BIT) >> BigInt(63 - fracBits));
    case K_INF:
      return signBit | expAll;
    case K_ZERO:
      return signBit;
  }
  const x = unpack(a);
  const r = roundTo(x.sign, x.m, x.e, false, fmt, rc);
  if (r.inf) return signBit | expAll;
  if (r.m === 0n) return signBit;
  const n = bitLength(r.m);
  const top = r.e + n - 1;
  if (top < fmt.emin) return signBit | (r.m << BigInt(r.e - fmt.lsbMin));
  const biased = BigInt(top + fmt.emax);
  const m = n > fmt.p ? r.m >> BigInt(n - fmt.p) : r.m << BigInt(fmt.p - n);
  return signBit | (biased << BigInt(fracBits)) | (m & ((1n << BigInt(fracBits)) - 1n));
}

// ---- debugging ------------------------------------------------------------------------------

/** The nearest double to an extended value (for debugging and tests). */
export function toNumber(v: F80): number {
  const k = classify(v);
  const sign = signOf(v) ? -1 : 1;
  if (k === K_INF) return sign * Infinity;
  if (k === K_QNAN || k === K_SNAN || k === K_UNSUPPORTED) return NaN;
  const x = unpack(v);
  if (x.m === 0n) return sign * 0;
  const n = bitLength(x.m);
  const shift = n > 60 ? n - 60 : 0;
  return sign * Number(x.m >> BigInt(shift)) * 2 ** (x.e + shift);
}
