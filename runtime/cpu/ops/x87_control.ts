// x87 control: FNSTSW FNSTCW FLDCW FNSTENV FLDENV FNSAVE FRSTOR FNINIT FNCLEX FINCSTP FDECSTP
// FNOP FWAIT. The environment uses the 28-byte protected-mode layout (14 bytes with a 0x66
// prefix), as 64-bit mode does; reserved upper halves are stored as 1s like the hardware does.

import type { Insn } from "../insn.ts";
import { ea, setReg } from "../operands.ts";
import type { Cpu } from "../state.ts";
import type { X87 } from "../x87_state.ts";
import {
  C1,
  checkPending,
  enter,
  fullTagWord,
  statusWord,
  tagsFromFull,
  updateSummary,
} from "./x87.ts";

/** FCW bits that exist: masks, precision and rounding control, X; bit 6 always reads as 1. */
export function controlWord(v: number): number {
  return (v & 0x1f3f) | 0x40;
}

/** FNINIT (DB E3): default control word, empty stack; register contents stay. */
export function initialize(x: X87): void {
  x.fcw = 0x037f;
  x.fsw = 0;
  x.tags = 0;
  x.top = 0;
  x.fip = x.fdp = x.fop = 0;
}

export function fninit(c: Cpu, _i: Insn): void {
  initialize(c.x87);
}

/** FNCLEX (DB E2): clears the exception flags, SF, ES and B. */
export function fnclex(c: Cpu, _i: Insn): void {
  c.x87.fsw &= 0x7f00;
}

/** FWAIT (9B): delivers a pending unmasked exception. */
export function fwait(c: Cpu, _i: Insn): void {
  checkPending(c.x87);
}

/** FNOP (D9 D0), and FENI FDISI FSETPM (DB E0 E1 E4), no-ops since the 80387. */
export function fnop(c: Cpu, i: Insn): void {
  enter(c, i);
}

/** FNSTSW AX (DF E0). */
export function fnstswAx(c: Cpu, _i: Insn): void {
  setReg(c, 0, 2, statusWord(c.x87), 0);
}

/** FNSTSW m16 (DD /7). */
export function fnstswM(c: Cpu, i: Insn): void {
  c.mem.write16(ea(c, i), statusWord(c.x87));
}

/** FNSTCW m16 (D9 /7). */
export function fnstcw(c: Cpu, i: Insn): void {
  c.mem.write16(ea(c, i), c.x87.fcw);
}

/** FLDCW m16 (D9 /5): flags that the new masks unmask become pending. */
export function fldcw(c: Cpu, i: Insn): void {
  const x = c.x87;
  checkPending(x);
  x.fcw = controlWord(c.mem.read16(ea(c, i)));
  updateSummary(x);
}

/** FINCSTP (D9 F7) and FDECSTP (D9 F6): rotate TOP; tags are unchanged. */
export function fincstp(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  x.top = (x.top + 1) & 7;
  x.fsw &= ~C1;
}

export function fdecstp(c: Cpu, i: Insn): void {
  const x = enter(c, i);
  x.top = (x.top - 1) & 7;
  x.fsw &= ~C1;
}

// ---- environment and full state -------------------------------------------------------------

/** The environment image (28 bytes, or 14 with a 16-bit operand size). */
function environment(x: X87, small: boolean): Uint8Array {
  const out = new Uint8Array(small ? 14 : 28);
  const v = new DataView(out.buffer);
  if (small) {
    v.setUint16(0, x.fcw, true);
    v.setUint16(2, statusWord(x), true);
    v.setUint16(4, fullTagWord(x), true);
    v.setUint16(6, x.fip & 0xffff, true);
    v.setUint16(8, 0, true);
    v.setUint16(10, x.fdp & 0xffff, true);
    v.setUint16(12, 0, true);
    return out;
  }
  v.setUint32(0, 0xffff0000 | x.fcw, true);
  v.setUint32(4, 0xffff0000 | statusWord(x), true);
  v.setUint32(8, 0xffff0000 | fullTagWord(x), true);
  v.setUint32(12, x.fip >>> 0, true);
  v.setUint32(16, (x.fop & 0x7ff) << 16, true);
  v.setUint32(20, x.fdp >>> 0, true);
  v.setUint32(24, 0xffff0000, true);
  return out;
}

function loadEnvironment(x: X87, image: Uint8Array, small: boolean): void {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const fsw = small ? v.getUint16(2, true) : v.getUint16(4, true);
  x.fcw = controlWord(v.getUint16(0, true));
  x.fsw = fsw & ~0x3800;
  x.top = (fsw >> 11) & 7;
  x.tags = tagsFromFull(small ? v.getUint16(4, true) : v.getUint16(8, true));
  x.fip = small ? v.getUint16(6, true) : v.getUint32(12, true);
  x.fop = small ? 0 : (v.getUint32(16, true) >>> 16) & 0x7ff;
  x.fdp = small ? v.getUint16(10, true) : v.getUint32(20, true);
  updateSummary(x);
}

/** FNSTENV m14/28byte (D9 /6): stores the environment, then masks all exceptions. */
export function fnstenv(c: Cpu, i: Insn): void {
  const x = c.x87;
  c.mem.write(ea(c, i), environment(x, i.size === 2));
  x.fcw |= 0x3f;
}

/** FLDENV m14/28byte (D9 /4). */
export function fldenv(c: Cpu, i: Insn): void {
  const x = c.x87;
  checkPending(x);
  const small = i.size === 2;
  loadEnvironment(x, c.mem.read(ea(c, i), small ? 14 : 28), small);
}

/** FNSAVE m94/108byte (DD /6): environment, ST(0)..ST(7), then FNINIT. */
export function fnsave(c: Cpu, i: Insn): void {
  const x = c.x87;
  const env = environment(x, i.size === 2);
  const out = new Uint8Array(env.length + 80);
  out.set(env);
  const v = new DataView(out.buffer);
  for (let k = 0; k < 8; k++) {
    const p = (x.top + k) & 7, at = env.length + 10 * k;
    v.setUint32(at, x.mant[2 * p], true);
    v.setUint32(at + 4, x.mant[2 * p + 1], true);
    v.setUint16(at + 8, x.se[p], true);
  }
  c.mem.write(ea(c, i), out);
  initialize(x);
}

/** FRSTOR m94/108byte (DD /4). */
export function frstor(c: Cpu, i: Insn): void {
  const x = c.x87;
  checkPending(x);
  const small = i.size === 2;
  const envSize = small ? 14 : 28;
  const image = c.mem.read(ea(c, i), envSize + 80);
  loadEnvironment(x, image, small);
  const v = new DataView(image.buffer);
  for (let k = 0; k < 8; k++) {
    const p = (x.top + k) & 7, at = envSize + 10 * k;
    x.mant[2 * p] = v.getUint32(at, true);
    x.mant[2 * p + 1] = v.getUint32(at + 4, true);
    x.se[p] = v.getUint16(at + 8, true);
  }
}
