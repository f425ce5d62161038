// Control transfer: Jcc, JMP, CALL, RET (near), LOOP family, JRCXZ. Every handler sets cpu.rip;
// each of these instructions ends a decoded block.

import { cond } from "../flags.ts";
import type { Insn } from "../insn.ts";
import { pop64, push64, readE, regAddr } from "../operands.ts";
import { type Cpu, RCX, RSP } from "../state.ts";

const TWO32 = 4294967296;

/** Jcc rel8/rel32 (70-7F, 0F 80-8F). */
export function jcc(c: Cpu, i: Insn): void {
  c.rip = cond(c, i.opcode & 15) ? i.target : i.next;
}

/** JMP rel (E9, EB). */
export function jmpRel(c: Cpu, i: Insn): void {
  c.rip = i.target;
}

/** CALL rel32 (E8). */
export function callRel(c: Cpu, i: Insn): void {
  push64(c, i.next | 0, (i.next / TWO32) | 0);
  c.rip = i.target;
}

/** CALL E (FF /2). */
export function callE(c: Cpu, i: Insn): void {
  const lo = readE(c, i, 8);
  const target = c.th * TWO32 + (lo >>> 0);
  push64(c, i.next | 0, (i.next / TWO32) | 0);
  c.rip = target;
}

/** JMP E (FF /4). */
export function jmpE(c: Cpu, i: Insn): void {
  const lo = readE(c, i, 8);
  c.rip = c.th * TWO32 + (lo >>> 0);
}

/** RET (C3) and RET imm16 (C2). */
export function ret(c: Cpu, i: Insn): void {
  const lo = pop64(c);
  c.rip = c.th * TWO32 + (lo >>> 0);
  if (i.imm) c.setReg(RSP, regAddr(c, RSP) + i.imm);
}

/** LOOPNE, LOOPE, LOOP (E0-E2): rcx (ecx with 0x67) decremented, flags untouched. */
export function loop(c: Cpu, i: Insn): void {
  let zero: boolean;
  if (i.asize === 8) {
    const lo = (c.lo[RCX] - 1) | 0;
    if (lo === -1) c.hi[RCX] = (c.hi[RCX] - 1) | 0;
    c.lo[RCX] = lo;
    zero = (lo | c.hi[RCX]) === 0;
  } else {
    c.lo[RCX] = (c.lo[RCX] - 1) | 0;
    c.hi[RCX] = 0;
    zero = c.lo[RCX] === 0;
  }
  let take = !zero;
  if (i.opcode === 0xe0) take = take && !cond(c, 4);
  else if (i.opcode === 0xe1) take = take && cond(c, 4);
  c.rip = take ? i.target : i.next;
}

/** JRCXZ / JECXZ (E3). */
export function jrcxz(c: Cpu, i: Insn): void {
  const zero = i.asize === 8 ? (c.lo[RCX] | c.hi[RCX]) === 0 : c.lo[RCX] === 0;
  c.rip = zero ? i.target : i.next;
}
