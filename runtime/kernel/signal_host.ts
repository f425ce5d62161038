// Signals from outside the guest: the supervisor process receiving SIGINT, SIGTERM, SIGHUP...
// from the terminal or kill(1) passes them on to the guest as the same signal.

import type { Process } from "./process.ts";
import { SI_USER } from "./signal_defs.ts";

const FORWARDED: [Deno.Signal, number][] = [
  ["SIGINT", 2],
  ["SIGTERM", 15],
  ["SIGHUP", 1],
  ["SIGQUIT", 3],
  ["SIGUSR1", 10],
  ["SIGUSR2", 12],
  ["SIGWINCH", 28],
  ["SIGCONT", 18],
];

/**
 * Forwards signals the supervisor receives from outside (terminal, kill) to the guest as the same
 * signal (si_code SI_USER, si_pid 0: the sender is outside the guest's pid namespace). Returns a
 * function that removes the listeners; call it when the process has ended.
 */
export function forwardHostSignals(p: Process): () => void {
  const removers: (() => void)[] = [];
  for (const [name, signo] of FORWARDED) {
    const listener = () => p.signals.post(p, { signo, errno: 0, code: SI_USER, pid: 0, uid: 0 });
    try {
      Deno.addSignalListener(name, listener);
      removers.push(() => Deno.removeSignalListener(name, listener));
    } catch { /* this host cannot listen for it */ }
  }
  return () => {
    for (const r of removers) r();
  };
}
