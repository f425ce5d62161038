// Open file descriptions and the descriptor table.
//
// An OpenFile is Linux's "open file description": shared by descriptors made with dup/fork, it
// holds the offset and status flags. Each kind of file (host file, directory, stdio, pipe end,
// /dev and /proc pseudo-files) subclasses it and overrides what it supports; the defaults answer
// as Linux does for a file that does not support the operation. Results are byte counts or
// negative errno values. The FdTable maps numbers to descriptions plus the per-descriptor
// FD_CLOEXEC flag.
//
// Blocking operations (a read of an empty stdin, poll) return promises and wait through
// `blockingWait`, so that a deliverable signal cuts the wait short; what was waited for stays
// buffered in the file, so an abandoned wait loses no data and the syscall can be restarted.

import { EBADF, EINVAL, EMFILE, ENOTDIR, ENOTTY, EPERM, ESPIPE } from "./errno.ts";
import type { Process } from "./process.ts";

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000;
export const O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DSYNC = 0o10000, O_ASYNC = 0o20000;
export const O_DIRECT = 0o40000, O_LARGEFILE = 0o100000, O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000, O_NOATIME = 0o1000000, O_CLOEXEC = 0o2000000;
export const O_SYNC = 0o4010000, O_PATH = 0o10000000, O_TMPFILE = 0o20200000;

/** File type bits of st_mode. */
export const S_IFMT = 0o170000, S_IFSOCK = 0o140000, S_IFLNK = 0o120000, S_IFREG = 0o100000;
export const S_IFBLK = 0o060000, S_IFDIR = 0o040000, S_IFCHR = 0o020000, S_IFIFO = 0o010000;

/** d_type values of getdents64. */
export const DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8;
export const DT_LNK = 10, DT_SOCK = 12;

/** poll(2) event bits. */
export const POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;
export const POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200;
/** What an always-ready file (regular file, /dev/null) reports. */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

/** What fstat reports; times in nanoseconds since the epoch. */
export interface StatInfo {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** Creation time when the host knows it (statx STATX_BTIME). */
  btimeNs?: bigint;
}

/** One directory entry as getdents64 reports it. */
export interface DirEntry {
  name: string;
  ino: number;
  type: number;
}

/** An attribute change through a descriptor or path (chmod, chown, utimensat). */
export interface AttrChange {
  mode?: number;
  /** -1 leaves the owner or group unchanged. */
  uid?: number;
  gid?: number;
  /** Seconds since the epoch (fractional); undefined leaves the time unchanged. */
  atime?: number;
  mtime?: number;
}

/**
 * An open file description as plain data (fork, checkpoints): its kind, status flags and guest
 * path, plus what the kind needs to reopen it (`state`). Restored by the kind's registered
 * restorer (registerFileKind), in the new process.
 */
export interface FileSnapshot {
  kind: string;
  flags: number;
  path: string;
  state: Record<string, string | number | boolean | Uint8Array>;
  /** OpenFile.lockHandle, when not 0. */
  lockHandle?: number;
}

/** The descriptor table as plain data: descriptions once each, descriptors by index into them. */
export interface FdTableSnapshot {
  limit: number;
  files: FileSnapshot[];
  fds: { fd: number; file: number; cloexec: boolean }[];
}

type FileRestorer = (p: Process, s: FileSnapshot) => OpenFile | number;
const restorers = new Map<string, FileRestorer>();

/** Registers how to reopen snapshots of one kind of file (each kind's module calls this). */
export function registerFileKind(kind: string, restore: FileRestorer): void {
  restorers.set(kind, restore);
}

/** d_type for an st_mode. */
export function direntType(mode: number): number {
  return (mode & S_IFMT) >> 12;
}

/** A StatInfo for files that have no host counterpart. */
export function syntheticStat(mode: number, ino: number, extra: Partial<StatInfo> = {}): StatInfo {
  const t = BOOT_TIME_NS;
  return {
    dev: 0,
    ino,
    mode,
    nlink: (mode & S_IFMT) === S_IFDIR ? 2 : 1,
    uid: 0,
    gid: 0,
    rdev: 0,
    size: 0,
    blksize: 4096,
    blocks: 0,
    atimeNs: t,
    mtimeNs: t,
    ctimeNs: t,
    ...extra,
  };
}

/** When this host process started, as the time stamp of synthetic files. */
export const BOOT_TIME_NS = BigInt(Math.floor(Date.now() - performance.now())) * 1000000n;

