// FILE_LOCK_SET / FILE_LOCK_GET / FILE_LOCK_CLEAR_PID: POSIX record locks (fcntl F_SETLK,
// F_SETLKW, F_GETLK) and flock locks, held in the leader for every process (Gramine's
// libos_ipc_fs_lock.c and libos_fs_lock.c).
//
// Owns: the leader's lock table. Invariants:
// - POSIX locks cover byte ranges [start, end] (end LOCK_END: to end of file) and belong to a
//   pid (handleId 0: fcntl F_SETLK) or to an open file description (handleId: F_OFD_SETLK); the
//   two kinds conflict with each other; one owner's locks on a file never overlap, and touching
//   locks of one type are merged, so a new lock or unlock splits and merges exactly as fcntl does;
// - flock locks belong to an open file description (handleId) and cover the whole file; changing
//   a flock's type drops the old lock first, as Linux does;
// - the two families never conflict with each other;
// - a blocked request waits in a FIFO queue; after every change the queue is scanned from the
//   front, so waiters are granted in arrival order; a POSIX wait that would close a cycle of
//   waiting owners fails with -EDEADLK instead;
// - when a process dies (clearVmid) or exits (clearPid), its locks go and its waits end (-EINTR);
//   locks of an open file description go when its last descriptor anywhere closes (clearHandle).
// Waits are not in the snapshot: a blocked F_SETLKW is restarted by its process after restore.
import { Code, Errno } from "./codes.ts";
import { PID_MAX } from "./id_ranges.ts";
import { expectBoolean, expectInt, expectRecord, expectString } from "./payload.ts";
import { requireLeader } from "./vmid.ts";
import type { IpcWorker } from "./worker.ts";

export enum LockFamily {
  Posix = 0,
  Flock = 1,
}

/** Linux's F_RDLCK, F_WRLCK, F_UNLCK. */
export enum LockType {
  Read = 0,
  Write = 1,
  Unlock = 2,
}

/** `end` of a lock that runs to the end of the file (fcntl l_len = 0). */
export const LOCK_END = Number.MAX_SAFE_INTEGER;

/** What a process asks for; `start`/`end` are ignored (whole file) for flock. */
export interface LockRequest {
  family: LockFamily;
  type: LockType;
  start: number;
  end: number;
  pid: number;
  handleId: number;
}

/** A held lock. */
export interface FileLock extends LockRequest {
  type: LockType.Read | LockType.Write;
  /** The process holding it, for release on death. */
  vmid: number;
}

export interface FileLockSnapshot {
  files: { path: string; locks: FileLock[] }[];
}

interface Waiter {
  path: string;
  request: LockRequest;
  vmid: number;
  resolve(result: number): void;
}

/** Same owner: the description for flock and OFD locks, the process for other POSIX locks. */
const sameOwner = (a: LockRequest, b: LockRequest) =>
  a.handleId === b.handleId &&
  (a.family === LockFamily.Flock || a.handleId !== 0 || a.pid === b.pid);

const overlaps = (a: LockRequest, b: LockRequest) => a.start <= b.end && b.start <= a.end;

function conflict(held: FileLock, request: LockRequest): boolean {
  return held.family === request.family && !sameOwner(held, request) && overlaps(held, request) &&
    (held.type === LockType.Write || request.type === LockType.Write);
}

/** The leader's lock table; plain data plus the queue of waiting requests. */
export class FileLockTable {
  #files = new Map<string, FileLock[]>();
  #waiters: Waiter[] = [];

