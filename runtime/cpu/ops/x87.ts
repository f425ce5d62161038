// The x87 register stack and exception machinery shared by the x87 instruction family
// (x87_*.ts): ST(i) access, push/pop with stack faults, tags, status-word flags, and delayed
// delivery of unmasked exceptions.
//
// Exceptions: every instruction ORs its flags into FSW. A flag whose FCW mask bit is clear also
// sets FSW.ES and FSW.B; as on hardware nothing happens then, and the next *waiting* x87
// instruction (every x87 instruction but FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE, and
// FXSAVE/FXRSTOR) faults before executing: SIGFPE with Linux's si_code for the unmasked flags
// (FPE_FLTINV, FLTDIV, FLTOVF, FLTUND, FLTRES), rip at that instruction. A handler must clear the
// flags (in the ucontext's fpstate) or the fault repeats, as on Linux. With an unmasked invalid,
// denormal or divide-by-zero exception the destination and stack are left unchanged; unmasked
// overflow/underflow on a register destination deliver the result scaled by 2^-+24576, and on a
// memory destination store nothing.

import {
  CpuException,
  FPE_FLTDIV,
  FPE_FLTINV,
  FPE_FLTOVF,
  FPE_FLTRES,
  FPE_FLTUND,
  type Insn,
  SIGFPE,
} from "../insn.ts";
import type { Cpu } from "../state.ts";
import type { X87 } from "../x87_state.ts";
import {
  DE,
  extFormat,
  F80,
  type Format,
  IE,
  INDEFINITE,
  OE,
  PE,
  ROUNDED_UP,
  status,
  UE,
  ZE,
} from "./softfloat80.ts";
import { toNumber } from "./softfloat80_convert.ts";

export const FSW_SF = 0x40, FSW_ES = 0x80, FSW_B = 0x8000;
export const C0 = 0x100, C1 = 0x200, C2 = 0x400, C3 = 0x4000;
export const CC_MASK = C0 | C1 | C2 | C3;
const EXCEPTIONS = 0x3f;

/**
 * Prologue of every waiting x87 instruction: delivers a pending unmasked exception, then records
 * the instruction pointer and opcode (FNSTENV, FXSAVE).
 */
export function enter(c: Cpu, i: Insn): X87 {
  const x = c.x87;
  if (x.fsw & FSW_ES) deliverPending(x);
  x.fip = i.addr;
  x.fop = ((i.opcode & 7) << 8) | (i.modrm & 0xff);
  return x;
}

/** FWAIT and the waiting forms of control instructions: only the pending-exception check. */
export function checkPending(x: X87): void {
  if (x.fsw & FSW_ES) deliverPending(x);
}

function deliverPending(x: X87): void {
  const err = x.fsw & ~x.fcw & EXCEPTIONS;
  // Linux's fpu__exception_code order; ES with every flag masked is spurious and ignored.
  let code = 0;
  if (err & IE) code = FPE_FLTINV;
  else if (err & ZE) code = FPE_FLTDIV;
  else if (err & OE) code = FPE_FLTOVF;
  else if (err & (DE | UE)) code = FPE_FLTUND;
  else if (err & PE) code = FPE_FLTRES;
  if (code === 0) return;
  throw new CpuException(SIGFPE, code);
}

/** Recomputes ES and B from the flags and masks (FLDCW, FLDENV, FRSTOR). */
export function updateSummary(x: X87): void {
  if (x.fsw & ~x.fcw & EXCEPTIONS) x.fsw |= FSW_ES | FSW_B;
  else x.fsw &= ~(FSW_ES | FSW_B);
}

// ---- arithmetic context -----------------------------------------------------------------------

/** Clears softfloat's flags before an operation. */
export function begin(x: X87): void {
  status.flags = 0;
  status.unmasked = ~x.fcw & (OE | UE);
}

export function roundingControl(x: X87): number {
  return (x.fcw >> 10) & 3;
}

export function precision(x: X87): Format {
  return extFormat((x.fcw >> 8) & 3);
}

/**
 * Records an operation's flags in FSW (C1 = rounded up). Returns false when an unmasked invalid,
 * denormal or divide-by-zero exception (detected before computing) stops the instruction: the
 * destination stays unchanged and only those flags are reported. `blocking` is the set of such
 * exceptions that stop this instruction (comparisons: none; loads: IE).
 */
export function deliver(x: X87, flags: number, blocking = IE | DE | ZE): boolean {
  const unmasked = flags & ~x.fcw & EXCEPTIONS;
  const stopped = (unmasked & blocking) !== 0;
  if (stopped) flags &= IE | DE | ZE;
  x.fsw = (x.fsw & ~C1) | (flags & EXCEPTIONS) | (flags & ROUNDED_UP ? C1 : 0);
  if (unmasked) x.fsw |= FSW_ES | FSW_B;
  return !stopped;
}

