// Shared plumbing of the SSE/SSE2/MMX family: the scratch operand slots, staging of operands from
// XMM registers, MMX registers and memory, the 16-byte alignment rule, MMX aliasing of the x87
// significands, and the MXCSR bit layout.
//
// Handlers stage operands into slots (D: destination and first source, S: second source), compute
// into R, and commit R only after everything that can fault (memory, #XM) has passed, so a
// faulting instruction leaves the architectural state unchanged. The slots are module-level and
// reused by every instruction: no allocation per instruction.

import {
  CpuException,
  FPE_FLTDIV,
  FPE_FLTINV,
  FPE_FLTOVF,
  FPE_FLTRES,
  FPE_FLTUND,
  generalProtection,
  type Insn,
  SIGFPE,
} from "../insn.ts";
import { ea } from "../operands.ts";
import type { Cpu } from "../state.ts";

// MXCSR: exception flags (bits 0-5), DAZ, masks (bits 7-12), rounding control, FTZ.
export const MX_IE = 0x1, MX_DE = 0x2, MX_ZE = 0x4, MX_OE = 0x8, MX_UE = 0x10, MX_PE = 0x20;
export const MX_DAZ = 0x40, MX_FTZ = 0x8000;
export const MX_MASK_SHIFT = 7, MX_RC_SHIFT = 13;
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

/** 16 bytes of operand with every typed view the handlers need. */
export class Slot {
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  constructor(buffer: ArrayBuffer, offset: number) {
    this.u8 = new Uint8Array(buffer, offset, 16);
    this.i8 = new Int8Array(buffer, offset, 16);
    this.u16 = new Uint16Array(buffer, offset, 8);
    this.i16 = new Int16Array(buffer, offset, 8);
    this.i32 = new Int32Array(buffer, offset, 4);
    this.f32 = new Float32Array(buffer, offset, 4);
    this.f64 = new Float64Array(buffer, offset, 2);
  }
}

const scratch = new ArrayBuffer(48);
/** Destination / first source. */
export const D = new Slot(scratch, 0);
/** Second source. */
export const S = new Slot(scratch, 16);
/** Result. */
export const R = new Slot(scratch, 32);

// ---- XMM registers ------------------------------------------------------------------------------

export function xmmToSlot(c: Cpu, reg: number, s: Slot): void {
  const x = c.xmm32, b = reg << 2, d = s.i32;
  d[0] = x[b];
  d[1] = x[b + 1];
  d[2] = x[b + 2];
  d[3] = x[b + 3];
}

/** Writes the first `n32` dwords of a slot to an XMM register (the rest is kept). */
export function slotToXmm(c: Cpu, reg: number, s: Slot, n32: number): void {
  const x = c.xmm32, b = reg << 2, d = s.i32;
  x[b] = d[0];
  if (n32 === 1) return;
  x[b + 1] = d[1];
  if (n32 === 2) return;
  x[b + 2] = d[2];
  x[b + 3] = d[3];
}

// ---- memory -------------------------------------------------------------------------------------

/** Faults with #GP (SIGSEGV, SI_KERNEL) unless `a` is 16-byte aligned. */
export function checkAligned16(a: number): void {
  if ((a & 15) !== 0) throw generalProtection();
}

export function memToSlot(c: Cpu, a: number, s: Slot, bytes: number): void {
  const m = c.mem, d = s.i32;
  if (bytes === 2) {
    d[0] = m.read16(a);
    return;
  }
  d[0] = m.read32(a);
  if (bytes === 4) return;
  d[1] = m.read32(a + 4);
  if (bytes === 8) return;
  d[2] = m.read32(a + 8);
  d[3] = m.read32(a + 12);
}

/** Stores the first `bytes` (4, 8, 16) of a slot: all or nothing across a page boundary. */
export function slotToMem(c: Cpu, a: number, s: Slot, bytes: number): void {
  const m = c.mem, d = s.i32;
  if ((a & 4095) > 4096 - bytes) m.checkWritable(a, bytes);
  m.write32(a, d[0]);
  if (bytes === 4) return;
  m.write32(a + 4, d[1]);
  if (bytes === 8) return;
  m.write32(a + 8, d[2]);
  m.write32(a + 12, d[3]);
}

// ---- ModRM operands -----------------------------------------------------------------------------

/** Stages the E operand: a whole XMM register, or `bytes` of memory (16-byte forms may require
 * alignment). */
