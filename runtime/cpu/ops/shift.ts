// Shifts and rotates: group 2 (ROL ROR RCL RCR SHL SHR SAL SAR) by 1, CL or imm8; SHLD, SHRD.
//
// The count is masked to 5 bits (6 with REX.W); a masked count of 0 changes no flags and no
// memory, but a 32-bit register destination is still written (its upper half cleared), as on
// hardware. RCL/RCR rotate through CF over size+1 bits (8/16-bit counts taken mod 9/17).
//
// Flags. Defined ones follow the SDM. Where the SDM says "undefined" we produce what the x86-64
// host (AMD EPYC) produces, except AF; Intel cores may differ for counts above 1:
// - SHL/SAL: OF = MSB(result) ^ CF for every count; SHR: OF = bit s-1 ^ bit s-2 of the result;
//   SAR: OF = 0. SHL/SHR by counts beyond the 8/16-bit operand width give CF = 0; SAR gives the
//   sign bit.
// - ROL/RCL: OF = MSB(result) ^ CF; ROR/RCR: OF = bit s-1 ^ bit s-2 of the result, for every
//   count, including RCL/RCR counts that are multiples of 9/17 (CF then unchanged).
// - SHLD: OF = MSB(result) ^ CF, except 16-bit counts 16 (OF = CF) and 17-31 (OF = 0); SHRD:
//   OF = bit s-1 ^ bit s-2 of the result. At count 1 both equal the SDM's "sign changed".
//   16-bit counts above 16 (result undefined in the SDM) rotate the source by count - 16 with
//   CF = 0, as the AMD host does (Intel cores are said to shift the pattern dest:src:dest).
// - AF after any shift or double shift with a nonzero count is undefined: we produce 0 (lazy
//   F_CO record); the AMD host produces 1. Differential tests must mask AF for these.
// Rotates change only CF and OF.

import { getCF, setSomeFlags } from "../flags.ts";
import type { Insn } from "../insn.ts";
import { ea, getReg, readMem, setReg, writeMem } from "../operands.ts";
import { CF, type Cpu, F_CO, OF } from "../state.ts";

export const OP_ROL = 0, OP_ROR = 1, OP_RCL = 2, OP_RCR = 3;
export const OP_SHL = 4, OP_SHR = 5, OP_SAL = 6, OP_SAR = 7;

// ---- 64-bit helpers on (lo, hi): the low half is returned, the high half left in c.th ----------

/** (lo, hi) << n for 0 <= n < 64. */
function shl64(c: Cpu, lo: number, hi: number, n: number): number {
  if (n === 0) {
    c.th = hi;
    return lo;
  }
  if (n < 32) {
    c.th = (hi << n) | (lo >>> (32 - n));
    return lo << n;
  }
  c.th = lo << (n - 32);
  return 0;
}

/** (lo, hi) >>> n for 0 <= n < 64. */
function shr64(c: Cpu, lo: number, hi: number, n: number): number {
  if (n === 0) {
    c.th = hi;
    return lo;
  }
  if (n < 32) {
    c.th = hi >>> n;
    return (lo >>> n) | (hi << (32 - n));
  }
  c.th = 0;
  return hi >>> (n - 32);
}

/** Bit k (0..63) of (lo, hi). */
function bit64(lo: number, hi: number, k: number): number {
  return k < 32 ? (lo >>> k) & 1 : (hi >>> (k - 32)) & 1;
}

// ---- flag records -------------------------------------------------------------------------------

function shiftFlags(c: Cpu, size: number, lo: number, hi: number, cf: number, of: number): void {
  c.fop = F_CO;
  c.fsize = size;
  c.fr = lo;
  c.frh = hi;
  c.fcin = cf;
  c.fb = of;
}

function rotateFlags(c: Cpu, cf: number, of: number): void {
  setSomeFlags(c, CF | OF, cf | (of << 11));
}

// ---- group 2 ------------------------------------------------------------------------------------
// One small function per operation: V8 keeps each straight-line, where a single function switching
// over all eight operations and four sizes ran several times slower.

/** Shifts or rotates (lo, hi) of `size` bytes by a masked, nonzero count; sets the flags. */
export function shiftOp(
  c: Cpu,
  op: number,
  size: number,
  lo: number,
  hi: number,
  n: number,
): number {
  if (op === OP_SHL || op === OP_SAL) return shl(c, size, lo, hi, n);
  if (op === OP_SHR) return shr(c, size, lo, hi, n);
  if (op === OP_SAR) return sar(c, size, lo, hi, n);
  return size === 8 ? rotate64(c, op, lo, hi, n) : rotate(c, op, size, lo, n);
}

