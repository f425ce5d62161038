// Exact arithmetic on x87 80-bit extended values, as the x87 FPU performs it: IEEE 754 rounding
// of the exact result to 24/53/64 significand bits (precision control) with the extended exponent
// range, four rounding modes, denormals, tininess detected after rounding, and the x87 rules for
// NaN propagation, unsupported encodings (unnormals, pseudo-NaNs, pseudo-infinities) and exception
// priority (invalid, then divide-by-zero, then denormal operand).
//
// Values are F80 (sign+exponent word, 64-bit significand with explicit integer bit). Every
// operation ORs the exceptions it raises into `status.flags` (FSW bit layout, plus ROUNDED_UP for
// FSW.C1); callers clear it first. BigInt is fine here: x87 arithmetic is not the hot path.
// Nothing here touches CPU state.

export const IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
/** Not an exception: the rounded result's magnitude exceeds the exact one (reported in FSW.C1). */
export const ROUNDED_UP = 0x200;

export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3;

/** An 80-bit extended value: `se` is sign (bit 15) and biased exponent, `sig` the significand. */
export class F80 {
  constructor(readonly se: number, readonly sig: bigint) {}
}

/** Exceptions raised since the caller last cleared `flags`; `unmasked` holds FCW's unmasked OE/UE. */
export const status = { flags: 0, unmasked: 0 };

export const MASK64 = 0xffffffffffffffffn;
const J_BIT = 0x8000000000000000n;
const QUIET_BIT = 0x4000000000000000n;
export const BIAS = 16383;
/** Exponent adjustment applied to results when overflow/underflow is unmasked (register dest). */
const TRAP_BIAS = 24576;

export const INDEFINITE = new F80(0xffff, 0xc000000000000000n);
export const POS_ZERO = new F80(0, 0n);
export const ONE = new F80(0x3fff, J_BIT);

// ---- classification -------------------------------------------------------------------------

export const K_ZERO = 0, K_NORMAL = 1, K_DENORMAL = 2, K_INF = 3, K_QNAN = 4, K_SNAN = 5;
/** Unnormals, pseudo-NaNs and pseudo-infinities: invalid operands since the 80387. */
export const K_UNSUPPORTED = 6;

export function classify(v: F80): number {
  const exp = v.se & 0x7fff;
  const j = (v.sig & J_BIT) !== 0n;
  if (exp === 0) return v.sig === 0n ? K_ZERO : K_DENORMAL; // pseudo-denormals count as denormal
  if (exp === 0x7fff) {
    if (!j) return K_UNSUPPORTED;
    if ((v.sig & ~J_BIT) === 0n) return K_INF;
    return (v.sig & QUIET_BIT) !== 0n ? K_QNAN : K_SNAN;
  }
  return j ? K_NORMAL : K_UNSUPPORTED;
}

export function isNaNKind(k: number): boolean {
  return k === K_QNAN || k === K_SNAN;
}

export function signOf(v: F80): number {
  return v.se >> 15;
}

export function negate(v: F80): F80 {
  return new F80(v.se ^ 0x8000, v.sig);
}

export function abs(v: F80): F80 {
  return new F80(v.se & 0x7fff, v.sig);
}

export function zero(sign: number): F80 {
  return new F80(sign << 15, 0n);
}

export function infinity(sign: number): F80 {
  return new F80((sign << 15) | 0x7fff, J_BIT);
}

export function quiet(v: F80): F80 {
  return new F80(v.se, v.sig | QUIET_BIT);
}

/** Number of significant bits of a non-negative BigInt. */
export function bitLength(m: bigint): number {
  if (m < 0x100000000n) return 32 - Math.clz32(Number(m));
  if (m <= MASK64) return 64 - Math.clz32(Number(m >> 32n));
  const s = m.toString(16);
  return (s.length - 1) * 4 + (32 - Math.clz32(parseInt(s[0], 16)));
}

// ---- unpacked finite values -----------------------------------------------------------------

