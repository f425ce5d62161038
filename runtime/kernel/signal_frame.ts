// The x86-64 Linux signal frame: struct siginfo, struct rt_sigframe (pretcode, ucontext with the
// sigcontext and signal mask, siginfo) and the 512-byte FXSAVE image it points to, written on
// delivery and read back by rt_sigreturn. Layouts follow arch/x86/include/uapi/asm/sigcontext.h
// and arch/x86/kernel/signal.c; every write may throw PageFault (the caller turns that into a
// forced SIGSEGV, as Linux does).

import { getRflags, setRflags } from "../cpu/flags.ts";
import type { Cpu } from "../cpu/state.ts";
import type { Memory } from "../memory/memory.ts";
import { restoreFpState, saveFpState } from "../cpu/ops/fpstate.ts";
import {
  SEGV_ACCERR,
  SEGV_MAPERR,
  SI_TIMER,
  SIGBUS,
  SIGCHLD,
  SIGFPE,
  SIGILL,
  SIGSEGV,
  SIGTRAP,
} from "./signal_defs.ts";

/** One queued signal's siginfo. Fields beyond the header are present as the si_code needs. */
export interface SigInfo {
  signo: number;
  errno: number;
  code: number;
  /** Sender (kill, tkill, sigqueue, SIGCHLD). */
  pid?: number;
  uid?: number;
  /** Faulting address (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP). */
  addr?: number;
  /** sigval (sigqueue, POSIX timers): the 64-bit value as a number. */
  value?: number;
  /** POSIX timers (SI_TIMER): timer id and overrun count. */
  timerId?: number;
  overrun?: number;
  /** SIGCHLD. */
  status?: number;
  utime?: number;
  stime?: number;
  /** The 112 union bytes exactly as rt_sigqueueinfo's caller gave them. */
  raw?: number[];
}

export const SIGINFO_SIZE = 128;
export const FPSTATE_SIZE = 512;
/** sizeof(struct ucontext) as the kernel writes it; struct rt_sigframe adds pretcode and info. */
const UCONTEXT_SIZE = 304;
export const RT_SIGFRAME_SIZE = 8 + UCONTEXT_SIZE + SIGINFO_SIZE;
/** Offsets inside the frame (from the address of pretcode). */
export const UC = 8, UC_STACK = UC + 16, MCONTEXT = UC + 40, UC_SIGMASK = UC + 296;
export const INFO = UC + UCONTEXT_SIZE;
const UC_SIGCONTEXT_SS = 0x2, UC_STRICT_RESTORE_SS = 0x4;
const USER_CS = 0x33, USER_SS = 0x2b;

/** sigcontext order of the general registers (r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp). */
const SIGCONTEXT_REGS = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4];
/** rflags bits sigreturn takes from the frame (FIX_EFLAGS: AC OF DF TF SF ZF AF PF CF RF). */
const FIX_EFLAGS = 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000;

/** Encodes a siginfo as the 128 bytes the guest sees. */
export function encodeSigInfo(info: SigInfo): Uint8Array {
  const out = new Uint8Array(SIGINFO_SIZE);
  const v = new DataView(out.buffer);
  v.setInt32(0, info.signo, true);
  v.setInt32(4, info.errno, true);
  v.setInt32(8, info.code, true);
  if (info.raw) {
    out.set(info.raw.slice(0, SIGINFO_SIZE - 16), 16);
    return out;
  }
  if (isFaultSignal(info.signo) && info.code > 0) {
    setU64(v, 16, info.addr ?? 0);
    return out;
  }
  if (info.code === SI_TIMER) {
    v.setInt32(16, info.timerId ?? 0, true);
    v.setInt32(20, info.overrun ?? 0, true);
    setU64(v, 24, info.value ?? 0);
    return out;
  }
  v.setInt32(16, info.pid ?? 0, true);
  v.setUint32(20, info.uid ?? 0, true);
  if (info.signo === SIGCHLD && info.code > 0) {
    v.setInt32(24, info.status ?? 0, true);
    setU64(v, 32, info.utime ?? 0);
    setU64(v, 40, info.stime ?? 0);
  } else if (info.value !== undefined) {
    setU64(v, 24, info.value);
  }
  return out;
}

