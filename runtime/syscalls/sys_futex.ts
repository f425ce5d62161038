// futex for single-threaded processes: libc takes locks through it even without threads (stdio,
// malloc arenas after fork). With one thread nobody else can wake a waiter, so WAIT blocks until
// its timeout or a signal, as Linux would; WAKE wakes nobody; WAKE_OP still performs its
// operation on the second word; the PI calls lock and unlock for the caller.
// Threads (a later issue) will put real wait queues here, on Atomics.wait/notify.

import { EAGAIN, EDEADLK, EINVAL, ENOSYS, EPERM, ETIMEDOUT } from "../kernel/errno.ts";
import { blockingWait } from "../kernel/files.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4;
const FUTEX_WAKE_OP = 5, FUTEX_LOCK_PI = 6, FUTEX_UNLOCK_PI = 7, FUTEX_TRYLOCK_PI = 8;
const FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10, FUTEX_WAIT_REQUEUE_PI = 11;
const FUTEX_CMP_REQUEUE_PI = 12, FUTEX_LOCK_PI2 = 13;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const ERESTARTSYS = 512, ERESTART_RESTARTBLOCK = 516;

function readTimeout(p: Process, addr: number, absolute: boolean, realtime: boolean): number {
  const sec = p.mem.read64(addr), nsec = p.mem.read64(addr + 8);
  if (sec < 0 || nsec < 0 || nsec >= 1e9) return -EINVAL;
  const ms = sec * 1000 + nsec / 1e6;
  if (!absolute) return ms;
  const now = realtime ? Date.now() : performance.now();
  return Math.max(0, ms - now);
}

async function sleepFor(p: Process, ms: number | undefined): Promise<number> {
  if (ms === undefined) {
    const r = await blockingWait(p, new Promise<never>(() => {}), ERESTARTSYS);
    return typeof r === "number" ? r : 0;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  const r = await blockingWait(p, done, ERESTART_RESTARTBLOCK);
  clearTimeout(timer);
  return typeof r === "number" ? r : -ETIMEDOUT;
}

function wakeOp(p: Process, uaddr2: number, encoded: number): void {
  const op = (encoded >>> 28) & 7, shift = (encoded >>> 31) & 1;
  let oparg = (encoded << 8) >> 20; // 12-bit signed
  if (shift) oparg = 1 << (oparg & 31);
  const old = p.mem.read32(uaddr2);
  let v: number;
  switch (op & 7) {
    case 0:
      v = oparg;
      break;
    case 1:
      v = old + oparg;
      break;
    case 2:
      v = old | oparg;
      break;
    case 3:
      v = old & ~oparg;
      break;
    default:
      v = old ^ oparg;
  }
  p.mem.write32(uaddr2, v | 0);
}

async function sysFutex(p: Process, a: Args): Promise<number> {
  const uaddr = a.ulong(0), opFull = a.int(1), val = a.int(2);
  const cmd = opFull & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
  const realtime = (opFull & FUTEX_CLOCK_REALTIME) !== 0;
  if (uaddr % 4 !== 0) return -EINVAL;
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      if (cmd === FUTEX_WAIT_BITSET && a.int(5) === 0) return -EINVAL;
      if (realtime && cmd === FUTEX_WAIT) return -ENOSYS;
      const current = p.mem.read32(uaddr);
      if (current !== val) return -EAGAIN;
      const t = a.ulong(3);
      let ms: number | undefined;
      if (t !== 0) {
        ms = readTimeout(p, t, cmd === FUTEX_WAIT_BITSET, realtime);
        if (ms < 0) return ms;
      }
      return await sleepFor(p, ms);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
      if (cmd === FUTEX_WAKE_BITSET && a.int(5) === 0) return -EINVAL;
      p.mem.read32(uaddr); // EFAULT for a bad address, as Linux
      return 0;
    case FUTEX_REQUEUE:
      return 0;
    case FUTEX_CMP_REQUEUE:
      return p.mem.read32(uaddr) === a.int(5) ? 0 : -EAGAIN;
    case FUTEX_WAKE_OP:
      wakeOp(p, a.ulong(4), a.int(5));
      return 0;
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_TRYLOCK_PI: {
      const owner = p.mem.read32(uaddr) & 0x3fffffff;
      if (owner === 0) {
        p.mem.write32(uaddr, p.tid);
        return 0;
      }
      if (owner === p.tid) return -EDEADLK;
      if (cmd === FUTEX_TRYLOCK_PI) return -EAGAIN;
      return await sleepFor(p, undefined);
    }
    case FUTEX_UNLOCK_PI: {
      const owner = p.mem.read32(uaddr) & 0x3fffffff;
      if (owner !== p.tid) return -EPERM;
      p.mem.write32(uaddr, 0);
      return 0;
    }
    case FUTEX_FD:
    case FUTEX_WAIT_REQUEUE_PI:
    case FUTEX_CMP_REQUEUE_PI:
      return -ENOSYS;
  }
  return -ENOSYS;
}

export const rows: SyscallDef[] = [
  { name: "futex", handler: sysFutex, args: "p,x,d,p,p,d", blocking: true },
];
