// SSE/SSE2/MMX data movement: MOVAPS/MOVUPS/MOVAPD/MOVUPD, MOVSS/MOVSD, MOVLPS/MOVHPS/MOVLPD/
// MOVHPD, MOVHLPS/MOVLHPS, MOVD/MOVQ (MMX and XMM), MOVDQA/MOVDQU, MOVQ2DQ/MOVDQ2Q, MOVMSKPS/
// MOVMSKPD/PMOVMSKB, MASKMOVQ/MASKMOVDQU and the non-temporal stores (plain stores here).
//
// Moves copy bits through Int32Array views only, so NaN payloads survive. Aligned forms (MOVAPS,
// MOVAPD, MOVDQA, MOVNT*) fault with #GP on a misaligned memory operand.

import { type Insn, SEG_FS, SEG_NONE } from "../insn.ts";
import { ea, readE, regAddr, setReg, writeE } from "../operands.ts";
import { type Cpu, RDI } from "../state.ts";
import {
  checkAligned16,
  loadMmE,
  loadXmmE,
  memToSlot,
  mmDword,
  mmToSlot,
  mmxEnter,
  S,
  setMm,
  slotToMem,
  slotToMm,
  slotToXmm,
  xmmToSlot,
} from "./sse_state.ts";

// ---- whole registers ----------------------------------------------------------------------------

/** MOVUPS/MOVUPD/MOVDQU xmm, xmm/m128 (load). */
export function movupsLoad(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, false);
  slotToXmm(c, i.reg, S, 4);
}

/** MOVAPS/MOVAPD/MOVDQA xmm, xmm/m128 (load). */
export function movapsLoad(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  slotToXmm(c, i.reg, S, 4);
}

function store128(c: Cpu, i: Insn, aligned: boolean): void {
  xmmToSlot(c, i.reg, S);
  if (i.rm >= 0) slotToXmm(c, i.rm, S, 4);
  else {
    const a = ea(c, i);
    if (aligned) checkAligned16(a);
    slotToMem(c, a, S, 16);
  }
}

/** MOVUPS/MOVUPD/MOVDQU xmm/m128, xmm (store). */
export const movupsStore = (c: Cpu, i: Insn): void => store128(c, i, false);
/** MOVAPS/MOVAPD/MOVDQA xmm/m128, xmm (store), MOVNTPS/MOVNTPD/MOVNTDQ m128, xmm. */
export const movapsStore = (c: Cpu, i: Insn): void => store128(c, i, true);

// ---- scalars and halves -------------------------------------------------------------------------

/** MOVSS xmm, xmm/m32 (F3 0F 10): a register source moves one dword, memory zeroes the rest. */
export function movssLoad(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2;
  if (i.rm >= 0) x[b] = x[i.rm << 2];
  else {
    x[b] = c.mem.read32(ea(c, i));
    x[b + 1] = x[b + 2] = x[b + 3] = 0;
  }
}

/** MOVSS xmm/m32, xmm (F3 0F 11). */
export function movssStore(c: Cpu, i: Insn): void {
  const x = c.xmm32, v = x[i.reg << 2];
  if (i.rm >= 0) x[i.rm << 2] = v;
  else c.mem.write32(ea(c, i), v);
}

/** MOVSD xmm, xmm/m64 (F2 0F 10) and MOVQ xmm, xmm/m64 (F3 0F 7E, which always zeroes the upper
 * half): `keepUpper` for MOVSD's register form. */
function loadLow64(c: Cpu, i: Insn, zeroUpper: boolean): void {
  const x = c.xmm32, b = i.reg << 2;
  if (i.rm >= 0) {
    const r = i.rm << 2;
    x[b] = x[r];
    x[b + 1] = x[r + 1];
    if (!zeroUpper) return;
  } else {
    memToSlot(c, ea(c, i), S, 8);
    x[b] = S.i32[0];
    x[b + 1] = S.i32[1];
  }
  x[b + 2] = x[b + 3] = 0;
}

export const movsdLoad = (c: Cpu, i: Insn): void => loadLow64(c, i, false);
/** MOVQ xmm, xmm/m64 (F3 0F 7E). */
export const movqLoadXmm = (c: Cpu, i: Insn): void => loadLow64(c, i, true);