  /** F_SETLK / F_SETLKW / flock: 0, -EAGAIN, -EDEADLK, or a promise of 0 / -EINTR when waiting. */
  set(path: string, request: LockRequest, vmid: number, wait: boolean): number | Promise<number> {
    request = normalize(request);
    if (request.type === LockType.Unlock) {
      this.#apply(path, request, vmid);
      this.#wake(path);
      return 0;
    }
    if (request.family === LockFamily.Flock) {
      const own = this.#locks(path).find((lock) =>
        lock.family === LockFamily.Flock && lock.handleId === request.handleId
      );
      if (own?.type === request.type) return 0;
      if (own !== undefined) {
        this.#apply(path, { ...request, type: LockType.Unlock }, vmid);
        this.#wake(path);
      }
    }
    const blockers = this.#conflicts(path, request);
    if (blockers.length === 0) {
      this.#apply(path, request, vmid);
      this.#wake(path);
      return 0;
    }
    if (!wait) return -Errno.EAGAIN;
    const processOwned = request.family === LockFamily.Posix && request.handleId === 0;
    if (processOwned && this.#wouldDeadlock(request.pid, blockers)) {
      return -Errno.EDEADLK;
    }
    return new Promise((resolve) => this.#waiters.push({ path, request, vmid, resolve }));
  }

  /** F_GETLK: the first lock that would block `request`, or null. */
  get(path: string, request: LockRequest): FileLock | null {
    const found = this.#conflicts(path, normalize(request))[0];
    return found === undefined ? null : { ...found };
  }

