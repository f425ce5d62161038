// x87 loads: FLD m32fp/m64fp/m80fp, FILD m16int/m32int/m64int, FBLD m80bcd, the constants
// (FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ, rounded by RC), and the conversion of memory
// operands shared with the arithmetic and comparison forms. FLD of normal m32fp/m64fp values,
// FLD m80fp and FILD avoid BigInt; anything unusual goes through softfloat80_convert.ts.

import type { Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import type { Cpu } from "../state.ts";
import type { X87 } from "../x87_state.ts";
import {
  BIAS,
  classify,
  EXT64,
  F80,
  IE,
  K_SNAN,
  packExt,
  quiet,
  roundTo,
  status,
} from "./softfloat80.ts";
import { fromBigInt, fromF32, fromF64 } from "./softfloat80_convert.ts";
import { begin, C1, canPush, deliver, enter, push, roundingControl } from "./x87.ts";

// ---- memory operands as extended values (shared with arithmetic and comparisons) ---------------

export type MemReader = (c: Cpu, a: number) => F80;

export const readM32fp: MemReader = (c, a) => fromF32(c.mem.read32(a) >>> 0);
export const readM64fp: MemReader = (c, a) => fromF64(c.mem.read32(a), c.mem.read32(a + 4));
export const readM16int: MemReader = (c, a) => fromBigInt(BigInt((c.mem.read16(a) << 16) >> 16));
export const readM32int: MemReader = (c, a) => fromBigInt(BigInt(c.mem.read32(a)));

/** Memory operand kinds of the arithmetic and comparison forms. */
export const MEM_F32 = 0, MEM_F64 = 1, MEM_I16 = 2, MEM_I32 = 3;

/** A memory operand as (se, hi, lo), filled by readOperandFast. */
export const operand = { se: 0, hi: 0, lo: 0 };

/**
 * Reads a memory operand into `operand` without BigInt when it is a normal number (nonzero
 * integers included); false for zeros, denormals, infinities and NaNs, which take the exact path.
 */
export function readOperandFast(c: Cpu, a: number, kind: number): boolean {
  switch (kind) {
    case MEM_F64: {
      const lo = c.mem.read32(a), hi = c.mem.read32(a + 4);
      const exp = (hi >>> 20) & 0x7ff;
      if (exp === 0 || exp === 0x7ff) return false;
      operand.se = ((hi >>> 16) & 0x8000) | (exp + BIAS - 1023);
      operand.hi = 0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21);
      operand.lo = lo << 11;
      return true;
    }
    case MEM_F32: {
      const bits = c.mem.read32(a);
      const exp = (bits >>> 23) & 0xff;
      if (exp === 0 || exp === 0xff) return false;
      operand.se = ((bits >>> 16) & 0x8000) | (exp + BIAS - 127);
      operand.hi = 0x80000000 | ((bits & 0x7fffff) << 8);
      operand.lo = 0;
      return true;
    }
    default: {
      const v = kind === MEM_I16 ? (c.mem.read16(a) << 16) >> 16 : c.mem.read32(a);
      if (v === 0) return false;
      const magnitude = Math.abs(v);
      const shift = Math.clz32(magnitude);
      operand.se = (v < 0 ? 0x8000 : 0) | (BIAS + 31 - shift);
      operand.hi = (magnitude << shift) | 0;
      operand.lo = 0;
      return true;
    }
  }
}

// ---- loads ------------------------------------------------------------------------------------

/** Pushes a value loaded from memory, after a stack-overflow check; SNaNs raise IE and quiet. */
function pushLoaded(x: X87, v: F80): void {
  if (!canPush(x)) return;
  if (classify(v) === K_SNAN) {
    status.flags |= IE;
    v = quiet(v);
  }
  if (deliver(x, status.flags, IE)) push(x, v); // a denormal operand still loads
}

/** FLD m32fp (D9 /0). */
export function fldM32(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  const bits = c.mem.read32(a);
  const exp = (bits >>> 23) & 0xff;
  if (exp !== 0 && exp !== 0xff && ((x.tags >> ((x.top - 1) & 7)) & 1) === 0) {
    const p = (x.top = (x.top - 1) & 7);
    x.se[p] = ((bits >>> 16) & 0x8000) | (exp + BIAS - 127);
    x.mant[2 * p + 1] = 0x80000000 | ((bits & 0x7fffff) << 8);
    x.mant[2 * p] = 0;
    x.tags |= 1 << p;
    x.fsw &= ~C1;
    return;
  }
  begin(x);
  pushLoaded(x, fromF32(bits >>> 0));
}