function shl(c: Cpu, size: number, lo: number, hi: number, n: number): number {
  let r = 0, rh = 0, cf = 0;
  if (size === 8) {
    if (n < 32) {
      r = lo << n;
      rh = (hi << n) | (lo >>> (32 - n));
      cf = (hi >>> (32 - n)) & 1;
    } else {
      rh = lo << (n - 32);
      cf = n === 32 ? hi & 1 : (lo >>> (64 - n)) & 1;
    }
    shiftFlags(c, 8, r, rh, cf, (rh >>> 31) ^ cf);
  } else if (size === 4) {
    r = lo << n;
    cf = (lo >>> (32 - n)) & 1;
    shiftFlags(c, 4, r, 0, cf, (r >>> 31) ^ cf);
  } else {
    const bits = size * 8, v = lo & ((1 << bits) - 1);
    r = (v << n) & ((1 << bits) - 1);
    cf = n <= bits ? (v >>> (bits - n)) & 1 : 0;
    shiftFlags(c, size, r, 0, cf, ((r >>> (bits - 1)) & 1) ^ cf);
  }
  c.th = rh;
  return r;
}

function shr(c: Cpu, size: number, lo: number, hi: number, n: number): number {
  let r = 0, rh = 0, cf = 0;
  if (size === 8) {
    if (n < 32) {
      r = (lo >>> n) | (hi << (32 - n));
      rh = hi >>> n;
      cf = (lo >>> (n - 1)) & 1;
    } else {
      r = hi >>> (n - 32);
      cf = n === 32 ? lo >>> 31 : (hi >>> (n - 33)) & 1;
    }
    shiftFlags(c, 8, r, rh, cf, ((rh >>> 31) ^ (rh >>> 30)) & 1);
  } else {
    const bits = size * 8, v = size === 4 ? lo : lo & ((1 << bits) - 1);
    r = v >>> n;
    cf = (v >>> (n - 1)) & 1;
    shiftFlags(c, size, r, 0, cf, ((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1);
  }
  c.th = rh;
  return r;
}

function sar(c: Cpu, size: number, lo: number, hi: number, n: number): number {
  let r = 0, rh = 0, cf = 0;
  if (size === 8) {
    if (n < 32) {
      r = (lo >>> n) | (hi << (32 - n));
      rh = hi >> n;
      cf = (lo >>> (n - 1)) & 1;
    } else {
      r = hi >> (n - 32);
      rh = hi >> 31;
      cf = n === 32 ? lo >>> 31 : (hi >> (n - 33)) & 1;
    }
    shiftFlags(c, 8, r, rh, cf, 0);
  } else {
    const up = 32 - size * 8, sv = (lo << up) >> up;
    r = size === 4 ? sv >> n : (sv >> n) & ((1 << (size * 8)) - 1);
    cf = (sv >> (n - 1)) & 1;
    shiftFlags(c, size, r, 0, cf, 0);
  }
  c.th = rh;
  return r;
}

/** ROL ROR RCL RCR on 8, 16 or 32 bits. */
function rotate(c: Cpu, op: number, size: number, lo: number, n: number): number {
  const bits = size * 8;
  const mask = size === 4 ? -1 : (1 << bits) - 1;
  const top = bits - 1;
  const v = lo & mask;
  let r = 0, cf = 0;
  switch (op) {
    case OP_ROL: {
      const k = n & top;
      r = k === 0 ? v : ((v << k) | (v >>> (bits - k))) & mask;
      cf = r & 1;
      rotateFlags(c, cf, ((r >>> top) & 1) ^ cf);
      c.th = 0;
      return r;
    }
    case OP_ROR: {
      const k = n & top;
      r = k === 0 ? v : ((v >>> k) | (v << (bits - k))) & mask;
      cf = (r >>> top) & 1;
      rotateFlags(c, cf, cf ^ ((r >>> (top - 1)) & 1));
      c.th = 0;
      return r;
    }
    case OP_RCL: {
      const cin = getCF(c);
      if (size === 4) {
        r = (v << n) | (cin << (n - 1)) | (n > 1 ? v >>> (33 - n) : 0);
        cf = (v >>> (32 - n)) & 1;
      } else {
        const k = n % (bits + 1);
        const t = (cin << bits) | v;
        const rot = k === 0 ? t : ((t << k) | (t >>> (bits + 1 - k))) & ((mask << 1) | 1);
        r = rot & mask;
        cf = (rot >>> bits) & 1;
      }
      rotateFlags(c, cf, ((r >>> top) & 1) ^ cf);
      c.th = 0;
      return r;
    }
    default: { // RCR
      const cin = getCF(c);
      if (size === 4) {
        r = (v >>> n) | (cin << (32 - n)) | (n > 1 ? v << (33 - n) : 0);
        cf = (v >>> (n - 1)) & 1;
      } else {
        const k = n % (bits + 1);
        const t = (cin << bits) | v;
        const rot = k === 0 ? t : ((t >>> k) | (t << (bits + 1 - k))) & ((mask << 1) | 1);
        r = rot & mask;
        cf = (rot >>> bits) & 1;
      }
      rotateFlags(c, cf, ((r >>> top) ^ (r >>> (top - 1))) & 1);
      c.th = 0;
      return r;
    }
  }
}

/** ROL ROR RCL RCR on 64 bits. */
function rotate64(c: Cpu, op: number, lo: number, hi: number, n: number): number {
  let r = 0, rh = 0, cf = 0;
  switch (op) {
    case OP_ROL:
    case OP_ROR: {
      // Rotate right by k is rotate left by 64 - k.
      const k = op === OP_ROL ? n : 64 - n;
      const a = k >= 32 ? hi : lo, b = k >= 32 ? lo : hi, m = k & 31;
      r = m === 0 ? a : (a << m) | (b >>> (32 - m));
      rh = m === 0 ? b : (b << m) | (a >>> (32 - m));
      if (op === OP_ROL) {
        cf = r & 1;
        rotateFlags(c, cf, (rh >>> 31) ^ cf);
      } else {
        cf = rh >>> 31;
        rotateFlags(c, cf, cf ^ ((rh >>> 30) & 1));
      }
      c.th = rh;
      return r;
    }
    case OP_RCL: {
      // 65-bit rotate: (x << n) | (CF << (n - 1)) | (x >>> (65 - n)).
      const cin = getCF(c);
      r = shl64(c, lo, hi, n);
      rh = c.th;
      if (n > 1) {
        r |= shr64(c, lo, hi, 65 - n);
        rh |= c.th;
      }
      if (n - 1 < 32) r |= cin << (n - 1);
      else rh |= cin << (n - 33);
      cf = bit64(lo, hi, 64 - n);
      rotateFlags(c, cf, (rh >>> 31) ^ cf);
      c.th = rh;
      return r;
    }
    default: { // RCR
      const cin = getCF(c);
      r = shr64(c, lo, hi, n);
      rh = c.th;
      if (n > 1) {
        r |= shl64(c, lo, hi, 65 - n);
        rh |= c.th;
      }
      if (64 - n < 32) r |= cin << (64 - n);
      else rh |= cin << (32 - n);
      cf = bit64(lo, hi, n - 1);
      rotateFlags(c, cf, ((rh >>> 31) ^ (rh >>> 30)) & 1);
      c.th = rh;
      return r;
    }
  }
}

/** Applies group-2 sub-operation (i.modrm >> 3) & 7 to the E operand with `count` (unmasked). */
function shiftE(c: Cpu, i: Insn, count: number): void {
  const size = i.size;
  const op = (i.modrm >> 3) & 7;
  const n = count & (size === 8 ? 63 : 31);
  if (i.rm >= 0) {
    const reg = size === 1 ? i.rm8 : i.rm;
    if (n === 0) {
      if (size === 4) c.hi[reg] = 0;
      return;
    }
    const lo = getReg(c, reg, size);
    const r = shiftOp(c, op, size, lo, c.th, n);
    setReg(c, reg, size, r, c.th);
  } else {
    const a = ea(c, i);
    const lo = readMem(c, a, size);
    if (n === 0) return;
    const r = shiftOp(c, op, size, lo, c.th, n);
    writeMem(c, a, size, r, c.th);
  }
}

/** Group 2 by 1 (D0, D1). */
export function shiftE1(c: Cpu, i: Insn): void {
  shiftE(c, i, 1);
}

/** Group 2 by CL (D2, D3). */
export function shiftECL(c: Cpu, i: Insn): void {
  shiftE(c, i, c.lo[1]);
}

/** Group 2 by imm8 (C0, C1). */
export function shiftEI(c: Cpu, i: Insn): void {
  shiftE(c, i, i.imm);
}

// ---- SHLD / SHRD --------------------------------------------------------------------------------

/**
 * Double shift of (dlo, dhi) by n (masked, nonzero), filling from (slo, shi); `left` for SHLD.
 * Sets the flags; returns the low half, high half in c.th.
 */
export function doubleShift(
  c: Cpu,
  left: boolean,
  size: number,
  dlo: number,
  dhi: number,
  slo: number,
  shi: number,
  n: number,
): number {
  let r = 0, rh = 0, cf = 0;
  if (size === 8) {
    if (left) {
      r = shl64(c, dlo, dhi, n);
      rh = c.th;
      r |= shr64(c, slo, shi, 64 - n);
      rh |= c.th;
      cf = bit64(dlo, dhi, 64 - n);
    } else {
      r = shr64(c, dlo, dhi, n);
      rh = c.th;
      r |= shl64(c, slo, shi, 64 - n);
      rh |= c.th;
      cf = bit64(dlo, dhi, n - 1);
    }
    const of = left ? (rh >>> 31) ^ cf : ((rh >>> 31) ^ (rh >>> 30)) & 1;
    shiftFlags(c, 8, r, rh, cf, of);
    c.th = rh;
    return r;
  }
  if (size === 4) {
    if (left) {
      r = (dlo << n) | (slo >>> (32 - n));
      cf = (dlo >>> (32 - n)) & 1;
    } else {
      r = (dlo >>> n) | (slo << (32 - n));
      cf = (dlo >>> (n - 1)) & 1;
    }
    const of = left ? (r >>> 31) ^ cf : ((r >>> 31) ^ (r >>> 30)) & 1;
    shiftFlags(c, 4, r, 0, cf, of);
    c.th = 0;
    return r;
  }
  // 16-bit: counts above 16 rotate the source by n - 16 and clear CF (AMD's behaviour).
  const d = dlo & 0xffff, src = slo & 0xffff;
  if (n > 16) {
    const k = n - 16;
    r = (left ? (src << k) | (src >>> (16 - k)) : (src >>> k) | (src << (16 - k))) & 0xffff;
  } else if (left) {
    r = ((d << n) | (src >>> (16 - n))) & 0xffff;
    cf = (d >>> (16 - n)) & 1;
  } else {
    r = ((d >>> n) | (src << (16 - n))) & 0xffff;
    cf = (d >>> (n - 1)) & 1;
  }
  const of = !left ? ((r >>> 15) ^ (r >>> 14)) & 1 : n < 16 ? (r >>> 15) ^ cf : n === 16 ? cf : 0;
  shiftFlags(c, 2, r, 0, cf, of);
  c.th = 0;
  return r;
}

function doubleShiftE(c: Cpu, i: Insn, left: boolean, count: number): void {
  const size = i.size;
  const n = count & (size === 8 ? 63 : 31);
  const slo = getReg(c, i.reg, size), shi = c.th;
  if (i.rm >= 0) {
    if (n === 0) {
      if (size === 4) c.hi[i.rm] = 0;
      return;
    }
    const dlo = getReg(c, i.rm, size);
    const r = doubleShift(c, left, size, dlo, c.th, slo, shi, n);
    setReg(c, i.rm, size, r, c.th);
  } else {
    const a = ea(c, i);
    const dlo = readMem(c, a, size);
    if (n === 0) return;
    const r = doubleShift(c, left, size, dlo, c.th, slo, shi, n);
    writeMem(c, a, size, r, c.th);
  }
}

/** SHLD E, G, imm8 (0F A4). */
export function shldI(c: Cpu, i: Insn): void {
  doubleShiftE(c, i, true, i.imm);
}

/** SHLD E, G, CL (0F A5). */
export function shldCL(c: Cpu, i: Insn): void {
  doubleShiftE(c, i, true, c.lo[1]);
}

/** SHRD E, G, imm8 (0F AC). */
export function shrdI(c: Cpu, i: Insn): void {
  doubleShiftE(c, i, false, i.imm);
}

/** SHRD E, G, CL (0F AD). */
export function shrdCL(c: Cpu, i: Insn): void {
  doubleShiftE(c, i, false, c.lo[1]);
}
