// BigInt-free fast paths for the x87 operations that compiled long double code and musl's printf
// execute most: FADD/FSUB/FMUL of normal operands with a normal result, comparisons of normal or
// zero operands, and FIST of values below 2^63. Values are (se, hi, lo): sign+exponent word and
// the significand's 32-bit halves. Each function returns false when it cannot decide (special
// operands, tiny or huge results); the caller then takes the exact BigInt path in softfloat80.ts,
// which gives the same results. Results land in `fast` (no allocation).

import { PE, RC_DOWN, RC_NEAREST, RC_UP, ROUNDED_UP } from "./softfloat80.ts";

/** Outputs of the last successful fast operation. */
export const fast = { se: 0, hi: 0, lo: 0, flags: 0 };

const TWO32 = 4294967296;

/** True for a normal value: exponent 1..0x7ffe with the integer bit set (hi signed or not). */
function isNormal(se: number, hi: number): boolean {
  const e = se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (hi & 0x80000000) !== 0;
}

// ---- comparison ---------------------------------------------------------------------------------

/** -1, 0, 1 for normal or zero operands; 2 when the BigInt path must decide. */
export function fastCompare(
  sa: number,
  ha: number,
  la: number,
  sb: number,
  hb: number,
  lb: number,
) {
  const za = (sa & 0x7fff) === 0 && (ha | la) === 0, zb = (sb & 0x7fff) === 0 && (hb | lb) === 0;
  if ((!za && !isNormal(sa, ha)) || (!zb && !isNormal(sb, hb))) return 2;
  if (za && zb) return 0;
  const negA = za ? 0 : sa >> 15, negB = zb ? 0 : sb >> 15;
  if (negA !== negB) return negA ? -1 : 1;
  let mag: number;
  if (za) mag = -1;
  else if (zb) mag = 1;
  else {
    // Halves may come signed (memory reads) or unsigned (register arrays): compare as unsigned.
    const ea = sa & 0x7fff, eb = sb & 0x7fff;
    const uha = ha >>> 0, uhb = hb >>> 0, ula = la >>> 0, ulb = lb >>> 0;
    if (ea !== eb) mag = ea > eb ? 1 : -1;
    else if (uha !== uhb) mag = uha > uhb ? 1 : -1;
    else if (ula !== ulb) mag = ula > ulb ? 1 : -1;
    else mag = 0;
  }
  return negA ? -mag : mag;
}

// ---- rounding of a 128-bit significand ----------------------------------------------------------

// The working significand: w3 (top, bit 31 set after normalization) .. w0, plus a sticky bit.
let w3 = 0, w2 = 0, w1 = 0, w0 = 0, sticky = 0;

/**
 * Rounds the normalized working significand, value 1.xxx * 2^exponent, to `p` bits (64, 53 or
 * 24) by `rc` into `fast`. False when the result leaves the normal range.
 */
function roundWork(sign: number, exponent: number, p: number, rc: number): boolean {
  // Split at the last kept bit: keep (hi, lo), the rest decides rounding.
  let hi = w3 >>> 0, lo = w2 >>> 0, half: boolean, rest: boolean, unit: number;
  if (p === 64) {
    half = (w1 >>> 31) === 1;
    rest = (w1 & 0x7fffffff) !== 0 || w0 !== 0 || sticky !== 0;
    unit = 1;
  } else if (p === 53) {
    half = (lo & 0x400) !== 0;
    rest = (lo & 0x3ff) !== 0 || w1 !== 0 || w0 !== 0 || sticky !== 0;
    lo = (lo & ~0x7ff) >>> 0;
    unit = 0x800;
  } else {
    half = (hi & 0x80) !== 0;
    rest = (hi & 0x7f) !== 0 || lo !== 0 || w1 !== 0 || w0 !== 0 || sticky !== 0;
    hi = (hi & ~0xff) >>> 0;
    lo = 0;
    unit = 0x100;
  }
  const inexact = half || rest;
  let up = false;
  if (inexact) {
    if (rc === RC_NEAREST) {
      const odd = p === 24 ? (hi & 0x100) !== 0 : (lo & unit) !== 0;
      up = half && (rest || odd);
    } else if (rc === RC_UP) up = sign === 0;
    else if (rc === RC_DOWN) up = sign === 1;
  }
  if (up) {
    if (p === 24) hi += 0x100;
    else {
      lo += unit;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi += 1;
      }
    }
    if (hi >= TWO32) {
      hi = 0x80000000;
      exponent++;
    }
  }
  const biased = exponent + 16383;
  if (biased < 1 || biased > 0x7ffe) return false;
  fast.se = (sign << 15) | biased;
  fast.hi = hi | 0;
  fast.lo = lo | 0;
  fast.flags = inexact ? PE | (up ? ROUNDED_UP : 0) : 0;
  return true;
}

