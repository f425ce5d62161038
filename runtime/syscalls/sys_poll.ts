// Waiting for descriptors: poll, ppoll, select, pselect6. Readiness comes from each file's
// poll(); a blocking wait races the files' waitReady promises (stdin's read-ahead), the timeout
// and a signal (blockingWait), then scans again. The timeouts of select, pselect6 and ppoll are
// written back with the time left, as Linux does.
// Gap: the signal mask argument of ppoll/pselect6 is checked but not applied during the wait.

import { EBADF, EINVAL } from "../kernel/errno.ts";
import {
  blockingWait,
  ERESTARTNOHAND,
  O_PATH,
  type OpenFile,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  POLLOUT,
  POLLPRI,
  POLLRDBAND,
  POLLRDNORM,
  POLLWRBAND,
  POLLWRNORM,
} from "../kernel/files.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const POLLIN_SET = POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET = POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET = POLLPRI;

function fileOf(p: Process, fd: number): OpenFile | undefined {
  const f = p.fds.get(fd);
  return f && !(f.flags & O_PATH) ? f : undefined;
}

/**
 * Waits until one of `files` may be ready for its events, `deadline` (performance.now() ms) passes,
 * or a signal interrupts; returns -ERESTARTNOHAND for the latter (EINTR once a handler runs).
 */
