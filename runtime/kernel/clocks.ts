// The clocks guests read (clock_gettime and the timers built on them), in milliseconds as floats.
// REALTIME is performance.timeOrigin + performance.now() (sub-microsecond), MONOTONIC and BOOTTIME
// are host uptime (sampled once, then advanced by performance.now()), CPU-time clocks are the host
// process's CPU usage since this module loaded (the interpreter's time stands in for the guest's).
// The *_ALARM clocks need an RTC wake-up device; as on a machine without one, they do not exist.

import process from "node:process";

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
/** TAI - UTC, in seconds (as Linux reports it when the offset is set by NTP). */
const TAI_OFFSET_MS = 37_000;

const cpuBase = process.cpuUsage();
let bootOffsetMs = 0;
try {
  bootOffsetMs = Deno.osUptime() * 1000 - performance.now();
} catch { /* no uptime: monotonic time starts with the supervisor */ }

/** CPU time (ms) of this process since start: user and system. */
export function cpuTimes(): { user: number; system: number } {
  const u = process.cpuUsage(cpuBase);
  return { user: u.user / 1000, system: u.system / 1000 };
}

/** Milliseconds since boot (CLOCK_MONOTONIC). */
export function monotonicMs(): number {
  return bootOffsetMs + performance.now();
}

/** Now on `clock` in ms, or undefined for a clock that does not exist. */
export function clockNow(clock: number): number | undefined {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      return performance.timeOrigin + performance.now();
    case CLOCK_TAI:
      return performance.timeOrigin + performance.now() + TAI_OFFSET_MS;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      return bootOffsetMs + performance.now();
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID: {
      const t = cpuTimes();
      return t.user + t.system;
    }
  }
  if (clock < 0) {
    // clock_getcpuclockid encodings: ~pid << 3 | type (0 prof, 1 virt, 2 sched) | 4 per thread.
    const pid = ~(clock >> 3), type = clock & 3;
    if (pid !== 0 || type === 3) return undefined;
    const t = cpuTimes();
    return type === 1 ? t.user : t.user + t.system;
  }
  return undefined;
}

/** Clocks that advance in wall time (a host timer can wait for their deadlines). */
export function isWallClock(clock: number): boolean {
  return clock >= 0 && clock !== CLOCK_PROCESS_CPUTIME_ID && clock !== CLOCK_THREAD_CPUTIME_ID;
}
