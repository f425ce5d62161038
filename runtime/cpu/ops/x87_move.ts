// x87 register moves: FLD ST(i), FST/FSTP ST(i), FXCH, FCMOVcc, FFREE and FFREEP. No rounding and
// no exceptions besides stack faults; no BigInt.

import { cond } from "../flags.ts";
import type { Exec, Insn } from "../insn.ts";
import type { Cpu } from "../state.ts";
import { INDEFINITE } from "./softfloat80.ts";
import { C1, canPush, copySt, enter, isEmpty, pop, push, setSt, stackUnderflow } from "./x87.ts";

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
