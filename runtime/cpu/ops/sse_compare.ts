// SSE/SSE2 comparisons and selections: CMPPS/CMPSS/CMPPD/CMPSD with the eight predicates,
// COMISS/UCOMISS/COMISD/UCOMISD (ZF PF CF; OF SF AF cleared), MINPS/MINSS/MINPD/MINSD and the MAX
// forms. They never round; they report IE for NaN operands as each instruction defines, DE for
// denormal operands (which compare as zeros with DAZ), and write nothing on an unmasked exception.

import { setSomeFlags } from "../flags.ts";
import type { Insn } from "../insn.ts";
import { ARITH_FLAGS, CF, type Cpu, PF, ZF } from "../state.ts";
import { isSignaling32, isSignaling64, MIN_NORMAL32, MIN_NORMAL64 } from "./sse_fp.ts";
import {
  beginFp,
  D,
  env,
  finishFp,
  loadXmmE,
  MX_DE,
  MX_IE,
  R,
  S,
  slotToXmm,
  xmmToSlot,
} from "./sse_state.ts";

// ---- lanes --------------------------------------------------------------------------------------

/**
 * Evaluates a CMPPS-family predicate (imm8 & 7: EQ LT LE UNORD NEQ NLT NLE ORD) on a and b,
 * reporting IE (any NaN for LT/LE/NLT/NLE, an SNaN for the others) and DE. `signaling` says an
 * operand is an SNaN.
 */
function comparePredicate(
  predicate: number,
  a: number,
  b: number,
  signaling: boolean,
  minNormal: number,
): boolean {
  // Ordered relations: EQ LT LE FALSE NEQ GE GT TRUE; unordered operands give true for UNORD,
  // NEQ, NLT and NLE.
  const relation = predicate & 7;
  if (a !== a || b !== b) {
    if (signaling || (relation & 3) === 1 || (relation & 3) === 2) env.pre |= MX_IE;
    return ((0x78 >> relation) & 1) === 1;
  }
  if ((a !== 0 && Math.abs(a) < minNormal) || (b !== 0 && Math.abs(b) < minNormal)) {
    if (env.daz) {
      if (Math.abs(a) < minNormal) a = 0;
      if (Math.abs(b) < minNormal) b = 0;
    } else env.pre |= MX_DE;
  }
  switch (relation) {
    case 0:
      return a === b;
    case 1:
      return a < b;
    case 2:
      return a <= b;
    case 3:
      return false;
    case 4:
      return a !== b;
    case 5:
      return a >= b;
    case 6:
      return a > b;
    default:
      return true;
  }
}

/** MIN/MAX lane (single): the second operand when either is a NaN or both are zeros. DAZ applies
 * first, so a denormal second operand comes back as a zero. */
function minMax32(max: boolean, k: number): void {
  const a = D.f32[k], b = S.f32[k];
  const aDenormal = a !== 0 && Math.abs(a) < MIN_NORMAL32;
  const bDenormal = b !== 0 && Math.abs(b) < MIN_NORMAL32;
  let bits = S.i32[k], flush = bDenormal && env.daz;
  if (a !== a || b !== b) env.pre |= MX_IE;
  else if (aDenormal || bDenormal) {
    if (!env.daz) env.pre |= MX_DE;
    const x = aDenormal && env.daz ? 0 : a, y = bDenormal && env.daz ? 0 : b;
    if (max ? x > y : x < y) {
      bits = D.i32[k];
      flush = aDenormal && env.daz;
    }
  } else if (max ? a > b : a < b) bits = D.i32[k];
  R.i32[k] = flush ? bits & 0x80000000 : bits;
}

/** MIN/MAX lane (double). */
function minMax64(max: boolean, k: number): void {
  const a = D.f64[k], b = S.f64[k];
  const aDenormal = a !== 0 && Math.abs(a) < MIN_NORMAL64;
  const bDenormal = b !== 0 && Math.abs(b) < MIN_NORMAL64;
  let src = S, flush = bDenormal && env.daz;
  if (a !== a || b !== b) env.pre |= MX_IE;
  else if (aDenormal || bDenormal) {
    if (!env.daz) env.pre |= MX_DE;
    const x = aDenormal && env.daz ? 0 : a, y = bDenormal && env.daz ? 0 : b;
    if (max ? x > y : x < y) {
      src = D;
      flush = aDenormal && env.daz;
    }
  } else if (max ? a > b : a < b) src = D;
  R.i32[2 * k] = flush ? 0 : src.i32[2 * k];
  R.i32[2 * k + 1] = flush ? src.i32[2 * k + 1] & 0x80000000 : src.i32[2 * k + 1];
}

// ---- MIN / MAX ----------------------------------------------------------------------------------

function minMaxPacked32(c: Cpu, i: Insn, max: boolean): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  for (let k = 0; k < 4; k++) minMax32(max, k);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

function minMaxScalar32(c: Cpu, i: Insn, max: boolean): void {
  loadXmmE(c, i, S, 4, false);
  D.i32[0] = c.xmm32[i.reg << 2];
  beginFp(c);
  minMax32(max, 0);
  finishFp(c);
  c.xmm32[i.reg << 2] = R.i32[0];
}

