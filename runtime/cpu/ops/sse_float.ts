// SSE/SSE2 floating-point instructions: ADD SUB MUL DIV SQRT on PS/SS/PD/SD, RCP and RSQRT, AND
// ANDN OR XOR on PS/PD, SHUFPS/SHUFPD and UNPCKL/H PS/PD (comparisons and MIN/MAX are in
// sse_compare.ts).
//
// Packed forms with a memory operand need 16-byte alignment; scalar forms read only their element.
// Scalar forms keep the destination's upper elements. Lane arithmetic is in sse_fp.ts; the
// destination is written only after finishFp() accepted the instruction's exceptions.

import type { Insn } from "../insn.ts";
import type { Cpu } from "../state.ts";
import { rcpLane, rsqrtLane } from "./sse_approx.ts";
import { arith32, arith64, OP_ADD, OP_DIV, OP_MUL, OP_SUB, sqrt32, sqrt64 } from "./sse_fp.ts";
import { beginFp, D, finishFp, loadXmmE, R, S, slotToXmm, xmmToSlot } from "./sse_state.ts";

// ---- arithmetic ---------------------------------------------------------------------------------

function packed32(c: Cpu, i: Insn, op: number): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  for (let k = 0; k < 4; k++) arith32(op, k);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

function scalar32(c: Cpu, i: Insn, op: number): void {
  loadXmmE(c, i, S, 4, false);
  D.i32[0] = c.xmm32[i.reg << 2];
  beginFp(c);
  arith32(op, 0);
  finishFp(c);
  c.xmm32[i.reg << 2] = R.i32[0];
}

function packed64(c: Cpu, i: Insn, op: number): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  arith64(op, 0);
  arith64(op, 1);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

function scalar64(c: Cpu, i: Insn, op: number): void {
  loadXmmE(c, i, S, 8, false);
  xmmToSlot(c, i.reg, D);
  beginFp(c);
  arith64(op, 0);
  finishFp(c);
  slotToXmm(c, i.reg, R, 2);
}

export const addps = (c: Cpu, i: Insn): void => packed32(c, i, OP_ADD);
export const addss = (c: Cpu, i: Insn): void => scalar32(c, i, OP_ADD);
export const addpd = (c: Cpu, i: Insn): void => packed64(c, i, OP_ADD);
export const addsd = (c: Cpu, i: Insn): void => scalar64(c, i, OP_ADD);
export const subps = (c: Cpu, i: Insn): void => packed32(c, i, OP_SUB);
export const subss = (c: Cpu, i: Insn): void => scalar32(c, i, OP_SUB);
export const subpd = (c: Cpu, i: Insn): void => packed64(c, i, OP_SUB);
export const subsd = (c: Cpu, i: Insn): void => scalar64(c, i, OP_SUB);
export const mulps = (c: Cpu, i: Insn): void => packed32(c, i, OP_MUL);
export const mulss = (c: Cpu, i: Insn): void => scalar32(c, i, OP_MUL);
export const mulpd = (c: Cpu, i: Insn): void => packed64(c, i, OP_MUL);
export const mulsd = (c: Cpu, i: Insn): void => scalar64(c, i, OP_MUL);
export const divps = (c: Cpu, i: Insn): void => packed32(c, i, OP_DIV);
export const divss = (c: Cpu, i: Insn): void => scalar32(c, i, OP_DIV);
export const divpd = (c: Cpu, i: Insn): void => packed64(c, i, OP_DIV);
export const divsd = (c: Cpu, i: Insn): void => scalar64(c, i, OP_DIV);

export function sqrtps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  beginFp(c);
  for (let k = 0; k < 4; k++) sqrt32(k);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

export function sqrtss(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 4, false);
  beginFp(c);
  sqrt32(0);
  finishFp(c);
  c.xmm32[i.reg << 2] = R.i32[0];
}

export function sqrtpd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  beginFp(c);
  sqrt64(0);
  sqrt64(1);
  finishFp(c);
  slotToXmm(c, i.reg, R, 4);
}

export function sqrtsd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 8, false);
  beginFp(c);
  sqrt64(0);
  finishFp(c);
  slotToXmm(c, i.reg, R, 2);
}

