// Multiply and divide: MUL IMUL DIV IDIV (F6/F7 /4-/7), IMUL G,E (0F AF), IMUL G,E,imm (69, 6B).
//
// Products are exact: 32x32 multiplies split into 16-bit limbs (low word by Math.imul), 64x64
// into four 32x32 partial products. Division of a 64-bit dividend by a 32-bit divisor uses two
// 48-bit steps in doubles; 128-by-64 division does the same when the divisor fits 32 bits, uses
// doubles when both operands are below 2^53, and BigInt only otherwise (rare). #DE (divide by
// zero, quotient overflow, INT_MIN / -1) throws divideError() before any register is written.
//
// Flags: MUL/IMUL set CF = OF per the SDM. SF ZF AF PF are undefined there; we produce SF ZF PF
// from the low half of the result and AF = 0 (the cheap lazy F_CO record, as Bochs and QEMU model
// Intel cores); the AMD host leaves those four unchanged, so differential tests must mask them.
// DIV/IDIV leave all six flags undefined; we produce what the AMD host does: CF OF unchanged,
// SF ZF PF cleared, AF set.

import { divideError, type Insn } from "../insn.ts";
import { getReg, readE, setReg } from "../operands.ts";
import { getCF, getOF } from "../flags.ts";
import { AF, type Cpu, F_CO, F_NONE } from "../state.ts";

const TWO32 = 4294967296;

// Scratch results of the helpers below (no allocation per instruction).
let mulHi = 0;
let w0 = 0, w1 = 0, w2 = 0, w3 = 0;
let qLo = 0, qHi = 0, rLo = 0, rHi = 0;

/** Unsigned 32x32 product: low word returned (int32), high word in mulHi (int32). */
function mul32u(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  mulHi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
  return Math.imul(a, b);
}

