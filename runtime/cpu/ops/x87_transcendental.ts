// x87 logarithm, exponential and arctangent instructions: FYL2X, FYL2XP1, F2XM1, FPATAN. Values
// come from softfloat80_math.ts, rounded by RC to 64 bits (precision control does not apply).
// Special operands follow the hardware (checked against an AMD processor), including its answers
// outside the documented domains: see each function.

import type { Insn } from "../insn.ts";
import type { Cpu } from "../state.ts";
import {
  bitLength,
  classify,
  DE,
  EXT64,
  F80,
  IE,
  INDEFINITE,
  infinity,
  isNaNKind,
  K_DENORMAL,
  K_INF,
  K_UNSUPPORTED,
  K_ZERO,
  mul,
  ONE,
  packExt,
  PE,
  propagateNaN,
  ROUNDED_UP,
  roundTo,
  signOf,
  status,
  UE,
  unpack,
  ZE,
  zero,
} from "./softfloat80.ts";
import {
  atanRatio,
  exp2m1,
  isTiny,
  log2,
  log2p1,
  nudged,
  piMinus,
  roundFunction,
} from "./softfloat80_math.ts";
import {
  begin,
  deliver,
  enter,
  getSt,
  isEmpty,
  pop,
  roundingControl,
  setSt,
  stackUnderflow,
} from "./x87.ts";

/** Invalid operation: IE and the indefinite QNaN. */
function invalid(): F80 {
  status.flags |= IE;
  return INDEFINITE;
}

// ---- two-operand functions: ST(1) = f(ST(1), ST(0)), pop ----------------------------------------

/** Runs f(ST(0), ST(1)) into ST(1) and pops, with the usual underflow and NaN handling. */
function binary(c: Cpu, i: Insn, f: (x: F80, y: F80, rc: number) => F80): void {
  const x = enter(c, i);
  if (isEmpty(x, 0) || isEmpty(x, 1)) {
    if (stackUnderflow(x)) {
      setSt(x, 1, INDEFINITE);
      pop(x);
    }
    return;
  }
  begin(x);
  const a = getSt(x, 0), b = getSt(x, 1);
  const ka = classify(a), kb = classify(b);
  let r: F80;
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) r = invalid();
  else if (isNaNKind(ka) || isNaNKind(kb)) r = propagateNaN(a, ka, b, kb);
  else r = f(a, b, roundingControl(x));
  if (!deliver(x, status.flags)) return;
  setSt(x, 1, r);
  pop(x);
}

/** Marks DE for denormal operands. */
function denormals(a: F80, b: F80): void {
  if (classify(a) === K_DENORMAL || classify(b) === K_DENORMAL) status.flags |= DE;
}

/**
 * FYL2X (D9 F1): ST(1) * log2(ST(0)). x < 0: invalid; x = 0: -inf * sign(y) with ZE (invalid
 * for y = 0); x = 1: signed zero (invalid for infinite y); x = +inf: inf * sign(y) (invalid for
 * y = 0). Powers of two give the exact product, still flagged inexact as the hardware does.
 */
export function fyl2x(c: Cpu, i: Insn): void {
  binary(c, i, (x, y, rc) => {
    const kx = classify(x), ky = classify(y);
    const sy = signOf(y);
    if (signOf(x) && kx !== K_ZERO) return invalid();
    if (kx === K_ZERO) {
      if (ky === K_ZERO) return invalid();
      if (ky !== K_INF) status.flags |= ZE;
      return infinity(sy ^ 1);
    }
    if (kx === K_INF) {
      if (ky === K_ZERO) return invalid();
      denormals(x, y);
      return infinity(sy);
    }
    const a = unpack(x);
    const n = bitLength(a.m);
    const powerOfTwo = a.m === 1n << BigInt(n - 1);
    if (powerOfTwo && a.e + n - 1 === 0) {
      if (ky === K_INF) return invalid();
      denormals(x, y);
      return zero(sy);
    }
    denormals(x, y);
    if (ky === K_INF) return infinity(sy ^ (a.e + n - 1 < 0 ? 1 : 0));
    if (ky === K_ZERO) return zero(sy ^ (a.e + n - 1 < 0 ? 1 : 0));
    if (powerOfTwo) return exactProduct(y, a.e + n - 1, rc);
    const b = unpack(y);
    return roundFunction((prec) => {
      const l = log2(a.m, a.e, prec);
      return { sign: l.sign ^ b.sign, m: l.m * b.m, e: l.e + b.e };
    }, rc);
  });
}

/** 1 + x as an integer times 2^scale, for x = sign * m * 2^e > -1 with e >= -64. */
function exactSum(sign: number, m: bigint, e: number): [bigint, number] {
  const scale = Math.min(e, 0);
  return [(1n << BigInt(-scale)) + (m << BigInt(e - scale)) * (sign ? -1n : 1n), scale];
}

/** k when 1 + x = 2^k, else null. */
function powerOfTwoSum(sign: number, m: bigint, e: number): number | null {
  const [sum, scale] = exactSum(sign, m, e);
  const n = bitLength(sum);
  return sum === 1n << BigInt(n - 1) ? n - 1 + scale : null;
}

/** log2(1 + x) from the exact sum (1 + x not a power of two). */
function log2OfSum(sign: number, m: bigint, e: number, prec: number) {
  const [sum, scale] = exactSum(sign, m, e);
  return log2(sum, scale, prec);
}

/**
 * y * k for an exact logarithm k: the hardware still reports it inexact (PE, and UE when the
 * result is tiny).
 */
function exactProduct(y: F80, k: number, rc: number): F80 {
  const r = mul(y, fromInt(k), EXT64, rc);
  status.flags |= PE;
  if ((r.se & 0x7fff) === 0 && r.sig !== 0n) status.flags |= UE;
  return r;
}