/** Decodes a guest siginfo (rt_sigqueueinfo): header fields plus the raw union. */
export function decodeSigInfo(bytes: Uint8Array): SigInfo {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    signo: v.getInt32(0, true),
    errno: v.getInt32(4, true),
    code: v.getInt32(8, true),
    pid: v.getInt32(16, true),
    uid: v.getUint32(20, true),
    value: getU64(v, 24),
    raw: [...bytes.subarray(16, SIGINFO_SIZE)],
  };
}

export function isFaultSignal(sig: number): boolean {
  return sig === SIGSEGV || sig === SIGBUS || sig === SIGILL || sig === SIGFPE || sig === SIGTRAP;
}

/** What a fault leaves in the sigcontext beside the registers (trap number, error code, cr2). */
export interface TrapState {
  trapno: number;
  err: number;
  cr2: number;
}

/** Everything one frame needs besides the CPU registers. */
export interface FrameRequest {
  signo: number;
  info: SigInfo;
  handler: number;
  restorer: number;
  siginfo: boolean;
  /** The mask to restore on sigreturn (uc_sigmask, oldmask). */
  mask: bigint;
  /** uc_stack: the alternate stack as it was before delivery. */
  altSp: number;
  altFlags: number;
  altSize: number;
  trap: TrapState;
}

/** Where the frame for a delivery at `sp` starts (the FXSAVE image sits 64-aligned above it). */
export function frameAddress(sp: number): number {
  const fpAddr = Math.floor((sp - FPSTATE_SIZE) / 64) * 64;
  return Math.floor((fpAddr - RT_SIGFRAME_SIZE) / 16) * 16 - 8;
}

/**
 * Writes an rt_sigframe below `sp` (already past the red zone, or the alternate stack's top) and
 * points the registers at the handler. Throws PageFault when the stack cannot take it.
 */
export function writeFrame(cpu: Cpu, mem: Memory, sp: number, r: FrameRequest): number {
  const fpAddr = Math.floor((sp - FPSTATE_SIZE) / 64) * 64;
  const frame = frameAddress(sp);
  if (frame < 0) throw new RangeError("Signal frame below address 0");
  const image = new Uint8Array(fpAddr + FPSTATE_SIZE - frame);
  const v = new DataView(image.buffer);
  setU64(v, 0, r.restorer);
  setU64(v, UC, UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS);
  setU64(v, UC + 8, 0);
  setU64(v, UC_STACK, r.altSp);
  v.setInt32(UC_STACK + 8, r.altFlags | 0, true);
  setU64(v, UC_STACK + 16, r.altSize);
  for (let k = 0; k < 16; k++) {
    const reg = SIGCONTEXT_REGS[k];
    v.setInt32(MCONTEXT + 8 * k, cpu.lo[reg], true);
    v.setInt32(MCONTEXT + 8 * k + 4, cpu.hi[reg], true);
  }
  setU64(v, MCONTEXT + 128, cpu.rip);
  setU64(v, MCONTEXT + 136, getRflags(cpu));
  v.setUint16(MCONTEXT + 144, USER_CS, true); // cs, gs, fs, ss
  v.setUint16(MCONTEXT + 150, USER_SS, true);
  setU64(v, MCONTEXT + 152, r.trap.err);
  setU64(v, MCONTEXT + 160, r.trap.trapno);
  setU64(v, MCONTEXT + 168, Number(r.mask & 0xffffffffn) + Number(r.mask >> 32n) * 2 ** 32);
  setU64(v, MCONTEXT + 176, r.trap.cr2);
  setU64(v, MCONTEXT + 184, fpAddr);
  setMask(v, UC_SIGMASK, r.mask);
  if (r.siginfo) image.set(encodeSigInfo(r.info), INFO);
  image.set(saveFpState(cpu), fpAddr - frame);
  mem.write(frame, image);

  cpu.setReg(7, r.signo); // rdi
  cpu.setReg(6, frame + INFO); // rsi
  cpu.setReg(2, frame + UC); // rdx
  cpu.setReg(0, 0);
  cpu.setReg(4, frame);
  cpu.rip = r.handler;
  setRflags(cpu, getRflags(cpu) & ~(0x400 | 0x10000 | 0x100)); // DF, RF, TF cleared
  resetFpu(cpu);
  return frame;
}

/** What rt_sigreturn found in the frame besides the registers it restored. */
export interface FrameContents {
  mask: bigint;
  altSp: number;
  altFlags: number;
  altSize: number;
}

