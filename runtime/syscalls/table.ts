// The syscall table: number -> name, handler, strace argument format, support level.
// Each family file (sys_<family>.ts) exports `rows`; this file merges them and gives every other
// number an explicit ENOSYS row, reported once under --strace. Handlers only decode arguments and
// call helpers; they return a result or a negative errno (runtime/kernel/errno.ts), or `undefined`
// when they set the registers themselves (rt_sigreturn, execve) or never return (exit).

import type { Process } from "../kernel/process.ts";
import { LAST_SYSCALL_NR, SYSCALL_NAMES } from "./numbers.ts";
import { rows as dirRows } from "./sys_dir.ts";
import { rows as exitRows } from "./sys_exit.ts";
import { rows as fdRows } from "./sys_fd.ts";
import { rows as fileRows } from "./sys_file.ts";
import { rows as identRows } from "./sys_ident.ts";
import { rows as ioctlRows } from "./sys_ioctl.ts";
import { rows as lockRows } from "./sys_lock.ts";
import { rows as mmRows } from "./sys_mm.ts";
import { rows as futexRows } from "./sys_futex.ts";
import { rows as pipeRows } from "./sys_pipe.ts";
import { rows as pollRows } from "./sys_poll.ts";
import { rows as procRows } from "./sys_proc.ts";
import { rows as xattrRows } from "./sys_xattr.ts";
import { rows as rwRows } from "./sys_rw.ts";
import { rows as signalRows } from "./sys_signal.ts";
import { rows as statRows } from "./sys_stat.ts";
import { rows as supervisorRows } from "./sys_supervisor.ts";
import { rows as timeRows } from "./sys_time.ts";

/** Register arguments of one syscall, decoded on demand. */
export class Args {
  constructor(private readonly p: Process) {}
  private static readonly REG = [7, 6, 2, 10, 8, 9]; // rdi rsi rdx r10 r8 r9

  /** Argument n as a C int (low 32 bits, signed). */
  int(n: number): number {
    return this.p.cpu.lo[Args.REG[n]];
  }

  /** Argument n as an unsigned int (low 32 bits). */
  uint(n: number): number {
    return this.p.cpu.lo[Args.REG[n]] >>> 0;
  }

  /** Argument n as a signed 64-bit long, as a number (exact below 2^53). */
  long(n: number): number {
    return this.p.cpu.reg(Args.REG[n]);
  }

  /** Argument n as an unsigned 64-bit value (pointers, sizes), as a number (exact below 2^53). */
  ulong(n: number): number {
    return this.p.cpu.regU(Args.REG[n]);
  }

  /** Argument n as an exact 64-bit BigInt (rarely needed). */
  big(n: number): bigint {
    return BigInt.asUintN(64, this.p.cpu.regBig(Args.REG[n]));
  }
}

export type SyscallResult = number | undefined;
export type Handler = (p: Process, a: Args) => SyscallResult | Promise<SyscallResult>;

/**
 * strace argument formats, comma separated, one per argument:
 *   d int, u unsigned, x hex, l long, p pointer, s C string (path), f fd (AT_FDCWD aware),
 *   b<N> buffer whose length is argument N (printed after the call for reads: B<N>),
 *   o open flags, m mode (octal), - omitted.
 */
export interface SyscallDef {
  name: string;
  handler: Handler;
  args?: string;
  /** "full", or "partial" with a note of what is missing. */
  level?: string;
  /** The call may block: strace prints it as Linux does (not relevant to dispatch). */
  blocking?: boolean;
}

export interface SyscallRow extends SyscallDef {
  nr: number;
  implemented: boolean;
}

const families: SyscallDef[][] = [
  exitRows,
  rwRows,
  fileRows,
  statRows,
  dirRows,
  fdRows,
  lockRows,
  ioctlRows,
  pollRows,
  mmRows,
  signalRows,
  timeRows,
  identRows,
  pipeRows,
  futexRows,
  xattrRows,
  supervisorRows,
  procRows, // last: its kill, setpgid... route to other processes and override the local rows
];

export const SYSCALLS: SyscallRow[] = [];
for (let nr = 0; nr <= LAST_SYSCALL_NR; nr++) {
  SYSCALLS[nr] = {
    nr,
    name: SYSCALL_NAMES[nr] ?? `syscall_${nr}`,
    handler: () => -38, // ENOSYS
    implemented: false,
    level: "none",
  };
}
const byName = new Map(Object.entries(SYSCALL_NAMES).map(([n, name]) => [name, Number(n)]));
for (const family of families) {
  for (const def of family) {
    const nr = byName.get(def.name);
    if (nr === undefined) throw new Error(`Unknown syscall name in table: ${def.name}`);
    SYSCALLS[nr] = { ...def, nr, implemented: true, level: def.level ?? "full" };
  }
}
