// x87 comparison and classification: FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP (registers and
// memory), FICOM FICOMP, FCOMI FCOMIP FUCOMI FUCOMIP (result in ZF PF CF, OF SF AF cleared),
// FTST, FXAM. FCOM* raise IE for any NaN, FUCOM* only for SNaNs.

import { setSomeFlags } from "../flags.ts";
import type { Exec, Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import { AF, CF, type Cpu, OF, PF, SF, ZF } from "../state.ts";
import {
  classify,
  CMP_EQ,
  CMP_LT,
  CMP_UNORDERED,
  compare,
  F80,
  K_DENORMAL,
  K_INF,
  K_NORMAL,
  K_QNAN,
  K_SNAN,
  K_ZERO,
  POS_ZERO,
  status,
} from "./softfloat80.ts";
import {
  begin,
  C0,
  C1,
  C2,
  C3,
  deliver,
  enter,
  getSt,
  isEmpty,
  pop,
  readPhysical,
  setConditions,
  stackUnderflow,
} from "./x87.ts";
import { type MemReader, operand, readOperandFast } from "./x87_load.ts";
import { fastCompare } from "./softfloat80_fast.ts";

/** C3 C2 C0 for each comparison result. */
function conditionCodes(r: number): number {
  return r === CMP_UNORDERED ? C3 | C2 | C0 : r === CMP_EQ ? C3 : r === CMP_LT ? C0 : 0;
}

/** FCOM/FUCOM ST(i) with `pops` pops afterwards (FCOMP: 1, FCOMPP/FUCOMPP: 2). */
export function fcomSt(quietNaN: boolean, pops: number): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const k = pops === 2 ? 1 : i.modrm & 7;
    if (isEmpty(x, 0) || isEmpty(x, k)) {
      // Unordered even when the underflow is unmasked; the pops happen only when masked.
      const masked = stackUnderflow(x);
      setConditions(x, C3 | C2 | C0);
      if (masked) { for (let n = 0; n < pops; n++) pop(x); }
      return;
    }
    const pb = (x.top + k) & 7, m = x.mant;
    const quick = fastCompare(
      x.se[x.top],
      m[2 * x.top + 1],
      m[2 * x.top],
      x.se[pb],
      m[2 * pb + 1],
      m[2 * pb],
    );
    if (quick !== 2) {
      setConditions(x, conditionCodes(quick));
      for (let n = 0; n < pops; n++) pop(x);
      return;
    }
    begin(x);
    const r = compare(getSt(x, 0), getSt(x, k), quietNaN);
    // Condition codes are set even when an unmasked exception stops the pops.
    const ok = deliver(x, status.flags);
    setConditions(x, conditionCodes(r));
    if (ok) { for (let n = 0; n < pops; n++) pop(x); }
  };
}

/** FCOM/FCOMP with m32fp, m64fp; FICOM/FICOMP with m16int, m32int. */
export function fcomMem(read: MemReader, kind: number, doPop: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const a = (x.fdp = ea(c, i));
    const p = x.top, m = x.mant;
    if ((x.tags & (1 << p)) !== 0 && readOperandFast(c, a, kind)) {
      const quick = fastCompare(
        x.se[p],
        m[2 * p + 1],
        m[2 * p],
        operand.se,
        operand.hi,
        operand.lo,
      );
      if (quick !== 2) {
        setConditions(x, conditionCodes(quick));
        if (doPop) pop(x);
        return;
      }
    }
    begin(x);
    const src = read(c, a);
    if (isEmpty(x, 0)) {
      const masked = stackUnderflow(x);
      setConditions(x, C3 | C2 | C0);
      if (masked && doPop) pop(x);
      return;
    }
    const r = compare(getSt(x, 0), src, false);
    const ok = deliver(x, status.flags);
    setConditions(x, conditionCodes(r));
    if (ok && doPop) pop(x);
  };
}

/** ZF PF CF from a comparison (111 unordered, 100 equal, 001 less); OF SF AF cleared. */
function setCompareFlags(c: Cpu, r: number): void {
  const v = r === CMP_UNORDERED ? ZF | PF | CF : r === CMP_EQ ? ZF : r === CMP_LT ? CF : 0;
  setSomeFlags(c, ZF | PF | CF | OF | SF | AF, v);
}

/** FCOMI/FUCOMI ST(0), ST(i) and the popping forms: ZF PF CF as for an unsigned compare. */
export function fcomi(quietNaN: boolean, doPop: boolean): Exec {
  return (c, i) => {
    const x = enter(c, i);
    const k = i.modrm & 7;
    x.fsw &= ~C1;
    if (isEmpty(x, 0) || isEmpty(x, k)) {
      const masked = stackUnderflow(x);
      setCompareFlags(c, CMP_UNORDERED);
      if (masked && doPop) pop(x);
      return;
    }
    const pb = (x.top + k) & 7, m = x.mant;
    const quick = fastCompare(
      x.se[x.top],
      m[2 * x.top + 1],
      m[2 * x.top],
      x.se[pb],
      m[2 * pb + 1],
      m[2 * pb],
    );
    if (quick !== 2) {
      setCompareFlags(c, quick);
      if (doPop) pop(x);
      return;
    }
    begin(x);
    const r = compare(getSt(x, 0), getSt(x, k), quietNaN);
    const ok = deliver(x, status.flags);
    setCompareFlags(c, r);
    if (ok && doPop) pop(x);
  };
}

/** FTST (D9 E4): compares ST(0) with +0.0. */
export function ftst(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  if (isEmpty(x, 0)) {
    stackUnderflow(x);
    setConditions(x, C3 | C2 | C0);
    return;
  }
  begin(x);
  const r = compare(getSt(x, 0), POS_ZERO, false);
  deliver(x, status.flags);
  setConditions(x, conditionCodes(r));
}

/**
 * FXAM (D9 E5): C1 = sign; C3 C2 C0 = class (000 unsupported, 001 NaN, 010 normal, 011 infinity,
 * 100 zero, 101 empty, 110 denormal). An empty register still reports its stale sign.
 */
export function fxam(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  const v: F80 = readPhysical(x, x.top);
  const sign = v.se & 0x8000 ? C1 : 0;
  if (isEmpty(x, 0)) {
    setConditions(x, sign | C3 | C0);
    return;
  }
  let cc: number;
  switch (classify(v)) {
    case K_QNAN:
    case K_SNAN:
      cc = C0;
      break;
    case K_NORMAL:
      cc = C2;
      break;
    case K_INF:
      cc = C2 | C0;
      break;
    case K_ZERO:
      cc = C3;
      break;
    case K_DENORMAL:
      cc = C3 | C2;
      break;
    default:
      cc = 0;
  }
  setConditions(x, sign | cc);
}
