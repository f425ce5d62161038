// Signal state of a process and delivery at safepoints.
// MINIMAL VERSION: faults kill the process with the fault's signal. To be replaced by the full
// implementation (dispositions, masks, pending queues, rt_sigframe, sigaltstack, timers).

import type { Process } from "./process.ts";

export class SignalState {
  /** A synchronous CPU fault (SIGSEGV, SIGILL, SIGFPE, SIGTRAP, SIGBUS) at the current rip. */
  fault(p: Process, signal: number, _code: number, _addr: number): void {
    p.exit({ signal, core: true });
  }

  /** Called at every safepoint: fire due timers, deliver pending unblocked signals. */
  safepoint(_p: Process): void {}
}