// ---- stack ------------------------------------------------------------------------------------

export function physical(x: X87, i: number): number {
  return (x.top + i) & 7;
}

export function isEmpty(x: X87, i: number): boolean {
  return (x.tags & (1 << ((x.top + i) & 7))) === 0;
}

export function getSt(x: X87, i: number): F80 {
  return readPhysical(x, (x.top + i) & 7);
}

export function readPhysical(x: X87, p: number): F80 {
  return new F80(x.se[p], (BigInt(x.mant[2 * p + 1]) << 32n) | BigInt(x.mant[2 * p]));
}

export function setSt(x: X87, i: number, v: F80): void {
  writePhysical(x, (x.top + i) & 7, v);
}

export function writePhysical(x: X87, p: number, v: F80): void {
  x.se[p] = v.se;
  x.mant[2 * p] = Number(v.sig & 0xffffffffn);
  x.mant[2 * p + 1] = Number(v.sig >> 32n);
  x.tags |= 1 << p;
}

/** Copies ST(from) to ST(to) (both as stack indexes), marking `to` in use. */
export function copySt(x: X87, from: number, to: number): void {
  const f = (x.top + from) & 7, t = (x.top + to) & 7;
  x.se[t] = x.se[f];
  x.mant[2 * t] = x.mant[2 * f];
  x.mant[2 * t + 1] = x.mant[2 * f + 1];
  x.tags |= 1 << t;
}

export function pop(x: X87): void {
  x.tags &= ~(1 << x.top);
  x.top = (x.top + 1) & 7;
}

/** Pushes v; the caller has checked with `canPush`. */
export function push(x: X87, v: F80): void {
  x.top = (x.top - 1) & 7;
  writePhysical(x, x.top, v);
}

/**
 * Checks that a push has room. On overflow raises IE+SF with C1=1; masked, it pushes the
 * indefinite QNaN itself. Returns true when the caller should go on and push.
 */
export function canPush(x: X87): boolean {
  if ((x.tags & (1 << ((x.top - 1) & 7))) === 0) return true;
  x.fsw |= IE | FSW_SF | C1;
  if (x.fcw & IE) push(x, INDEFINITE);
  else x.fsw |= FSW_ES | FSW_B;
  return false;
}

/**
 * Checks room for the second result of FSINCOS, FPTAN, FXTRACT. On overflow, when masked, ST(0)
 * becomes the indefinite QNaN and another one is pushed, as the hardware does.
 */
export function roomForPush(x: X87): boolean {
  if ((x.tags & (1 << ((x.top - 1) & 7))) === 0) return true;
  if (x.fcw & IE) setSt(x, 0, INDEFINITE);
  canPush(x);
  return false;
}

/**
 * Raises stack underflow (IE+SF, C1=0). Returns true when masked: the caller then delivers the
 * indefinite QNaN in place of the result.
 */
export function stackUnderflow(x: X87): boolean {
  x.fsw = (x.fsw & ~C1) | IE | FSW_SF;
  if (x.fcw & IE) return true;
  x.fsw |= FSW_ES | FSW_B;
  return false;
}

/** Sets C0-C3 (bits given as FSW bits), leaving the rest of FSW. */
export function setConditions(x: X87, cc: number): void {
  x.fsw = (x.fsw & ~CC_MASK) | cc;
}

/** The full 16-bit tag word (FNSTENV, FNSAVE): per physical register 00 valid, 01 zero,
 * 10 special (NaN, infinity, denormal, unsupported), 11 empty. */
export function fullTagWord(x: X87): number {
  let tw = 0;
  for (let p = 0; p < 8; p++) {
    let t = 3;
    if (x.tags & (1 << p)) {
      const exp = x.se[p] & 0x7fff, hi = x.mant[2 * p + 1], lo = x.mant[2 * p];
      if (exp === 0x7fff) t = 2;
      else if (exp === 0) t = (hi | lo) === 0 ? 1 : 2;
      else t = hi & 0x80000000 ? 0 : 2;
    }
    tw |= t << (2 * p);
  }
  return tw;
}

/** Abridged tags (FXSAVE, x87_state.tags) from a full tag word: only 11 means empty. */
export function tagsFromFull(tw: number): number {
  let tags = 0;
  for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) !== 3) tags |= 1 << p;
  return tags;
}

/** ST(i) as the nearest double, NaN when empty (debugging, --strace, tests). */
export function x87ToNumber(cpu: Cpu, stIndex: number): number {
  const x = cpu.x87;
  return isEmpty(x, stIndex) ? NaN : toNumber(getSt(x, stIndex));
}

/** The status word with TOP in bits 11-13. */
export function statusWord(x: X87): number {
  return (x.fsw & ~0x3800) | (x.top << 11);
}