/** MOVSD xmm/m64, xmm (F2 0F 11). */
export function movsdStore(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2;
  if (i.rm >= 0) {
    const r = i.rm << 2;
    x[r] = x[b];
    x[r + 1] = x[b + 1];
  } else storeQword(c, ea(c, i), x[b], x[b + 1]);
}

/** MOVQ xmm/m64, xmm (66 0F D6): a register destination gets its upper half zeroed. */
export function movqStoreXmm(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2;
  if (i.rm >= 0) {
    const r = i.rm << 2;
    x[r] = x[b];
    x[r + 1] = x[b + 1];
    x[r + 2] = x[r + 3] = 0;
  } else storeQword(c, ea(c, i), x[b], x[b + 1]);
}

function storeQword(c: Cpu, a: number, lo: number, hi: number): void {
  S.i32[0] = lo;
  S.i32[1] = hi;
  slotToMem(c, a, S, 8);
}

/** MOVLPS/MOVLPD xmm, m64 (0F 12 / 66 0F 12, memory): the low qword. */
export function movlpsLoad(c: Cpu, i: Insn): void {
  memToSlot(c, ea(c, i), S, 8);
  const x = c.xmm32, b = i.reg << 2;
  x[b] = S.i32[0];
  x[b + 1] = S.i32[1];
}

/** MOVHPS/MOVHPD xmm, m64 (0F 16 / 66 0F 16, memory): the high qword. */
export function movhpsLoad(c: Cpu, i: Insn): void {
  memToSlot(c, ea(c, i), S, 8);
  const x = c.xmm32, b = i.reg << 2;
  x[b + 2] = S.i32[0];
  x[b + 3] = S.i32[1];
}

/** MOVLPS/MOVLPD m64, xmm (0F 13). */
export function movlpsStore(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2;
  storeQword(c, ea(c, i), x[b], x[b + 1]);
}

/** MOVHPS/MOVHPD m64, xmm (0F 17). */
export function movhpsStore(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2;
  storeQword(c, ea(c, i), x[b + 2], x[b + 3]);
}

/** MOVHLPS xmm1, xmm2 (0F 12, register): xmm1.low = xmm2.high. */
export function movhlps(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2, r = i.rm << 2;
  x[b] = x[r + 2];
  x[b + 1] = x[r + 3];
}

/** MOVLHPS xmm1, xmm2 (0F 16, register): xmm1.high = xmm2.low. */
export function movlhps(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2, r = i.rm << 2;
  x[b + 2] = x[r];
  x[b + 3] = x[r + 1];
}

// ---- MOVD / MOVQ with general registers and MMX ---------------------------------------------------

/** MOVD/MOVQ xmm, r/m32 or r/m64 (66 0F 6E): zero-extended to 128 bits. */
export function movdToXmm(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size), hi = c.th;
  const x = c.xmm32, b = i.reg << 2;
  x[b] = lo;
  x[b + 1] = i.size === 8 ? hi : 0;
  x[b + 2] = x[b + 3] = 0;
}

/** MOVD/MOVQ r/m32 or r/m64, xmm (66 0F 7E). */
export function movdFromXmm(c: Cpu, i: Insn): void {
  const x = c.xmm32, b = i.reg << 2;
  writeE(c, i, i.size, x[b], x[b + 1]);
}

/** MOVD/MOVQ mm, r/m32 or r/m64 (0F 6E). */
export function movdToMm(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size), hi = c.th;
  mmxEnter(c);
  setMm(c, i.reg & 7, lo, i.size === 8 ? hi : 0);
}

/** MOVD/MOVQ r/m32 or r/m64, mm (0F 7E). */
export function movdFromMm(c: Cpu, i: Insn): void {
  const n = i.reg & 7;
  const lo = mmDword(c, n, 0), hi = mmDword(c, n, 1);
  writeE(c, i, i.size, lo, hi);
  mmxEnter(c);
}

/** MOVQ mm, mm/m64 (0F 6F). */
export function movqToMm(c: Cpu, i: Insn): void {
  loadMmE(c, i, S);
  mmxEnter(c);
  slotToMm(c, i.reg & 7, S);
}

/** MOVQ mm/m64, mm (0F 7F) and MOVNTQ m64, mm (0F E7). */
export function movqFromMm(c: Cpu, i: Insn): void {
  mmToSlot(c, i.reg & 7, S);
  if (i.rm >= 0) slotToMm(c, i.rm & 7, S);
  else slotToMem(c, ea(c, i), S, 8);
  mmxEnter(c);
}