export abstract class OpenFile {
  /** Status flags (access mode, O_APPEND, O_NONBLOCK...), as F_GETFL reports them. */
  flags: number;
  /** Descriptors referring to this description. */
  refs = 0;
  /** Job-wide handle of this description once it has taken a flock or OFD lock (locks.ts). */
  lockHandle = 0;
  constructor(flags: number) {
    this.flags = flags;
  }
  /** Guest path, for /proc/self/fd and fchdir/openat on directories. */
  abstract readonly path: string;
  /** Directories are bases for *at calls and fchdir, and list with getdents. */
  get isDirectory(): boolean {
    return false;
  }

  read(_p: Process, _buf: Uint8Array): number | Promise<number> {
    return -EBADF;
  }
  /**
   * read() for files whose bytes arrive as arrays of their own (a supervisor pipe): up to `max`
   * bytes, or -errno, with no buffer to fill. Undefined where read() is the way.
   */
  readBytes?(p: Process, max: number): Promise<Uint8Array | number>;
  /** `data` is the caller's own copy, never changed afterwards: a file may keep it (pipes do). */
  write(_p: Process, _data: Uint8Array): number | Promise<number> {
    return -EBADF;
  }
  pread(_p: Process, _buf: Uint8Array, _offset: number): number {
    return -ESPIPE;
  }
  pwrite(_p: Process, _data: Uint8Array, _offset: number): number {
    return -ESPIPE;
  }
  seek(_offset: number, _whence: number): number | Promise<number> {
    return -ESPIPE;
  }
  abstract stat(p: Process): StatInfo | number;
  ioctl(_p: Process, _request: number, _arg: number): number | Promise<number> {
    return -ENOTTY;
  }
  /** Ready events right now (poll/select); the caller masks them with what was asked. */
  poll(_events: number): number {
    return DEFAULT_POLLMASK;
  }
  /** Brings readiness known from elsewhere up to date before poll() (supervisor pipes). */
  refresh(): Promise<void> | undefined {
    return undefined;
  }
  /** Resolves when the file may have become ready (for blocking poll); default: never waits. */
  waitReady(_events: number): Promise<void> | undefined {
    return undefined;
  }
  truncate(_length: number): number {
    return -EINVAL;
  }
  /** fsync/fdatasync: files without one (pipes, terminals, devices) answer EINVAL. */
  sync(): number {
    return -EINVAL;
  }
  /** Directory entries (getdents64), or -ENOTDIR. */
  readdir(_p: Process): DirEntry[] | number {
    return -ENOTDIR;
  }
  /** chmod/chown/utimes through the descriptor. */
  setAttributes(_p: Process, _change: AttrChange): number {
    return -EPERM;
  }
  /** What readlink("/proc/self/fd/N") shows. */
  linkTarget(_p: Process): string {
    return this.path;
  }
  /**
   * A description for opening this file again through /proc/self/fd/N with `flags`. Files that
   * cannot be reopened (pipes, terminals) share this description.
   */
  reopen(_p: Process, _flags: number): OpenFile | number {
    return this;
  }
  /** Bytes readable without blocking (FIONREAD); undefined where the file has no answer. */
  readable(): number | undefined {
    return undefined;
  }
  /**
   * fcntl commands particular to a kind of file (F_GETPIPE_SZ, F_ADD_SEALS...); undefined when
   * the file does not handle `cmd` and the generic answer applies.
   */
  fileControl(_p: Process, _cmd: number, _arg: number): number | Promise<number> | undefined {
    return undefined;
  }
  /** This description as plain data, or undefined when it cannot be saved (then a checkpoint
   * of the process fails, naming the file). */
  snapshot(): FileSnapshot | undefined {
    return undefined;
  }
  /** Called when the last descriptor referring to this description is closed. */
  release(_p: Process): void {}
}

/** The access mode allows reading (O_PATH descriptors allow neither). */
export function canRead(f: OpenFile): boolean {
  const acc = f.flags & O_ACCMODE;
  return (f.flags & O_PATH) === 0 && (acc === O_RDONLY || acc === O_RDWR);
}

/** The access mode allows writing. */
export function canWrite(f: OpenFile): boolean {
  const acc = f.flags & O_ACCMODE;
  return (f.flags & O_PATH) === 0 && (acc === O_WRONLY || acc === O_RDWR);
}

/** Linux's internal restart codes a blocking syscall returns when a signal interrupts it. */
export const ERESTARTSYS = 512, ERESTARTNOHAND = 514;