function minMax64Form(c: Cpu, i: Insn, max: boolean, packed: boolean): void {
  loadXmmE(c, i, S, packed ? 16 : 8, packed);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  minMax64(max, 0);
  if (packed) minMax64(max, 1);
  finishFp(c);
  slotToXmm(c, i.reg, R, packed ? 4 : 2);
}

export const minps = (c: Cpu, i: Insn): void => minMaxPacked32(c, i, false);
export const maxps = (c: Cpu, i: Insn): void => minMaxPacked32(c, i, true);
export const minss = (c: Cpu, i: Insn): void => minMaxScalar32(c, i, false);
export const maxss = (c: Cpu, i: Insn): void => minMaxScalar32(c, i, true);
export const minpd = (c: Cpu, i: Insn): void => minMax64Form(c, i, false, true);
export const maxpd = (c: Cpu, i: Insn): void => minMax64Form(c, i, true, true);
export const minsd = (c: Cpu, i: Insn): void => minMax64Form(c, i, false, false);
export const maxsd = (c: Cpu, i: Insn): void => minMax64Form(c, i, true, false);

// ---- comparisons --------------------------------------------------------------------------------

function compare32(predicate: number, k: number): void {
  const a = D.f32[k], b = S.f32[k];
  const signaling = (a !== a || b !== b) &&
    (isSignaling32(D.i32[k]) || isSignaling32(S.i32[k]));
  R.i32[k] = comparePredicate(predicate, a, b, signaling, MIN_NORMAL32) ? -1 : 0;
}

function compare64(predicate: number, k: number): void {
  const a = D.f64[k], b = S.f64[k];
  const signaling = (a !== a || b !== b) &&
    (isSignaling64(D.i32[2 * k + 1], D.i32[2 * k]) ||
      isSignaling64(S.i32[2 * k + 1], S.i32[2 * k]));
  const r = comparePredicate(predicate, a, b, signaling, MIN_NORMAL64) ? -1 : 0;
  R.i32[2 * k] = r;
  R.i32[2 * k + 1] = r;
}

/** CMPPS xmm, xmm/m128, imm8 (0F C2). */
export function cmpps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  for (let k = 0; k < 4; k++) compare32(i.imm & 7, k);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

export function cmpss(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 4, false);
  D.i32[0] = c.xmm32[i.reg << 2];
  beginFp(c);
  compare32(i.imm & 7, 0);
  finishFp(c);
  c.xmm32[i.reg << 2] = R.i32[0];
}

export function cmppd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  compare64(i.imm & 7, 0);
  compare64(i.imm & 7, 1);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

export function cmpsd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 8, false);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  compare64(i.imm & 7, 0);
  finishFp(c);
  slotToXmm(c, i.reg, R, 2);
}

/** COMIS/UCOMIS: ZF PF CF from the comparison (all set when unordered), OF SF AF cleared. */
function compareFlags(c: Cpu, a: number, b: number, signaling: boolean, minNormal: number): void {
  let flags: number;
  if (a !== a || b !== b) {
    if (signaling) env.pre |= MX_IE;
    flags = ZF | PF | CF;
  } else {
    if ((a !== 0 && Math.abs(a) < minNormal) || (b !== 0 && Math.abs(b) < minNormal)) {
      if (env.daz) {
        if (Math.abs(a) < minNormal) a = 0;
        if (Math.abs(b) < minNormal) b = 0;
      } else env.pre |= MX_DE;
    }
    flags = a > b ? 0 : a < b ? CF : ZF;
  }
  finishFp(c);
  setSomeFlags(c, ARITH_FLAGS, flags);
}

function comis32(c: Cpu, i: Insn, quiet: boolean): void {
  loadXmmE(c, i, S, 4, false);
  const ab = c.xmm32[i.reg << 2], bb = S.i32[0];
  D.i32[0] = ab;
  const a = D.f32[0], b = S.f32[0];
  beginFp(c);
  const nan = a !== a || b !== b;
  compareFlags(c, a, b, nan && (!quiet || isSignaling32(ab) || isSignaling32(bb)), MIN_NORMAL32);
}

function comis64(c: Cpu, i: Insn, quiet: boolean): void {
  loadXmmE(c, i, S, 8, false);
  xmmToSlot(c, i.reg, D);
  const a = D.f64[0], b = S.f64[0];
  beginFp(c);
  const nan = a !== a || b !== b;
  const signaling = nan &&
    (!quiet || isSignaling64(D.i32[1], D.i32[0]) || isSignaling64(S.i32[1], S.i32[0]));
  compareFlags(c, a, b, signaling, MIN_NORMAL64);
}

export const comiss = (c: Cpu, i: Insn): void => comis32(c, i, false);
export const ucomiss = (c: Cpu, i: Insn): void => comis32(c, i, true);
export const comisd = (c: Cpu, i: Insn): void => comis64(c, i, false);
export const ucomisd = (c: Cpu, i: Insn): void => comis64(c, i, true);
