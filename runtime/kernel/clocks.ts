// The clocks guests read (clock_gettime and the timers built on them), in milliseconds as floats.
// REALTIME is performance.timeOrigin + performance.now() (sub-microsecond), MONOTONIC and BOOTTIME
// are host uptime (sampled once, then advanced by performance.now()), CPU-time clocks are the host
// process's CPU usage since this module loaded (the interpreter's time stands in for the guest's),
// read with getrusage() through ipc/libc.ts; without FFI, node:process's figures once it has loaded
// (it is loaded only then: it costs every host ~20 ms of start-up) and wall time until it has.
// The *_ALARM clocks need an RTC wake-up device; as on a machine without one, they do not exist.

import { libc, RUSAGE_SELF, RUSAGE_SIZE, RUSAGE_THREAD } from "../../ipc/libc.ts";

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
/** TAI - UTC, in seconds (as Linux reports it when the offset is set by NTP). */
const TAI_OFFSET_MS = 37_000;

/** CPU time in ms, user and system. */
export interface CpuUsage {
  user: number;
  system: number;
}

interface NodeProcess {
  cpuUsage(): { user: number; system: number };
  threadCpuUsage?(): { user: number; system: number };
}
let nodeProcess: NodeProcess | undefined;
const usageBuffer = new Uint8Array(RUSAGE_SIZE);
const usageView = new DataView(usageBuffer.buffer);

/**
 * CPU time of this host process (RUSAGE_SELF) or of the thread running the guest (RUSAGE_THREAD:
 * the interpreter's, without V8's compiler and GC threads), since the process started.
 */
export function hostCpuUsage(who: typeof RUSAGE_SELF | typeof RUSAGE_THREAD): CpuUsage {
  const c = libc();
  if (c !== null && c.getrusage(who, usageBuffer) === 0) {
    const ms = (at: number) =>
      Number(usageView.getBigInt64(at, true)) * 1000 +
      Number(usageView.getBigInt64(at + 8, true)) / 1000;
    return { user: ms(0), system: ms(16) };
  }
  const p = nodeProcess;
  const u = p === undefined
    ? { user: performance.now() * 1000, system: 0 }
    : who === RUSAGE_THREAD && p.threadCpuUsage
    ? p.threadCpuUsage()
    : p.cpuUsage();
  return { user: u.user / 1000, system: u.system / 1000 };
}

if (libc() === null) {
  import("node:process").then((m) => nodeProcess = m.default, () => {});
}
/** Usage at load (its fallbacks count from the host's start, so they keep a zero base). */
const cpuBase = libc() !== null ? hostCpuUsage(RUSAGE_SELF) : { user: 0, system: 0 };
let bootOffsetMs = 0;
try {
  bootOffsetMs = Deno.osUptime() * 1000 - performance.now();
} catch { /* no uptime: monotonic time starts with the supervisor */ }

/** CPU time (ms) of this process since start: user and system. */
export function cpuTimes(): CpuUsage {
  const u = hostCpuUsage(RUSAGE_SELF);
  return { user: u.user - cpuBase.user, system: u.system - cpuBase.system };
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
