// Bit tests and scans: BT BTS BTR BTC (register and immediate forms), BSF, BSR.
//
// BT* E, G with a memory operand: the offset in G is signed and may address bits outside the
// operand; the operand-sized chunk at ea + size * floor(offset / bits) is accessed, as hardware
// does. With a register operand, or with an immediate, the offset is taken mod the operand size.
// F3-prefixed BSF/BSR (TZCNT/LZCNT) run as BSF/BSR: CPUID reports neither BMI1 nor LZCNT.
//
// Flags: BT* set CF to the selected bit. BSF/BSR set ZF = (source == 0) and leave the destination
// unchanged (not even zero-extended) for a zero source. The remaining flags are undefined in the
// SDM; we produce what the AMD host does: BT* leave them unchanged; BSF/BSR clear CF OF SF AF and
// set PF from the parity of the index found (PF = 1 for a zero source).

import { setSomeFlags } from "../flags.ts";
import type { Insn } from "../insn.ts";
import { ea, getReg, readE, readMem, setReg, writeMem } from "../operands.ts";
import { CF, type Cpu, F_NONE, PF, ZF } from "../state.ts";

const OP_BT = 0, OP_BTS = 1, OP_BTR = 2, OP_BTC = 3;

/** Tests bit k (0..63) of (lo, hi) into CF; applies op; returns the new low half, high in c.th. */
function bitOp(c: Cpu, op: number, lo: number, hi: number, k: number): number {
  const inHi = k >= 32;
  const m = 1 << (k & 31);
  const w = inHi ? hi : lo;
  setSomeFlags(c, CF, (w & m) !== 0 ? CF : 0);
  let nw = w;
  if (op === OP_BTS) nw = w | m;
  else if (op === OP_BTR) nw = w & ~m;
  else if (op === OP_BTC) nw = w ^ m;
  c.th = inHi ? nw : hi;
  return inHi ? lo : nw;
}

/** Applies op to bit k of register rm (k already reduced mod the operand size). */
function bitReg(c: Cpu, i: Insn, op: number, k: number): void {
  const size = i.size;
  const lo = getReg(c, i.rm, size);
  const r = bitOp(c, op, lo, c.th, k);
  if (op !== OP_BT) setReg(c, i.rm, size, r, c.th);
}

/** Applies op to bit k of the operand-sized memory chunk at a. */
function bitMem(c: Cpu, op: number, size: number, a: number, k: number): void {
  const lo = readMem(c, a, size);
  const r = bitOp(c, op, lo, c.th, k);
  if (op !== OP_BT) writeMem(c, a, size, r, c.th);
}

/** BT* E, G: bit offset from the register G. */
function bitEG(c: Cpu, i: Insn, op: number): void {
  const size = i.size;
  const off = getReg(c, i.reg, size), offHi = c.th;
  if (i.rm >= 0) {
    bitReg(c, i, op, off & (size * 8 - 1));
    return;
  }
  let chunk = 0;
  if (size === 8) chunk = offHi * 67108864 + (off >>> 6); // floor(offset / 64), signed
  else if (size === 4) chunk = off >> 5;
  else chunk = ((off << 16) >> 16) >> 4;
  bitMem(c, op, size, ea(c, i) + chunk * size, off & (size * 8 - 1));
}

/** BT E, G (0F A3). */
export function btEG(c: Cpu, i: Insn): void {
  bitEG(c, i, OP_BT);
}

/** BTS E, G (0F AB). */
export function btsEG(c: Cpu, i: Insn): void {
  bitEG(c, i, OP_BTS);
}

/** BTR E, G (0F B3). */
export function btrEG(c: Cpu, i: Insn): void {
  bitEG(c, i, OP_BTR);
}

/** BTC E, G (0F BB). */
export function btcEG(c: Cpu, i: Insn): void {
  bitEG(c, i, OP_BTC);
}

/** Group 8 (0F BA /4-/7): BT BTS BTR BTC E, imm8; offset = imm mod operand size. */
export function btEI(c: Cpu, i: Insn): void {
  const op = ((i.modrm >> 3) & 7) - 4;
  const k = i.imm & (i.size * 8 - 1);
  if (i.rm >= 0) bitReg(c, i, op, k);
  else bitMem(c, op, i.size, ea(c, i), k);
}

/** Flags after BSF/BSR: ZF for a zero source, PF from the index (k = 0 then). */
function scanFlags(c: Cpu, zero: boolean, k: number): void {
  let p = k ^ (k >> 4);
  p ^= p >> 2;
  p ^= p >> 1;
  c.fop = F_NONE;
  c.fexp = (zero ? ZF : 0) | ((p & 1) === 0 ? PF : 0);
}

/** BSF G, E (0F BC; F3 0F BC too): index of the lowest set bit. */
export function bsf(c: Cpu, i: Insn): void {
  const size = i.size;
  const lo = readE(c, i, size), hi = c.th;
  if ((lo | hi) === 0) {
    scanFlags(c, true, 0);
    return;
  }
  const k = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
  setReg(c, i.reg, size, k, 0);
  scanFlags(c, false, k);
}

/** BSR G, E (0F BD; F3 0F BD too): index of the highest set bit. */
export function bsr(c: Cpu, i: Insn): void {
  const size = i.size;
  const lo = readE(c, i, size), hi = c.th;
  if ((lo | hi) === 0) {
    scanFlags(c, true, 0);
    return;
  }
  const k = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
  setReg(c, i.reg, size, k, 0);
  scanFlags(c, false, k);
}