/** FLD m64fp (DD /0). */
export function fldM64(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  const lo = c.mem.read32(a), hi = c.mem.read32(a + 4);
  const exp = (hi >>> 20) & 0x7ff;
  if (exp !== 0 && exp !== 0x7ff && ((x.tags >> ((x.top - 1) & 7)) & 1) === 0) {
    const p = (x.top = (x.top - 1) & 7);
    x.se[p] = ((hi >>> 16) & 0x8000) | (exp + BIAS - 1023);
    x.mant[2 * p + 1] = 0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21);
    x.mant[2 * p] = lo << 11;
    x.tags |= 1 << p;
    x.fsw &= ~C1;
    return;
  }
  begin(x);
  pushLoaded(x, fromF64(lo, hi));
}

/** FLD m80fp (DB /5): the bytes as they are, whatever they encode. */
export function fldM80(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  const lo = c.mem.read32(a), hi = c.mem.read32(a + 4), se = c.mem.read16(a + 8);
  x.fsw &= ~C1;
  if (!canPush(x)) return;
  const p = (x.top = (x.top - 1) & 7);
  x.se[p] = se;
  x.mant[2 * p] = lo;
  x.mant[2 * p + 1] = hi;
  x.tags |= 1 << p;
}

/** Pushes the signed 64-bit integer hi:lo exactly (FILD). */
function pushInteger(x: X87, lo: number, hi: number): void {
  x.fsw &= ~C1;
  if (!canPush(x)) return;
  const p = (x.top = (x.top - 1) & 7);
  x.tags |= 1 << p;
  if ((lo | hi) === 0) {
    x.se[p] = 0;
    x.mant[2 * p] = x.mant[2 * p + 1] = 0;
    return;
  }
  let sign = 0;
  if (hi < 0) {
    sign = 0x8000;
    lo = (~lo + 1) >>> 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  }
  let top = 63;
  if (hi === 0) {
    hi = lo;
    lo = 0;
    top = 31;
  }
  const s = Math.clz32(hi);
  if (s) {
    hi = (hi << s) | (lo >>> (32 - s));
    lo <<= s;
  }
  x.se[p] = sign | (BIAS + top - s);
  x.mant[2 * p + 1] = hi;
  x.mant[2 * p] = lo;
}

/** FILD m16int (DF /0). */
export function fildM16(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const v = (c.mem.read16(x.fdp = ea(c, i)) << 16) >> 16;
  pushInteger(x, v, v >> 31);
}

/** FILD m32int (DB /0). */
export function fildM32(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const v = c.mem.read32(x.fdp = ea(c, i));
  pushInteger(x, v, v >> 31);
}

/** FILD m64int (DF /5). */
export function fildM64(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  pushInteger(x, c.mem.read32(a), c.mem.read32(a + 4));
}

/** FBLD m80bcd (DF /4): 18 packed BCD digits and a sign byte. */
export function fbld(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  const bytes = c.mem.read(a, 10);
  let v = 0n;
  for (let k = 8; k >= 0; k--) v = v * 100n + BigInt((bytes[k] >> 4) * 10 + (bytes[k] & 15));
  x.fsw &= ~C1;
  if (!canPush(x)) return;
  const f = fromBigInt(v);
  push(x, bytes[9] & 0x80 ? new F80(f.se | 0x8000, f.sig) : f);
}

// ---- constants ----------------------------------------------------------------------------------

/** Constants to 128 bits (significand with the integer bit at bit 127) and their exponent. */
// deno-fmt-ignore
const CONSTANTS: [bigint, number][] = [
  [0x80000000000000000000000000000000n, 0x3fff], // 1
  [0xd49a784bcd1b8afe492bf6ff4dafdb4dn, 0x4000], // log2(10)
  [0xb8aa3b295c17f0bbbe87fed0691d3e89n, 0x3fff], // log2(e)
  [0xc90fdaa22168c234c4c6628b80dc1cd1n, 0x4000], // pi
  [0x9a209a84fbcff7988f8959ac0b7c9178n, 0x3ffd], // log10(2)
  [0xb17217f7d1cf79abc9e3b39803f2f6afn, 0x3ffe], // ln(2)
  [0n, 0], // +0
];

/** The constant at `index` (FLD1 .. FLDZ order) rounded to 64 bits by `rc`. */
export function constant(index: number, rc: number): F80 {
  const [m, exp] = CONSTANTS[index];
  return packExt(roundTo(0, m, exp - BIAS - 127, false, EXT64, rc));
}

/** FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (D9 E8-EE): rounded by RC, no PE. */
export function fldConstant(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  x.fsw &= ~C1;
  if (!canPush(x)) return;
  push(x, constant(i.modrm & 7, roundingControl(x)));
}