async function waitAny(
  p: Process,
  files: [OpenFile, number][],
  deadline: number,
): Promise<number> {
  const waits: Promise<void>[] = [];
  for (const [f, events] of files) {
    const w = f.waitReady(events);
    if (w) waits.push(w);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (deadline !== Infinity) {
    const ms = Math.max(0, deadline - performance.now());
    waits.push(new Promise<void>((resolve) => timer = setTimeout(resolve, ms)));
  }
  try {
    const r = await blockingWait(p, Promise.race(waits), ERESTARTNOHAND);
    return typeof r === "number" ? r : 0;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

/** Reads a timespec (scale 1e9) or timeval (1e6) as a deadline; 0 address: no timeout. */
function readDeadline(p: Process, addr: number, scale: number): number {
  if (addr === 0) return Infinity;
  const sec = p.mem.read64(addr), frac = p.mem.read64(addr + 8);
  if (sec >= 2 ** 63 || frac >= 2 ** 63) return -EINVAL;
  if (scale === 1e9 && frac >= scale) return -EINVAL;
  const ms = sec * 1000 + frac / (scale / 1000);
  return performance.now() + ms;
}

/** Writes the time left until `deadline` back as a timespec or timeval. */
function writeLeft(p: Process, addr: number, deadline: number, scale: number): void {
  if (addr === 0 || deadline === Infinity) return;
  const left = Math.max(0, deadline - performance.now());
  const sec = Math.floor(left / 1000);
  p.mem.write64(addr, sec);
  p.mem.write64(addr + 8, Math.floor((left - sec * 1000) * (scale / 1000)));
}

/** Lets files whose readiness lives elsewhere (supervisor pipes) catch up before polling. */
async function refreshAll(p: Process, fds: number[]): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const fd of fds) {
    const r = fd >= 0 ? fileOf(p, fd)?.refresh() : undefined;
    if (r) pending.push(r);
  }
  if (pending.length) await Promise.all(pending);
}

async function doPoll(p: Process, addr: number, nfds: number, deadline: number, now0: boolean) {
  if (nfds > p.fds.limit) return -EINVAL;
  const raw = p.mem.read(addr, nfds * 8);
  const v = new DataView(raw.buffer);
  for (;;) {
    await refreshAll(p, Array.from({ length: nfds }, (_, k) => v.getInt32(8 * k, true)));
    let count = 0;
    const waiting: [OpenFile, number][] = [];
    for (let k = 0; k < nfds; k++) {
      const fd = v.getInt32(8 * k, true), events = v.getUint16(8 * k + 4, true);
      let revents = 0;
      if (fd >= 0) {
        const f = fileOf(p, fd);
        if (!f) revents = POLLNVAL;
        else {
          revents = f.poll(events) & (events | POLLERR | POLLHUP);
          if (!revents) waiting.push([f, events]);
        }
      }
      v.setUint16(8 * k + 6, revents, true);
      if (revents) count++;
    }
    if (count > 0 || now0 || performance.now() >= deadline) {
      p.mem.write(addr, raw);
      return count;
    }
    const w = await waitAny(p, waiting, deadline);
    if (w < 0) return w;
  }
}

function sysPoll(p: Process, a: Args): Promise<number> {
  const timeout = a.int(2);
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
  return doPoll(p, a.ulong(0), a.uint(1), deadline, timeout === 0);
}

async function sysPpoll(p: Process, a: Args): Promise<number> {
  if (a.ulong(3) !== 0 && a.ulong(4) !== 8) return -EINVAL;
  const tsAddr = a.ulong(2);
  const deadline = readDeadline(p, tsAddr, 1e9);
  if (deadline < 0) return deadline;
  const now0 = tsAddr !== 0 && p.mem.read64(tsAddr) === 0 && p.mem.read64(tsAddr + 8) === 0;
  const r = await doPoll(p, a.ulong(0), a.uint(1), deadline, now0);
  writeLeft(p, tsAddr, deadline, 1e9);
  return r;
}

/** select's three descriptor sets as bit arrays of `nfds` bits (undefined when not given). */
async function doSelect(
  p: Process,
  nfds: number,
  addrs: number[],
  deadline: number,
  now0: boolean,
): Promise<number> {
  if (nfds < 0) return -EINVAL;
  nfds = Math.min(nfds, p.fds.limit);
  const bytes = Math.ceil(nfds / 64) * 8;
  const sets = addrs.map((addr) => addr === 0 ? undefined : p.mem.read(addr, bytes));
  const isSet = (s: Uint8Array | undefined, fd: number) => s && (s[fd >> 3] >> (fd & 7)) & 1;
  const wanted: [number, OpenFile, number][] = [];
  for (let fd = 0; fd < nfds; fd++) {
    const ev = (isSet(sets[0], fd) ? POLLIN_SET : 0) | (isSet(sets[1], fd) ? POLLOUT_SET : 0) |
      (isSet(sets[2], fd) ? POLLEX_SET : 0);
    if (!ev) continue;
    const f = fileOf(p, fd);
    if (!f) return -EBADF;
    wanted.push([fd, f, ev]);
  }
  for (;;) {
    await refreshAll(p, wanted.map(([fd]) => fd));
    const out = sets.map((s) => s && new Uint8Array(s.length));
    let count = 0;
    const waiting: [OpenFile, number][] = [];
    for (const [fd, f, ev] of wanted) {
      const mask = f.poll(ev);
      const hits = [mask & ev & POLLIN_SET, mask & ev & POLLOUT_SET, mask & ev & POLLEX_SET];
      let any = false;
      hits.forEach((hit, k) => {
        if (hit && out[k]) {
          out[k]![fd >> 3] |= 1 << (fd & 7);
          count++;
          any = true;
        }
      });
      if (!any) waiting.push([f, ev & POLLIN_SET ? POLLIN | ev : ev]);
    }
    if (count > 0 || now0 || performance.now() >= deadline) {
      out.forEach((s, k) => s && p.mem.write(addrs[k], s));
      return count;
    }
    const w = await waitAny(p, waiting, deadline);
    if (w < 0) return w;
  }
}

async function sysSelect(p: Process, a: Args): Promise<number> {
  const tvAddr = a.ulong(4);
  let deadline = Infinity, now0 = false;
  if (tvAddr !== 0) {
    const sec = p.mem.read64(tvAddr), usec = p.mem.read64(tvAddr + 8);
    if (sec >= 2 ** 63 || usec >= 2 ** 63) return -EINVAL;
    now0 = sec === 0 && usec === 0;
    deadline = performance.now() + sec * 1000 + usec / 1000;
  }
  const r = await doSelect(p, a.int(0), [a.ulong(1), a.ulong(2), a.ulong(3)], deadline, now0);
  writeLeft(p, tvAddr, deadline, 1e6);
  return r;
}

async function sysPselect6(p: Process, a: Args): Promise<number> {
  const sigAddr = a.ulong(5);
  if (sigAddr !== 0) {
    const mask = p.mem.read64(sigAddr), size = p.mem.read64(sigAddr + 8);
    if (mask !== 0 && size !== 8) return -EINVAL;
  }
  const tsAddr = a.ulong(4);
  const deadline = readDeadline(p, tsAddr, 1e9);
  if (deadline < 0) return deadline;
  const now0 = tsAddr !== 0 && p.mem.read64(tsAddr) === 0 && p.mem.read64(tsAddr + 8) === 0;
  const r = await doSelect(p, a.int(0), [a.ulong(1), a.ulong(2), a.ulong(3)], deadline, now0);
  writeLeft(p, tsAddr, deadline, 1e9);
  return r;
}

export const rows: SyscallDef[] = [
  { name: "poll", handler: sysPoll, args: "p,u,d", blocking: true },
  { name: "ppoll", handler: sysPpoll, args: "p,u,p,p,u", blocking: true },
  { name: "select", handler: sysSelect, args: "d,p,p,p,p", blocking: true },
  { name: "pselect6", handler: sysPselect6, args: "d,p,p,p,p,p", blocking: true },
];