/** RCPPS (0F 53): approximations never raise or report exceptions. */
export function rcpps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  for (let k = 0; k < 4; k++) rcpLane(k);
  slotToXmm(c, i.reg, R, 4);
}

export function rcpss(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 4, false);
  rcpLane(0);
  c.xmm32[i.reg << 2] = R.i32[0];
}

export function rsqrtps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  for (let k = 0; k < 4; k++) rsqrtLane(k);
  slotToXmm(c, i.reg, R, 4);
}

export function rsqrtss(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 4, false);
  rsqrtLane(0);
  c.xmm32[i.reg << 2] = R.i32[0];
}

// ---- bitwise ------------------------------------------------------------------------------------

const LOGIC_AND = 0, LOGIC_ANDN = 1, LOGIC_OR = 2, LOGIC_XOR = 3;

function logic(c: Cpu, i: Insn, op: number): void {
  loadXmmE(c, i, S, 16, true);
  const x = c.xmm32, b = i.reg << 2, s = S.i32;
  for (let k = 0; k < 4; k++) {
    const d = x[b + k];
    x[b + k] = op === LOGIC_AND
      ? d & s[k]
      : op === LOGIC_ANDN
      ? ~d & s[k]
      : op === LOGIC_OR
      ? d | s[k]
      : d ^ s[k];
  }
}

/** ANDPS/ANDPD/PAND xmm (0F 54, 66 0F 54, 66 0F DB). */
export const andps = (c: Cpu, i: Insn): void => logic(c, i, LOGIC_AND);
export const andnps = (c: Cpu, i: Insn): void => logic(c, i, LOGIC_ANDN);
export const orps = (c: Cpu, i: Insn): void => logic(c, i, LOGIC_OR);
export const xorps = (c: Cpu, i: Insn): void => logic(c, i, LOGIC_XOR);

// ---- shuffles -----------------------------------------------------------------------------------

/** SHUFPS (0F C6 ib): two dwords from the destination, two from the source. */
export function shufps(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  const m = i.imm, d = D.i32, s = S.i32, x = c.xmm32, b = i.reg << 2;
  x[b] = d[m & 3];
  x[b + 1] = d[(m >> 2) & 3];
  x[b + 2] = s[(m >> 4) & 3];
  x[b + 3] = s[(m >> 6) & 3];
}

/** SHUFPD (66 0F C6 ib). */
export function shufpd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  const m = i.imm, x = c.xmm32, b = i.reg << 2;
  const lo = (m & 1) << 1, hi = m & 2;
  x[b] = D.i32[lo];
  x[b + 1] = D.i32[lo + 1];
  x[b + 2] = S.i32[hi];
  x[b + 3] = S.i32[hi + 1];
}

/** UNPCKLPS / UNPCKHPS (0F 14 / 0F 15): interleave the low or high dword pairs. */
function unpck32(c: Cpu, i: Insn, high: number): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  const x = c.xmm32, b = i.reg << 2, h = high << 1;
  x[b] = D.i32[h];
  x[b + 1] = S.i32[h];
  x[b + 2] = D.i32[h + 1];
  x[b + 3] = S.i32[h + 1];
}

/** UNPCKLPD / UNPCKHPD (66 0F 14 / 66 0F 15), also PUNPCKLQDQ / PUNPCKHQDQ. */
function unpck64(c: Cpu, i: Insn, high: number): void {
  loadXmmE(c, i, S, 16, true);
  const x = c.xmm32, b = i.reg << 2, h = high << 1;
  const dlo = x[b + h], dhi = x[b + h + 1];
  x[b] = dlo;
  x[b + 1] = dhi;
  x[b + 2] = S.i32[h];
  x[b + 3] = S.i32[h + 1];
}

export const unpcklps = (c: Cpu, i: Insn): void => unpck32(c, i, 0);
export const unpckhps = (c: Cpu, i: Insn): void => unpck32(c, i, 1);
export const unpcklpd = (c: Cpu, i: Insn): void => unpck64(c, i, 0);
export const unpckhpd = (c: Cpu, i: Insn): void => unpck64(c, i, 1);
