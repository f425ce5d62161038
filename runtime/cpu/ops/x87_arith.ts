// x87 basic arithmetic: FADD FMUL FSUB FSUBR FDIV FDIVR (register, m32fp, m64fp, m16int, m32int
// forms and the popping forms), FSQRT, FABS, FCHS, FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1.
// Precision control applies to the four operations and FSQRT only.

import type { Cpu } from "../state.ts";
import type { Exec, Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import { add, div, F80, INDEFINITE, mul, sqrt, status } from "./softfloat80.ts";
import { roundToInteger } from "./softfloat80_convert.ts";
import { fast, fastAdd, fastDiv, fastMul } from "./softfloat80_fast.ts";
import { extract, remainder, scale } from "./softfloat80_parts.ts";
import {
  begin,
  C0,
  C1,
  C2,
  C3,
  canPush,
  deliver,
  enter,
  getSt,
  isEmpty,
  pop,
  precision,
  push,
  roomForPush,
  roundingControl,
  setConditions,
  setSt,
  stackUnderflow,
} from "./x87.ts";
import { type MemReader, operand, readOperandFast } from "./x87_load.ts";
import type { X87 } from "../x87_state.ts";

/** Operations by ModRM.reg of D8/DC/DA/DE: dest = dest op src (2 and 3 are comparisons). */
export const OP_ADD = 0, OP_MUL = 1, OP_SUB = 4, OP_SUBR = 5, OP_DIV = 6, OP_DIVR = 7;

function compute(x: X87, op: number, dest: F80, src: F80): F80 {
  const fmt = precision(x), rc = roundingControl(x);
  switch (op) {
    case OP_ADD:
      return add(dest, src, false, fmt, rc);
    case OP_MUL:
      return mul(dest, src, fmt, rc);
    case OP_SUB:
      return add(dest, src, true, fmt, rc);
    case OP_SUBR:
      return add(src, dest, true, fmt, rc);
    case OP_DIV:
      return div(dest, src, fmt, rc);
    default:
      return div(src, dest, fmt, rc);
  }
}

/** Precision control as a number of significand bits. */
function precisionBits(x: X87): number {
  const pc = (x.fcw >> 8) & 3;
  return pc === 0 ? 24 : pc === 2 ? 53 : 64;
}

/** The BigInt-free path for dest op src given as (se, hi, lo) triples; fills `fast`. */
function tryFast(
  x: X87,
  op: number,
  ds: number,
  dh: number,
  dl: number,
  ss: number,
  sh: number,
  sl: number,
): boolean {
  const p = precisionBits(x), rc = roundingControl(x);
  switch (op) {
    case OP_ADD:
      return fastAdd(ds, dh, dl, ss, sh, sl, false, p, rc);
    case OP_SUB:
      return fastAdd(ds, dh, dl, ss, sh, sl, true, p, rc);
    case OP_SUBR:
      return fastAdd(ss, sh, sl, ds, dh, dl, true, p, rc);
    case OP_MUL:
      return fastMul(ds, dh, dl, ss, sh, sl, p, rc);
    case OP_DIV:
      return fastDiv(ds, dh, dl, ss, sh, sl, p, rc);
    default:
      return fastDiv(ss, sh, sl, ds, dh, dl, p, rc);
  }
}

/** Stores the fast path's result in physical register p. */
function writeFast(x: X87, p: number): void {
  x.se[p] = fast.se;
  x.mant[2 * p + 1] = fast.hi;
  x.mant[2 * p] = fast.lo;
  x.tags |= 1 << p;
}

/** ST(0) = ST(0) op memory operand (D8, DC, DA, DE memory forms). */
export function arithMem(op: number, read: MemReader, kind: number): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const a = (x.fdp = ea(c, i));
    const p = x.top;
    if (
      (x.tags & (1 << p)) !== 0 && readOperandFast(c, a, kind) &&
      tryFast(x, op, x.se[p], x.mant[2 * p + 1], x.mant[2 * p], operand.se, operand.hi, operand.lo)
    ) {
      deliver(x, fast.flags);
      writeFast(x, p);
      return;
    }
    begin(x);
    const src = read(c, a);
    if (isEmpty(x, 0)) {
      if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
      return;
    }
    const r = compute(x, op, getSt(x, 0), src);
    if (deliver(x, status.flags)) setSt(x, 0, r);
  };
}