  /** Ends the waits of `request`'s owner on `path` (a signal interrupted them): they get -EINTR. */
  cancel(path: string, request: LockRequest, vmid: number): number {
    return this.#endWaits((waiter) =>
      waiter.path === path && waiter.vmid === vmid &&
      waiter.request.family === request.family && sameOwner(waiter.request, request)
    );
  }

  /**
   * Process `pid` exited: its waits end and its own POSIX locks go (flock and OFD locks belong to
   * descriptions, which other processes may still hold: see clearHandle).
   */
  clearPid(pid: number): void {
    this.#endWaits((waiter) => waiter.request.pid === pid);
    this.#clear((owner) =>
      owner.pid === pid && owner.family === LockFamily.Posix && owner.handleId === 0
    );
  }

  /** The last descriptor of description `handleId` closed: its flock and OFD locks go. */
  clearHandle(handleId: number): void {
    if (handleId !== 0) this.#clear((owner) => owner.handleId === handleId);
  }

  /** Drops every lock and wait taken through process `vmid` (its host process is gone). */
  clearVmid(vmid: number): void {
    this.#clear((_owner, ownerVmid) => ownerVmid === vmid);
  }

  /** Copies of the locks held on `path`, sorted by family, owner and start. */
  locksOf(path: string): FileLock[] {
    return this.#locks(path).map((lock) => ({ ...lock }));
  }

  /** Number of requests waiting on `path`. */
  waitingOn(path: string): number {
    return this.#waiters.filter((waiter) => waiter.path === path).length;
  }

  /** The file known as `from` is now `to` (restored elsewhere); a no-op once renamed. */
  rename(from: string, to: string): void {
    const locks = this.#files.get(from);
    if (locks === undefined || from === to) return;
    this.#files.delete(from);
    this.#files.set(to, [...this.#locks(to), ...locks]);
    for (const waiter of this.#waiters) if (waiter.path === from) waiter.path = to;
  }

  snapshot(): FileLockSnapshot {
    return {
      files: [...this.#files].map(([path, locks]) => ({
        path,
        locks: locks.map((lock) => ({ ...lock })),
      })),
    };
  }

  restore(snapshot: FileLockSnapshot): void {
    this.#endWaits(() => true);
    this.#files = new Map(
      snapshot.files.map(({ path, locks }) => [path, locks.map((lock) => ({ ...lock }))]),
    );
  }

  #locks(path: string): FileLock[] {
    return this.#files.get(path) ?? [];
  }

  #conflicts(path: string, request: LockRequest): FileLock[] {
    return this.#locks(path).filter((held) => conflict(held, request));
  }

  /** Sets or clears `request`'s range for its owner: fcntl's split-and-merge, or flock's swap. */
  #apply(path: string, request: LockRequest, vmid: number): void {
    const mine = (lock: FileLock) => lock.family === request.family && sameOwner(lock, request);
    const others = this.#locks(path).filter((lock) => !mine(lock));
    let own = this.#locks(path).filter(mine);
    let { start, end } = request;
    if (request.type !== LockType.Unlock) {
      // Absorb same-type locks that overlap or touch, until the range stops growing.
      for (let grown = true; grown;) {
        grown = false;
        for (const lock of own) {
          if (lock.type === request.type && lock.start <= end + 1 && start <= lock.end + 1) {
            if (lock.start < start || lock.end > end) grown = true;
            start = Math.min(start, lock.start);
            end = Math.max(end, lock.end);
          }
        }
      }
    }
    own = own.flatMap((lock) => {
      if (lock.end < start || lock.start > end) return [lock];
      const parts: FileLock[] = [];
      if (lock.start < start) parts.push({ ...lock, end: start - 1 });
      if (lock.end > end) parts.push({ ...lock, start: end + 1 });
      return parts;
    });
    if (request.type !== LockType.Unlock) {
      own.push({ ...request, type: request.type, start, end, vmid });
    }
    const locks = [...others, ...own].sort((a, b) =>
      a.family - b.family || a.pid - b.pid || a.handleId - b.handleId || a.start - b.start
    );
    if (locks.length > 0) this.#files.set(path, locks);
    else this.#files.delete(path);
  }

  /** Grants waiters that no longer conflict, always rescanning from the oldest. */
  #wake(path: string): void {
    for (let granted = true; granted;) {
      granted = false;
      for (const waiter of this.#waiters) {
        if (waiter.path !== path || this.#conflicts(path, waiter.request).length > 0) continue;
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        this.#apply(path, waiter.request, waiter.vmid);
        waiter.resolve(0);
        granted = true;
        break;
      }
    }
  }

  /** True if `pid` waiting on `blockers` would wait, through other waiters, on itself. */
  #wouldDeadlock(pid: number, blockers: FileLock[]): boolean {
    const seen = new Set<number>();
    const processOwned = (lock: FileLock) => lock.handleId === 0;
    const owners = blockers.filter(processOwned).map((lock) => lock.pid);
    while (owners.length > 0) {
      const owner = owners.pop()!;
      if (owner === pid) return true;
      if (seen.has(owner)) continue;
      seen.add(owner);
      for (const waiter of this.#waiters) {
        const { family, pid, handleId } = waiter.request;
        if (family !== LockFamily.Posix || handleId !== 0 || pid !== owner) continue;
        for (const lock of this.#conflicts(waiter.path, waiter.request)) {
          if (processOwned(lock)) owners.push(lock.pid);
        }
      }
    }
    return false;
  }

  #endWaits(match: (waiter: Waiter) => boolean): number {
    const ended = this.#waiters.filter(match);
    this.#waiters = this.#waiters.filter((waiter) => !match(waiter));
    for (const waiter of ended) waiter.resolve(-Errno.EINTR);
    return ended.length;
  }

  #clear(match: (owner: LockRequest, vmid: number) => boolean): void {
    this.#endWaits((waiter) => match(waiter.request, waiter.vmid));
    for (const [path, locks] of [...this.#files]) {
      const kept = locks.filter((lock) => !match(lock, lock.vmid));
      if (kept.length === locks.length) continue;
      if (kept.length > 0) this.#files.set(path, kept);
      else this.#files.delete(path);
      this.#wake(path);
    }
  }
}

function normalize(request: LockRequest): LockRequest {
  if (request.start > request.end) {
    throw new RangeError(`Lock range ${request.start}..${request.end} is empty`);
  }
  return request.family === LockFamily.Flock ? { ...request, start: 0, end: LOCK_END } : request;
}

