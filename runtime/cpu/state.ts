// Architectural state of one guest thread: general registers as 32-bit halves, rip, lazy flags,
// segment bases, SSE registers and MXCSR, x87 state.
//
// Flags are lazy: the last flag-setting operation leaves its kind, size, operands and result here
// (fop, fsize, fa/fah, fb/fbh, fr/frh, fcin), and runtime/cpu/flags.ts derives any flag on demand.
// For sizes below 8 the operands and result are kept masked to the size, with the high half 0.
// Only instruction handlers and the kernel (signal frames, ptrace-like access) write this state.

import type { Memory } from "../memory/memory.ts";
import type { Insn } from "./insn.ts";
import { getRflags, setRflags } from "./flags.ts";
import { X87 } from "./x87_state.ts";

/** Cpu state as plain data (see Cpu.snapshot). */
export interface CpuSnapshot {
  lo: number[];
  hi: number[];
  rip: number;
  rflags: number;
  fsBase: number;
  gsBase: number;
  xmm: Uint8Array;
  mxcsr: number;
  x87: {
    se: number[];
    mant: number[];
    fcw: number;
    fsw: number;
    tags: number;
    top: number;
    fip: number;
    fdp: number;
    fop: number;
  };
  icount: number;
}

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;

// Lazy flag kinds.
export const F_NONE = 0; // flags are explicit in `fexp`
export const F_ADD = 1;
export const F_ADC = 2;
export const F_SUB = 3;
export const F_SBB = 4;
export const F_LOGIC = 5;
export const F_INC = 6; // CF kept in fcin
export const F_DEC = 7; // CF kept in fcin
export const F_CO = 8; // CF in fcin, OF in fb; ZF/SF/PF from the result, AF 0

export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200;
export const DF = 0x400, OF = 0x800, AC = 0x40000, ID = 0x200000;
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;

/** Why `run()` returned control to the kernel. */
export const STOP_NONE = 0;
export const STOP_SYSCALL = 1;
export const STOP_SLICE = 2; // time slice over, or a safepoint request
export const STOP_FAULT = 3; // see Cpu.fault*
export const STOP_HLT = 4;

export class Cpu {
  constructor(public mem: Memory) {}

  readonly lo = new Int32Array(16);
  readonly hi = new Int32Array(16);
  rip = 0;
  fsBase = 0;
  gsBase = 0;

  // lazy flags
  fop = F_NONE;
  fsize = 8;
  fa = 0;
  fah = 0;
  fb = 0;
  fbh = 0;
  fr = 0;
  frh = 0;
  fcin = 0;
  fexp = 0;
  /** Direction flag as 0/1, and the other non-arithmetic rflags bits (AC, ID). */
  df = 0;
  otherFlags = 0;

  /** Scratch: high half returned beside a low half by operand readers. */
  th = 0;

  // SSE: 16 registers x 16 bytes; views share one buffer.
  readonly xmmBuffer = new ArrayBuffer(16 * 16);
  readonly xmm32 = new Int32Array(this.xmmBuffer);
  readonly xmmF32 = new Float32Array(this.xmmBuffer);
  readonly xmmF64 = new Float64Array(this.xmmBuffer);
  readonly xmmU8 = new Uint8Array(this.xmmBuffer);
  mxcsr = 0x1f80;

  readonly x87 = new X87();

  /** The faulting instruction when translated code throws (jit.ts). */
  jitFault: Insn | null = null;

  /** Instructions retired (approximately: counted per block). */
  icount = 0;
  /** Set by the kernel or a timer to make `run()` return at the next block boundary. */
  stopRequest = false;
  stopReason = STOP_NONE;
  /** Fault details when stopReason is STOP_FAULT: signal number, si_code, si_addr. */
  faultSignal = 0;
  faultCode = 0;
  faultAddr = 0;

  /** Architectural state as plain data (fork, checkpoints). Flags are materialized. */
  snapshot(): CpuSnapshot {
    const x = this.x87;
    return {
      lo: [...this.lo],
      hi: [...this.hi],
      rip: this.rip,
      rflags: getRflags(this),
      fsBase: this.fsBase,
      gsBase: this.gsBase,
      xmm: this.xmmU8.slice(),
      mxcsr: this.mxcsr,
      x87: {
        se: [...x.se],
        mant: [...x.mant],
        fcw: x.fcw,
        fsw: x.fsw,
        tags: x.tags,
        top: x.top,
        fip: x.fip,
        fdp: x.fdp,
        fop: x.fop,
      },
      icount: this.icount,
    };
  }

  restore(s: CpuSnapshot): void {
    this.lo.set(s.lo);
    this.hi.set(s.hi);
    this.rip = s.rip;
    setRflags(this, s.rflags);
    this.fsBase = s.fsBase;
    this.gsBase = s.gsBase;
    this.xmmU8.set(s.xmm);
    this.mxcsr = s.mxcsr;
    const x = this.x87;
    x.se.set(s.x87.se);
    x.mant.set(s.x87.mant);
    x.fcw = s.x87.fcw;
    x.fsw = s.x87.fsw;
    x.tags = s.x87.tags;
    x.top = s.x87.top;
    x.fip = s.x87.fip;
    x.fdp = s.x87.fdp;
    x.fop = s.x87.fop;
    this.icount = s.icount;
  }

  /** 64-bit register value as a number (exact below 2^53; signed interpretation). */
  reg(r: number): number {
    return this.hi[r] * 4294967296 + (this.lo[r] >>> 0);
  }

  /** 64-bit register value as an unsigned number (exact below 2^53). */
  regU(r: number): number {
    return (this.hi[r] >>> 0) * 4294967296 + (this.lo[r] >>> 0);
  }

  /** Sets a 64-bit register from a number (integers with |v| < 2^53; negative values sign-extend). */
  setReg(r: number, v: number): void {
    const lo = v | 0; // ToInt32 is modular: exact for integers below 2^53
    this.lo[r] = lo;
    this.hi[r] = ((v - (lo >>> 0)) / 4294967296) | 0;
  }

  setRegBig(r: number, v: bigint): void {
    this.lo[r] = Number(BigInt.asIntN(32, v));
    this.hi[r] = Number(BigInt.asIntN(32, v >> 32n));
  }

  regBig(r: number): bigint {
    return (BigInt(this.hi[r]) << 32n) | BigInt(this.lo[r] >>> 0);
  }
}