/** Signed 32x32 product: low word returned, high word in mulHi. */
function mul32s(a: number, b: number): number {
  const lo = mul32u(a, b);
  mulHi = (mulHi - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  return lo;
}

/** Unsigned 64x64 product into w0..w3 (int32 words, w0 lowest). */
function mul64u(alo: number, ahi: number, blo: number, bhi: number): void {
  w0 = mul32u(alo, blo);
  const p0h = mulHi >>> 0;
  const p1l = mul32u(alo, bhi) >>> 0, p1h = mulHi >>> 0;
  const p2l = mul32u(ahi, blo) >>> 0, p2h = mulHi >>> 0;
  const p3l = mul32u(ahi, bhi) >>> 0, p3h = mulHi >>> 0;
  const s1 = p0h + p1l + p2l;
  w1 = s1 | 0;
  const s2 = p1h + p2h + p3l + Math.floor(s1 / TWO32);
  w2 = s2 | 0;
  w3 = (p3h + Math.floor(s2 / TWO32)) | 0;
}

/** Signed 64x64 product into w0..w3. */
function mul64s(alo: number, ahi: number, blo: number, bhi: number): void {
  mul64u(alo, ahi, blo, bhi);
  if (ahi < 0) subHigh(blo, bhi);
  if (bhi < 0) subHigh(alo, ahi);
}

/** (w3:w2) -= (hi:lo). */
function subHigh(lo: number, hi: number): void {
  const d = (w2 >>> 0) - (lo >>> 0);
  w2 = d | 0;
  w3 = (w3 - hi - (d < 0 ? 1 : 0)) | 0;
}

/** Flags after a successful DIV or IDIV (undefined in the SDM; the AMD host's values). */
function divFlags(c: Cpu): void {
  const keep = getCF(c) | (getOF(c) << 11);
  c.fop = F_NONE;
  c.fexp = keep | AF;
}

function mulFlags(c: Cpu, size: number, lo: number, hi: number, overflow: boolean): void {
  c.fop = F_CO;
  c.fsize = size;
  c.fr = lo;
  c.frh = hi;
  c.fcin = overflow ? 1 : 0;
  c.fb = c.fcin;
}

// ---- MUL, IMUL ----------------------------------------------------------------------------------

/** MUL E (F6/F7 /4): AX = AL * E, DX:AX, EDX:EAX, RDX:RAX = rAX * E. */
export function mulE(c: Cpu, i: Insn): void {
  const size = i.size;
  const blo = readE(c, i, size), bhi = c.th;
  switch (size) {
    case 1: {
      const p = (c.lo[0] & 0xff) * blo;
      setReg(c, 0, 2, p, 0);
      mulFlags(c, 1, p & 0xff, 0, p > 0xff);
      return;
    }
    case 2: {
      const p = (c.lo[0] & 0xffff) * blo;
      setReg(c, 0, 2, p, 0);
      setReg(c, 2, 2, p >>> 16, 0);
      mulFlags(c, 2, p & 0xffff, 0, p > 0xffff);
      return;
    }
    case 4: {
      const lo = mul32u(c.lo[0], blo), hi = mulHi;
      setReg(c, 0, 4, lo, 0);
      setReg(c, 2, 4, hi, 0);
      mulFlags(c, 4, lo, 0, hi !== 0);
      return;
    }
    default: {
      mul64u(c.lo[0], c.hi[0], blo, bhi);
      c.lo[0] = w0;
      c.hi[0] = w1;
      c.lo[2] = w2;
      c.hi[2] = w3;
      mulFlags(c, 8, w0, w1, (w2 | w3) !== 0);
    }
  }
}

/** IMUL E (F6/F7 /5): signed rAX * E into AX, DX:AX, EDX:EAX, RDX:RAX. */
export function imulE1(c: Cpu, i: Insn): void {
  const size = i.size;
  const blo = readE(c, i, size), bhi = c.th;
  switch (size) {
    case 1: {
      const p = ((c.lo[0] << 24) >> 24) * ((blo << 24) >> 24);
      setReg(c, 0, 2, p, 0);
      mulFlags(c, 1, p & 0xff, 0, p !== (p << 24) >> 24);
      return;
    }
    case 2: {
      const p = ((c.lo[0] << 16) >> 16) * ((blo << 16) >> 16);
      setReg(c, 0, 2, p, 0);
      setReg(c, 2, 2, p >> 16, 0);
      mulFlags(c, 2, p & 0xffff, 0, p !== (p << 16) >> 16);
      return;
    }
    case 4: {
      const lo = mul32s(c.lo[0], blo), hi = mulHi;
      setReg(c, 0, 4, lo, 0);
      setReg(c, 2, 4, hi, 0);
      mulFlags(c, 4, lo, 0, hi !== lo >> 31);
      return;
    }
    default: {
      mul64s(c.lo[0], c.hi[0], blo, bhi);
      c.lo[0] = w0;
      c.hi[0] = w1;
      c.lo[2] = w2;
      c.hi[2] = w3;
      const s = w1 >> 31;
      mulFlags(c, 8, w0, w1, w2 !== s || w3 !== s);
    }
  }
}

/** Truncated signed product of `size` bytes (2, 4, 8) with flags; low half returned, high in c.th. */
export function imulTrunc(
  c: Cpu,
  size: number,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  if (size === 2) {
    const p = ((alo << 16) >> 16) * ((blo << 16) >> 16);
    mulFlags(c, 2, p & 0xffff, 0, p !== (p << 16) >> 16);
    c.th = 0;
    return p & 0xffff;
  }
  if (size === 4) {
    const lo = Math.imul(alo, blo);
    // The double product is exact whenever it fits 32 bits, and stays outside otherwise.
    mulFlags(c, 4, lo, 0, alo * blo !== lo);
    c.th = 0;
    return lo;
  }
  if (ahi === alo >> 31 && bhi === blo >> 31) {
    // Both operands fit 32 bits: the product fits 64, no overflow.
    const lo = mul32s(alo, blo), hi = mulHi;
    mulFlags(c, 8, lo, hi, false);
    c.th = hi;
    return lo;
  }
  mul64s(alo, ahi, blo, bhi);
  const s = w1 >> 31;
  mulFlags(c, 8, w0, w1, w2 !== s || w3 !== s);
  c.th = w1;
  return w0;
}

/** IMUL G, E (0F AF). */
export function imulGE(c: Cpu, i: Insn): void {
  const size = i.size;
  const blo = readE(c, i, size), bhi = c.th;
  const alo = getReg(c, i.reg, size);
  const lo = imulTrunc(c, size, alo, c.th, blo, bhi);
  setReg(c, i.reg, size, lo, c.th);
}

/** IMUL G, E, imm (69 with imm16/32, 6B with imm8; sign-extended). */
export function imulGEI(c: Cpu, i: Insn): void {
  const size = i.size;
  const alo = readE(c, i, size);
  const lo = imulTrunc(c, size, alo, c.th, i.imm, i.immHi);
  setReg(c, i.reg, size, lo, c.th);
}

// ---- DIV, IDIV ----------------------------------------------------------------------------------

/** (hi:lo) / d for uint32 hi < d: quotient returned (uint32), remainder in rLo. */
function div64by32(hi: number, lo: number, d: number): number {
  let x = hi * 65536 + (lo >>> 16);
  const q1 = Math.floor(x / d);
  x = (x - q1 * d) * 65536 + (lo & 0xffff);
  const q0 = Math.floor(x / d);
  rLo = x - q0 * d;
  return q1 * 65536 + q0;
}

/**
 * Unsigned (n3:n2:n1:n0) / (d1:d0) on uint32 words; false for #DE (zero divisor, quotient of 64
 * bits or more). Quotient in qLo/qHi, remainder in rLo/rHi (uint32 numbers).
 */
function divU128(
  n0: number,
  n1: number,
  n2: number,
  n3: number,
  d0: number,
  d1: number,
): boolean {
  if (d1 === 0 && d0 === 0) return false;
  if (n3 > d1 || (n3 === d1 && n2 >= d0)) return false;
  if (d1 === 0) {
    // n3 = 0 and n2 < d0: two 64-by-32 steps.
    qHi = div64by32(n2, n1, d0);
    qLo = div64by32(rLo, n0, d0);
    rHi = 0;
    return true;
  }
  if ((n3 | n2) === 0 && n1 < 0x200000 && d1 < 0x200000) {
    // Both below 2^53: the double quotient's floor is exact.
    const a = n1 * TWO32 + n0, b = d1 * TWO32 + d0;
    const q = Math.floor(a / b), r = a - q * b;
    qLo = q % TWO32;
    qHi = Math.floor(q / TWO32);
    rLo = r % TWO32;
    rHi = Math.floor(r / TWO32);
    return true;
  }
  const n = (BigInt(n3) << 96n) | (BigInt(n2) << 64n) | (BigInt(n1) << 32n) | BigInt(n0);
  const d = (BigInt(d1) << 32n) | BigInt(d0);
  const q = n / d, r = n % d;
  qLo = Number(q & 0xffffffffn);
  qHi = Number(q >> 32n);
  rLo = Number(r & 0xffffffffn);
  rHi = Number(r >> 32n);
  return true;
}

/** DIV E (F6/F7 /6): unsigned rDX:rAX / E; AH:AL for bytes. */
export function divE(c: Cpu, i: Insn): void {
  const size = i.size;
  const blo = readE(c, i, size), bhi = c.th;
  switch (size) {
    case 1: {
      const n = c.lo[0] & 0xffff;
      if (blo === 0) throw divideError();
      const q = Math.floor(n / blo);
      if (q > 0xff) throw divideError();
      setReg(c, 0, 2, q | ((n - q * blo) << 8), 0);
      break;
    }
    case 2: {
      const n = (((c.lo[2] & 0xffff) << 16) | (c.lo[0] & 0xffff)) >>> 0;
      if (blo === 0) throw divideError();
      const q = Math.floor(n / blo);
      if (q > 0xffff) throw divideError();
      setReg(c, 0, 2, q, 0);
      setReg(c, 2, 2, n - q * blo, 0);
      break;
    }
    case 4: {
      const d = blo >>> 0, hi = c.lo[2] >>> 0;
      if (hi >= d) throw divideError(); // also d = 0
      const q = div64by32(hi, c.lo[0] >>> 0, d);
      setReg(c, 0, 4, q | 0, 0);
      setReg(c, 2, 4, rLo | 0, 0);
      break;
    }
    default: {
      const ok = divU128(
        c.lo[0] >>> 0,
        c.hi[0] >>> 0,
        c.lo[2] >>> 0,
        c.hi[2] >>> 0,
        blo >>> 0,
        bhi >>> 0,
      );
      if (!ok) throw divideError();
      c.lo[0] = qLo | 0;
      c.hi[0] = qHi | 0;
      c.lo[2] = rLo | 0;
      c.hi[2] = rHi | 0;
    }
  }
  divFlags(c);
}

/** IDIV E (F6/F7 /7): signed, quotient truncated toward zero, remainder has the dividend's sign. */
export function idivE(c: Cpu, i: Insn): void {
  const size = i.size;
  const blo = readE(c, i, size), bhi = c.th;
  switch (size) {
    case 1: {
      const n = (c.lo[0] << 16) >> 16, d = (blo << 24) >> 24;
      if (d === 0) throw divideError();
      const q = Math.trunc(n / d);
      if (q > 127 || q < -128) throw divideError();
      setReg(c, 0, 2, (q & 0xff) | (((n - q * d) & 0xff) << 8), 0);
      break;
    }
    case 2: {
      const n = (c.lo[2] << 16) | (c.lo[0] & 0xffff), d = (blo << 16) >> 16;
      if (d === 0) throw divideError();
      const q = Math.trunc(n / d);
      if (q > 32767 || q < -32768) throw divideError();
      setReg(c, 0, 2, q, 0);
      setReg(c, 2, 2, n - q * d, 0);
      break;
    }
    case 4: {
      const lo = c.lo[0], hi = c.lo[2];
      if (blo === 0) throw divideError();
      let q = 0, r = 0;
      if (hi === lo >> 31) {
        q = Math.trunc(lo / blo);
        r = lo - q * blo;
      } else {
        // |dividend| as (ah:al), then a 64-by-32 unsigned step.
        const neg = hi < 0;
        let al = lo >>> 0, ah = hi >>> 0;
        if (neg) {
          al = (-lo) >>> 0;
          ah = (~hi + (al === 0 ? 1 : 0)) >>> 0;
        }
        const ad = Math.abs(blo);
        if (ah >= ad) throw divideError();
        q = div64by32(ah, al, ad);
        r = rLo;
        if (neg !== blo < 0) q = -q;
        if (neg) r = -r;
      }
      if (q > 0x7fffffff || q < -0x80000000) throw divideError();
      setReg(c, 0, 4, q | 0, 0);
      setReg(c, 2, 4, r | 0, 0);
      break;
    }
    default:
      idiv64(c, blo, bhi);
  }
  divFlags(c);
}

/** IDIV r/m64: RDX:RAX / (bhi:blo). */
function idiv64(c: Cpu, blo: number, bhi: number): void {
  const lo = c.lo[0], hi = c.hi[0], dlo = c.lo[2], dhi = c.hi[2];
  const s = hi >> 31;
  if (
    dlo === s && dhi === s && bhi === blo >> 31 && hi >= -0x200000 && hi < 0x200000
  ) {
    // Dividend and divisor both fit a double exactly (|x| < 2^53, divisor < 2^31 in magnitude).
    const n = hi * TWO32 + (lo >>> 0);
    if (blo === 0) throw divideError();
    const q = Math.trunc(n / blo), r = n - q * blo;
    c.setReg(0, q);
    c.setReg(2, r);
    return;
  }
  // Magnitudes, unsigned division, then signs and the range check.
  const negN = dhi < 0, negD = bhi < 0;
  let n0 = lo >>> 0, n1 = hi >>> 0, n2 = dlo >>> 0, n3 = dhi >>> 0;
  if (negN) {
    n0 = (~n0 >>> 0) + 1;
    n1 = (~n1 >>> 0) + (n0 === TWO32 ? 1 : 0);
    n2 = (~n2 >>> 0) + (n1 === TWO32 ? 1 : 0);
    n3 = ((~n3 >>> 0) + (n2 === TWO32 ? 1 : 0)) >>> 0;
    n0 >>>= 0;
    n1 >>>= 0;
    n2 >>>= 0;
  }
  let d0 = blo >>> 0, d1 = bhi >>> 0;
  if (negD) {
    d0 = (~d0 >>> 0) + 1;
    d1 = ((~d1 >>> 0) + (d0 === TWO32 ? 1 : 0)) >>> 0;
    d0 >>>= 0;
  }
  if (!divU128(n0, n1, n2, n3, d0, d1)) throw divideError();
  const negQ = negN !== negD;
  if (qHi >= 0x80000000 && !(negQ && qHi === 0x80000000 && qLo === 0)) throw divideError();
  if (negQ) negate64(qLo, qHi);
  else {
    w0 = qLo | 0;
    w1 = qHi | 0;
  }
  c.lo[0] = w0;
  c.hi[0] = w1;
  if (negN) negate64(rLo, rHi);
  else {
    w0 = rLo | 0;
    w1 = rHi | 0;
  }
  c.lo[2] = w0;
  c.hi[2] = w1;
}

/** -(hi:lo) on uint32 words into w0 (low), w1 (high). */
function negate64(lo: number, hi: number): void {
  w0 = -lo | 0;
  w1 = (~hi + (w0 === 0 ? 1 : 0)) | 0;
}
