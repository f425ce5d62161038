// x87 stores: FST/FSTP m32fp/m64fp, FSTP m80fp, FIST/FISTP/FISTTP m16int/m32int/m64int (integer
// indefinite on overflow) and FBSTP m80bcd (BCD indefinite). A store that an unmasked exception
// stops writes nothing and pops nothing. FST m64fp of normal values and FIST below 2^63 avoid
// BigInt.

import type { Exec, Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import type { Cpu } from "../state.ts";
import type { X87 } from "../x87_state.ts";
import {
  BIAS,
  classify,
  DE,
  F32,
  F64,
  F80,
  IE,
  isNaNKind,
  K_INF,
  K_UNSUPPORTED,
  OE,
  PE,
  RC_CHOP,
  ROUNDED_UP,
  status,
  UE,
  ZE,
} from "./softfloat80.ts";
import { toBigInt, toIeee } from "./softfloat80_convert.ts";
import { fast, fastToInteger } from "./softfloat80_fast.ts";
import {
  begin,
  C1,
  deliver,
  enter,
  getSt,
  isEmpty,
  pop,
  roundingControl,
  stackUnderflow,
} from "./x87.ts";

/** Would these flags stop a store to memory (an unmasked IE, DE, ZE, OE or UE)? */
function storeBlocked(x: X87, flags: number): boolean {
  return (flags & ~x.fcw & (IE | DE | ZE | OE | UE)) !== 0;
}

/** Reports a store's flags; a store stopped by unmasked overflow/underflow reports only those. */
function deliverStore(x: X87, flags: number): void {
  const unmasked = flags & ~x.fcw & (OE | UE);
  deliver(x, unmasked ? flags & (IE | DE | ZE | OE | UE) : flags);
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
