// A decoded instruction: every field an operand handler needs, filled once by decode.ts and then
// only read. One class with all fields initialized keeps the shape monomorphic for V8.

import type { Cpu } from "./state.ts";

/** Executes one decoded instruction. */
export type Exec = (cpu: Cpu, i: Insn) => void;

export const SEG_NONE = 0, SEG_FS = 1, SEG_GS = 2;
export const REP_NONE = 0, REP_E = 1, REP_NE = 2; // F3, F2

export class Insn {
  exec: Exec = invalidOpcode;
  /** Address of this instruction and of the next one. */
  addr = 0;
  next = 0;
  /** Opcode: one-byte 0x00-0xff, 0x0f xx as 0x1xx, 0x0f 0x38 xx as 0x2xx, 0x0f 0x3a xx as 0x3xx. */
  opcode = 0;
  /** Operand size in bytes (1, 2, 4, 8). */
  size = 4;
  /** Address size in bytes (8, or 4 with 0x67). */
  asize = 8;
  /** ModRM byte or -1; its reg field with REX.R (0-15). */
  modrm = -1;
  reg = 0;
  /** Register operand of ModRM when mod == 3 (with REX.B), else -1 (memory operand). */
  rm = -1;
  /** Byte-register codes of reg and rm: 0-15 low bytes, 16-19 AH CH DH BH. */
  reg8 = 0;
  rm8 = 0;
  /** Memory operand: base and index registers (-1 none), scale (1,2,4,8), displacement. */
  base = -1;
  index = -1;
  scale = 1;
  /** Displacement; for rip-relative operands the absolute target (rip folded in). */
  disp = 0;
  seg = SEG_NONE;
  /** Immediate: low 32 bits as int32 and high 32 bits (sign extension, or imm64's upper half). */
  imm = 0;
  immHi = 0;
  /** Absolute target of a relative branch. */
  target = 0;
  /** Second immediate (ENTER's level). */
  imm2 = 0;
  rep = REP_NONE;
  lock = false;
  /** Mandatory-prefix class for SSE rows: 0 none, 1 0x66, 2 0xF3, 3 0xF2. */
  pfx = 0;
  rex = 0;
  /** True for instructions after which the decoded block ends (branches, syscall, traps). */
  endsBlock = false;
  /** Mnemonic for --strace, SIGILL reports and tests. */
  name = "";
}

/** Placeholder handler: an opcode this core does not implement raises SIGILL (ILL_ILLOPN). */
export function invalidOpcode(_cpu: Cpu, _i: Insn): void {
  throw new CpuException(SIGILL, ILL_ILLOPN);
}

export const SIGILL = 4, SIGTRAP = 5, SIGFPE = 8, SIGSEGV = 11, SIGBUS = 7;
export const ILL_ILLOPN = 2, FPE_INTDIV = 1, FPE_INTOVF = 2, SI_KERNEL = 0x80;
export const FPE_FLTDIV = 3, FPE_FLTOVF = 4, FPE_FLTUND = 5, FPE_FLTRES = 6, FPE_FLTINV = 7;

/**
 * A CPU exception raised by a handler: the run loop stops at the faulting instruction (rip not
 * advanced) and the kernel delivers `signal` with `code`; `address` is si_addr (the instruction's
 * address when undefined). Memory faults use runtime/memory's PageFault instead.
 */
export class CpuException extends Error {
  constructor(
    readonly signal: number,
    readonly code: number,
    readonly address?: number,
  ) {
    super(`CPU exception (signal ${signal}, code ${code})`);
  }
}

/** #DE: divide by zero or quotient overflow. */
export function divideError(): CpuException {
  return new CpuException(SIGFPE, FPE_INTDIV);
}

/** #GP in user mode (privileged instruction, misaligned SSE operand): SIGSEGV with si_addr 0. */
export function generalProtection(): CpuException {
  return new CpuException(SIGSEGV, SI_KERNEL, 0);
}
