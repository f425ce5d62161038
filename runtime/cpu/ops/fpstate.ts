// The 0F AE group and the FXSAVE image: FXSAVE/FXRSTOR (legacy 512-byte layout; REX.W selects
// the 64-bit FIP/FDP form), LDMXCSR/STMXCSR, LFENCE/MFENCE/SFENCE and CLFLUSH (no-ops for one
// interpreter thread: every access is already globally ordered). saveFpState/restoreFpState give
// the kernel the same image for signal frames and checkpoints.
//
// Layout: 0 FCW, 2 FSW, 4 abridged FTW, 6 FOP, 8 FIP, 16 FDP, 24 MXCSR, 28 MXCSR_MASK, 32 ST(0-7)
// in 16-byte slots (stack order), 160 XMM0-15, 416-511 reserved (FXSAVE leaves 464-511 alone).

import { generalProtection, type Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import type { Cpu } from "../state.ts";
import { controlWord } from "./x87_control.ts";
import { statusWord, updateSummary } from "./x87.ts";

export const FXSAVE_SIZE = 512;
/** MXCSR bits this CPU implements (DAZ included); setting any other bit is #GP. */
export const MXCSR_MASK = 0xffff;

function fxsaveImage(c: Cpu, wide: boolean): Uint8Array {
  const x = c.x87;
  const out = new Uint8Array(FXSAVE_SIZE);
  const v = new DataView(out.buffer);
  v.setUint16(0, x.fcw, true);
  v.setUint16(2, statusWord(x), true);
  out[4] = x.tags;
  v.setUint16(6, x.fop & 0x7ff, true);
  if (wide) {
    v.setUint32(8, x.fip % 4294967296, true);
    v.setUint32(12, Math.floor(x.fip / 4294967296), true);
    v.setUint32(16, x.fdp % 4294967296, true);
    v.setUint32(20, Math.floor(x.fdp / 4294967296), true);
  } else {
    v.setUint32(8, x.fip >>> 0, true);
    v.setUint32(16, x.fdp >>> 0, true);
  }
  v.setUint32(24, c.mxcsr, true);
  v.setUint32(28, MXCSR_MASK, true);
  for (let k = 0; k < 8; k++) {
    const p = (x.top + k) & 7, at = 32 + 16 * k;
    v.setUint32(at, x.mant[2 * p], true);
    v.setUint32(at + 4, x.mant[2 * p + 1], true);
    v.setUint16(at + 8, x.se[p], true);
  }
  out.set(c.xmmU8, 160);
  return out;
}

function loadImage(c: Cpu, image: Uint8Array, wide: boolean): void {
  const x = c.x87;
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const fsw = v.getUint16(2, true);
  x.fcw = controlWord(v.getUint16(0, true));
  x.fsw = fsw & ~0x3800;
  x.top = (fsw >> 11) & 7;
  x.tags = image[4];
  x.fop = v.getUint16(6, true) & 0x7ff;
  x.fip = wide ? v.getUint32(8, true) + v.getUint32(12, true) * 4294967296 : v.getUint32(8, true);
  x.fdp = wide ? v.getUint32(16, true) + v.getUint32(20, true) * 4294967296 : v.getUint32(16, true);
  c.mxcsr = v.getUint32(24, true) & MXCSR_MASK;
  for (let k = 0; k < 8; k++) {
    const p = (x.top + k) & 7, at = 32 + 16 * k;
    x.mant[2 * p] = v.getUint32(at, true);
    x.mant[2 * p + 1] = v.getUint32(at + 4, true);
    x.se[p] = v.getUint16(at + 8, true);
  }
  c.xmmU8.set(image.subarray(160, 416));
  updateSummary(x);
}

/**
 * The x87/SSE state as a 512-byte FXSAVE64 image (what Linux puts in a signal frame's fpstate).
 *
 * @example
 * const image = saveFpState(cpu);
 * restoreFpState(cpu, image);
 */
export function saveFpState(cpu: Cpu): Uint8Array {
  return fxsaveImage(cpu, true);
}

/** Loads an FXSAVE64 image; reserved MXCSR bits are dropped, as Linux sanitizes sigreturn. */
export function restoreFpState(cpu: Cpu, image: Uint8Array): void {
  if (image.length < FXSAVE_SIZE) throw new RangeError("FXSAVE image must be 512 bytes");
  loadImage(cpu, image, true);
}

function alignedAddress(c: Cpu, i: Insn): number {
  const a = ea(c, i);
  if (a % 16 !== 0) throw generalProtection();
  return a;
}

/** FXSAVE m512 (0F AE /0); bytes 464-511 are not written. */
export function fxsave(c: Cpu, i: Insn): void {
  const a = alignedAddress(c, i);
  c.mem.checkWritable(a, FXSAVE_SIZE);
  c.mem.write(a, fxsaveImage(c, i.size === 8).subarray(0, 464));
}

/** FXRSTOR m512 (0F AE /1). */
export function fxrstor(c: Cpu, i: Insn): void {
  const image = c.mem.read(alignedAddress(c, i), FXSAVE_SIZE);
  if (new DataView(image.buffer).getUint32(24, true) & ~MXCSR_MASK) throw generalProtection();
  loadImage(c, image, i.size === 8);
}

/** LDMXCSR m32 (0F AE /2). */
export function ldmxcsr(c: Cpu, i: Insn): void {
  const v = c.mem.read32(ea(c, i)) >>> 0;
  if (v & ~MXCSR_MASK) throw generalProtection();
  c.mxcsr = v;
}

/** STMXCSR m32 (0F AE /3). */
export function stmxcsr(c: Cpu, i: Insn): void {
  c.mem.write32(ea(c, i), c.mxcsr);
}

/** LFENCE, MFENCE, SFENCE (0F AE E8, F0, F8) and CLFLUSH m8 (0F AE /7). */
export function fence(_c: Cpu, _i: Insn): void {}
