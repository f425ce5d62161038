// x87 data transfer: FLD/FST/FSTP (m32fp, m64fp, m80fp, ST(i)), FILD/FIST/FISTP/FISTTP (m16int,
// m32int, m64int), FBLD/FBSTP (m80bcd), FXCH, FCMOVcc, FFREE/FFREEP, and the constant loads
// (FLD1 FLDL2T FLDL2E FLDPI FLDLG2 FLDLN2 FLDZ).
//
// FLD/FSTP of m64fp and registers, FLD m80fp and FILD avoid BigInt (they are what compiled long
// double code does most); anything unusual falls back to softfloat80.ts.

import { cond } from "../flags.ts";
import type { Exec, Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import type { Cpu } from "../state.ts";
import type { X87 } from "../x87_state.ts";
import {
  BIAS,
  classify,
  DE,
  EXT64,
  F32,
  F64,
  F80,
  fromBigInt,
  fromF32,
  fromF64,
  IE,
  INDEFINITE,
  isNaNKind,
  K_INF,
  K_SNAN,
  K_UNSUPPORTED,
  OE,
  packExt,
  PE,
  quiet,
  RC_CHOP,
  ROUNDED_UP,
  roundTo,
  status,
  toBigInt,
  toIeee,
  UE,
  ZE,
} from "./softfloat80.ts";
import { fast, fastToInteger } from "./softfloat80_fast.ts";
import {
  begin,
  C1,
  canPush,
  copySt,
  deliver,
  enter,
  getSt,
  isEmpty,
  pop,
  push,
  roundingControl,
  setSt,
  stackUnderflow,
} from "./x87.ts";

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

/** Would these flags stop a store to memory (an unmasked IE, DE, ZE, OE or UE)? */
function storeBlocked(x: X87, flags: number): boolean {
  return (flags & ~x.fcw & (IE | DE | ZE | OE | UE)) !== 0;
}

/** Reports a store's flags; a store stopped by unmasked overflow/underflow reports only those. */
function deliverStore(x: X87, flags: number): void {
  const unmasked = flags & ~x.fcw & (OE | UE);
  deliver(x, unmasked ? flags & (IE | DE | ZE | OE | UE) : flags);
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

/** FLD ST(i) (D9 C0+i). */
export function fldSt(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const k = i.modrm & 7;
  x.fsw &= ~C1;
  if (isEmpty(x, k)) {
    if (stackUnderflow(x) && canPush(x)) push(x, INDEFINITE);
    return;
  }
  if (!canPush(x)) return;
  x.top = (x.top - 1) & 7;
  copySt(x, k + 1, 0);
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

// ---- stores -------------------------------------------------------------------------------------

/** FST/FSTP m64fp (DD /2, /3); rounding by RC at 53 bits without BigInt for normal results. */
export function fstM64(doPop: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const a = (x.fdp = ea(c, i));
    if (isEmpty(x, 0)) {
      if (stackUnderflow(x)) {
        c.mem.checkWritable(a, 8);
        c.mem.write32(a, 0);
        c.mem.write32(a + 4, 0xfff80000 | 0);
        if (doPop) pop(x);
      }
      return;
    }
    const p = x.top;
    const se = x.se[p], hi = x.mant[2 * p + 1], lo = x.mant[2 * p];
    const e = (se & 0x7fff) - (BIAS - 1023);
    if (e >= 1 && e <= 2046 && hi & 0x80000000) {
      let dhi = ((se & 0x8000) << 16) | (e << 20) | ((hi >>> 11) & 0xfffff);
      let dlo = ((hi << 21) | (lo >>> 11)) >>> 0;
      const rest = lo & 0x7ff;
      let up = false;
      if (rest !== 0) {
        switch (roundingControl(x)) {
          case 0:
            up = rest > 0x400 || (rest === 0x400 && (dlo & 1) === 1);
            break;
          case 1:
            up = se >= 0x8000;
            break;
          case 2:
            up = se < 0x8000;
            break;
        }
        if (up) {
          dlo = (dlo + 1) >>> 0;
          if (dlo === 0) dhi++;
        }
      }
      if (((dhi >>> 20) & 0x7ff) !== 0x7ff) {
        c.mem.checkWritable(a, 8);
        c.mem.write32(a, dlo | 0);
        c.mem.write32(a + 4, dhi | 0);
        deliver(x, rest !== 0 ? PE | (up ? ROUNDED_UP : 0) : 0);
        if (doPop) pop(x);
        return;
      }
    }
    begin(x);
    const bits = toIeee(getSt(x, 0), F64, roundingControl(x));
    const flags = status.flags;
    const blocked = storeBlocked(x, flags);
    if (!blocked) {
      c.mem.checkWritable(a, 8);
      c.mem.write32(a, Number(bits & 0xffffffffn) | 0);
      c.mem.write32(a + 4, Number(bits >> 32n) | 0);
    }
    deliverStore(x, flags);
    if (!blocked && doPop) pop(x);
  };
}

/** FST/FSTP m32fp (D9 /2, /3). */
export function fstM32(doPop: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const a = (x.fdp = ea(c, i));
    if (isEmpty(x, 0)) {
      if (stackUnderflow(x)) {
        c.mem.write32(a, 0xffc00000 | 0);
        if (doPop) pop(x);
      }
      return;
    }
    begin(x);
    const bits = toIeee(getSt(x, 0), F32, roundingControl(x));
    const flags = status.flags;
    const blocked = storeBlocked(x, flags);
    if (!blocked) c.mem.write32(a, Number(bits) | 0);
    deliverStore(x, flags);
    if (!blocked && doPop) pop(x);
  };
}

/** FSTP m80fp (DB /7). */
export function fstpM80(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  x.fsw &= ~C1;
  let se = 0xffff, hi = 0xc0000000 | 0, lo = 0;
  if (isEmpty(x, 0)) {
    if (!stackUnderflow(x)) return;
  } else {
    const p = x.top;
    se = x.se[p];
    hi = x.mant[2 * p + 1];
    lo = x.mant[2 * p];
  }
  c.mem.checkWritable(a, 10);
  c.mem.write32(a, lo);
  c.mem.write32(a + 4, hi);
  c.mem.write16(a + 8, se);
  pop(x);
}

/** FST/FSTP ST(i) (DD D0+i, D8+i; D9 D8+i and DF D0+i/D8+i are aliases of FSTP). */
export function fstSt(doPop: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const k = i.modrm & 7;
    x.fsw &= ~C1;
    if (isEmpty(x, 0)) {
      if (!stackUnderflow(x)) return;
      setSt(x, k, INDEFINITE);
    } else copySt(x, 0, k);
    if (doPop) pop(x);
  };
}