/** Finite value (-1)^sign * m * 2^e, m >= 0. */
export class Num {
  constructor(readonly sign: number, readonly m: bigint, readonly e: number) {}
}

/** Unpacks a finite F80 (zero, normal or denormal). */
export function unpack(v: F80): Num {
  const exp = v.se & 0x7fff;
  return new Num(v.se >> 15, v.sig, (exp === 0 ? 1 : exp) - BIAS - 63);
}

// ---- rounding -------------------------------------------------------------------------------

/** A binary format for rounding: precision, normal exponent range, exponent of the least denormal. */
export interface Format {
  readonly p: number;
  readonly emin: number;
  readonly emax: number;
  readonly lsbMin: number;
}

export const EXT64: Format = { p: 64, emin: -16382, emax: 16383, lsbMin: -16445 };
// With reduced precision control, denormal results keep the 24 or 53-bit grid.
export const EXT53: Format = { p: 53, emin: -16382, emax: 16383, lsbMin: -16434 };
export const EXT24: Format = { p: 24, emin: -16382, emax: 16383, lsbMin: -16405 };
export const F64: Format = { p: 53, emin: -1022, emax: 1023, lsbMin: -1074 };
export const F32: Format = { p: 24, emin: -126, emax: 127, lsbMin: -149 };

/** Extended format for FCW's precision-control field (01, reserved, behaves as 64 bits). */
export function extFormat(pc: number): Format {
  return pc === 0 ? EXT24 : pc === 2 ? EXT53 : EXT64;
}

/** Result of `roundTo`: value (-1)^sign * m * 2^e, or an infinity. */
export class Rounded {
  constructor(
    readonly sign: number,
    readonly m: bigint,
    readonly e: number,
    readonly inf: boolean,
  ) {}
}

/**
 * Rounds m * 2^e (plus a nonzero amount below bit 0 when `sticky`) to have its lsb at `lsb`;
 * the result is in `roundOut`.
 */
export function roundAt(
  sign: number,
  m: bigint,
  e: number,
  sticky: boolean,
  lsb: number,
  rc: number,
) {
  let q: bigint, inexact: boolean, half: number; // half: -1 below, 0 exactly, 1 above the midpoint
  const shift = lsb - e;
  if (shift > 0) {
    const sh = BigInt(shift);
    q = m >> sh;
    const rem = m & ((1n << sh) - 1n);
    const mid = 1n << (sh - 1n);
    inexact = rem !== 0n || sticky;
    half = rem > mid || (rem === mid && sticky) ? 1 : rem === mid ? 0 : -1;
  } else {
    q = m << BigInt(-shift);
    inexact = sticky;
    half = -1;
  }
  let up = false;
  if (inexact) {
    switch (rc) {
      case RC_NEAREST:
        up = half > 0 || (half === 0 && (q & 1n) === 1n);
        break;
      case RC_DOWN:
        up = sign === 1;
        break;
      case RC_UP:
        up = sign === 0;
        break;
    }
  }
  if (up) q += 1n;
  roundOut.q = q;
  roundOut.inexact = inexact;
  roundOut.up = up;
}
export const roundOut = { q: 0n, inexact: false, up: false };

/**
 * Rounds the exact value (-1)^sign * (m + sticky) * 2^e to `fmt` with rounding control `rc`.
 * Raises PE, UE (tiny after rounding; when masked only if also inexact), OE, ROUNDED_UP. With
 * `trapBias`, unmasked overflow/underflow scale the result by 2^-+24576 instead (x87 register
 * destinations).
 */