function parseRequest(payload: unknown, what: string): { path: string; request: LockRequest } {
  const message = expectRecord(payload, what);
  return {
    path: expectString(message.path, `${what} path`),
    request: normalize({
      family: expectInt(message.family, `${what} family`, LockFamily.Posix, LockFamily.Flock),
      type: expectInt(message.type, `${what} type`, LockType.Read, LockType.Unlock),
      start: expectInt(message.start, `${what} start`, 0, LOCK_END),
      end: expectInt(message.end, `${what} end`, 0, LOCK_END),
      pid: expectInt(message.pid, `${what} pid`, 1, PID_MAX),
      handleId: expectInt(message.handleId, `${what} handleId`, 0, Number.MAX_SAFE_INTEGER),
    }),
  };
}

// --- requests -----------------------------------------------------------------------------------

/** Sets a lock; with `wait`, resolves when granted (0), or -EDEADLK / -EINTR. */
export async function fileLockSet(
  worker: IpcWorker,
  path: string,
  request: LockRequest,
  wait: boolean,
): Promise<number> {
  if (worker.leader) return await worker.leader.locks.set(path, request, worker.vmid, wait);
  const result = await worker.request(worker.leaderVmid, Code.FILE_LOCK_SET, {
    path,
    ...request,
    wait,
    cancel: false,
  });
  return expectInt(result, "FILE_LOCK_SET reply", -4095, 0);
}

/** Ends this owner's waits on `path` (their fileLockSet resolves -EINTR); returns how many. */
export async function fileLockCancel(
  worker: IpcWorker,
  path: string,
  request: LockRequest,
): Promise<number> {
  if (worker.leader) return worker.leader.locks.cancel(path, request, worker.vmid);
  const result = await worker.request(worker.leaderVmid, Code.FILE_LOCK_SET, {
    path,
    ...request,
    wait: false,
    cancel: true,
  });
  return expectInt(result, "FILE_LOCK_SET cancel reply");
}

/** F_GETLK: the lock that would block `request`, or null. */
export async function fileLockGet(
  worker: IpcWorker,
  path: string,
  request: LockRequest,
): Promise<FileLock | null> {
  if (worker.leader) return worker.leader.locks.get(path, request);
  const reply = await worker.request(worker.leaderVmid, Code.FILE_LOCK_GET, { path, ...request });
  return reply === null
    ? null
    : (expectRecord(reply, "FILE_LOCK_GET reply") as unknown as FileLock);
}

/** Drops every lock of `pid` (it exited). */
export async function fileLockClearPid(worker: IpcWorker, pid: number): Promise<void> {
  if (worker.leader) return worker.leader.locks.clearPid(pid);
  await worker.request(worker.leaderVmid, Code.FILE_LOCK_CLEAR_PID, { pid });
}

// --- handlers (leader) --------------------------------------------------------------------------

export function handleFileLockSet(worker: IpcWorker, payload: unknown, source: number) {
  const locks = requireLeader(worker, Code.FILE_LOCK_SET).locks;
  const { path, request } = parseRequest(payload, "FILE_LOCK_SET");
  const message = payload as Record<string, unknown>;
  if (expectBoolean(message.cancel ?? false, "FILE_LOCK_SET cancel")) {
    return locks.cancel(path, request, source);
  }
  return locks.set(path, request, source, expectBoolean(message.wait, "FILE_LOCK_SET wait"));
}

export function handleFileLockGet(worker: IpcWorker, payload: unknown): FileLock | null {
  const locks = requireLeader(worker, Code.FILE_LOCK_GET).locks;
  const { path, request } = parseRequest(payload, "FILE_LOCK_GET");
  return locks.get(path, request);
}

export function handleFileLockClearPid(worker: IpcWorker, payload: unknown): null {
  const locks = requireLeader(worker, Code.FILE_LOCK_CLEAR_PID).locks;
  const message = expectRecord(payload, "FILE_LOCK_CLEAR_PID");
  locks.clearPid(expectInt(message.pid, "FILE_LOCK_CLEAR_PID pid", 1, PID_MAX));
  return null;
}
