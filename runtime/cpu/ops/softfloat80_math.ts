// Elementary functions for the x87 transcendental instructions, computed in BigInt fixed point
// to a chosen precision and rounded once to 64 bits (Ziv's strategy: when an approximation with
// its error bound does not round unambiguously, retry with twice the precision).
//
// Model of the hardware: results are the correctly rounded values of the exact functions, except
// that FSIN/FCOS/FSINCOS/FPTAN reduce their argument by multiples of pi/2 using the x87's 66-bit
// pi (0x3243F6A8885A308D3 / 2^64), exactly, as Intel and AMD processors do. Real processors are
// not correctly rounded: they differ in the last bit in about 1-3% of cases, always when the
// exact result lies within a few hundredths of an ulp of a rounding midpoint.

import { bitLength, EXT64, F80, packExt, roundTo, status, unpack } from "./softfloat80.ts";

/** An approximation (-1)^sign * m * 2^e, m > 0, with relative error below 2^-(prec - 8). */
export class Approx {
  constructor(
    readonly sign: number,
    readonly m: bigint,
    readonly e: number,
  ) {}
}

const START_PRECISION = 192;
const MAX_PRECISION = 6144;

/**
 * Rounds the value that `compute(prec)` approximates to 64 bits with `rc`, raising PE (always:
 * callers handle exact results themselves), UE/OE and ROUNDED_UP.
 */
export function roundFunction(compute: (prec: number) => Approx, rc: number): F80 {
  const saved = status.flags;
  for (let prec = START_PRECISION;; prec *= 2) {
    const a = compute(prec);
    const err = (a.m >> BigInt(prec - 8)) + 2n;
    status.flags = 0;
    const lo = packExt(roundTo(a.sign, a.m - err, a.e, true, EXT64, rc, true));
    const flagsLo = status.flags;
    status.flags = 0;
    const hi = packExt(roundTo(a.sign, a.m + err, a.e, true, EXT64, rc, true));
    const flagsHi = status.flags;
    if ((lo.se === hi.se && lo.sig === hi.sig && flagsLo === flagsHi) || prec >= MAX_PRECISION) {
      status.flags = saved | flagsHi;
      return hi;
    }
  }
}

// ---- constants ----------------------------------------------------------------------------------

/** floor(2^bits * atan(1/n)) (or atanh with `hyperbolic`), by the Taylor series. */
function arctanInverse(n: bigint, bits: number, hyperbolic: boolean): bigint {
  const n2 = n * n;
  let power = (1n << BigInt(bits)) / n;
  let sum = power;
  for (let k = 3n; power !== 0n; k += 2n) {
    power /= n2;
    const term = power / k;
    sum += hyperbolic || (k & 2n) === 0n ? term : -term;
  }
  return sum;
}

const constantCache = new Map<string, [number, bigint]>();

/** floor(2^bits * value) for a constant computed at `bits` + 32 bits and cached. */
function constant(name: string, bits: number, make: (bits: number) => bigint): bigint {
  const cached = constantCache.get(name);
  if (cached && cached[0] >= bits) return cached[1] >> BigInt(cached[0] - bits);
  const v = make(bits + 32);
  constantCache.set(name, [bits + 32, v]);
  return v >> 32n;
}

/** pi * 2^bits (Machin's formula). */
export function piFixed(bits: number): bigint {
  return constant(
    "pi",
    bits,
    (b) => 16n * arctanInverse(5n, b, false) - 4n * arctanInverse(239n, b, false),
  );
}

/** ln(2) * 2^bits (2 atanh(1/3)). */
export function ln2Fixed(bits: number): bigint {
  return constant("ln2", bits, (b) => 2n * arctanInverse(3n, b, true));
}

/** The x87's 66-bit pi, as an integer over 2^64. */
const PI66 = 0x3243f6a8885a308d3n;

// ---- fixed-point helpers ------------------------------------------------------------------------

/** v * 2^shift for either sign of shift (truncating). */
function shift(v: bigint, by: number): bigint {
  return by >= 0 ? v << BigInt(by) : v >> BigInt(-by);
}

/** sum over n of c(n) * w^n, w in fixed point with `bits` fraction bits, terms until they vanish. */
function series(w: bigint, bits: number, coefficient: (n: bigint, term: bigint) => bigint): bigint {
  const one = 1n << BigInt(bits);
  let power = one, sum = 0n;
  for (let n = 0n; power !== 0n; n++) {
    sum += coefficient(n, power);
    power = (power * w) / one; // truncates toward zero, so negative powers also vanish
  }
  return sum;
}

// ---- sine, cosine, tangent ----------------------------------------------------------------------

/** A reduced argument r = R * 2^E = x - k * pi66/2 and k mod 4. */
export interface Reduced {
  R: bigint;
  E: number;
  quadrant: number;
}