export function roundTo(
  sign: number,
  m: bigint,
  e: number,
  sticky: boolean,
  fmt: Format,
  rc: number,
  trapBias = false,
): Rounded {
  if (m === 0n) {
    if (!sticky) return new Rounded(sign, 0n, 0, false);
    // Only a sticky remainder: a value far below the smallest denormal.
    m = 1n;
    e = fmt.lsbMin - 4;
    sticky = false;
  }
  const n = bitLength(m);
  const top = e + n - 1;
  const p = fmt.p;
  let lsb = top - (p - 1);
  let tiny = false;
  if (top < fmt.emin) {
    // Tininess after rounding: does rounding to p bits, exponent unbounded, reach 2^emin?
    roundAt(sign, m, e, sticky, lsb, rc);
    tiny = bitLength(roundOut.q) + lsb - 1 < fmt.emin;
    if (tiny && trapBias && (status.unmasked & UE) && top + TRAP_BIAS >= fmt.emin) {
      status.flags |= UE | (roundOut.inexact ? PE : 0) | (roundOut.up ? ROUNDED_UP : 0);
      return new Rounded(sign, roundOut.q, lsb + TRAP_BIAS, false);
    }
    if (lsb < fmt.lsbMin) lsb = fmt.lsbMin;
  }
  roundAt(sign, m, e, sticky, lsb, rc);
  const q = roundOut.q;
  if (roundOut.inexact) status.flags |= PE | (tiny ? UE : 0);
  if (roundOut.up) status.flags |= ROUNDED_UP;
  if (q !== 0n && bitLength(q) + lsb - 1 > fmt.emax) {
    if (trapBias && (status.unmasked & OE)) {
      status.flags |= OE;
      if (bitLength(q) + lsb - 1 - TRAP_BIAS <= fmt.emax) {
        return new Rounded(sign, q, lsb - TRAP_BIAS, false);
      }
      // Out of range even scaled: an infinity whatever the rounding control.
      status.flags |= PE | ROUNDED_UP;
      return new Rounded(sign, 0n, 0, true);
    }
    status.flags = (status.flags & ~ROUNDED_UP) | OE | PE;
    const toInf = rc === RC_NEAREST || (rc === RC_UP && sign === 0) ||
      (rc === RC_DOWN && sign === 1);
    if (toInf) {
      status.flags |= ROUNDED_UP;
      return new Rounded(sign, 0n, 0, true);
    }
    const bits = BigInt(p);
    return new Rounded(sign, (1n << bits) - 1n, fmt.emax - (p - 1), false);
  }
  return new Rounded(sign, q, lsb, false);
}

/** Packs a rounded value into extended format. */
export function packExt(r: Rounded): F80 {
  if (r.inf) return infinity(r.sign);
  if (r.m === 0n) return zero(r.sign);
  const n = bitLength(r.m);
  const top = r.e + n - 1;
  if (top >= -16382) {
    const exp = top + BIAS;
    if (exp >= 0x7fff) return infinity(r.sign); // beyond even the trap bias: saturate
    return new F80((r.sign << 15) | exp, (r.m << BigInt(64 - n)) & MASK64);
  }
  if (r.e < -16445) return zero(r.sign);
  return new F80(r.sign << 15, r.m << BigInt(r.e + 16445));
}

/** Rounds an exact value to an x87 register value with precision `fmt`. */
export function roundExt(
  sign: number,
  m: bigint,
  e: number,
  sticky: boolean,
  fmt: Format,
  rc: number,
): F80 {
  return packExt(roundTo(sign, m, e, sticky, fmt, rc, true));
}

// ---- NaN handling ---------------------------------------------------------------------------

/**
 * Result for operands of which at least one is a NaN: an SNaN raises IE; a QNaN wins over an SNaN;
 * between two NaNs of the same kind the larger significand wins (the positive one on a tie).
 */
export function propagateNaN(a: F80, ka: number, b: F80, kb: number): F80 {
  status.flags &= ~DE; // a denormal memory operand is not reported beside a NaN
  if (ka === K_SNAN || kb === K_SNAN) status.flags |= IE;
  const aNaN = isNaNKind(ka), bNaN = isNaNKind(kb);
  let r: F80;
  if (aNaN && bNaN) {
    if (ka !== kb) r = ka === K_QNAN ? a : b;
    else {
      const ma = a.sig & ~J_BIT, mb = b.sig & ~J_BIT;
      r = ma > mb ? a : mb > ma ? b : a.se <= b.se ? a : b;
    }
  } else r = aNaN ? a : b;
  return quiet(r);
}

