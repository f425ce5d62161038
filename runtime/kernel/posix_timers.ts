// POSIX per-process timers (timer_create, timer_settime, timer_gettime, timer_getoverrun,
// timer_delete) with SIGEV_SIGNAL, SIGEV_NONE and SIGEV_THREAD_ID (this thread) notification.
// As in Linux, an expiry whose signal is still queued only counts an overrun; the count is handed
// to the siginfo when the signal is dequeued. Deadlines are checked where the interval timers
// are (SignalState.safepoint and its host timer while the guest blocks). Times are ms floats on
// the timer's clock.

import { SI_TIMER } from "./signal_defs.ts";
import type { SigInfo } from "./signal_frame.ts";

export const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;
const DELAYTIMER_MAX = 0x7fffffff;
const MAX_TIMERS = 65536;

export interface PosixTimer {
  id: number;
  clock: number;
  notify: number;
  signo: number;
  /** sigev_value, as a number. */
  value: number;
  /** Deadline on the timer's clock (Infinity when disarmed) and reload interval. */
  deadline: number;
  interval: number;
  overrun: number;
  lastOverrun: number;
  /** Its signal is queued and not yet delivered. */
  queued: boolean;
}

export interface PosixTimersSnapshot {
  nextId: number;
  timers: (Omit<PosixTimer, "deadline"> & { left: number })[];
}

export class PosixTimers {
  private readonly timers = new Map<number, PosixTimer>();
  private nextId = 0;
  /** True while any timer is armed. */
  armed = false;

  constructor(private readonly now: (clock: number) => number) {}

  /**
   * Takes the next timer id (Linux hands them out from a per-process counter, and a failed
   * timer_create has used one up); -1 when the process has too many timers.
   */
  allocateId(): number {
    if (this.timers.size >= MAX_TIMERS) return -1;
    while (this.timers.has(this.nextId)) this.nextId = (this.nextId + 1) % 0x80000000;
    const id = this.nextId;
    this.nextId = (this.nextId + 1) % 0x80000000;
    return id;
  }

  /** Creates timer `id` (from allocateId). */
  create(id: number, clock: number, notify: number, signo: number, value: number | undefined) {
    this.timers.set(id, {
      id,
      clock,
      notify,
      signo,
      value: value ?? id,
      deadline: Infinity,
      interval: 0,
      overrun: 0,
      lastOverrun: 0,
      queued: false,
    });
  }

  get(id: number): PosixTimer | undefined {
    return this.timers.get(id);
  }

  delete(id: number): boolean {
    const ok = this.timers.delete(id);
    this.recalc();
    return ok;
  }

  /** Time left and interval of a timer (value 0 when disarmed). */
  remaining(t: PosixTimer): { value: number; interval: number } {
    if (t.deadline === Infinity) return { value: 0, interval: t.interval };
    return { value: Math.max(t.deadline - this.now(t.clock), 0.000001), interval: t.interval };
  }

  /** Arms a timer (`value` ms from now, or the absolute time `value`), or disarms it (0). */
  set(t: PosixTimer, value: number, interval: number, absolute: boolean): void {
    if (value === 0) {
      t.deadline = Infinity;
      t.interval = 0;
    } else {
      t.deadline = absolute ? value : this.now(t.clock) + value;
      t.interval = interval;
    }
    t.overrun = 0;
    this.recalc();
  }

  /** Expired timers' signals to queue (SIGEV_NONE timers just reload or disarm). */
  expired(): SigInfo[] {
    let out: SigInfo[] | undefined;
    for (const t of this.timers.values()) {
      if (t.deadline === Infinity) continue;
      const now = this.now(t.clock);
      if (now < t.deadline) continue;
      let periods = 1;
      if (t.interval > 0) {
        periods = Math.floor((now - t.deadline) / t.interval) + 1;
        t.deadline += t.interval * periods;
      } else {
        t.deadline = Infinity;
      }
      if (t.notify === SIGEV_NONE) continue;
      if (t.queued) {
        t.overrun = Math.min(DELAYTIMER_MAX, t.overrun + periods);
        continue;
      }
      t.overrun = Math.min(DELAYTIMER_MAX, t.overrun + periods - 1);
      t.queued = true;
      (out ??= []).push({
        signo: t.signo,
        errno: 0,
        code: SI_TIMER,
        timerId: t.id,
        value: t.value,
      });
    }
    this.recalc();
    return out ?? [];
  }

  /** A timer's signal is being delivered (or dropped): hand over the overrun count. */
  dequeued(info: SigInfo): void {
    const t = info.timerId === undefined ? undefined : this.timers.get(info.timerId);
    if (!t) return;
    t.queued = false;
    t.lastOverrun = t.overrun;
    info.overrun = t.overrun;
    t.overrun = 0;
  }

  /** ms until the earliest wall-clock deadline, given the clocks' current readings. */
  delay(isWallClock: (clock: number) => boolean): number {
    let best = Infinity;
    for (const t of this.timers.values()) {
      if (t.deadline === Infinity || !isWallClock(t.clock)) continue;
      best = Math.min(best, Math.max(0, t.deadline - this.now(t.clock)));
    }
    return best;
  }

  clear(): void {
    this.timers.clear();
    this.nextId = 0;
    this.armed = false;
  }

  private recalc(): void {
    this.armed = false;
    for (const t of this.timers.values()) if (t.deadline !== Infinity) this.armed = true;
  }

  snapshot(): PosixTimersSnapshot {
    const timers = [...this.timers.values()].map((t) => {
      const { deadline: _, ...rest } = t;
      return { ...rest, left: this.remaining(t).value };
    });
    return { nextId: this.nextId, timers };
  }

  restore(s: PosixTimersSnapshot): void {
    this.timers.clear();
    this.nextId = s.nextId;
    for (const { left, ...t } of s.timers) {
      this.timers.set(t.id, { ...t, deadline: left > 0 ? this.now(t.clock) + left : Infinity });
    }
    this.recalc();
  }
}
