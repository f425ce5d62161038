// Integer ALU family: ADD OR ADC SBB AND SUB XOR CMP in all forms, TEST, INC, DEC, NOT, NEG.
// Results and operands are recorded for lazy flags (runtime/cpu/flags.ts).

import { getCF } from "../flags.ts";
import type { Insn } from "../insn.ts";
import { ea, getReg, maskTo, readE, readG, readMem, setReg, writeMem } from "../operands.ts";
import { type Cpu, F_ADC, F_ADD, F_DEC, F_INC, F_LOGIC, F_SBB, F_SUB } from "../state.ts";

export const OP_ADD = 0, OP_OR = 1, OP_ADC = 2, OP_SBB = 3;
export const OP_AND = 4, OP_SUB = 5, OP_XOR = 6, OP_CMP = 7;

const TWO32 = 4294967296;

/** Computes `a op b` on `size`-byte values, records flags; returns the low half, high in c.th. */
export function aluOp(
  c: Cpu,
  op: number,
  size: number,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): number {
  let lo = 0, hi = 0, kind = F_LOGIC, cin = 0;
  switch (op) {
    case OP_ADC:
      cin = getCF(c);
      /* falls through */
    case OP_ADD: {
      kind = op === OP_ADD ? F_ADD : F_ADC;
      if (size === 8) {
        const s = (alo >>> 0) + (blo >>> 0) + cin;
        lo = s | 0;
        hi = (ahi + bhi + (s >= TWO32 ? 1 : 0)) | 0;
      } else lo = maskTo((alo + blo + cin) | 0, size);
      break;
    }
    case OP_SBB:
      cin = getCF(c);
      /* falls through */
    case OP_SUB:
    case OP_CMP: {
      kind = op === OP_SBB ? F_SBB : F_SUB;
      if (size === 8) {
        const d = (alo >>> 0) - (blo >>> 0) - cin;
        lo = d | 0;
        hi = (ahi - bhi - (d < 0 ? 1 : 0)) | 0;
      } else lo = maskTo((alo - blo - cin) | 0, size);
      break;
    }
    case OP_OR:
      lo = alo | blo;
      hi = ahi | bhi;
      break;
    case OP_AND:
      lo = alo & blo;
      hi = ahi & bhi;
      break;
    default: // XOR
      lo = alo ^ blo;
      hi = ahi ^ bhi;
  }
  c.fop = kind;
  c.fsize = size;
  c.fa = alo;
  c.fah = ahi;
  c.fb = blo;
  c.fbh = bhi;
  c.fr = lo;
  c.frh = hi;
  c.fcin = cin;
  c.th = hi;
  return lo;
}

/** Applies `op` to the E operand with (blo, bhi), writing back unless it is CMP. */
function aluToE(c: Cpu, i: Insn, op: number, blo: number, bhi: number): void {
  const size = i.size;
  if (i.rm >= 0) {
    const r = size === 1 ? i.rm8 : i.rm;
    const alo = getReg(c, r, size);
    const lo = aluOp(c, op, size, alo, c.th, blo, bhi);
    if (op !== OP_CMP) setReg(c, r, size, lo, c.th);
  } else {
    const a = ea(c, i);
    const alo = readMem(c, a, size);
    const lo = aluOp(c, op, size, alo, c.th, blo, bhi);
    if (op !== OP_CMP) writeMem(c, a, size, lo, c.th);
  }
}

/** 00-3D forms `E op= G` (opcode bits 0-2 = 0/1). */
export function aluEG(c: Cpu, i: Insn): void {
  const blo = readG(c, i, i.size);
  aluToE(c, i, (i.opcode >> 3) & 7, blo, c.th);
}

/** `G op= E` (opcode bits 0-2 = 2/3). */
export function aluGE(c: Cpu, i: Insn): void {
  const size = i.size;
  const blo = readE(c, i, size), bhi = c.th;
  const r = size === 1 ? i.reg8 : i.reg;
  const alo = getReg(c, r, size);
  const op = (i.opcode >> 3) & 7;
  const lo = aluOp(c, op, size, alo, c.th, blo, bhi);
  if (op !== OP_CMP) setReg(c, r, size, lo, c.th);
}