/**
 * Register forms: D8 (ST(0) = ST(0) op ST(i)), DC (ST(i) = ST(i) op ST(0)) and DE (as DC, then
 * pop). In DC/DE the ModRM.reg values 4-7 are FSUBR FSUB FDIVR FDIV: the table passes the
 * operation, not the reg field.
 */
export function arithReg(op: number, destIsSti: boolean, doPop: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const k = i.modrm & 7;
    const d = destIsSti ? k : 0, s = destIsSti ? 0 : k;
    if (isEmpty(x, 0) || isEmpty(x, k)) {
      if (stackUnderflow(x)) {
        setSt(x, d, INDEFINITE);
        if (doPop) pop(x);
      }
      return;
    }
    const pd = (x.top + d) & 7, ps = (x.top + s) & 7;
    const m = x.mant;
    if (tryFast(x, op, x.se[pd], m[2 * pd + 1], m[2 * pd], x.se[ps], m[2 * ps + 1], m[2 * ps])) {
      deliver(x, fast.flags);
      writeFast(x, pd);
      if (doPop) pop(x);
      return;
    }
    begin(x);
    const r = compute(x, op, getSt(x, d), getSt(x, s));
    if (deliver(x, status.flags)) {
      setSt(x, d, r);
      if (doPop) pop(x);
    }
  };
}

/** Runs a one-operand operation on ST(0) (FSQRT, FRNDINT). */
function unary(c: Cpu, i: Insn, f: (x: X87, v: F80) => F80): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
    return;
  }
  begin(x);
  const r = f(x, getSt(x, 0));
  if (deliver(x, status.flags)) setSt(x, 0, r);
}

/** FSQRT (D9 FA). */
export function fsqrt(c: Cpu, i: Insn): void {
  unary(c, i, (x, v) => sqrt(v, precision(x), roundingControl(x)));
}

/** FRNDINT (D9 FC): rounds to an integer by RC. */
export function frndint(c: Cpu, i: Insn): void {
  unary(c, i, (x, v) => roundToInteger(v, roundingControl(x)));
}

/** FCHS (D9 E0) and FABS (D9 E1): sign changes only, even for NaNs; C1 = 0. */
export function fchs(c: Cpu, i: Insn): void {
  signOp(c, i, (se) => se ^ 0x8000);
}

export function fabs(c: Cpu, i: Insn): void {
  signOp(c, i, (se) => se & 0x7fff);
}

function signOp(c: Cpu, i: Insn, f: (se: number) => number): void {
  const x = enter(c, i);
  x.fsw &= ~C1;
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
    return;
  }
  x.se[x.top] = f(x.se[x.top]);
}

/** FSCALE (D9 FD): ST(0) = ST(0) * 2^trunc(ST(1)). */
export function fscale(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (isEmpty(x, 0) || isEmpty(x, 1)) {
    if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
    return;
  }
  begin(x);
  const r = scale(getSt(x, 0), getSt(x, 1), roundingControl(x));
  if (deliver(x, status.flags)) setSt(x, 0, r);
}

/** FXTRACT (D9 F4): ST(0) = exponent, then push the significand. */
export function fxtract(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    if (stackUnderflow(x)) {
      setSt(x, 0, INDEFINITE);
      if (canPush(x)) push(x, INDEFINITE);
    }
    return;
  }
  if (!roomForPush(x)) return;
  begin(x);
  const [exponent, significand] = extract(getSt(x, 0));
  if (!deliver(x, status.flags)) return;
  setSt(x, 0, exponent);
  push(x, significand);
}

/** FPREM (D9 F8) and FPREM1 (D9 F5): C2 = 1 while incomplete, else C0 C3 C1 = quotient bits. */
export function fprem(nearest: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    if (isEmpty(x, 0) || isEmpty(x, 1)) {
      if (stackUnderflow(x)) setSt(x, 0, INDEFINITE);
      return;
    }
    begin(x);
    const r = remainder(getSt(x, 0), getSt(x, 1), nearest);
    if (!deliver(x, status.flags)) return;
    setSt(x, 0, r.value);
    const q = r.quotient;
    setConditions(
      x,
      (r.partial ? C2 : 0) | (q & 4 ? C0 : 0) | (q & 2 ? C3 : 0) | (q & 1 ? C1 : 0),
    );
  };
}