export function loadXmmE(c: Cpu, i: Insn, s: Slot, bytes: number, aligned: boolean): void {
  if (i.rm >= 0) xmmToSlot(c, i.rm, s);
  else {
    const a = ea(c, i);
    if (aligned) checkAligned16(a);
    memToSlot(c, a, s, bytes);
  }
}

// ---- MMX ----------------------------------------------------------------------------------------
// mm n is the significand of physical x87 register n. Every MMX instruction but EMMS sets the x87
// TOP to 0 and marks all tags valid; a write also sets the register's sign+exponent word to ones.

/** The x87-to-MMX transition done by every MMX instruction except EMMS. */
export function mmxEnter(c: Cpu): void {
  const x = c.x87;
  x.top = 0;
  x.tags = 0xff;
}

export function mmToSlot(c: Cpu, n: number, s: Slot): void {
  const m = c.x87.mant, d = s.i32;
  d[0] = m[n << 1];
  d[1] = m[(n << 1) + 1];
}

/** Writes the low 8 bytes of a slot to mm n. */
export function slotToMm(c: Cpu, n: number, s: Slot): void {
  const m = c.x87.mant, d = s.i32;
  m[n << 1] = d[0];
  m[(n << 1) + 1] = d[1];
  c.x87.se[n] = 0xffff;
}

export function setMm(c: Cpu, n: number, lo: number, hi: number): void {
  const m = c.x87.mant;
  m[n << 1] = lo;
  m[(n << 1) + 1] = hi;
  c.x87.se[n] = 0xffff;
}

/** Low or high dword of mm n as int32. */
export function mmDword(c: Cpu, n: number, half: number): number {
  return c.x87.mant[(n << 1) + half] | 0;
}

/** Stages an MMX E operand (mm register or m64). */
export function loadMmE(c: Cpu, i: Insn, s: Slot): void {
  if (i.rm >= 0) mmToSlot(c, i.rm & 7, s);
  else memToSlot(c, ea(c, i), s, 8);
}

// ---- MXCSR environment of the executing instruction --------------------------------------------

/** MXCSR decoded once per floating-point instruction, and the flags its lanes raise. */
export class FpEnv {
  rc = RC_NEAREST;
  daz = false;
  ftz = false;
  /** Exception masks aligned with the flag bits (IE..PE). */
  masks = 0x3f;
  /** Pre-computation flags (IE, DE, ZE) and post-computation flags (OE, UE, PE) so far. */
  pre = 0;
  post = 0;
  /** Result bits of the exact slow path (sse_exact.ts): a single in outLo, a double in both. */
  outLo = 0;
  outHi = 0;
}

export const env = new FpEnv();

export function beginFp(c: Cpu): void {
  const m = c.mxcsr;
  env.rc = (m >> MX_RC_SHIFT) & 3;
  env.daz = (m & MX_DAZ) !== 0;
  env.ftz = (m & MX_FTZ) !== 0;
  env.masks = (m >> MX_MASK_SHIFT) & 0x3f;
  env.pre = 0;
  env.post = 0;
}

/**
 * Merges the flags into MXCSR and raises #XM (SIGFPE) for an unmasked exception, before the
 * caller commits its result. An unmasked pre-computation exception (invalid, denormal, divide by
 * zero) in any lane suppresses the post-computation flags of all lanes, as on hardware.
 */
export function finishFp(c: Cpu): void {
  const pre = env.pre, masks = env.masks;
  if ((pre & ~masks) !== 0) {
    c.mxcsr |= pre;
    throw simdException(c.mxcsr);
  }
  const all = pre | env.post;
  if (all === 0) return;
  c.mxcsr |= all;
  if ((all & ~masks) !== 0) throw simdException(c.mxcsr);
}

/** The si_code Linux derives from MXCSR for a SIMD floating-point exception. */
function simdException(mxcsr: number): CpuException {
  const err = mxcsr & ~(mxcsr >> MX_MASK_SHIFT) & 0x3f;
  const code = err & MX_IE
    ? FPE_FLTINV
    : err & MX_ZE
    ? FPE_FLTDIV
    : err & MX_OE
    ? FPE_FLTOVF
    : err & (MX_UE | MX_DE)
    ? FPE_FLTUND
    : FPE_FLTRES;
  return new CpuException(SIGFPE, code);
}