/** What a process's signal state offers blocking waits (runtime/kernel/signals.ts). */
interface InterruptibleSignals {
  interruptible?(p: Process, work: Promise<unknown>): Promise<unknown>;
}

/**
 * Waits for `work`, or until a signal becomes deliverable: then resolves to -`restart` (an
 * ERESTART* code; the signal code turns it into EINTR or a restart, as Linux does). The work
 * itself is not cancelled: what it produces stays buffered in the file for the next call.
 */
export async function blockingWait<T>(
  p: Process,
  work: Promise<T>,
  restart = ERESTARTSYS,
): Promise<T | number> {
  const signals = p.signals as unknown as InterruptibleSignals;
  if (!signals.interruptible) return await work;
  const r = await signals.interruptible(p, work);
  return typeof r === "symbol" ? -restart : r as T;
}

export interface FdEntry {
  file: OpenFile;
  cloexec: boolean;
}

export class FdTable {
  readonly entries = new Map<number, FdEntry>();
  /** RLIMIT_NOFILE soft limit. */
  limit = 1024;

  get(fd: number): OpenFile | undefined {
    return this.entries.get(fd)?.file;
  }

  entry(fd: number): FdEntry | undefined {
    return this.entries.get(fd);
  }

  /** Installs `file` at the lowest free number >= `min`; returns it or -EMFILE. */
  install(file: OpenFile, cloexec = false, min = 0): number {
    let fd = min;
    while (this.entries.has(fd)) fd++;
    if (fd >= this.limit) return -EMFILE;
    this.entries.set(fd, { file, cloexec });
    file.refs++;
    return fd;
  }

  /** Installs `file` at exactly `fd`, closing what was there (dup2 semantics). */
  installAt(p: Process, fd: number, file: OpenFile, cloexec = false): number {
    if (fd < 0 || fd >= this.limit) return -EBADF;
    file.refs++;
    this.close(p, fd);
    this.entries.set(fd, { file, cloexec });
    return fd;
  }

  close(p: Process, fd: number): number {
    const e = this.entries.get(fd);
    if (!e) return -EBADF;
    this.entries.delete(fd);
    const last = --e.file.refs === 0;
    p.fileClosed(e.file, last);
    if (last) e.file.release(p);
    return 0;
  }

  closeAll(p: Process): void {
    for (const fd of [...this.entries.keys()]) this.close(p, fd);
  }

  closeOnExec(p: Process): void {
    for (const [fd, e] of [...this.entries]) if (e.cloexec) this.close(p, fd);
  }

  /** Open descriptor numbers in ascending order. */
  numbers(): number[] {
    return [...this.entries.keys()].sort((a, b) => a - b);
  }

  /** The table as plain data; descriptors sharing a description share its snapshot. */
  snapshot(): FdTableSnapshot {
    const index = new Map<OpenFile, number>();
    const files: FileSnapshot[] = [];
    const fds: FdTableSnapshot["fds"] = [];
    for (const fd of this.numbers()) {
      const e = this.entries.get(fd)!;
      let k = index.get(e.file);
      if (k === undefined) {
        const s = e.file.snapshot();
        if (!s) {
          throw new TypeError(
            `Descriptor ${fd} (${e.file.constructor.name} ${e.file.path}) cannot be saved`,
          );
        }
        k = files.push(e.file.lockHandle ? { ...s, lockHandle: e.file.lockHandle } : s) - 1;
        index.set(e.file, k);
      }
      fds.push({ fd, file: k, cloexec: e.cloexec });
    }
    return { limit: this.limit, files, fds };
  }

  /** Replaces the table's contents with a snapshot's, reopening each description once. */
  restore(p: Process, s: FdTableSnapshot): void {
    const files = s.files.map((f) => {
      const restore = restorers.get(f.kind);
      if (!restore) throw new TypeError(`Descriptor snapshot of unknown kind '${f.kind}'`);
      const file = restore(p, f);
      if (typeof file === "number") {
        throw new Error(`Cannot reopen ${f.kind} file ${f.path}: errno ${-file}`);
      }
      file.lockHandle = f.lockHandle ?? 0;
      return file;
    });
    this.closeAll(p);
    this.limit = s.limit;
    for (const { fd, file, cloexec } of s.fds) {
      this.entries.set(fd, { file: files[file], cloexec });
      files[file].refs++;
    }
  }
}
