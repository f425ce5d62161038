// Data movement: MOV in all forms, LEA, MOVZX/MOVSX/MOVSXD, CBW family, CWD family, XCHG, CMOVcc,
// SETcc, BSWAP, MOVNTI. None of these touch the flags.

import { cond } from "../flags.ts";
import type { Insn } from "../insn.ts";
import {
  ea,
  getReg,
  readE,
  readG,
  readMem,
  setReg,
  writeE,
  writeG,
  writeMem,
} from "../operands.ts";
import type { Cpu } from "../state.ts";

/** MOV E, G (88, 89) and moffs stores (A2, A3). */
export function movEG(c: Cpu, i: Insn): void {
  const lo = readG(c, i, i.size);
  writeE(c, i, i.size, lo, c.th);
}

/** MOV G, E (8A, 8B) and moffs loads (A0, A1). */
export function movGE(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size);
  writeG(c, i, i.size, lo, c.th);
}

/** MOV E, imm (C6, C7 /0): imm32 sign-extended for 64-bit. */
export function movEI(c: Cpu, i: Insn): void {
  writeE(c, i, i.size, i.imm, i.immHi);
}

/** MOV r, imm (B0-BF), imm64 with REX.W. */
export function movRI(c: Cpu, i: Insn): void {
  setReg(c, i.size === 1 ? i.reg8 : i.reg, i.size, i.imm, i.immHi);
}

/** LEA G, M (8D): the address truncated to the operand size. */
export function lea(c: Cpu, i: Insn): void {
  // Exact 64-bit arithmetic on halves: LEA is often plain arithmetic on values beyond 2^53.
  // No segment base: LEA yields the offset.
  const d = i.disp;
  let lo = d | 0, hi = ((d - (lo >>> 0)) / 4294967296) | 0;
  const b = i.base;
  if (b >= 0) {
    const s = (lo >>> 0) + (c.lo[b] >>> 0);
    lo = s | 0;
    hi = (hi + c.hi[b] + (s >= 4294967296 ? 1 : 0)) | 0;
  }
  const x = i.index;
  if (x >= 0) {
    const k = i.scale === 1 ? 0 : i.scale === 2 ? 1 : i.scale === 4 ? 2 : 3;
    const xlo = c.lo[x] << k;
    const xhi = k === 0 ? c.hi[x] : (c.hi[x] << k) | (c.lo[x] >>> (32 - k));
    const s = (lo >>> 0) + (xlo >>> 0);
    lo = s | 0;
    hi = (hi + xhi + (s >= 4294967296 ? 1 : 0)) | 0;
  }
  if (i.asize === 4) hi = 0;
  setReg(c, i.reg, i.size, lo, hi);
}

/** MOVZX Gv, Eb (0F B6). */
export function movzxB(c: Cpu, i: Insn): void {
  setReg(c, i.reg, i.size, readE(c, i, 1), 0);
}

/** MOVZX Gv, Ew (0F B7). */
export function movzxW(c: Cpu, i: Insn): void {
  setReg(c, i.reg, i.size, readE(c, i, 2), 0);
}

/** MOVSX Gv, Eb (0F BE). */
export function movsxB(c: Cpu, i: Insn): void {
  const v = (readE(c, i, 1) << 24) >> 24;
  setReg(c, i.reg, i.size, v, v >> 31);
}

/** MOVSX Gv, Ew (0F BF). */
export function movsxW(c: Cpu, i: Insn): void {
  const v = (readE(c, i, 2) << 16) >> 16;
  setReg(c, i.reg, i.size, v, v >> 31);
}

/** MOVSXD Gv, Ed (63): sign-extends with REX.W, plain 32-bit move without. */
export function movsxd(c: Cpu, i: Insn): void {
  const v = readE(c, i, 4);
  setReg(c, i.reg, i.size, v, v >> 31);
}

/** CBW / CWDE / CDQE (98). */
export function cbw(c: Cpu, i: Insn): void {
  if (i.size === 8) {
    c.hi[0] = c.lo[0] >> 31;
  } else if (i.size === 4) {
    c.lo[0] = (c.lo[0] << 16) >> 16;
    c.hi[0] = 0;
  } else {
    setReg(c, 0, 2, (c.lo[0] << 24) >> 24, 0);
  }
}

/** CWD / CDQ / CQO (99). */
export function cwd(c: Cpu, i: Insn): void {
  if (i.size === 8) {
    const s = c.hi[0] >> 31;
    c.lo[2] = s;
    c.hi[2] = s;
  } else if (i.size === 4) {
    c.lo[2] = c.lo[0] >> 31;
    c.hi[2] = 0;
  } else setReg(c, 2, 2, ((c.lo[0] << 16) >> 31) & 0xffff, 0);
}

/** XCHG E, G (86, 87). */
export function xchgEG(c: Cpu, i: Insn): void {
  const size = i.size;
  const glo = readG(c, i, size), ghi = c.th;
  if (i.rm >= 0) {
    const elo = readE(c, i, size), ehi = c.th;
    writeE(c, i, size, glo, ghi);
    writeG(c, i, size, elo, ehi);
  } else {
    const a = ea(c, i);
    const elo = readMem(c, a, size), ehi = c.th;
    writeMem(c, a, size, glo, ghi);
    writeG(c, i, size, elo, ehi);
  }
}

/** XCHG rAX, r (90-97); 90 without REX.B is NOP (handled by the table). */
export function xchgAR(c: Cpu, i: Insn): void {
  const size = i.size;
  const alo = getReg(c, 0, size), ahi = c.th;
  const rlo = getReg(c, i.reg, size);
  setReg(c, 0, size, rlo, c.th);
  setReg(c, i.reg, size, alo, ahi);
}

/** CMOVcc G, E (0F 40-4F): the source is read (and may fault) even when not moved; 32-bit
 * destinations are zero-extended either way. */
export function cmov(c: Cpu, i: Insn): void {
  const lo = readE(c, i, i.size), hi = c.th;
  if (cond(c, i.opcode & 15)) setReg(c, i.reg, i.size, lo, hi);
  else if (i.size === 4) c.hi[i.reg] = 0;
}

/** SETcc Eb (0F 90-9F). */
export function setcc(c: Cpu, i: Insn): void {
  writeE(c, i, 1, cond(c, i.opcode & 15) ? 1 : 0, 0);
}

/** BSWAP r (0F C8-CF). */
export function bswap(c: Cpu, i: Insn): void {
  const r = i.reg;
  const sw = (v: number) =>
    ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  if (i.size === 8) {
    const lo = c.lo[r];
    c.lo[r] = sw(c.hi[r]);
    c.hi[r] = sw(lo);
  } else if (i.size === 4) {
    c.lo[r] = sw(c.lo[r]);
    c.hi[r] = 0;
  } else setReg(c, r, 2, 0, 0); // undefined for 16-bit; hardware zeroes the low word
}

/** MOVNTI M, G (0F C3): a plain store here. */
export function movnti(c: Cpu, i: Insn): void {
  const lo = readG(c, i, i.size);
  writeMem(c, ea(c, i), i.size, lo, c.th);
}

/** XLAT (D7): AL = [rBX + AL], with the segment override. */
export function xlat(c: Cpu, i: Insn): void {
  let a = i.asize === 8 ? c.hi[3] * 4294967296 + (c.lo[3] >>> 0) : c.lo[3] >>> 0;
  a += c.lo[0] & 0xff;
  if (i.asize === 4) a = a >>> 0;
  if (i.seg !== 0) a += i.seg === 1 ? c.fsBase : c.gsBase;
  setReg(c, 0, 1, c.mem.read8(a), 0);
}
