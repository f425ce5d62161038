// Stack family: PUSH, POP in register, immediate and memory forms, PUSHF, POPF, LEAVE, ENTER.
// The stack is always 64-bit in long mode; a 0x66 prefix makes 16-bit pushes and pops.

import { getRflags, setRflags } from "../flags.ts";
import type { Insn } from "../insn.ts";
import { pop64, push64, readE, readMem, regAddr, setReg, writeE, writeMem } from "../operands.ts";
import { type Cpu, RBP, RSP } from "../state.ts";

function push(c: Cpu, size: number, lo: number, hi: number): void {
  if (size === 8) return push64(c, lo, hi);
  const sp = regAddr(c, RSP) - 2;
  writeMem(c, sp, 2, lo, 0);
  c.setReg(RSP, sp);
}

function pop(c: Cpu, size: number): number {
  if (size === 8) return pop64(c);
  const sp = regAddr(c, RSP);
  const v = readMem(c, sp, 2);
  c.setReg(RSP, sp + 2);
  return v;
}

/** PUSH r (50-57). */
export function pushR(c: Cpu, i: Insn): void {
  push(c, i.size, c.lo[i.reg], c.hi[i.reg]);
}

/** POP r (58-5F). */
export function popR(c: Cpu, i: Insn): void {
  const lo = pop(c, i.size);
  setReg(c, i.reg, i.size, lo, c.th);
}

/** PUSH imm (68, 6A): sign-extended. */
export function pushI(c: Cpu, i: Insn): void {
  push(c, i.size, i.imm, i.imm >> 31);
}

/** PUSH E (FF /6). */
export function pushE(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size);
  push(c, i.size, lo, c.th);
}

/** POP E (8F /0): a memory address using rsp is computed after the pop. */
export function popE(c: Cpu, i: Insn): void {
  const sp = regAddr(c, RSP);
  const lo = readMem(c, sp, i.size), hi = c.th;
  c.setReg(RSP, sp + i.size);
  try {
    writeE(c, i, i.size, lo, hi);
  } catch (e) {
    c.setReg(RSP, sp);
    throw e;
  }
}

/** PUSHF (9C). */
export function pushf(c: Cpu, i: Insn): void {
  push(c, i.size, getRflags(c) & ~0x30000, 0);
}

/** POPF (9D): user-writable flags only. */
export function popf(c: Cpu, i: Insn): void {
  const v = pop(c, i.size);
  const keep = i.size === 2 ? (getRflags(c) & 0xffff0000) : 0;
  setRflags(c, keep | (v & 0x244dd5));
}

/** LEAVE (C9): rsp = rbp; pop rbp. */
export function leave(c: Cpu, i: Insn): void {
  const bp = regAddr(c, RBP);
  const lo = readMem(c, bp, i.size), hi = c.th;
  c.setReg(RSP, bp + i.size);
  setReg(c, RBP, i.size, lo, hi);
}

/** ENTER imm16, imm8 (C8); with 0x66 the pushes and the frame pointer are 16-bit. */
export function enter(c: Cpu, i: Insn): void {
  const level = i.imm2 & 31, size = i.size;
  push(c, size, c.lo[RBP], c.hi[RBP]);
  const frame = regAddr(c, RSP);
  let bp = regAddr(c, RBP);
  for (let n = 1; n < level; n++) {
    bp -= size;
    const lo = readMem(c, bp, size);
    push(c, size, lo, c.th);
  }
  if (level > 0) push(c, size, frame | 0, ((frame - (frame >>> 0)) / 4294967296) | 0);
  if (size === 8) c.setReg(RBP, frame);
  else setReg(c, RBP, 2, frame, 0);
  c.setReg(RSP, regAddr(c, RSP) - i.imm);
}
