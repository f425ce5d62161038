// SSE/SSE2 conversions: CVTSI2SS/SD (32 or 64-bit source), CVT(T)SS2SI/CVT(T)SD2SI (32 or 64-bit
// destination), CVTSS2SD/CVTSD2SS, CVTPS2PD/CVTPD2PS, CVTDQ2PS/CVT(T)PS2DQ, CVTDQ2PD/CVT(T)PD2DQ
// and the MMX forms CVTPI2PS/CVT(T)PS2PI/CVTPI2PD/CVT(T)PD2PI.
//
// The general-register operand is 64-bit with REX.W and 32-bit otherwise (a 66 prefix beside the
// mandatory F2/F3 is ignored).
//
// Float-to-integer conversions round by MXCSR.RC (or truncate) and give the integer indefinite
// (0x80000000, 0x8000000000000000) with IE for NaN and out-of-range values. Integer-to-float and
// double-to-single conversions round by MXCSR.RC; a NaN narrowed or widened keeps its sign and the
// top of its payload, quieted (IE for an SNaN).

import type { Insn } from "../insn.ts";
import { ea, readE, setReg } from "../operands.ts";
import type { Cpu } from "../state.ts";
import { exactFromInteger, exactNarrow } from "./sse_exact.ts";
import { isSignaling32, isSignaling64, MIN_NORMAL32, MIN_NORMAL64 } from "./sse_fp.ts";
import {
  beginFp,
  env,
  finishFp,
  loadXmmE,
  memToSlot,
  mmToSlot,
  mmxEnter,
  MX_DE,
  MX_IE,
  MX_PE,
  R,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  RC_ZERO,
  S,
  setMm,
  slotToXmm,
} from "./sse_state.ts";

const INDEFINITE = 0x80000000 | 0;
const TWO32 = 4294967296, TWO63 = 9223372036854775808;

// ---- lanes --------------------------------------------------------------------------------------

function roundToInteger(x: number, rc: number): number {
  switch (rc) {
    case RC_NEAREST: {
      const f = Math.floor(x), d = x - f;
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    }
    case RC_DOWN:
      return Math.floor(x);
    case RC_UP:
      return Math.ceil(x);
    default:
      return Math.trunc(x);
  }
}

/** A single or double value (NaN allowed) to int32; DAZ flushes denormals (no DE is reported). */
function toInt32(x: number, truncate: boolean, minNormal: number): number {
  if (x !== x) {
    env.pre |= MX_IE;
    return INDEFINITE;
  }
  if (env.daz && Math.abs(x) < minNormal) x = 0;
  const r = roundToInteger(x, truncate ? RC_ZERO : env.rc);
  if (!(r >= -2147483648 && r <= 2147483647)) {
    env.pre |= MX_IE;
    return INDEFINITE;
  }
  if (r !== x) env.post |= MX_PE;
  return r | 0;
}

/** A single or double value to int64: low half returned, high half in env.outHi. */
function toInt64(x: number, truncate: boolean, minNormal: number): number {
  if (x === x && env.daz && Math.abs(x) < minNormal) x = 0;
  const r = x === x ? roundToInteger(x, truncate ? RC_ZERO : env.rc) : NaN;
  if (!(r >= -TWO63 && r < TWO63)) {
    env.pre |= MX_IE;
    env.outHi = INDEFINITE;
    return 0;
  }
  if (r !== x) env.post |= MX_PE;
  const hi = Math.floor(r / TWO32);
  env.outHi = hi | 0;
  return (r - hi * TWO32) | 0;
}

/** R.f32[k] = int32 v rounded by MXCSR.RC. */
function fromInt32To32(v: number, k: number): void {
  const f = Math.fround(v);
  if (f === v) R.f32[k] = f;
  else if (env.rc === RC_NEAREST) {
    env.post |= MX_PE;
    R.f32[k] = f;
  } else {
    exactFromInteger(BigInt(v), true);
    R.i32[k] = env.outLo;
  }
}

/** R lane k = int64 (lo, hi) rounded to single (R.i32[k]) or double (R.f64[k]). */
function fromInt64(lo: number, hi: number, single: boolean, k: number): void {
  if (hi >= -0x200000 && hi < 0x200000) {
    const v = hi * TWO32 + (lo >>> 0); // exact
    if (!single) R.f64[k] = v;
    else fromInt32To32(v, k);
    return;
  }
  exactFromInteger(BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)), single);
  if (single) R.i32[k] = env.outLo;
  else {
    R.i32[2 * k] = env.outLo;
    R.i32[2 * k + 1] = env.outHi;
  }
}

