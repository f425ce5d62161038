// Interval timers of one process (setitimer/getitimer/alarm): ITIMER_REAL counts wall-clock time
// and raises SIGALRM, ITIMER_VIRTUAL and ITIMER_PROF count the user and user+system CPU time of the
// host thread that runs the guest (the interpreter's, a stand-in for the guest's; not V8's compiler
// and GC threads, whose bursts would raise signals the guest never earned) and raise SIGVTALRM and
// SIGPROF (clocks.ts hostCpuUsage).
// Deadlines are checked at safepoints (SignalState.safepoint) and, while the guest blocks, by a
// host timer SignalState arms; times are milliseconds as floats.

import { SIGALRM, SIGPROF, SIGVTALRM } from "./signal_defs.ts";
import { hostCpuUsage } from "./clocks.ts";
import { RUSAGE_THREAD } from "../../ipc/libc.ts";

export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const SIGNALS = [SIGALRM, SIGVTALRM, SIGPROF];

/** CPU time of the guest's thread in ms: user (virtual) or user+system (prof). */
export function cpuTimeMs(which: number): number {
  const u = hostCpuUsage(RUSAGE_THREAD);
  return which === ITIMER_VIRTUAL ? u.user : u.user + u.system;
}

/** Current time on the clock timer `which` counts. */
function clock(which: number): number {
  return which === ITIMER_REAL ? performance.now() : cpuTimeMs(which);
}

/** A timer's setting: time left and reload interval, in ms (0 = disarmed / one-shot). */
export interface TimerValue {
  value: number;
  interval: number;
}

export type TimersSnapshot = TimerValue[];

export class IntervalTimers {
  /** Deadline on the timer's clock (Infinity when disarmed) and reload interval, per timer. */
  private readonly deadline = [Infinity, Infinity, Infinity];
  private readonly interval = [0, 0, 0];
  /** True while any timer is armed (the safepoint's cheap test). */
  armed = false;

  /** Arms (value > 0) or disarms timer `which`; returns its previous setting. */
  set(which: number, setting: TimerValue): TimerValue {
    const old = this.get(which);
    this.deadline[which] = setting.value > 0 ? clock(which) + setting.value : Infinity;
    this.interval[which] = setting.value > 0 ? setting.interval : 0;
    this.armed = this.deadline.some((d) => d !== Infinity);
    return old;
  }

  /** Time left (at least a microsecond while armed) and interval of timer `which`. */
  get(which: number): TimerValue {
    const d = this.deadline[which];
    if (d === Infinity) return { value: 0, interval: this.interval[which] };
    return { value: Math.max(d - clock(which), 0.001), interval: this.interval[which] };
  }

  /** ms until the ITIMER_REAL deadline (Infinity when disarmed): for host-side waits. */
  realDelay(): number {
    const d = this.deadline[ITIMER_REAL];
    return d === Infinity ? Infinity : Math.max(0, d - performance.now());
  }

  /** Signals of the timers that expired by now; periodic ones are reloaded, others disarmed. */
  expired(): number[] {
    let out: number[] | undefined;
    for (let which = 0; which < 3; which++) {
      const d = this.deadline[which];
      if (d === Infinity) continue;
      const now = clock(which);
      if (now < d) continue;
      (out ??= []).push(SIGNALS[which]);
      const iv = this.interval[which];
      // A periodic timer skips the periods it missed (one signal, as the overrun is not queued).
      this.deadline[which] = iv > 0 ? d + iv * Math.max(1, Math.ceil((now - d) / iv)) : Infinity;
    }
    if (out) this.armed = this.deadline.some((d) => d !== Infinity);
    return out ?? [];
  }

  snapshot(): TimersSnapshot {
    return [0, 1, 2].map((w) => this.get(w));
  }

  restore(s: TimersSnapshot): void {
    for (let w = 0; w < 3; w++) this.set(w, s[w] ?? { value: 0, interval: 0 });
  }
}
