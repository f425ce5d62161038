// Operand access for instruction handlers: effective addresses, registers and memory by size.
// Values travel as (low half returned, high half in cpu.th); sizes below 8 come back zero-extended
// with th = 0. Hot path: no allocation, no BigInt.

import { type Insn, SEG_FS, SEG_NONE } from "./insn.ts";
import type { Cpu } from "./state.ts";

const TWO32 = 4294967296;

/** Effective address of the memory operand (segment base included). */
export function ea(c: Cpu, i: Insn): number {
  if (i.asize === 4) return ea32(c, i);
  let a = i.disp;
  const b = i.base;
  if (b >= 0) a += c.hi[b] * TWO32 + (c.lo[b] >>> 0);
  const x = i.index;
  if (x >= 0) a += (c.hi[x] * TWO32 + (c.lo[x] >>> 0)) * i.scale;
  if (i.seg !== SEG_NONE) a += i.seg === SEG_FS ? c.fsBase : c.gsBase;
  return a;
}

/** 32-bit addressing (0x67): only the low halves take part, the sum wraps at 2^32. */
function ea32(c: Cpu, i: Insn): number {
  let a = i.disp;
  if (i.base >= 0) a += c.lo[i.base] >>> 0;
  if (i.index >= 0) a += (c.lo[i.index] >>> 0) * i.scale;
  a = a >>> 0;
  if (i.seg !== SEG_NONE) a += i.seg === SEG_FS ? c.fsBase : c.gsBase;
  return a;
}

// ---- registers ----------------------------------------------------------------------------------

/** Reads a register of `size` bytes; `r` is a byte-register code when size is 1. */
export function getReg(c: Cpu, r: number, size: number): number {
  switch (size) {
    case 8:
      c.th = c.hi[r];
      return c.lo[r];
    case 4:
      c.th = 0;
      return c.lo[r];
    case 2:
      c.th = 0;
      return c.lo[r] & 0xffff;
    default:
      c.th = 0;
      return r < 16 ? c.lo[r] & 0xff : (c.lo[r - 16] >> 8) & 0xff;
  }
}

/** Writes a register of `size` bytes: 32-bit writes clear the upper half, 8/16-bit merge. */
export function setReg(c: Cpu, r: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 8:
      c.lo[r] = lo;
      c.hi[r] = hi;
      return;
    case 4:
      c.lo[r] = lo;
      c.hi[r] = 0;
      return;
    case 2:
      c.lo[r] = (c.lo[r] & ~0xffff) | (lo & 0xffff);
      return;
    default:
      if (r < 16) c.lo[r] = (c.lo[r] & ~0xff) | (lo & 0xff);
      else c.lo[r - 16] = (c.lo[r - 16] & ~0xff00) | ((lo & 0xff) << 8);
  }
}

// ---- memory -------------------------------------------------------------------------------------

export function readMem(c: Cpu, a: number, size: number): number {
  const m = c.mem;
  switch (size) {
    case 8: {
      const lo = m.read32(a);
      c.th = m.read32(a + 4);
      return lo;
    }
    case 4:
      c.th = 0;
      return m.read32(a);
    case 2:
      c.th = 0;
      return m.read16(a);
    default:
      c.th = 0;
      return m.read8(a);
  }
}

export function writeMem(c: Cpu, a: number, size: number, lo: number, hi: number): void {
  const m = c.mem;
  switch (size) {
    case 8:
      if ((a & 4095) > 4088) m.checkWritable(a, 8);
      m.write32(a, lo);
      m.write32(a + 4, hi);
      return;
    case 4:
      m.write32(a, lo);
      return;
    case 2:
      m.write16(a, lo);
      return;
    default:
      m.write8(a, lo);
  }
}

// ---- ModRM operands -----------------------------------------------------------------------------

/** Reads the E operand (register or memory) of `size` bytes. */
export function readE(c: Cpu, i: Insn, size: number): number {
  if (i.rm >= 0) return getReg(c, size === 1 ? i.rm8 : i.rm, size);
  return readMem(c, ea(c, i), size);
}

/** Writes the E operand (register or memory) of `size` bytes. */
export function writeE(c: Cpu, i: Insn, size: number, lo: number, hi: number): void {
  if (i.rm >= 0) setReg(c, size === 1 ? i.rm8 : i.rm, size, lo, hi);
  else writeMem(c, ea(c, i), size, lo, hi);
}

/** Reads the G operand (ModRM reg field) of `size` bytes. */
export function readG(c: Cpu, i: Insn, size: number): number {
  return getReg(c, size === 1 ? i.reg8 : i.reg, size);
}

export function writeG(c: Cpu, i: Insn, size: number, lo: number, hi: number): void {
  setReg(c, size === 1 ? i.reg8 : i.reg, size, lo, hi);
}

/** Masks a value to `size` bytes (sizes 1, 2: zero-extended; 4, 8 unchanged). */
export function maskTo(v: number, size: number): number {
  return size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v;
}

// ---- stack --------------------------------------------------------------------------------------

export function push64(c: Cpu, lo: number, hi: number): void {
  const sp = c.hi[4] * TWO32 + (c.lo[4] >>> 0) - 8;
  writeMem(c, sp, 8, lo, hi);
  c.lo[4] = (c.lo[4] - 8) | 0;
  if ((c.lo[4] >>> 0) > 0xfffffff7) c.hi[4] = (c.hi[4] - 1) | 0;
}

/** Pops 8 bytes: low half returned, high half in c.th. */
export function pop64(c: Cpu): number {
  const sp = c.hi[4] * TWO32 + (c.lo[4] >>> 0);
  const lo = readMem(c, sp, 8);
  const hi = c.th;
  c.lo[4] = (c.lo[4] + 8) | 0;
  if ((c.lo[4] >>> 0) < 8) c.hi[4] = (c.hi[4] + 1) | 0;
  c.th = hi;
  return lo;
}

/** Register value as an address-sized number. */
export function regAddr(c: Cpu, r: number): number {
  return c.hi[r] * TWO32 + (c.lo[r] >>> 0);
}
