// --strace lines for signals, as strace prints them:
//   --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---

import type { ExitStatus, Process } from "./process.ts";
import { SIGBUS, SIGCHLD, SIGFPE, SIGILL, signalName, SIGSEGV, SIGTRAP } from "./signal_defs.ts";
import { isFaultSignal, type SigInfo } from "./signal_frame.ts";

// deno-fmt-ignore
const GENERIC_CODES: Record<number, string> = {
  0: "SI_USER", 0x80: "SI_KERNEL", [-1]: "SI_QUEUE", [-2]: "SI_TIMER", [-3]: "SI_MESGQ",
  [-4]: "SI_ASYNCIO", [-5]: "SI_SIGIO", [-6]: "SI_TKILL",
};

// deno-fmt-ignore
const SPECIFIC_CODES: Record<number, string[]> = {
  [SIGSEGV]: ["", "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"],
  [SIGBUS]: ["", "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR", "BUS_MCEERR_AR", "BUS_MCEERR_AO"],
  [SIGILL]: ["", "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC",
    "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK"],
  [SIGFPE]: ["", "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF", "FPE_FLTUND",
    "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB"],
  [SIGTRAP]: ["", "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT"],
  [SIGCHLD]: ["", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED",
    "CLD_CONTINUED"],
};

/** si_code as strace names it. */
export function siCodeName(signo: number, code: number): string {
  if (code > 0 && code < 0x80) return SPECIFIC_CODES[signo]?.[code] ?? String(code);
  return GENERIC_CODES[code] ?? String(code);
}

/** The `{si_signo=..., ...}` part of a signal line. */
export function formatSigInfo(info: SigInfo): string {
  const parts = [
    `si_signo=${signalName(info.signo)}`,
    `si_code=${siCodeName(info.signo, info.code)}`,
  ];
  if (info.errno) parts.push(`si_errno=${info.errno}`);
  if (isFaultSignal(info.signo) && (info.code > 0 || info.code === 0x80)) {
    const a = info.addr ?? 0;
    parts.push(`si_addr=${a === 0 ? "NULL" : "0x" + BigInt.asUintN(64, BigInt(a)).toString(16)}`);
  } else if (info.code === -2) {
    const v = info.value ?? 0;
    parts.push(`si_timerid=${info.timerId ?? 0}`, `si_overrun=${info.overrun ?? 0}`);
    parts.push(`si_int=${v % 4294967296 | 0}`, `si_ptr=0x${v.toString(16)}`);
  } else if (info.code <= 0) {
    parts.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
    if (info.code === -1) {
      const v = info.value ?? 0;
      parts.push(`si_int=${v % 4294967296 | 0}`, `si_ptr=0x${v.toString(16)}`);
    }
  } else if (info.signo === SIGCHLD) {
    parts.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
    parts.push(`si_status=${info.status ?? 0}`, `si_utime=${info.utime ?? 0}`);
    parts.push(`si_stime=${info.stime ?? 0}`);
  }
  return `{${parts.join(", ")}}`;
}

/** Prints `--- SIG... {...} ---` for a signal being delivered. */
export function traceSignal(p: Process, info: SigInfo): void {
  p.strace?.event(`--- ${signalName(info.signo)} ${formatSigInfo(info)} ---`);
}

/** The strace line for how a process ended. */
export function exitTraceLine(status: ExitStatus): string {
  if (status.signal !== undefined) {
    return `+++ killed by ${signalName(status.signal)}${status.core ? " (core dumped)" : ""} +++`;
  }
  return `+++ exited with ${status.code ?? 0} +++`;
}