/** Invalid operation: IE (which preempts DE from a memory operand) and the indefinite QNaN. */
export function invalid(): F80 {
  status.flags = (status.flags & ~DE) | IE;
  return INDEFINITE;
}

// ---- arithmetic -----------------------------------------------------------------------------

/** a + b (or a - b with `subtract`), rounded to `fmt` with `rc`. */
export function add(a: F80, b: F80, subtract: boolean, fmt: Format, rc: number): F80 {
  const ka = classify(a), kb = classify(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) return invalid();
  if (isNaNKind(ka) || isNaNKind(kb)) return propagateNaN(a, ka, b, kb);
  const sa = signOf(a), sb = signOf(b) ^ (subtract ? 1 : 0);
  if (ka === K_INF && kb === K_INF && sa !== sb) return invalid();
  if (ka === K_DENORMAL || kb === K_DENORMAL) status.flags |= DE;
  if (ka === K_INF) return infinity(sa);
  if (kb === K_INF) return infinity(sb);
  const x = unpack(a), y = unpack(b);
  if (x.m === 0n && y.m === 0n) return zero(sa === sb ? sa : rc === RC_DOWN ? 1 : 0);
  return addNum(sa, x.m, x.e, sb, y.m, y.e, fmt, rc);
}

/** Exact sum of two finite values, rounded. */
export function addNum(
  sa: number,
  ma: bigint,
  ea: number,
  sb: number,
  mb: bigint,
  eb: number,
  fmt: Format,
  rc: number,
): F80 {
  // An operand far below the other's last bit only matters through its sign: shrink it to one
  // unit well below the rounding point.
  if (ma !== 0n && mb !== 0n) {
    if (eb + bitLength(mb) < ea - 3) {
      mb = 1n;
      eb = ea - 4;
    } else if (ea + bitLength(ma) < eb - 3) {
      ma = 1n;
      ea = eb - 4;
    }
  }
  const e = Math.min(ea, eb);
  const va = (ma << BigInt(ea - e)) * (sa ? -1n : 1n);
  const vb = (mb << BigInt(eb - e)) * (sb ? -1n : 1n);
  const s = va + vb;
  if (s === 0n) return zero(rc === RC_DOWN ? 1 : 0);
  return roundExt(s < 0n ? 1 : 0, s < 0n ? -s : s, e, false, fmt, rc);
}

export function mul(a: F80, b: F80, fmt: Format, rc: number): F80 {
  const ka = classify(a), kb = classify(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) return invalid();
  if (isNaNKind(ka) || isNaNKind(kb)) return propagateNaN(a, ka, b, kb);
  const sign = signOf(a) ^ signOf(b);
  if ((ka === K_INF && kb === K_ZERO) || (ka === K_ZERO && kb === K_INF)) return invalid();
  if (ka === K_DENORMAL || kb === K_DENORMAL) status.flags |= DE;
  if (ka === K_INF || kb === K_INF) return infinity(sign);
  if (ka === K_ZERO || kb === K_ZERO) return zero(sign);
  const x = unpack(a), y = unpack(b);
  return roundExt(sign, x.m * y.m, x.e + y.e, false, fmt, rc);
}

export function div(a: F80, b: F80, fmt: Format, rc: number): F80 {
  const ka = classify(a), kb = classify(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) return invalid();
  if (isNaNKind(ka) || isNaNKind(kb)) return propagateNaN(a, ka, b, kb);
  const sign = signOf(a) ^ signOf(b);
  if ((ka === K_INF && kb === K_INF) || (ka === K_ZERO && kb === K_ZERO)) return invalid();
  if (kb === K_ZERO && ka !== K_INF) {
    status.flags = (status.flags & ~DE) | ZE;
    return infinity(sign);
  }
  if (ka === K_DENORMAL || kb === K_DENORMAL) status.flags |= DE;
  if (ka === K_INF) return infinity(sign);
  if (kb === K_INF || ka === K_ZERO) return zero(sign);
  const x = unpack(a), y = unpack(b);
  return divNum(sign, x.m, x.e, y.m, y.e, fmt, rc);
}

