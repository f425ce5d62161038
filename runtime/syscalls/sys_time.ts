// Time syscalls: clock_gettime, clock_getres, clock_nanosleep, nanosleep, gettimeofday, time,
// times, getrusage, sched_yield (and clock_settime/settimeofday refused with EPERM). There is no
// vDSO, so libc makes these real syscalls: they stay cheap (no allocation on the clock path).
//
// Clocks: REALTIME from performance.timeOrigin + performance.now() (sub-microsecond), MONOTONIC
// and BOOTTIME as host uptime (sampled once, then advanced by performance.now()), CPU-time clocks
// from the host process's CPU usage since this module loaded (the interpreter's time stands in
// for the guest's).

import process from "node:process";
import { EFAULT, EINVAL, EOPNOTSUPP, EPERM } from "../kernel/errno.ts";
import type { Process } from "../kernel/process.ts";
import { ERESTART_RESTARTBLOCK } from "../kernel/signal_defs.ts";
import type { Args, SyscallDef } from "./table.ts";

export const CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3, CLOCK_MONOTONIC_RAW = 4, CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6, CLOCK_BOOTTIME = 7, CLOCK_REALTIME_ALARM = 8;
export const CLOCK_BOOTTIME_ALARM = 9, CLOCK_TAI = 11;
const TIMER_ABSTIME = 1;
const USER_HZ = 100;
const COARSE_NS = 4_000_000;
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

/** Now on `clock` in ms, or undefined for an unknown clock. */
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
  // The *_ALARM clocks need an RTC wake-up device; like a machine without one: EINVAL.
  if (clock < 0) {
    // clock_getcpuclockid encodings: ~pid << 3 | type (0 prof, 1 virt, 2 sched) | 4 per thread.
    const pid = ~(clock >> 3), type = clock & 3;
    if (pid !== 0 || type === 3) return undefined;
    const t = cpuTimes();
    return type === 1 ? t.user : t.user + t.system;
  }
  return undefined;
}

function isCpuClock(clock: number): boolean {
  return clock === CLOCK_PROCESS_CPUTIME_ID || clock === CLOCK_THREAD_CPUTIME_ID || clock < 0;
}

/** Writes a struct timespec for `ms` milliseconds. */
function writeTimespec(p: Process, addr: number, ms: number): void {
  const sec = Math.floor(ms / 1000);
  const nsec = Math.min(999_999_999, Math.floor((ms - sec * 1000) * 1e6));
  p.mem.checkWritable(addr, 16);
  p.mem.write64(addr, sec);
  p.mem.write64(addr + 8, nsec);
}

/** Reads a struct timespec as ms, or undefined when it is invalid (EINVAL). */
function readTimespec(p: Process, addr: number): number | undefined {
  const secLo = p.mem.read32(addr) >>> 0, secHi = p.mem.read32(addr + 4);
  const nsec = p.mem.read64(addr + 8);
  if (secHi < 0 || nsec < 0 || nsec >= 1e9) return undefined;
  return (secHi * 4294967296 + secLo) * 1000 + nsec / 1e6;
}

function writeTimeval(p: Process, addr: number, ms: number): void {
  const sec = Math.floor(ms / 1000);
  p.mem.checkWritable(addr, 16);
  p.mem.write64(addr, sec);
  p.mem.write64(addr + 8, Math.min(999_999, Math.floor((ms - sec * 1000) * 1000)));
}

function sysClockGettime(p: Process, a: Args): number {
  const clock = a.int(0);
  let now = clockNow(clock);
  if (now === undefined) return -EINVAL;
  if (clock === CLOCK_REALTIME_COARSE || clock === CLOCK_MONOTONIC_COARSE) {
    now = Math.floor(now / 4) * 4;
  }
  writeTimespec(p, a.ulong(1), now);
  return 0;
}

function sysClockGetres(p: Process, a: Args): number {
  const clock = a.int(0);
  if (clockNow(clock) === undefined) return -EINVAL;
  const res = a.ulong(1);
  if (res === 0) return 0;
  const coarse = clock === CLOCK_REALTIME_COARSE || clock === CLOCK_MONOTONIC_COARSE;
  p.mem.checkWritable(res, 16);
  p.mem.write64(res, 0);
  p.mem.write64(res + 8, coarse ? COARSE_NS : 1);
  return 0;
}

function sysGettimeofday(p: Process, a: Args): number {
  const tv = a.ulong(0), tz = a.ulong(1);
  if (tv !== 0) writeTimeval(p, tv, performance.timeOrigin + performance.now());
  if (tz !== 0) {
    p.mem.checkWritable(tz, 8);
    p.mem.write32(tz, 0);
    p.mem.write32(tz + 4, 0);
  }
  return 0;
}

function sysTime(p: Process, a: Args): number {
  const t = Math.floor((performance.timeOrigin + performance.now()) / 1000);
  const at = a.ulong(0);
  if (at !== 0) p.mem.write64(at, t);
  return t;
}