/** `AL/eAX op= imm` (opcode bits 0-2 = 4/5). */
export function aluAI(c: Cpu, i: Insn): void {
  const size = i.size;
  const alo = getReg(c, 0, size);
  const op = (i.opcode >> 3) & 7;
  const lo = aluOp(c, op, size, alo, c.th, maskTo(i.imm, size), size === 8 ? i.immHi : 0);
  if (op !== OP_CMP) setReg(c, 0, size, lo, c.th);
}

/** Group 1 (80, 81, 83): `E op= imm`, op from ModRM.reg. */
export function aluEI(c: Cpu, i: Insn): void {
  const size = i.size;
  aluToE(c, i, (i.modrm >> 3) & 7, maskTo(i.imm, size), size === 8 ? i.immHi : 0);
}

function testFlags(c: Cpu, size: number, lo: number, hi: number): void {
  c.fop = F_LOGIC;
  c.fsize = size;
  c.fr = lo;
  c.frh = hi;
}

/** TEST E, G (84, 85). */
export function testEG(c: Cpu, i: Insn): void {
  const alo = readE(c, i, i.size), ahi = c.th;
  const blo = readG(c, i, i.size);
  testFlags(c, i.size, alo & blo, ahi & c.th);
}

/** TEST AL/eAX, imm (A8, A9). */
export function testAI(c: Cpu, i: Insn): void {
  const alo = getReg(c, 0, i.size);
  testFlags(c, i.size, alo & maskTo(i.imm, i.size), i.size === 8 ? c.th & i.immHi : 0);
}

/** TEST E, imm (F6/F7 /0 /1). */
export function testEI(c: Cpu, i: Insn): void {
  const alo = readE(c, i, i.size);
  testFlags(c, i.size, alo & maskTo(i.imm, i.size), i.size === 8 ? c.th & i.immHi : 0);
}

function incDec(c: Cpu, i: Insn, dec: boolean): void {
  const size = i.size;
  const cf = getCF(c);
  const op = dec ? OP_SUB : OP_ADD;
  if (i.rm >= 0) {
    const r = size === 1 ? i.rm8 : i.rm;
    const alo = getReg(c, r, size);
    const lo = aluOp(c, op, size, alo, c.th, 1, 0);
    setReg(c, r, size, lo, c.th);
  } else {
    const a = ea(c, i);
    const alo = readMem(c, a, size);
    const lo = aluOp(c, op, size, alo, c.th, 1, 0);
    writeMem(c, a, size, lo, c.th);
  }
  c.fop = dec ? F_DEC : F_INC;
  c.fcin = cf;
}

/** INC E (FE/FF /0). */
export function incE(c: Cpu, i: Insn): void {
  incDec(c, i, false);
}

/** DEC E (FE/FF /1). */
export function decE(c: Cpu, i: Insn): void {
  incDec(c, i, true);
}

/** NOT E (F6/F7 /2): no flags. */
export function notE(c: Cpu, i: Insn): void {
  const size = i.size;
  if (i.rm >= 0) {
    const r = size === 1 ? i.rm8 : i.rm;
    const lo = getReg(c, r, size);
    setReg(c, r, size, ~lo, ~c.th);
  } else {
    const a = ea(c, i);
    const lo = readMem(c, a, size);
    writeMem(c, a, size, maskTo(~lo, size), ~c.th);
  }
}

/** NEG E (F6/F7 /3): 0 - E, CF = (E != 0). */
export function negE(c: Cpu, i: Insn): void {
  const size = i.size;
  if (i.rm >= 0) {
    const r = size === 1 ? i.rm8 : i.rm;
    const blo = getReg(c, r, size);
    const lo = aluOp(c, OP_SUB, size, 0, 0, blo, c.th);
    setReg(c, r, size, lo, c.th);
  } else {
    const a = ea(c, i);
    const blo = readMem(c, a, size);
    const lo = aluOp(c, OP_SUB, size, 0, 0, blo, c.th);
    writeMem(c, a, size, lo, c.th);
  }
}