/** Shifts the working significand left until bit 127 is set; returns the shift (128: zero). */
function normalizeWork(): number {
  let n = 0;
  while (w3 === 0) {
    if ((w2 | w1 | w0) === 0) return 128;
    w3 = w2;
    w2 = w1;
    w1 = w0;
    w0 = 0;
    n += 32;
  }
  const s = Math.clz32(w3);
  if (s) {
    w3 = ((w3 << s) | (w2 >>> (32 - s))) >>> 0;
    w2 = ((w2 << s) | (w1 >>> (32 - s))) >>> 0;
    w1 = ((w1 << s) | (w0 >>> (32 - s))) >>> 0;
    w0 = (w0 << s) >>> 0;
  }
  return n + s;
}

// ---- multiplication -----------------------------------------------------------------------------

/** a * b for normal operands, rounded to p bits by rc. */
export function fastMul(
  sa: number,
  ha: number,
  la: number,
  sb: number,
  hb: number,
  lb: number,
  p: number,
  rc: number,
): boolean {
  if (!isNormal(sa, ha) || !isNormal(sb, hb)) return false;
  const a3 = ha >>> 16, a2 = ha & 0xffff, a1 = la >>> 16, a0 = la & 0xffff;
  const b3 = hb >>> 16, b2 = hb & 0xffff, b1 = lb >>> 16, b0 = lb & 0xffff;
  // Column sums of 16-bit partial products (each below 2^34), then carries.
  let c = a0 * b0;
  const r0 = c % 65536;
  c = Math.floor(c / 65536) + a0 * b1 + a1 * b0;
  const r1 = c % 65536;
  c = Math.floor(c / 65536) + a0 * b2 + a1 * b1 + a2 * b0;
  const r2 = c % 65536;
  c = Math.floor(c / 65536) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const r3 = c % 65536;
  c = Math.floor(c / 65536) + a1 * b3 + a2 * b2 + a3 * b1;
  const r4 = c % 65536;
  c = Math.floor(c / 65536) + a2 * b3 + a3 * b2;
  const r5 = c % 65536;
  c = Math.floor(c / 65536) + a3 * b3;
  const r6 = c % 65536;
  const r7 = Math.floor(c / 65536);
  w3 = r7 * 65536 + r6;
  w2 = r5 * 65536 + r4;
  w1 = r3 * 65536 + r2;
  w0 = r1 * 65536 + r0;
  sticky = 0;
  let exponent = (sa & 0x7fff) + (sb & 0x7fff) - 2 * 16383 + 1;
  if (w3 < 0x80000000) exponent -= normalizeWork();
  return roundWork((sa ^ sb) >>> 15 & 1, exponent, p, rc);
}

// ---- division -----------------------------------------------------------------------------------

/**
 * a / b for normal operands, rounded to p bits by rc: one BigInt division for a 66-67 bit
 * quotient and its remainder, the rest on 32-bit words.
 */
export function fastDiv(
  sa: number,
  ha: number,
  la: number,
  sb: number,
  hb: number,
  lb: number,
  p: number,
  rc: number,
): boolean {
  if (!isNormal(sa, ha) || !isNormal(sb, hb)) return false;
  const n = ((BigInt(ha >>> 0) << 32n) | BigInt(la >>> 0)) << 66n;
  const d = (BigInt(hb >>> 0) << 32n) | BigInt(lb >>> 0);
  const q = n / d; // in [2^65, 2^67)
  sticky = n === q * d ? 0 : 1;
  w3 = Number(q >> 64n);
  w2 = Number((q >> 32n) & 0xffffffffn);
  w1 = Number(q & 0xffffffffn);
  w0 = 0;
  // q's bit j sits at working bit j + 32; value = q * 2^(ea - eb - 66).
  const shift = normalizeWork();
  const exponent = 29 - shift + (sa & 0x7fff) - (sb & 0x7fff);
  return roundWork(((sa ^ sb) >>> 15) & 1, exponent, p, rc);
}

// ---- addition -----------------------------------------------------------------------------------