/** MOVQ2DQ xmm, mm (F3 0F D6). */
export function movq2dq(c: Cpu, i: Insn): void {
  mmToSlot(c, i.rm & 7, S);
  mmxEnter(c);
  S.i32[2] = S.i32[3] = 0;
  slotToXmm(c, i.reg, S, 4);
}

/** MOVDQ2Q mm, xmm (F2 0F D6). */
export function movdq2q(c: Cpu, i: Insn): void {
  xmmToSlot(c, i.rm, S);
  mmxEnter(c);
  slotToMm(c, i.reg & 7, S);
}

// ---- masks --------------------------------------------------------------------------------------

/** MOVMSKPS r32, xmm (0F 50): the four sign bits. */
export function movmskps(c: Cpu, i: Insn): void {
  const x = c.xmm32, r = i.rm << 2;
  const m = (x[r] >>> 31) | ((x[r + 1] >>> 31) << 1) | ((x[r + 2] >>> 31) << 2) |
    ((x[r + 3] >>> 31) << 3);
  setReg(c, i.reg, 4, m, 0);
}

/** MOVMSKPD r32, xmm (66 0F 50). */
export function movmskpd(c: Cpu, i: Insn): void {
  const x = c.xmm32, r = i.rm << 2;
  setReg(c, i.reg, 4, (x[r + 1] >>> 31) | ((x[r + 3] >>> 31) << 1), 0);
}

/** PMOVMSKB r32, xmm (66 0F D7): the sixteen byte sign bits. */
export function pmovmskbXmm(c: Cpu, i: Insn): void {
  const x = c.xmm32, r = i.rm << 2;
  setReg(
    c,
    i.reg,
    4,
    signBits(x[r]) | (signBits(x[r + 1]) << 4) | (signBits(x[r + 2]) << 8) |
      (signBits(x[r + 3]) << 12),
    0,
  );
}

/** PMOVMSKB r32, mm (0F D7). */
export function pmovmskbMm(c: Cpu, i: Insn): void {
  const n = i.rm & 7;
  mmxEnter(c);
  setReg(c, i.reg, 4, signBits(mmDword(c, n, 0)) | (signBits(mmDword(c, n, 1)) << 4), 0);
}

/** Sign bits of the four bytes of v, byte 0 in bit 0. */
function signBits(v: number): number {
  return ((v >>> 7) & 1) | ((v >>> 14) & 2) | ((v >>> 21) & 4) | ((v >>> 28) & 8);
}

/** MASKMOVQ mm1, mm2 (0F F7) and MASKMOVDQU xmm1, xmm2 (66 0F F7): stores the bytes of the first
 * operand whose mask byte has its top bit set, at [rdi]. */
function maskmov(c: Cpu, i: Insn, bytes: number): void {
  if (bytes === 8) {
    mmToSlot(c, i.reg & 7, S);
    mmxEnter(c);
  } else xmmToSlot(c, i.reg, S);
  let a = i.asize === 4 ? c.lo[RDI] >>> 0 : regAddr(c, RDI);
  if (i.seg !== SEG_NONE) a += i.seg === SEG_FS ? c.fsBase : c.gsBase;
  // The mask: bytes of the second operand.
  let m0: number, m1: number, m2 = 0, m3 = 0;
  if (bytes === 8) {
    m0 = mmDword(c, i.rm & 7, 0);
    m1 = mmDword(c, i.rm & 7, 1);
  } else {
    const x = c.xmm32, r = i.rm << 2;
    m0 = x[r];
    m1 = x[r + 1];
    m2 = x[r + 2];
    m3 = x[r + 3];
  }
  const mask = signBits(m0) | (signBits(m1) << 4) | (signBits(m2) << 8) | (signBits(m3) << 12);
  if (mask === 0) return;
  // All or nothing: check every selected byte before writing any.
  for (let k = 0; k < bytes; k++) if (mask & (1 << k)) c.mem.checkWritable(a + k, 1);
  for (let k = 0; k < bytes; k++) if (mask & (1 << k)) c.mem.write8(a + k, S.u8[k]);
}

export const maskmovq = (c: Cpu, i: Insn): void => maskmov(c, i, 8);
export const maskmovdqu = (c: Cpu, i: Insn): void => maskmov(c, i, 16);