/** Reduces x = sign * m * 2^e (|x| < 2^63) exactly by the nearest multiple of pi66/2. */
export function reduce(sign: number, m: bigint, e: number): Reduced {
  const E = Math.min(e, -65);
  const X = (m << BigInt(e - E)) * (sign ? -1n : 1n);
  const Q = PI66 << BigInt(-65 - E);
  let k = X / Q;
  let R = X - k * Q;
  if (2n * (R < 0n ? -R : R) > Q) {
    const step = R < 0n ? -1n : 1n;
    k += step;
    R -= step * Q;
  }
  return { R, E, quadrant: Number(((k % 4n) + 4n) % 4n) };
}

/** sin(r) (odd = true) or cos(r) of r = R * 2^E, |r| <= pi/4, as an Approx. */
function sinCosReduced(R: bigint, E: number, odd: boolean, prec: number): Approx {
  const bits = prec + 32;
  const sign = odd && R < 0n ? 1 : 0;
  const absR = R < 0n ? -R : R;
  const u = shift(absR * absR, 2 * E + bits); // r^2
  // sin r = r * sum (-u)^n / (2n+1)!,  cos r = sum (-u)^n / (2n)!
  let factorial = 1n;
  const sum = series(u, bits, (n, power) => {
    if (n > 0n) factorial *= odd ? 2n * n * (2n * n + 1n) : (2n * n - 1n) * (2n * n);
    const term = power / factorial;
    return n & 1n ? -term : term;
  });
  if (odd) return new Approx(sign, absR * sum, E - bits);
  return new Approx(0, sum, -bits);
}

function negateIf(a: Approx, neg: boolean): Approx {
  return neg ? new Approx(a.sign ^ 1, a.m, a.e) : a;
}

/** sin(x) (which 0), cos(x) (which 1) after reduction. */
export function sinCos(r: Reduced, which: number, prec: number): Approx {
  const q = (r.quadrant + which) & 3; // cos x = sin(x + pi/2)
  const v = sinCosReduced(r.R, r.E, (q & 1) === 0, prec);
  return negateIf(v, q >= 2);
}

/** tan(x) after reduction: sin/cos of the reduced argument, or -cos/sin in odd quadrants. */
export function tan(r: Reduced, prec: number): Approx {
  const s = sinCosReduced(r.R, r.E, true, prec + 4);
  const c = sinCosReduced(r.R, r.E, false, prec + 4);
  const [num, den] = r.quadrant & 1 ? [c, s] : [s, c];
  const k = prec + 16 + bitLength(den.m) - bitLength(num.m);
  const m = shift(num.m, k) / den.m;
  return new Approx(num.sign ^ den.sign ^ (r.quadrant & 1), m, num.e - den.e - k);
}

// ---- arctangent ---------------------------------------------------------------------------------

/** atan(n / d) for 0 < n, d (integers scaled by 2^ne and 2^de), in [0, pi/2]. */
export function atanRatio(n: bigint, ne: number, d: bigint, de: number, prec: number): Approx {
  const bits = prec + 32;
  // z = n/d to `bits` significant bits, as zm * 2^ze.
  const k = bits + bitLength(d) - bitLength(n);
  const zm = shift(n, k) / d, ze = ne - de - k;
  const top = ze + bitLength(zm); // z < 2^top
  if (top <= -2) {
    // |z| < 1/4: atan z = z * sum (-z^2)^n / (2n+1), relative precision kept for tiny z.
    const w = shift(zm * zm, 2 * ze + bits);
    const sum = series(w, bits, (i, power) => (i & 1n ? -power : power) / (2n * i + 1n));
    return new Approx(0, zm * sum, ze - bits);
  }
  const one = 1n << BigInt(bits);
  let z = shift(zm, ze + bits); // fixed point
  let complement = false;
  if (z > one) {
    z = (one << BigInt(bits)) / z; // atan z = pi/2 - atan(1/z)
    complement = true;
  }
  let halvings = 0;
  while (z > one >> 2n) {
    // atan z = 2 atan(z / (1 + sqrt(1 + z^2)))
    const root = sqrtFixed(one + ((z * z) >> BigInt(bits)), bits);
    z = (z << BigInt(bits)) / (one + root);
    halvings++;
  }
  const w = (z * z) >> BigInt(bits);
  const sum = series(w, bits, (i, power) => (i & 1n ? -power : power) / (2n * i + 1n));
  let result = ((z * sum) >> BigInt(bits)) << BigInt(halvings);
  if (complement) result = (piFixed(bits) >> 1n) - result;
  return new Approx(0, result, -bits);
}