/** a + b (a - b with `subtract`) for normal operands, rounded to p bits by rc. */
export function fastAdd(
  sa: number,
  ha: number,
  la: number,
  sb: number,
  hb: number,
  lb: number,
  subtract: boolean,
  p: number,
  rc: number,
): boolean {
  if (!isNormal(sa, ha) || !isNormal(sb, hb)) return false;
  let signA = (sa >> 15) & 1, signB = ((sb >> 15) & 1) ^ (subtract ? 1 : 0);
  let ea = sa & 0x7fff, eb = sb & 0x7fff;
  let ahi = ha >>> 0, alo = la >>> 0, bhi = hb >>> 0, blo = lb >>> 0;
  // Make a the larger magnitude.
  if (eb > ea || (eb === ea && (bhi > ahi || (bhi === ahi && blo > alo)))) {
    [signA, signB] = [signB, signA];
    [ea, eb] = [eb, ea];
    [ahi, bhi] = [bhi, ahi];
    [alo, blo] = [blo, alo];
  }
  const d = ea - eb;
  // b >> d over four words, with the bits shifted out in `sticky`.
  let b3 = bhi, b2 = blo, b1 = 0, b0 = 0;
  sticky = 0;
  if (d >= 128) {
    b3 = b2 = 0;
    sticky = 1;
  } else {
    let s = d;
    while (s >= 32) {
      sticky |= b0;
      b0 = b1;
      b1 = b2;
      b2 = b3;
      b3 = 0;
      s -= 32;
    }
    if (s) {
      sticky |= (b0 << (32 - s)) >>> 0;
      b0 = ((b0 >>> s) | (b1 << (32 - s))) >>> 0;
      b1 = ((b1 >>> s) | (b2 << (32 - s))) >>> 0;
      b2 = ((b2 >>> s) | (b3 << (32 - s))) >>> 0;
      b3 = b3 >>> s;
    }
    sticky = sticky ? 1 : 0;
  }
  let exponent = ea - 16383;
  if (signA === signB) {
    let t = b0;
    w0 = t >>> 0;
    t = b1 + Math.floor(t / TWO32);
    w1 = t >>> 0;
    t = alo + b2 + Math.floor(t / TWO32);
    w2 = t % TWO32;
    t = ahi + b3 + Math.floor(t / TWO32);
    w3 = t % TWO32;
    if (t >= TWO32) {
      // Carry out: shift right one bit.
      sticky |= w0 & 1;
      w0 = ((w0 >>> 1) | (w1 << 31)) >>> 0;
      w1 = ((w1 >>> 1) | (w2 << 31)) >>> 0;
      w2 = ((w2 >>> 1) | (w3 << 31)) >>> 0;
      w3 = ((w3 >>> 1) | 0x80000000) >>> 0;
      exponent++;
    }
  } else {
    // a - b - (a nonzero amount below the last word when sticky): subtract one more unit and keep
    // the sticky bit for the remainder.
    let t = 0 - b0 - sticky;
    w0 = t < 0 ? t + TWO32 : t;
    let borrow = t < 0 ? 1 : 0;
    t = 0 - b1 - borrow;
    w1 = t < 0 ? t + TWO32 : t;
    borrow = t < 0 ? 1 : 0;
    t = alo - b2 - borrow;
    w2 = t < 0 ? t + TWO32 : t;
    borrow = t < 0 ? 1 : 0;
    w3 = ahi - b3 - borrow;
    const shifted = normalizeWork();
    if (shifted === 128) {
      if (sticky) return false;
      fast.se = rc === RC_DOWN ? 0x8000 : 0;
      fast.hi = fast.lo = 0;
      fast.flags = 0;
      return true;
    }
    exponent -= shifted;
  }
  return roundWork(signA, exponent, p, rc);
}

// ---- conversion to integer ----------------------------------------------------------------------

/**
 * ST(0) as a signed integer of `bytes` bytes, rounded by rc (RC_CHOP for FISTTP), into fast.lo
 * and fast.hi (two's complement halves). False for values of magnitude 2^63 or more, below 1,
 * or special; the BigInt path then also handles overflow.
 */
export function fastToInteger(se: number, hi: number, lo: number, rc: number, bytes: number) {
  if (!isNormal(se, hi)) return false;
  const s = 16383 + 63 - (se & 0x7fff); // right shift that leaves the integer part
  if (s < 1 || s > 63) return false;
  hi >>>= 0;
  lo >>>= 0;
  let ih: number, il: number, half: boolean, rest: boolean;
  if (s < 32) {
    il = ((lo >>> s) | (hi << (32 - s))) >>> 0;
    ih = hi >>> s;
    half = ((lo >>> (s - 1)) & 1) === 1;
    rest = s > 1 && (lo & ((1 << (s - 1)) - 1)) !== 0;
  } else if (s === 32) {
    il = hi;
    ih = 0;
    half = lo >>> 31 === 1;
    rest = (lo & 0x7fffffff) !== 0;
  } else {
    il = hi >>> (s - 32);
    ih = 0;
    half = ((hi >>> (s - 33)) & 1) === 1;
    rest = lo !== 0 || (s > 33 && (hi & ((1 << (s - 33)) - 1)) !== 0);
  }
  const sign = se >> 15 & 1;
  const inexact = half || rest;
  let up = false;
  if (inexact) {
    if (rc === RC_NEAREST) up = half && (rest || (il & 1) === 1);
    else if (rc === RC_UP) up = sign === 0;
    else if (rc === RC_DOWN) up = sign === 1;
  }
  if (up) {
    il += 1;
    if (il === TWO32) {
      il = 0;
      ih += 1;
    }
  }
  // Range of the destination: [-2^(8 bytes - 1), 2^(8 bytes - 1)).
  const magnitude = ih * TWO32 + il; // exact below 2^53; above, only compared to limits
  if (bytes === 8) {
    if (ih >= 0x80000000 && !(sign && ih === 0x80000000 && il === 0)) return false;
  } else if (magnitude > (bytes === 4 ? 0x7fffffff : 0x7fff) + sign) return false;
  if (sign && (ih | il) !== 0) {
    il = (~il + 1) >>> 0;
    ih = (~ih + (il === 0 ? 1 : 0)) >>> 0;
  }
  fast.lo = il | 0;
  fast.hi = ih | 0;
  fast.flags = inexact ? PE | (up ? ROUNDED_UP : 0) : 0;
  return true;
}
