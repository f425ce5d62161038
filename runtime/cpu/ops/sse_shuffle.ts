// Packed integer instructions with an imm8: PSHUFW/PSHUFD/PSHUFHW/PSHUFLW, PINSRW/PEXTRW, and the
// shift groups 0F 71/72/73 (PSRLW/PSRAW/PSLLW, PSRLD/PSRAD/PSLLD, PSRLQ/PSLLQ and the byte shifts
// PSRLDQ/PSLLDQ), each in its MMX (no prefix) and SSE2 (66) form.

import type { Insn } from "../insn.ts";
import { readE, setReg } from "../operands.ts";
import type { Cpu } from "../state.ts";
import { shift, SHIFT_ARITHMETIC, SHIFT_LEFT, SHIFT_RIGHT } from "./sse_int.ts";
import {
  D,
  loadMmE,
  loadXmmE,
  mmDword,
  mmToSlot,
  mmxEnter,
  R,
  S,
  slotToMm,
  slotToXmm,
  xmmToSlot,
} from "./sse_state.ts";

/** PSHUFW mm, mm/m64, imm8 (0F 70). */
export function pshufw(c: Cpu, i: Insn): void {
  loadMmE(c, i, S);
  mmxEnter(c);
  const m = i.imm;
  for (let k = 0; k < 4; k++) R.u16[k] = S.u16[(m >> (2 * k)) & 3];
  slotToMm(c, i.reg & 7, R);
}

/** PSHUFD xmm, xmm/m128, imm8 (66 0F 70). */
export function pshufd(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  const m = i.imm, x = c.xmm32, b = i.reg << 2;
  x[b] = S.i32[m & 3];
  x[b + 1] = S.i32[(m >> 2) & 3];
  x[b + 2] = S.i32[(m >> 4) & 3];
  x[b + 3] = S.i32[(m >> 6) & 3];
}

/** PSHUFHW (F3 0F 70, high = 4) / PSHUFLW (F2 0F 70, high = 0): one half's words shuffled. */
function pshufHalf(c: Cpu, i: Insn, high: number): void {
  loadXmmE(c, i, S, 16, true);
  R.i32[0] = S.i32[0];
  R.i32[1] = S.i32[1];
  R.i32[2] = S.i32[2];
  R.i32[3] = S.i32[3];
  const m = i.imm;
  for (let k = 0; k < 4; k++) R.u16[high + k] = S.u16[high + ((m >> (2 * k)) & 3)];
  slotToXmm(c, i.reg, R, 4);
}

export const pshufhw = (c: Cpu, i: Insn): void => pshufHalf(c, i, 4);
export const pshuflw = (c: Cpu, i: Insn): void => pshufHalf(c, i, 0);

/** PINSRW mm, r32/m16, imm8 (0F C4). */
export function pinsrwMm(c: Cpu, i: Insn): void {
  const v = readE(c, i, 2);
  mmxEnter(c);
  const n = i.reg & 7;
  mmToSlot(c, n, R);
  R.u16[i.imm & 3] = v;
  slotToMm(c, n, R);
}

/** PINSRW xmm, r32/m16, imm8 (66 0F C4). */
export function pinsrwXmm(c: Cpu, i: Insn): void {
  const v = readE(c, i, 2);
  xmmToSlot(c, i.reg, R);
  R.u16[i.imm & 7] = v;
  slotToXmm(c, i.reg, R, 4);
}

/** PEXTRW r32, mm, imm8 (0F C5). */
export function pextrwMm(c: Cpu, i: Insn): void {
  mmxEnter(c);
  const w = i.imm & 3;
  const v = mmDword(c, i.rm & 7, w >> 1);
  setReg(c, i.reg, 4, (v >>> ((w & 1) << 4)) & 0xffff, 0);
}

/** PEXTRW r32, xmm, imm8 (66 0F C5). */
export function pextrwXmm(c: Cpu, i: Insn): void {
  const w = i.imm & 7;
  const v = c.xmm32[(i.rm << 2) + (w >> 1)];
  setReg(c, i.reg, 4, (v >>> ((w & 1) << 4)) & 0xffff, 0);
}

// ---- shifts by imm8 (groups 12, 13, 14) ---------------------------------------------------------

/** The shift of a group row: opcode 71/72/73 gives the width, ModRM.reg the kind. */
function groupShift(i: Insn, n: number): void {
  const width = 1 << (i.opcode & 3); // 71: 2, 72: 4, 73: 8 bytes
  const sub = (i.modrm >> 3) & 7;
  const kind = sub === 2 ? SHIFT_RIGHT : sub === 4 ? SHIFT_ARITHMETIC : SHIFT_LEFT;
  shift(kind, width, i.imm, n);
}

/** PSRLW/PSRAW/PSLLW/PSRLD/PSRAD/PSLLD/PSRLQ/PSLLQ mm, imm8 (0F 71-73 /2 /4 /6). */
export function pshiftImmMm(c: Cpu, i: Insn): void {
  mmxEnter(c);
  const n = i.rm & 7;
  mmToSlot(c, n, D);
  groupShift(i, 8);
  slotToMm(c, n, R);
}

/** The same on xmm (66 0F 71-73). */
export function pshiftImmXmm(c: Cpu, i: Insn): void {
  xmmToSlot(c, i.rm, D);
  groupShift(i, 16);
  slotToXmm(c, i.rm, R, 4);
}

/** PSRLDQ xmm, imm8 (66 0F 73 /3) and PSLLDQ xmm, imm8 (66 0F 73 /7): whole-register byte shifts. */
export function pshiftBytes(c: Cpu, i: Insn): void {
  xmmToSlot(c, i.rm, D);
  const count = i.imm > 16 ? 16 : i.imm;
  const left = ((i.modrm >> 3) & 7) === 7;
  for (let k = 0; k < 16; k++) {
    const from = left ? k - count : k + count;
    R.u8[k] = from >= 0 && from < 16 ? D.u8[from] : 0;
  }
  slotToXmm(c, i.rm, R, 4);
}
