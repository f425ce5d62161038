// Where a process's file locks live (fcntl record locks, OFD locks, flock), and the process's side
// of their lifetime. The lock table itself is ipc/file_locks.ts: in a job it is the leader's, so
// locks work between guest processes and a checkpoint captures them; a process running alone
// (runProgram, unit tests) has a table of this host's.
//
// Files are known by host device and inode, so two paths to one file share its locks. Locks of an
// open file description (flock, F_OFD_SETLK) carry the description's job-wide handle, taken from
// the supervisor the first time the description locks; the supervisor drops them when the last
// descriptor of the description closes in every process (fork shares descriptions). A process's
// own POSIX locks on a file go when it closes any descriptor of that file, as on Linux, and when
// it exits.

import {
  type FileLock,
  fileLockCancel,
  fileLockGet,
  fileLockSet,
  FileLockTable,
  LOCK_END,
  LockFamily,
  type LockRequest,
  LockType,
} from "../../ipc/file_locks.ts";
import type { GuestHost } from "../host/guest_host.ts";
import type { OpenFile } from "./files.ts";
import { HostFile } from "./host_file.ts";
import type { Process } from "./process.ts";

/** The lock table a process uses, by file key. */
export interface LockService {
  /** 0, -EAGAIN or -EDEADLK; with `wait`, resolves once granted (0) or cancelled (-EINTR). */
  set(key: string, request: LockRequest, wait: boolean): Promise<number>;
  get(key: string, request: LockRequest): Promise<FileLock | null>;
  /** Ends this owner's wait on `key` (its set() resolves -EINTR unless already granted). */
  cancel(key: string, request: LockRequest): Promise<unknown>;
  /** A new job-wide handle for an open file description. */
  newHandle(): Promise<number>;
  /** This process no longer refers to the description `handle`. */
  dropHandle(handle: number): void;
}

const LOCAL_VMID = 1;
const localTable = new FileLockTable();
let nextLocalHandle = 1;

/** The table of this host, for a process outside a job. */
const localService: LockService = {
  set: async (key, request, wait) => await localTable.set(key, request, LOCAL_VMID, wait),
  get: (key, request) => Promise.resolve(localTable.get(key, request)),
  cancel: (key, request) => Promise.resolve(localTable.cancel(key, request, LOCAL_VMID)),
  newHandle: () => Promise.resolve(nextLocalHandle++),
  dropHandle: (handle) => localTable.clearHandle(handle),
};

/** The leader's table, for a process of a job. */
function jobService(host: GuestHost): LockService {
  return {
    set: (key, request, wait) => fileLockSet(host.worker, key, request, wait),
    get: (key, request) => fileLockGet(host.worker, key, request),
    cancel: (key, request) => fileLockCancel(host.worker, key, request),
    newHandle: async () => await host.ask({ op: "lock_handle" }) as number,
    dropHandle: (handle) => void host.ask({ op: "lock_drop", handle }).catch(() => {}),
  };
}

export function lockService(p: Process): LockService {
  return p.host ? jobService(p.host) : localService;
}

/** The key of `file`'s lock table entry (host device and inode), or undefined for files that are
 * not host files (pipes, terminals, /proc): their locks are granted without a table. */
export function lockKey(p: Process, file: OpenFile): string | undefined {
  if (!(file instanceof HostFile)) return undefined;
  const st = file.stat(p);
  return typeof st === "number" ? undefined : `${st.dev}:${st.ino}`;
}

/** The description's job-wide handle, taken on first use. */
export async function lockHandle(p: Process, file: OpenFile): Promise<number> {
  if (file.lockHandle === 0) file.lockHandle = await lockService(p).newHandle();
  return file.lockHandle;
}

/**
 * A descriptor of `file` was closed (`last`: the process's last one of the description): the
 * process's POSIX locks on the file go, and the description's handle is given back.
 */
export function fileClosed(p: Process, file: OpenFile, last: boolean): void {
  if (p.posixLocks.size > 0) {
    const key = lockKey(p, file);
    if (key !== undefined && p.posixLocks.delete(key)) {
      const all: LockRequest = {
        family: LockFamily.Posix,
        type: LockType.Unlock,
        start: 0,
        end: LOCK_END,
        pid: p.pid,
        handleId: 0,
      };
      lockService(p).set(key, all, false).catch(() => {});
    }
  }
  if (last && file.lockHandle !== 0) lockService(p).dropHandle(file.lockHandle);
}

/** [key, descriptor] for each file the process holds locks on (its own or its descriptions'). */
export function lockedFiles(p: Process): [string, number][] {
  const out: [string, number][] = [];
  const seen = new Set<string>();
  for (const [fd, { file }] of p.fds.entries) {
    if (file.lockHandle === 0 && p.posixLocks.size === 0) continue;
    const key = lockKey(p, file);
    if (key === undefined || seen.has(key)) continue;
    if (file.lockHandle !== 0 || p.posixLocks.has(key)) {
      seen.add(key);
      out.push([key, fd]);
    }
  }
  return out;
}

/**
 * After a restore: the files of `lockFiles` reopened may have another device and inode (another
 * host, a copied tree). The process's own keys are renamed here; the pairs returned [old, new]
 * are for the lock table (the supervisor renames them before the tree is released).
 */
export function renamedLocks(p: Process, lockFiles: [string, number][]): [string, string][] {
  const renames: [string, string][] = [];
  for (const [old, fd] of lockFiles) {
    const file = p.fds.get(fd);
    const key = file && lockKey(p, file);
    if (key === undefined || key === old) continue;
    renames.push([old, key]);
    if (p.posixLocks.delete(old)) p.posixLocks.add(key);
  }
  return renames;
}