/** R.f64[k] = single S.f32[j], exact (DE or DAZ for denormals; NaNs quieted). */
function widen(j: number, k: number): void {
  const x = S.f32[j];
  if (x !== x) {
    const bits = S.i32[j];
    if (isSignaling32(bits)) env.pre |= MX_IE;
    R.i32[2 * k] = (bits & 7) << 29;
    R.i32[2 * k + 1] = (bits & 0x80000000) | 0x7ff80000 | ((bits & 0x7fffff) >>> 3);
    return;
  }
  if (x !== 0 && Math.abs(x) < MIN_NORMAL32) {
    if (env.daz) {
      R.f64[k] = x < 0 ? -0 : 0;
      return;
    }
    env.pre |= MX_DE;
  }
  R.f64[k] = x;
}

/** R.f32[k] = double S.f64[j] rounded by MXCSR.RC (with FTZ). */
function narrow(j: number, k: number): void {
  let x = S.f64[j];
  if (x !== x) {
    const lo = S.i32[2 * j], hi = S.i32[2 * j + 1];
    if (isSignaling64(hi, lo)) env.pre |= MX_IE;
    R.i32[k] = (hi & 0x80000000) | 0x7fc00000 | ((hi & 0x7ffff) << 3) | (lo >>> 29);
    return;
  }
  if (x !== 0 && Math.abs(x) < MIN_NORMAL64) {
    if (env.daz) x = x < 0 ? -0 : 0;
    else env.pre |= MX_DE;
  }
  if (x === 0 || Math.abs(x) === Infinity) {
    R.f32[k] = x;
    return;
  }
  if (env.rc === RC_NEAREST) {
    const f = Math.fround(x), m = Math.abs(f);
    if (m > MIN_NORMAL32 && m !== Infinity) {
      if (f !== x) env.post |= MX_PE;
      R.f32[k] = f;
      return;
    }
  }
  exactNarrow(x);
  R.i32[k] = env.outLo;
}

// ---- integer to floating point ------------------------------------------------------------------

/** CVTSI2SS xmm, r/m32 or r/m64 (F3 0F 2A). */
export function cvtsi2ss(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size === 8 ? 8 : 4), hi = c.th;
  beginFp(c);
  if (i.size === 8) fromInt64(lo, hi, true, 0);
  else fromInt32To32(lo, 0);
  finishFp(c);
  c.xmm32[i.reg << 2] = R.i32[0];
}

/** CVTSI2SD xmm, r/m32 or r/m64 (F2 0F 2A). */
export function cvtsi2sd(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size === 8 ? 8 : 4), hi = c.th;
  beginFp(c);
  if (i.size === 8) fromInt64(lo, hi, false, 0);
  else R.f64[0] = lo;
  finishFp(c);
  slotToXmm(c, i.reg, R, 2);
}

/** CVTDQ2PS xmm, xmm/m128 (0F 5B). */
export function cvtdq2ps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  beginFp(c);
  for (let k = 0; k < 4; k++) fromInt32To32(S.i32[k], k);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

/** CVTDQ2PD xmm, xmm/m64 (F3 0F E6): exact. */
export function cvtdq2pd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 8, false);
  R.f64[0] = S.i32[0];
  R.f64[1] = S.i32[1];
  slotToXmm(c, i.reg, R, 4);
}

/** Stages the MMX-or-m64 source of CVTPI2PS/PD; a register source enters MMX state. */
function loadPi(c: Cpu, i: Insn): void {
  if (i.rm >= 0) {
    mmxEnter(c);
    mmToSlot(c, i.rm & 7, S);
  } else memToSlot(c, ea(c, i), S, 8);
}

/** CVTPI2PS xmm, mm/m64 (0F 2A): the upper half of the destination is kept. */
export function cvtpi2ps(c: Cpu, i: Insn): void {
  loadPi(c, i);
  beginFp(c);
  fromInt32To32(S.i32[0], 0);
  fromInt32To32(S.i32[1], 1);
  finishFp(c);
  slotToXmm(c, i.reg, R, 2);
}

/** CVTPI2PD xmm, mm/m64 (66 0F 2A). */
export function cvtpi2pd(c: Cpu, i: Insn): void {
  loadPi(c, i);
  R.f64[0] = S.i32[0];
  R.f64[1] = S.i32[1];
  slotToXmm(c, i.reg, R, 4);
}

// ---- floating point to integer ------------------------------------------------------------------

function ss2si(c: Cpu, i: Insn, truncate: boolean): void {
  loadXmmE(c, i, S, 4, false);
  beginFp(c);
  const x = S.f32[0];
  let lo: number, hi = 0;
  if (i.size === 8) {
    lo = toInt64(x, truncate, MIN_NORMAL32);
    hi = env.outHi;
  } else lo = toInt32(x, truncate, MIN_NORMAL32);
  finishFp(c);
  setReg(c, i.reg, i.size === 8 ? 8 : 4, lo, hi);
}