/** Sleeps `ms`; on a signal writes the time left to `rem` (if given) and asks for a restart. */
async function sleepFor(p: Process, ms: number, rem: number): Promise<number> {
  const end = performance.now() + ms;
  if (await p.signals.sleep(p, ms)) return 0;
  if (rem !== 0) {
    try {
      writeTimespec(p, rem, Math.max(0, end - performance.now()));
    } catch {
      return -EFAULT;
    }
  }
  return -ERESTART_RESTARTBLOCK;
}

async function sysNanosleep(p: Process, a: Args): Promise<number> {
  const ms = readTimespec(p, a.ulong(0));
  if (ms === undefined) return -EINVAL;
  return await sleepFor(p, ms, a.ulong(1));
}

/** Clocks without a sleep operation: clock_nanosleep answers EOPNOTSUPP. */
const NO_NSLEEP = new Set([
  CLOCK_THREAD_CPUTIME_ID,
  CLOCK_MONOTONIC_RAW,
  CLOCK_REALTIME_COARSE,
  CLOCK_MONOTONIC_COARSE,
  CLOCK_REALTIME_ALARM,
  CLOCK_BOOTTIME_ALARM,
]);

async function sysClockNanosleep(p: Process, a: Args): Promise<number> {
  const clock = a.int(0), flags = a.int(1);
  if (NO_NSLEEP.has(clock)) return -EOPNOTSUPP;
  if (clock < 0 && (clock & 4) !== 0) return -EINVAL; // per-thread CPU clocks cannot sleep
  const now = clockNow(clock);
  if (now === undefined) return -EINVAL;
  const t = readTimespec(p, a.ulong(2));
  if (t === undefined) return -EINVAL;
  const absolute = (flags & TIMER_ABSTIME) !== 0;
  let ms = absolute ? t - now : t;
  // CPU clocks run at most as fast as wall time; sleeping until the wall-clock equivalent is
  // the approximation (the guest is not running while it sleeps).
  if (isCpuClock(clock) && absolute) ms = Math.max(0, ms);
  if (ms <= 0) return 0;
  return await sleepFor(p, ms, absolute ? 0 : a.ulong(3));
}

function sysTimes(p: Process, a: Args): number {
  const buf = a.ulong(0);
  if (buf !== 0) {
    const t = cpuTimes();
    p.mem.checkWritable(buf, 32);
    p.mem.write64(buf, Math.floor(t.user * USER_HZ / 1000));
    p.mem.write64(buf + 8, Math.floor(t.system * USER_HZ / 1000));
    p.mem.write64(buf + 16, 0);
    p.mem.write64(buf + 24, 0);
  }
  return Math.floor((bootOffsetMs + performance.now()) * USER_HZ / 1000);
}

const RUSAGE_SELF = 0, RUSAGE_CHILDREN = -1, RUSAGE_THREAD = 1;

function sysGetrusage(p: Process, a: Args): number {
  const who = a.int(0), addr = a.ulong(1);
  if (who !== RUSAGE_SELF && who !== RUSAGE_CHILDREN && who !== RUSAGE_THREAD) return -EINVAL;
  const out = new Uint8Array(144);
  const v = new DataView(out.buffer);
  if (who !== RUSAGE_CHILDREN) {
    const t = cpuTimes();
    const put = (at: number, ms: number) => {
      const us = Math.floor(ms * 1000);
      v.setUint32(at, Math.floor(us / 1e6), true);
      v.setUint32(at + 8, us % 1e6, true);
    };
    put(0, t.user);
    put(16, t.system);
    v.setUint32(32, Math.ceil(p.mem.residentBytes / 1024), true); // ru_maxrss (KiB)
    v.setUint32(64, p.mem.pages.size, true); // ru_minflt: first touches
  }
  p.mem.write(addr, out);
  return 0;
}

function sysSchedYield(): number {
  return 0;
}

function refuse(): number {
  return -EPERM;
}

export const rows: SyscallDef[] = [
  { name: "clock_gettime", handler: sysClockGettime, args: "d,p" },
  { name: "clock_getres", handler: sysClockGetres, args: "d,p" },
  { name: "clock_nanosleep", handler: sysClockNanosleep, args: "d,x,p,p", blocking: true },
  { name: "nanosleep", handler: sysNanosleep, args: "p,p", blocking: true },
  { name: "gettimeofday", handler: sysGettimeofday, args: "p,p" },
  { name: "time", handler: sysTime, args: "p" },
  { name: "times", handler: sysTimes, args: "p" },
  { name: "getrusage", handler: sysGetrusage, args: "d,p" },
  { name: "sched_yield", handler: sysSchedYield, args: "" },
  { name: "clock_settime", handler: refuse, args: "d,p", level: "partial: EPERM" },
  { name: "settimeofday", handler: refuse, args: "p,p", level: "partial: EPERM" },
];
