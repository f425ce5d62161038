// x87 trigonometric instructions: FSIN FCOS FSINCOS FPTAN. The argument is reduced exactly by
// multiples of pi/2 taken as the x87's 66-bit pi (as Intel and AMD processors do); |x| >= 2^63
// sets C2 and leaves ST(0) unchanged. Results are rounded by RC to 64 bits (precision control does
// not apply). NaN operands of FSINCOS/FPTAN give two NaNs; stack overflow makes both indefinite.

import type { Insn } from "../insn.ts";
import type { Cpu } from "../state.ts";
import type { X87 } from "../x87_state.ts";
import {
  classify,
  DE,
  F80,
  IE,
  INDEFINITE,
  isNaNKind,
  K_DENORMAL,
  K_INF,
  K_UNSUPPORTED,
  K_ZERO,
  ONE,
  propagateNaN,
  ROUNDED_UP,
  status,
  unpack,
} from "./softfloat80.ts";
import { isTiny, nudged, reduce, roundFunction, sinCos, tan } from "./softfloat80_math.ts";
import {
  begin,
  C1,
  C2,
  canPush,
  deliver,
  enter,
  getSt,
  isEmpty,
  push,
  roomForPush,
  roundingControl,
  setSt,
  stackUnderflow,
} from "./x87.ts";

/** Invalid operation: IE and the indefinite QNaN. */
function invalid(): F80 {
  status.flags |= IE;
  return INDEFINITE;
}

// ---- sine, cosine, tangent ----------------------------------------------------------------------

const SIN = 0, COS = 1;

/** sin or cos of a finite, nonzero ST(0) below 2^63 (flags in status). */
function sinOrCos(v: F80, which: number, rc: number): F80 {
  if (classify(v) === K_DENORMAL) status.flags |= DE;
  if (isTiny(v)) return which === SIN ? nudged(v, true, rc) : nudged(ONE, true, rc);
  const x = unpack(v);
  const r = reduce(x.sign, x.m, x.e);
  return roundFunction((prec) => sinCos(r, which, prec), rc);
}

/**
 * Common operand handling of FSIN FCOS FSINCOS FPTAN: returns the operand when the function has
 * to be computed, or null after delivering a special result (`special` receives it, or nothing
 * when the operand is out of range and C2 is set).
 */
function trigOperand(x: X87, special: (r: F80) => void): F80 | null {
  begin(x);
  const v = getSt(x, 0);
  const k = classify(v);
  let r: F80;
  if (k === K_UNSUPPORTED || k === K_INF) r = invalid();
  else if (isNaNKind(k)) r = propagateNaN(v, k, v, k);
  else if ((v.se & 0x7fff) >= 0x3fff + 63) {
    x.fsw = (x.fsw & ~C1) | C2;
    return null;
  } else return v;
  x.fsw &= ~C2;
  if (deliver(x, status.flags)) special(r);
  return null;
}

/** FSIN (D9 FE) and FCOS (D9 FF). */
function sinCosInstruction(c: Cpu, i: Insn, which: number): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
    return;
  }
  const v = trigOperand(x, (r) => setSt(x, 0, r));
  if (!v) return;
  const rc = roundingControl(x);
  const r = classify(v) === K_ZERO ? (which === SIN ? v : ONE) : sinOrCos(v, which, rc);
  x.fsw &= ~C2;
  if (deliver(x, status.flags)) setSt(x, 0, r);
}

export function fsin(c: Cpu, i: Insn): void {
  sinCosInstruction(c, i, SIN);
}

export function fcos(c: Cpu, i: Insn): void {
  sinCosInstruction(c, i, COS);
}

/** FSINCOS (D9 FB): ST(0) = sin, then push cos. NaN operands give two NaNs. */
export function fsincos(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) {
      setSt(x, 0, INDEFINITE);
      if (canPush(x)) push(x, INDEFINITE);
    }
    return;
  }
  if (!roomForPush(x)) return;
  const v = trigOperand(x, (r) => {
    setSt(x, 0, r);
    push(x, r);
  });
  if (!v) return;
  const rc = roundingControl(x);
  let s = v, co = ONE;
  if (classify(v) !== K_ZERO) {
    s = sinOrCos(v, SIN, rc);
    const sinUp = status.flags & ROUNDED_UP;
    co = sinOrCos(v, COS, rc);
    status.flags = (status.flags & ~ROUNDED_UP) | sinUp; // C1 reports the sine's rounding
  }
  x.fsw &= ~C2;
  if (!deliver(x, status.flags)) return;
  setSt(x, 0, s);
  push(x, co);
}

/** FPTAN (D9 F2): ST(0) = tan, then push 1.0. NaN operands give two NaNs. */
export function fptan(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) {
      setSt(x, 0, INDEFINITE);
      if (canPush(x)) push(x, INDEFINITE);
    }
    return;
  }
  if (!roomForPush(x)) return;
  const v = trigOperand(x, (r) => {
    setSt(x, 0, r);
    push(x, r);
  });
  if (!v) return;
  const rc = roundingControl(x);
  let t = v;
  if (classify(v) !== K_ZERO) {
    if (classify(v) === K_DENORMAL) status.flags |= DE;
    if (isTiny(v)) t = nudged(v, false, rc);
    else {
      const a = unpack(v);
      const r = reduce(a.sign, a.m, a.e);
      t = roundFunction((prec) => tan(r, prec), rc);
    }
  }
  x.fsw &= ~C2;
  if (!deliver(x, status.flags)) return;
  setSt(x, 0, t);
  push(x, ONE);
}
