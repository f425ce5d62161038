// File locks: fcntl's record locks (F_GETLK, F_SETLK, F_SETLKW and the open-file-description
// forms F_OFD_*) and flock(2). The locks live in a lock table shared by the job (kernel/locks.ts),
// so they hold between guest processes and a checkpoint keeps them. Files that are not host files
// (pipes, terminals, /proc) have no table entry: their locks are checked and granted.
//
// A blocking request (F_SETLKW, flock without LOCK_NB) waits in the table; a signal ends the wait
// (the request is cancelled there) with ERESTARTSYS, so SA_RESTART restarts it as Linux does,
// unless the lock was granted first, which then stands.

import { EBADF, EINVAL } from "../kernel/errno.ts";
import {
  blockingWait,
  canRead,
  canWrite,
  ERESTARTSYS,
  O_PATH,
  type OpenFile,
} from "../kernel/files.ts";
import { SEEK_CUR, SEEK_END, SEEK_SET } from "../kernel/host_file.ts";
import { lockHandle, lockKey, lockService } from "../kernel/locks.ts";
import type { Process } from "../kernel/process.ts";
import { LOCK_END, LockFamily, type LockRequest, LockType } from "../../ipc/file_locks.ts";
import type { Args, SyscallDef } from "./table.ts";

export const F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
export const F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38;
export const F_RDLCK = 0, F_WRLCK = 1, F_UNLCK = 2;
const EOVERFLOW = 75;
/** struct flock: l_type, l_whence (shorts), l_start, l_len (off_t), l_pid. */
const FLOCK_SIZE = 32;
const OFF_MAX = 2n ** 63n - 1n;

/** The byte range [start, end] a struct flock names, or -errno. */
async function lockRange(
  p: Process,
  f: OpenFile,
  whence: number,
  start: bigint,
  len: bigint,
): Promise<{ start: number; end: number } | number> {
  let base = 0n;
  if (whence === SEEK_CUR) base = BigInt(await f.seek(0, SEEK_CUR));
  else if (whence === SEEK_END) {
    const st = f.stat(p);
    if (typeof st === "number") return st;
    base = BigInt(st.size);
  } else if (whence !== SEEK_SET) return -EINVAL;
  if (base < 0n) return Number(base); // the seek failed: -errno
  let first = base + start, last: bigint;
  if (len > 0n) last = first + len - 1n;
  else if (len === 0n) last = OFF_MAX;
  else {
    last = first - 1n;
    first += len;
  }
  if (first < 0n) return -EINVAL;
  if (last > OFF_MAX) return -EOVERFLOW;
  const end = last >= BigInt(LOCK_END) ? LOCK_END : Number(last);
  return { start: Math.min(Number(first), LOCK_END), end };
}

/** Waits for a blocking request; a signal cancels it (ERESTARTSYS) unless it was granted. */
async function waitForLock(p: Process, key: string, request: LockRequest): Promise<number> {
  const service = lockService(p);
  const granted = service.set(key, request, true);
  const r = await blockingWait(p, granted);
  if (r !== -ERESTARTSYS) return r;
  await service.cancel(key, request);
  const late = await granted;
  return late === 0 ? 0 : -ERESTARTSYS;
}

/** fcntl F_GETLK/F_SETLK/F_SETLKW and the F_OFD_ forms on `f`, with the struct flock at addr. */
export async function recordLock(
  p: Process,
  f: OpenFile,
  cmd: number,
  addr: number,
): Promise<number> {
  const raw = p.mem.read(addr, FLOCK_SIZE);
  const v = new DataView(raw.buffer);
  const type = v.getInt16(0, true), whence = v.getInt16(2, true);
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  if (ofd && v.getInt32(24, true) !== 0) return -EINVAL;
  const get = cmd === F_GETLK || cmd === F_OFD_GETLK;
  if (type !== F_RDLCK && type !== F_WRLCK && (get || type !== F_UNLCK)) return -EINVAL;
  if (!get && type === F_RDLCK && !canRead(f)) return -EBADF;
  if (!get && type === F_WRLCK && !canWrite(f)) return -EBADF;
  const range = await lockRange(p, f, whence, v.getBigInt64(8, true), v.getBigInt64(16, true));
  if (typeof range === "number") return range;
  const key = lockKey(p, f);
  if (key === undefined) {
    // Not a host file: nothing else can hold a lock on it.
    if (get) {
      v.setInt16(0, F_UNLCK, true);
      p.mem.write(addr, raw);
    }
    return 0;
  }
  const request: LockRequest = {
    family: LockFamily.Posix,
    type: type === F_RDLCK ? LockType.Read : type === F_WRLCK ? LockType.Write : LockType.Unlock,
    ...range,
    pid: p.pid,
    handleId: ofd ? await lockHandle(p, f) : 0,
  };
  if (get) {
    const held = await lockService(p).get(key, request);
    if (held === null) v.setInt16(0, F_UNLCK, true);
    else {
      v.setInt16(0, held.type === LockType.Read ? F_RDLCK : F_WRLCK, true);
      v.setInt16(2, SEEK_SET, true);
      v.setBigInt64(8, BigInt(held.start), true);
      v.setBigInt64(16, held.end === LOCK_END ? 0n : BigInt(held.end - held.start + 1), true);
      v.setInt32(24, held.handleId === 0 ? held.pid : -1, true); // an OFD lock has no pid
    }
    p.mem.write(addr, raw);
    return 0;
  }
  const wait = cmd === F_SETLKW || cmd === F_OFD_SETLKW;
  const r = wait && request.type !== LockType.Unlock
    ? await waitForLock(p, key, request)
    : await lockService(p).set(key, request, false);
  if (r === 0 && !ofd && request.type !== LockType.Unlock) p.posixLocks.add(key);
  return r;
}

const LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8;

async function sysFlock(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || f.flags & O_PATH) return -EBADF;
  const op = a.int(1) & ~LOCK_NB;
  if (op !== LOCK_SH && op !== LOCK_EX && op !== LOCK_UN) return -EINVAL;
  const key = lockKey(p, f);
  if (key === undefined) return 0; // not a host file: nothing else can hold a lock on it
  if (op === LOCK_UN && f.lockHandle === 0) return 0; // the description never locked
  const request: LockRequest = {
    family: LockFamily.Flock,
    type: op === LOCK_SH ? LockType.Read : op === LOCK_EX ? LockType.Write : LockType.Unlock,
    start: 0,
    end: LOCK_END,
    pid: p.pid,
    handleId: await lockHandle(p, f),
  };
  if (request.type === LockType.Unlock || a.int(1) & LOCK_NB) {
    return await lockService(p).set(key, request, false);
  }
  return await waitForLock(p, key, request);
}

export const rows: SyscallDef[] = [
  { name: "flock", handler: sysFlock, args: "d,d" },
];