/**
 * Restores registers, rflags and FP state from the frame whose pretcode slot is at `frame`
 * (rsp - 8 at rt_sigreturn). Throws PageFault on a bad frame (the caller forces SIGSEGV).
 */
export function readFrame(cpu: Cpu, mem: Memory, frame: number): FrameContents {
  const image = mem.read(frame, INFO);
  const v = new DataView(image.buffer);
  const fpAddr = getU64(v, MCONTEXT + 184);
  const fp = fpAddr !== 0 ? mem.read(fpAddr, FPSTATE_SIZE) : undefined;
  for (let k = 0; k < 16; k++) {
    const reg = SIGCONTEXT_REGS[k];
    cpu.lo[reg] = v.getInt32(MCONTEXT + 8 * k, true);
    cpu.hi[reg] = v.getInt32(MCONTEXT + 8 * k + 4, true);
  }
  cpu.rip = getU64(v, MCONTEXT + 128);
  const flags = v.getUint32(MCONTEXT + 136, true);
  setRflags(cpu, (getRflags(cpu) & ~FIX_EFLAGS) | (flags & FIX_EFLAGS));
  if (fp) restoreFpState(cpu, fp);
  else resetFpu(cpu);
  return {
    mask: getMask(v, UC_SIGMASK),
    altSp: getU64(v, UC_STACK),
    altFlags: v.getInt32(UC_STACK + 8, true),
    altSize: getU64(v, UC_STACK + 16),
  };
}

/** FXSAVE image of the FPU after FNINIT with MXCSR at its default. */
const INIT_FPSTATE = (() => {
  const image = new Uint8Array(FPSTATE_SIZE);
  const v = new DataView(image.buffer);
  v.setUint16(0, 0x037f, true);
  v.setUint32(24, 0x1f80, true);
  return image;
})();

/** The FPU as a signal handler starts with it (Linux's fpu__clear_user_states). */
export function resetFpu(cpu: Cpu): void {
  restoreFpState(cpu, INIT_FPSTATE);
}

/** Reads a 64-bit signal set from guest memory. */
export function readSigset(mem: Memory, addr: number): bigint {
  return BigInt(mem.read32(addr) >>> 0) | (BigInt(mem.read32(addr + 4) >>> 0) << 32n);
}

/** Writes a 64-bit signal set to guest memory (all or nothing). */
export function writeSigset(mem: Memory, addr: number, set: bigint): void {
  mem.checkWritable(addr, 8);
  mem.write32(addr, Number(set & 0xffffffffn) | 0);
  mem.write32(addr + 4, Number(set >> 32n) | 0);
}

function setU64(v: DataView, at: number, value: number): void {
  v.setUint32(at, value >>> 0, true);
  v.setUint32(at + 4, Math.floor(value / 4294967296) >>> 0, true);
}

function getU64(v: DataView, at: number): number {
  return v.getUint32(at, true) + v.getUint32(at + 4, true) * 4294967296;
}

function setMask(v: DataView, at: number, set: bigint): void {
  v.setUint32(at, Number(set & 0xffffffffn), true);
  v.setUint32(at + 4, Number(set >> 32n), true);
}

function getMask(v: DataView, at: number): bigint {
  return BigInt(v.getUint32(at, true)) | (BigInt(v.getUint32(at + 4, true)) << 32n);
}

/** The trap number, error code and cr2 Linux reports in the sigcontext for a fault. */
export function trapFor(signal: number, code: number, addr: number): TrapState {
  switch (signal) {
    case SIGSEGV:
      if (code === SEGV_MAPERR || code === SEGV_ACCERR) {
        return { trapno: 14, err: 4 | (code === SEGV_ACCERR ? 1 : 0), cr2: addr };
      }
      return { trapno: 13, err: 0, cr2: 0 };
    case SIGBUS:
      return { trapno: 14, err: 4, cr2: addr };
    case SIGFPE:
      return { trapno: code === 1 || code === 2 ? 0 : 19, err: 0, cr2: 0 };
    case SIGILL:
      return { trapno: 6, err: 0, cr2: 0 };
    case SIGTRAP:
      return { trapno: 3, err: 0, cr2: 0 };
    default:
      return { trapno: 0, err: 0, cr2: 0 };
  }
}
