// Time syscalls: clock_gettime, clock_getres, clock_nanosleep, nanosleep, gettimeofday, time,
// times, getrusage, sched_yield, POSIX timers (timer_create, timer_settime, timer_gettime,
// timer_getoverrun, timer_delete), and clock_settime/settimeofday refused with EPERM. There is
// no vDSO, so libc makes these real syscalls: they stay cheap (no allocation on the clock path).
// The clocks themselves are runtime/kernel/clocks.ts; timers live in the process's SignalState.

import { EAGAIN, EFAULT, EINVAL, EOPNOTSUPP, EPERM } from "../kernel/errno.ts";
import type { Process } from "../kernel/process.ts";
import {
  CLOCK_BOOTTIME_ALARM,
  CLOCK_MONOTONIC_COARSE,
  CLOCK_MONOTONIC_RAW,
  CLOCK_PROCESS_CPUTIME_ID,
  CLOCK_REALTIME_ALARM,
  CLOCK_REALTIME_COARSE,
  CLOCK_THREAD_CPUTIME_ID,
  clockNow,
  cpuTimes,
  monotonicMs,
} from "../kernel/clocks.ts";
import { SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID } from "../kernel/posix_timers.ts";
import { ERESTART_RESTARTBLOCK, NSIG, SIGALRM } from "../kernel/signal_defs.ts";
import type { Args, SyscallDef } from "./table.ts";

const TIMER_ABSTIME = 1;
const USER_HZ = 100;
const COARSE_NS = 4_000_000;

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
  return Math.floor(monotonicMs() * USER_HZ / 1000);
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

// ---- POSIX timers ---------------------------------------------------------------------------

/** Clocks timer_create accepts (CPU clocks and the wall clocks with hrtimers). */
function timerClockError(clock: number): number {
  if (clockNow(clock) === undefined) {
    return clock === CLOCK_REALTIME_ALARM || clock === CLOCK_BOOTTIME_ALARM ? -EOPNOTSUPP : -EINVAL;
  }
  if (
    clock === CLOCK_MONOTONIC_RAW || clock === CLOCK_REALTIME_COARSE ||
    clock === CLOCK_MONOTONIC_COARSE
  ) {
    return -EOPNOTSUPP;
  }
  return 0;
}

function sysTimerCreate(p: Process, a: Args): number {
  const clock = a.int(0), sevp = a.ulong(1), out = a.ulong(2);
  let notify = SIGEV_SIGNAL, signo = SIGALRM, value: number | undefined, tid = 0;
  if (sevp !== 0) {
    value = p.mem.read64(sevp);
    signo = p.mem.read32(sevp + 8);
    notify = p.mem.read32(sevp + 12);
    tid = p.mem.read32(sevp + 16);
  }
  const e = timerClockError(clock);
  if (e < 0) return e;
  const timers = p.signals.posixTimers;
  const id = timers.allocateId();
  if (id < 0) return -EAGAIN;
  // The sigevent is checked after the id is taken, as Linux does.
  if (notify === SIGEV_THREAD_ID && tid !== p.tid) return -EINVAL;
  const known = notify === SIGEV_NONE || notify === SIGEV_SIGNAL || notify === SIGEV_THREAD ||
    notify === SIGEV_THREAD_ID;
  if (!known || (notify !== SIGEV_NONE && (signo <= 0 || signo > NSIG))) return -EINVAL;
  p.mem.write32(out, id);
  timers.create(id, clock, notify, signo, value);
  return 0;
}

/** Reads a struct itimerspec as [interval, value] ms, or undefined when invalid. */
function readItimerspec(p: Process, addr: number): [number, number] | undefined {
  const interval = readTimespec(p, addr), value = readTimespec(p, addr + 16);
  return interval === undefined || value === undefined ? undefined : [interval, value];
}

function writeItimerspec(p: Process, addr: number, v: { value: number; interval: number }) {
  p.mem.checkWritable(addr, 32);
  writeTimespec(p, addr, v.interval);
  writeTimespec(p, addr + 16, v.value);
}

function sysTimerSettime(p: Process, a: Args): number {
  const timers = p.signals.posixTimers;
  const t = timers.get(a.int(0));
  if (!t) return -EINVAL;
  const spec = readItimerspec(p, a.ulong(2));
  if (spec === undefined) return -EINVAL;
  const old = a.ulong(3);
  if (old !== 0) writeItimerspec(p, old, timers.remaining(t));
  timers.set(t, spec[1], spec[0], (a.int(1) & TIMER_ABSTIME) !== 0);
  return 0;
}

function sysTimerGettime(p: Process, a: Args): number {
  const timers = p.signals.posixTimers;
  const t = timers.get(a.int(0));
  if (!t) return -EINVAL;
  writeItimerspec(p, a.ulong(1), timers.remaining(t));
  return 0;
}

function sysTimerGetoverrun(p: Process, a: Args): number {
  const t = p.signals.posixTimers.get(a.int(0));
  return t ? t.lastOverrun : -EINVAL;
}

function sysTimerDelete(p: Process, a: Args): number {
  return p.signals.posixTimers.delete(a.int(0)) ? 0 : -EINVAL;
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
  { name: "timer_create", handler: sysTimerCreate, args: "d,p,p" },
  { name: "timer_settime", handler: sysTimerSettime, args: "d,x,p,p" },
  { name: "timer_gettime", handler: sysTimerGettime, args: "d,p" },
  { name: "timer_getoverrun", handler: sysTimerGetoverrun, args: "d" },
  { name: "timer_delete", handler: sysTimerDelete, args: "d" },
  { name: "clock_settime", handler: refuse, args: "d,p", level: "partial: EPERM" },
  { name: "settimeofday", handler: refuse, args: "p,p", level: "partial: EPERM" },
];