/** Exact quotient of two nonzero finite values, rounded. */
export function divNum(
  sign: number,
  ma: bigint,
  ea: number,
  mb: bigint,
  eb: number,
  fmt: Format,
  rc: number,
): F80 {
  const k = Math.max(0, 67 + bitLength(mb) - bitLength(ma));
  const num = ma << BigInt(k);
  const q = num / mb;
  return roundExt(sign, q, ea - eb - k, q * mb !== num, fmt, rc);
}

/** Integer square root (floor) of a non-negative BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  const bits = bitLength(n);
  // Start above the root, then Newton steps decrease monotonically to floor(sqrt(n)).
  let x = 1n << BigInt((bits + 2) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function sqrt(a: F80, fmt: Format, rc: number): F80 {
  const ka = classify(a);
  if (ka === K_UNSUPPORTED) return invalid();
  if (isNaNKind(ka)) return propagateNaN(a, ka, a, ka);
  if (ka === K_ZERO) return a;
  if (signOf(a)) return invalid();
  if (ka === K_DENORMAL) status.flags |= DE;
  if (ka === K_INF) return a;
  const x = unpack(a);
  // Scale to at least 2*68 bits with an even exponent.
  let shift = Math.max(0, 136 - bitLength(x.m));
  if ((x.e - shift) & 1) shift++;
  const m = x.m << BigInt(shift);
  const r = isqrt(m);
  return roundExt(0, r, (x.e - shift) / 2, r * r !== m, fmt, rc);
}

// ---- comparison -----------------------------------------------------------------------------

export const CMP_LT = -1, CMP_EQ = 0, CMP_GT = 1, CMP_UNORDERED = 2;

/**
 * Compares a with b. Unsupported operands and SNaNs raise IE; QNaNs raise IE unless `quietNaN`
 * (FUCOM*); denormal operands raise DE.
 */
export function compare(a: F80, b: F80, quietNaN: boolean): number {
  const ka = classify(a), kb = classify(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) {
    status.flags = (status.flags & ~DE) | IE;
    return CMP_UNORDERED;
  }
  if (isNaNKind(ka) || isNaNKind(kb)) {
    status.flags &= ~DE;
    if (!quietNaN || ka === K_SNAN || kb === K_SNAN) status.flags |= IE;
    return CMP_UNORDERED;
  }
  if (ka === K_DENORMAL || kb === K_DENORMAL) status.flags |= DE;
  return compareValues(a, ka, b, kb);
}

/** Orders two non-NaN, supported values. */
function compareValues(a: F80, ka: number, b: F80, kb: number): number {
  if (ka === K_ZERO && kb === K_ZERO) return CMP_EQ;
  const sa = signOf(a), sb = signOf(b);
  if (sa !== sb) return sa ? CMP_LT : CMP_GT;
  let mag: number;
  if (ka === K_INF || kb === K_INF) mag = ka === kb ? 0 : ka === K_INF ? 1 : -1;
  else {
    const x = unpack(a), y = unpack(b);
    const tx = x.m === 0n ? -Infinity : x.e + bitLength(x.m);
    const ty = y.m === 0n ? -Infinity : y.e + bitLength(y.m);
    if (tx !== ty) mag = tx > ty ? 1 : -1;
    else {
      const e = Math.min(x.e, y.e);
      const vx = x.m << BigInt(x.e - e), vy = y.m << BigInt(y.e - e);
      mag = vx === vy ? 0 : vx > vy ? 1 : -1;
    }
  }
  return sa ? -mag : mag;
}