/** sqrt(v) for v in fixed point with `bits` fraction bits. */
function sqrtFixed(v: bigint, bits: number): bigint {
  return isqrtBig(v << BigInt(bits));
}

function isqrtBig(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 2) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** pi - a for 0 <= a <= pi/2 (FPATAN with x < 0). */
export function piMinus(a: Approx, prec: number): Approx {
  const bits = prec + 32;
  return new Approx(a.sign, piFixed(bits) - shift(a.m, a.e + bits), -bits);
}

// ---- logarithms and exponentials ----------------------------------------------------------------

/**
 * ln(1 + t') where the argument is given through t = n/d as 2 atanh(t) = ln((1+t)/(1-t)),
 * |t| < 0.2, relative precision kept for tiny t. Returns ln / ln 2 (log base 2).
 */
function log2FromAtanh(n: bigint, ne: number, d: bigint, de: number, prec: number): Approx {
  const bits = prec + 32;
  const sign = n < 0n ? 1 : 0;
  const absN = n < 0n ? -n : n;
  const k = bits + bitLength(d) - bitLength(absN);
  const tm = shift(absN, k) / d, te = ne - de - k;
  const w = shift(tm * tm, 2 * te + bits);
  const sum = series(w, bits, (i, power) => power / (2n * i + 1n));
  // log2 = 2 t sum / ln 2
  const num = 2n * tm * sum; // scaled by 2^(te - bits)
  const ln2 = ln2Fixed(bits);
  const q = (num << BigInt(bits)) / ln2;
  return new Approx(sign, q, te - bits);
}

/** log2(x) for x = m * 2^e > 0, not a power of two (m of any length). */
export function log2(m: bigint, e: number, prec: number): Approx {
  const n = bitLength(m);
  let k = e + n - 1; // x / 2^k = m / d in [1, 2)
  let d = 1n << BigInt(n - 1);
  if (m * m >= 1n << BigInt(2 * n - 1)) {
    // m / d >= sqrt(2): use f = m / 2d in [sqrt(1/2), 1) so that |t| stays below 0.18.
    k++;
    d <<= 1n;
  }
  // log2 f = 2 atanh(t) / ln 2 with t = (f - 1) / (f + 1) = (m - d) / (m + d)
  const frac = log2FromAtanh(m - d, 0, m + d, 0, prec + 8);
  if (k === 0) return frac;
  const bits = prec + 32;
  const total = (BigInt(k) << BigInt(bits)) + shift(frac.m, frac.e + bits) * (frac.sign ? -1n : 1n);
  return new Approx(total < 0n ? 1 : 0, total < 0n ? -total : total, -bits);
}

/** log2(1 + x) for x = sign * m * 2^e, 0 < |x| < 1 - sqrt(2)/2: t = x / (2 + x). */
export function log2p1(sign: number, m: bigint, e: number, prec: number): Approx {
  const bits = prec + 64;
  const n = m * (sign ? -1n : 1n);
  // 2 + x with `bits` fraction bits (exact when x has no bits below 2^-bits).
  const d = (2n << BigInt(bits)) + shift(n, e + bits);
  return log2FromAtanh(n, e, d, -bits, prec);
}

/** 2^x - 1 for x = sign * m * 2^e, |x| <= 1 (any x up to 2^7 works, more slowly). */
export function exp2m1(sign: number, m: bigint, e: number, prec: number): Approx {
  const bits = prec + 32;
  const ln2 = ln2Fixed(bits);
  // z = x ln 2 as zm * 2^ze (relative precision)
  const zm = m * ln2, ze = e - bits;
  const zf = shift(zm, ze + bits) * (sign ? -1n : 1n); // fixed point
  // expm1 z = z * sum z^n / (n+1)!
  let factorial = 1n;
  const sum = series(zf, bits, (n, power) => {
    factorial *= n + 1n;
    return power / factorial;
  });
  return new Approx(sign, zm * sum, ze - bits);
}

// ---- tiny arguments ------------------------------------------------------------------------------

/**
 * The value just below (`below`) or just above |v| for a nonzero finite v, rounded by `rc`:
 * what sin, atan (below) and tan (above) give for tiny arguments, where the true difference is
 * far below the last bit but decides directed rounding and C1.
 */
export function nudged(v: F80, below: boolean, rc: number): F80 {
  const x = unpack(v);
  const shift = 66 - bitLength(x.m); // two bits below a full 64-bit significand
  const m = (x.m << BigInt(shift)) + (below ? -1n : 0n);
  return packExt(roundTo(x.sign, m, x.e - shift, true, EXT64, rc, true));
}

/** |x| < 2^-33: sin x, tan x, atan x differ from x by less than a quarter ulp. */
export function isTiny(v: F80): boolean {
  const x = unpack(v);
  return x.e + bitLength(x.m) <= -33;
}