function sd2si(c: Cpu, i: Insn, truncate: boolean): void {
  loadXmmE(c, i, S, 8, false);
  beginFp(c);
  const x = S.f64[0];
  let lo: number, hi = 0;
  if (i.size === 8) {
    lo = toInt64(x, truncate, MIN_NORMAL64);
    hi = env.outHi;
  } else lo = toInt32(x, truncate, MIN_NORMAL64);
  finishFp(c);
  setReg(c, i.reg, i.size === 8 ? 8 : 4, lo, hi);
}

export const cvtss2si = (c: Cpu, i: Insn): void => ss2si(c, i, false);
export const cvttss2si = (c: Cpu, i: Insn): void => ss2si(c, i, true);
export const cvtsd2si = (c: Cpu, i: Insn): void => sd2si(c, i, false);
export const cvttsd2si = (c: Cpu, i: Insn): void => sd2si(c, i, true);

function ps2dq(c: Cpu, i: Insn, truncate: boolean): void {
  loadXmmE(c, i, S, 16, true);
  beginFp(c);
  for (let k = 0; k < 4; k++) R.i32[k] = toInt32(S.f32[k], truncate, MIN_NORMAL32);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

export const cvtps2dq = (c: Cpu, i: Insn): void => ps2dq(c, i, false);
export const cvttps2dq = (c: Cpu, i: Insn): void => ps2dq(c, i, true);

/** CVT(T)PD2DQ xmm, xmm/m128: two dwords, the upper half zeroed. */
function pd2dq(c: Cpu, i: Insn, truncate: boolean): void {
  loadXmmE(c, i, S, 16, true);
  beginFp(c);
  R.i32[0] = toInt32(S.f64[0], truncate, MIN_NORMAL64);
  R.i32[1] = toInt32(S.f64[1], truncate, MIN_NORMAL64);
  R.i32[2] = 0;
  R.i32[3] = 0;
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

export const cvtpd2dq = (c: Cpu, i: Insn): void => pd2dq(c, i, false);
export const cvttpd2dq = (c: Cpu, i: Insn): void => pd2dq(c, i, true);

/** CVT(T)PS2PI mm, xmm/m64 (0F 2D / 0F 2C). */
function ps2pi(c: Cpu, i: Insn, truncate: boolean): void {
  loadXmmE(c, i, S, 8, false);
  mmxEnter(c);
  beginFp(c);
  const lo = toInt32(S.f32[0], truncate, MIN_NORMAL32);
  const hi = toInt32(S.f32[1], truncate, MIN_NORMAL32);
  finishFp(c);
  setMm(c, i.reg & 7, lo, hi);
}

/** CVT(T)PD2PI mm, xmm/m128 (66 0F 2D / 66 0F 2C). */
function pd2pi(c: Cpu, i: Insn, truncate: boolean): void {
  loadXmmE(c, i, S, 16, true);
  mmxEnter(c);
  beginFp(c);
  const lo = toInt32(S.f64[0], truncate, MIN_NORMAL64);
  const hi = toInt32(S.f64[1], truncate, MIN_NORMAL64);
  finishFp(c);
  setMm(c, i.reg & 7, lo, hi);
}

export const cvtps2pi = (c: Cpu, i: Insn): void => ps2pi(c, i, false);
export const cvttps2pi = (c: Cpu, i: Insn): void => ps2pi(c, i, true);
export const cvtpd2pi = (c: Cpu, i: Insn): void => pd2pi(c, i, false);
export const cvttpd2pi = (c: Cpu, i: Insn): void => pd2pi(c, i, true);

// ---- between precisions -------------------------------------------------------------------------

/** CVTSS2SD xmm, xmm/m32 (F3 0F 5A). */
export function cvtss2sd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 4, false);
  beginFp(c);
  widen(0, 0);
  finishFp(c);
  slotToXmm(c, i.reg, R, 2);
}

/** CVTSD2SS xmm, xmm/m64 (F2 0F 5A). */
export function cvtsd2ss(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 8, false);
  beginFp(c);
  narrow(0, 0);
  finishFp(c);
  c.xmm32[i.reg << 2] = R.i32[0];
}

/** CVTPS2PD xmm, xmm/m64 (0F 5A). */
export function cvtps2pd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 8, false);
  beginFp(c);
  widen(0, 0);
  widen(1, 1);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

/** CVTPD2PS xmm, xmm/m128 (66 0F 5A): the upper half is zeroed. */
export function cvtpd2ps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  beginFp(c);
  narrow(0, 0);
  narrow(1, 1);
  R.i32[2] = 0;
  R.i32[3] = 0;
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}