/**
 * The value of ST(0) rounded to an integer by `rc` when it lies in [-limit, limit); otherwise IE
 * and the integer indefinite, -limit (NaNs, infinities, unsupported encodings, out of range).
 */
function toInteger(f: F80, rc: number, limit: bigint): bigint {
  const k = classify(f);
  if (isNaNKind(k) || k === K_INF || k === K_UNSUPPORTED) {
    status.flags = IE;
    return -limit;
  }
  const v = toBigInt(f, rc);
  if (v >= limit || v < -limit) {
    status.flags = IE;
    return -limit;
  }
  return v;
}

/** FIST/FISTP (rounding by RC) and FISTTP (chop) to m16int/m32int/m64int. */
export function fistM(bytes: number, doPop: boolean, truncate: boolean): Exec {
  const limit = 1n << BigInt(bytes * 8 - 1);
  return (c, i) => {
    const x = enter(c, i);
    const a = (x.fdp = ea(c, i));
    if (isEmpty(x, 0)) {
      if (stackUnderflow(x)) {
        writeInteger(c, a, bytes, -limit);
        if (doPop) pop(x);
      }
      return;
    }
    const rc = truncate ? RC_CHOP : roundingControl(x), p = x.top;
    if (fastToInteger(x.se[p], x.mant[2 * p + 1], x.mant[2 * p], rc, bytes)) {
      if (bytes === 2) c.mem.write16(a, fast.lo);
      else if (bytes === 4) c.mem.write32(a, fast.lo);
      else {
        c.mem.checkWritable(a, 8);
        c.mem.write32(a, fast.lo);
        c.mem.write32(a + 4, fast.hi);
      }
      deliver(x, fast.flags);
      if (doPop) pop(x);
      return;
    }
    begin(x);
    const v = toInteger(getSt(x, 0), rc, limit);
    const flags = status.flags;
    if (storeBlocked(x, flags)) {
      deliverStore(x, flags);
      return;
    }
    writeInteger(c, a, bytes, v);
    deliver(x, flags);
    if (doPop) pop(x);
  };
}