function fromInt(k: number): F80 {
  const m = BigInt(Math.abs(k));
  const n = bitLength(m);
  return new F80((k < 0 ? 0x8000 : 0) | (0x3fff + n - 1), m << BigInt(64 - n));
}

/**
 * FYL2XP1 (D9 F9): ST(1) * log2(ST(0) + 1) for |ST(0)| < 1 - sqrt(2)/2 (larger values are
 * computed the same way). x = 0 gives a signed zero (invalid for infinite y); x = +inf gives
 * inf * sign(y) (invalid for y = 0); x = -inf is invalid; finite x <= -1 comes back unchanged.
 */
export function fyl2xp1(c: Cpu, i: Insn): void {
  binary(c, i, (x, y, rc) => {
    const kx = classify(x), ky = classify(y);
    const sx = signOf(x), sy = signOf(y);
    if (kx === K_INF) {
      if (sx || ky === K_ZERO) return invalid();
      denormals(x, y);
      return infinity(sy);
    }
    if (kx === K_ZERO) {
      if (ky === K_INF) return invalid();
      denormals(x, y);
      return zero(sx ^ sy);
    }
    const a = unpack(x), b = unpack(y);
    const top = a.e + bitLength(a.m) - 1;
    denormals(x, y);
    if (ky === K_INF) return infinity(sx ^ sy);
    if (ky === K_ZERO) return zero(sx ^ sy);
    if (sx && top >= 0) {
      // x <= -1, outside the domain: the processor returns x itself, flagged inexact.
      status.flags |= PE;
      return packExt(roundTo(sx, a.m, a.e, false, EXT64, rc, true));
    }
    const k = top >= -2 ? powerOfTwoSum(a.sign, a.m, a.e) : null;
    if (k !== null) return exactProduct(y, k, rc);
    return roundFunction((prec) => {
      // Near the domain edge the atanh series would crawl: use log2 of the exact 1 + x.
      const l = top >= -2 ? log2OfSum(a.sign, a.m, a.e, prec) : log2p1(a.sign, a.m, a.e, prec);
      return { sign: l.sign ^ b.sign, m: l.m * b.m, e: l.e + b.e };
    }, rc);
  });
}

/**
 * FPATAN (D9 F3): atan2(ST(1), ST(0)) in [-pi, pi], with the signed zeros and infinities of
 * C's atan2.
 */
export function fpatan(c: Cpu, i: Insn): void {
  binary(c, i, (x, y, rc) => {
    const kx = classify(x), ky = classify(y);
    const sx = signOf(x), sy = signOf(y);
    denormals(x, y);
    const quarter = (n: number) =>
      roundFunction((prec) => {
        const a = atanRatio(1n, 0, 1n, 0, prec); // pi/4
        return { sign: sy, m: a.m * BigInt(n), e: a.e };
      }, rc);
    if (ky === K_INF) return quarter(kx === K_INF ? (sx ? 3 : 1) : 2);
    if (ky === K_ZERO) {
      if (sx === 0) return zero(sy);
      return quarter(4);
    }
    if (kx === K_INF) return sx ? quarter(4) : zero(sy);
    if (kx === K_ZERO) return quarter(2);
    const a = unpack(x), b = unpack(y);
    if (sx === 0) {
      // atan z lies just below a tiny z = y/x: when z itself is exact, keep that direction.
      const z = exactQuotient(b.sign, b.m, b.e, a.m, a.e);
      if (z && isTiny(z)) return nudged(z, true, rc);
    }
    return roundFunction((prec) => {
      const t = atanRatio(b.m, b.e, a.m, a.e, prec);
      const v = sx ? piMinus(t, prec) : t;
      return { sign: sy, m: v.m, e: v.e };
    }, rc);
  });
}

/** (m1 * 2^e1) / (m2 * 2^e2) as an F80 when it is exactly representable, else null. */
function exactQuotient(sign: number, m1: bigint, e1: number, m2: bigint, e2: number): F80 | null {
  let e = e1 - e2;
  while ((m2 & 1n) === 0n) {
    m2 >>= 1n;
    e--;
  }
  if (m1 % m2 !== 0n) return null;
  const saved = status.flags;
  status.flags = 0;
  const q = packExt(roundTo(sign, m1 / m2, e, false, EXT64, 0));
  const exact = status.flags === 0;
  status.flags = saved;
  return exact ? q : null;
}

/**
 * F2XM1 (D9 F0): 2^x - 1 for -1 <= x <= 1. Outside that range the processor returns x unchanged
 * (flagged inexact); +-inf give +inf and -1; x = +-1 give 1 and -0.5, flagged inexact.
 */
export function f2xm1(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
    return;
  }
  begin(x);
  const v = getSt(x, 0);
  const k = classify(v);
  const s = signOf(v);
  let r: F80;
  if (k === K_UNSUPPORTED) r = invalid();
  else if (isNaNKind(k)) r = propagateNaN(v, k, v, k);
  else if (k === K_INF) r = s ? new F80(0xbfff, ONE.sig) : v;
  else if (k === K_ZERO) r = v;
  else if ((v.se & 0x7fff) >= 0x3fff) {
    // |x| >= 1
    const one = (v.se & 0x7fff) === 0x3fff && v.sig === ONE.sig;
    status.flags |= PE;
    if (one && !s) status.flags |= ROUNDED_UP;
    r = one ? (s ? new F80(0xbffe, ONE.sig) : ONE) : v;
  } else {
    if (k === K_DENORMAL) status.flags |= DE;
    const a = unpack(v);
    r = roundFunction((prec) => exp2m1(a.sign, a.m, a.e, prec), roundingControl(x));
  }
  if (deliver(x, status.flags)) setSt(x, 0, r);
}
