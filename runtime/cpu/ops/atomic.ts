// Compare-exchange family: CMPXCHG, XADD, CMPXCHG8B/16B.
//
// Guest threads run one at a time on the shared Memory, so a handler's read-modify-write is atomic
// with or without LOCK. As on hardware, a memory destination is written even when the comparison
// fails (with its old value), so a read-only destination faults either way. A 32-bit register is
// zero-extended only when it is written: CMPXCHG's destination on success, the accumulator (or
// EDX:EAX of CMPXCHG8B) on failure.

import { generalProtection, type Insn } from "../insn.ts";
import { ea, getReg, readMem, setReg, writeMem } from "../operands.ts";
import { type Cpu, ZF } from "../state.ts";
import { setSomeFlags } from "../flags.ts";
import { aluOp, OP_ADD, OP_CMP } from "./alu.ts";

/** CMPXCHG E, G (0F B0, 0F B1): if rAX == E then E = G else rAX = E; flags as CMP rAX, E. */
export function cmpxchg(c: Cpu, i: Insn): void {
  const size = i.size;
  const acc = getReg(c, 0, size), accHi = c.th;
  const slo = getReg(c, size === 1 ? i.reg8 : i.reg, size), shi = c.th;
  if (i.rm >= 0) {
    const r = size === 1 ? i.rm8 : i.rm;
    const dlo = getReg(c, r, size), dhi = c.th;
    aluOp(c, OP_CMP, size, acc, accHi, dlo, dhi);
    if (acc === dlo && accHi === dhi) setReg(c, r, size, slo, shi);
    else setReg(c, 0, size, dlo, dhi);
  } else {
    const a = ea(c, i);
    const dlo = readMem(c, a, size), dhi = c.th;
    aluOp(c, OP_CMP, size, acc, accHi, dlo, dhi);
    if (acc === dlo && accHi === dhi) writeMem(c, a, size, slo, shi);
    else {
      writeMem(c, a, size, dlo, dhi);
      setReg(c, 0, size, dlo, dhi);
    }
  }
}

/** XADD E, G (0F C0, 0F C1): G = E, E = E + G; flags as ADD. */
export function xadd(c: Cpu, i: Insn): void {
  const size = i.size;
  const g = size === 1 ? i.reg8 : i.reg;
  const slo = getReg(c, g, size), shi = c.th;
  if (i.rm >= 0) {
    const r = size === 1 ? i.rm8 : i.rm;
    const dlo = getReg(c, r, size), dhi = c.th;
    const lo = aluOp(c, OP_ADD, size, dlo, dhi, slo, shi), hi = c.th;
    setReg(c, g, size, dlo, dhi);
    setReg(c, r, size, lo, hi);
  } else {
    const a = ea(c, i);
    const dlo = readMem(c, a, size), dhi = c.th;
    const lo = aluOp(c, OP_ADD, size, dlo, dhi, slo, shi);
    writeMem(c, a, size, lo, c.th);
    setReg(c, g, size, dlo, dhi);
  }
}

/**
 * CMPXCHG8B m64 (0F C7 /1): if EDX:EAX == m64 then m64 = ECX:EBX else EDX:EAX = m64.
 * CMPXCHG16B m128 (REX.W): the same with RDX:RAX and RCX:RBX; #GP unless 16-byte aligned.
 * Only ZF changes.
 */
export function cmpxchg8b16b(c: Cpu, i: Insn): void {
  const a = ea(c, i);
  const m = c.mem;
  if (i.size === 8) {
    if (a % 16 !== 0) throw generalProtection();
    const w0 = m.read32(a), w1 = m.read32(a + 4), w2 = m.read32(a + 8), w3 = m.read32(a + 12);
    m.checkWritable(a, 16);
    if (w0 === c.lo[0] && w1 === c.hi[0] && w2 === c.lo[2] && w3 === c.hi[2]) {
      m.write32(a, c.lo[3]);
      m.write32(a + 4, c.hi[3]);
      m.write32(a + 8, c.lo[1]);
      m.write32(a + 12, c.hi[1]);
      setSomeFlags(c, ZF, ZF);
    } else {
      c.lo[0] = w0;
      c.hi[0] = w1;
      c.lo[2] = w2;
      c.hi[2] = w3;
      setSomeFlags(c, ZF, 0);
    }
    return;
  }
  const lo = readMem(c, a, 8), hi = c.th;
  if (lo === c.lo[0] && hi === c.lo[2]) {
    writeMem(c, a, 8, c.lo[3], c.lo[1]);
    setSomeFlags(c, ZF, ZF);
  } else {
    writeMem(c, a, 8, lo, hi);
    setReg(c, 0, 4, lo, 0);
    setReg(c, 2, 4, hi, 0);
    setSomeFlags(c, ZF, 0);
  }
}