function writeInteger(c: Cpu, a: number, bytes: number, v: bigint): void {
  if (bytes === 2) c.mem.write16(a, Number(BigInt.asUintN(16, v)));
  else if (bytes === 4) c.mem.write32(a, Number(BigInt.asIntN(32, v)));
  else {
    c.mem.checkWritable(a, 8);
    c.mem.write32(a, Number(BigInt.asIntN(32, v)));
    c.mem.write32(a + 4, Number(BigInt.asIntN(32, v >> 32n)));
  }
}

const BCD_INDEFINITE = [0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff];
const BCD_LIMIT = 10n ** 18n;

/** FBSTP m80bcd (DF /6): rounds by RC; |value| >= 10^18 or NaN stores the BCD indefinite. */
export function fbstp(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const a = (x.fdp = ea(c, i));
  const out = new Uint8Array(10);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) {
      out.set(BCD_INDEFINITE);
      c.mem.write(a, out);
      pop(x);
    }
    return;
  }
  begin(x);
  const f = getSt(x, 0);
  let v = toInteger(f, roundingControl(x), BCD_LIMIT);
  if (v === -BCD_LIMIT) {
    status.flags = IE; // also for exactly -10^18, which has 19 digits
    out.set(BCD_INDEFINITE);
  } else {
    if (f.se & 0x8000) out[9] = 0x80;
    if (v < 0n) v = -v;
    for (let n = 0; n < 9; n++) {
      const d = Number(v % 100n);
      v /= 100n;
      out[n] = (Math.floor(d / 10) << 4) | (d % 10);
    }
  }
  const flags = status.flags;
  if (storeBlocked(x, flags)) {
    deliverStore(x, flags);
    return;
  }
  c.mem.write(a, out);
  deliver(x, flags);
  pop(x);
}

// ---- register moves -----------------------------------------------------------------------------

/** FXCH ST(i) (D9 C8+i; DD C8+i and DF C8+i are aliases). Empty registers read as indefinite. */
export function fxch(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const k = i.modrm & 7;
  x.fsw &= ~C1;
  if (isEmpty(x, 0) || isEmpty(x, k)) {
    if (!stackUnderflow(x)) return;
    if (isEmpty(x, 0)) setSt(x, 0, INDEFINITE);
    if (isEmpty(x, k)) setSt(x, k, INDEFINITE);
  }
  const p = x.top, q = (x.top + k) & 7;
  const se = x.se[p], lo = x.mant[2 * p], hi = x.mant[2 * p + 1];
  x.se[p] = x.se[q];
  x.mant[2 * p] = x.mant[2 * q];
  x.mant[2 * p + 1] = x.mant[2 * q + 1];
  x.se[q] = se;
  x.mant[2 * q] = lo;
  x.mant[2 * q + 1] = hi;
}

/** Condition codes of FCMOVB, FCMOVE, FCMOVBE, FCMOVU (DA /0-/3); DB /0-/3 negate them. */
const FCMOV_CC = [2, 4, 6, 10];

/** FCMOVcc ST(0), ST(i). */
export function fcmov(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const k = i.modrm & 7;
  const cc = FCMOV_CC[(i.modrm >> 3) & 3] | (i.opcode === 0xdb ? 1 : 0);
  x.fsw &= ~C1;
  if (isEmpty(x, 0) || isEmpty(x, k)) {
    if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
    return;
  }
  if (cond(c, cc)) copySt(x, k, 0);
}

/** FFREE ST(i) (DD C0+i): marks the register empty. */
export function ffree(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  x.tags &= ~(1 << ((x.top + (i.modrm & 7)) & 7));
}

/** FFREEP ST(i) (DF C0+i, undocumented): FFREE, then pop. */
export function ffreep(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  x.tags &= ~(1 << ((x.top + (i.modrm & 7)) & 7));
  pop(x);
}
