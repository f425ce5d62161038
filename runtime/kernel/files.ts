// Open file descriptions and the descriptor table.
//
// An OpenFile is Linux's "open file description": shared by descriptors made with dup/fork, it
// holds the offset and status flags. Each kind of file (host file, directory, stdio, pipe end,
// /dev and /proc pseudo-files) subclasses it and overrides what it supports; the defaults answer
// as Linux does for a file that does not support the operation. Results are byte counts or
// negative errno values. The FdTable maps numbers to descriptions plus the per-descriptor
// FD_CLOEXEC flag.

import { EBADF, EINVAL, EMFILE, ENOTDIR, ENOTTY, ESPIPE } from "./errno.ts";
import type { Process } from "./process.ts";

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000;
export const O_APPEND = 0o2000, O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000, O_PATH = 0o10000000;

/** poll(2) event bits. */
export const POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32;

/** What fstat reports; times in nanoseconds since the epoch (as numbers: ms precision kept). */
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
}

export abstract class OpenFile {
  /** Status flags (access mode, O_APPEND, O_NONBLOCK...). */
  flags: number;
  /** Descriptors referring to this description. */
  refs = 0;
  constructor(flags: number) {
    this.flags = flags;
  }
  /** Guest path, for /proc/self/fd and fchdir/openat on directories. */
  abstract readonly path: string;

  read(_p: Process, _buf: Uint8Array): number | Promise<number> {
    return -EBADF;
  }
  write(_p: Process, _data: Uint8Array): number | Promise<number> {
    return -EBADF;
  }
  pread(_p: Process, _buf: Uint8Array, _offset: number): number {
    return -ESPIPE;
  }
  pwrite(_p: Process, _data: Uint8Array, _offset: number): number {
    return -ESPIPE;
  }
  seek(_offset: number, _whence: number): number {
    return -ESPIPE;
  }
  abstract stat(p: Process): StatInfo | number;
  ioctl(_p: Process, _request: number, _arg: number): number | Promise<number> {
    return -ENOTTY;
  }
  /** Ready events among `events` right now (poll/select). */
  poll(_events: number): number {
    return POLLIN | POLLOUT;
  }
  /** Resolves when the file may have become ready (for blocking poll); default: never waits. */
  waitReady(_events: number): Promise<void> | undefined {
    return undefined;
  }
  truncate(_length: number): number {
    return -EINVAL;
  }
  sync(): number {
    return 0;
  }
  /** Directory entries (getdents64), or -ENOTDIR. */
  readdir(_p: Process): { name: string; ino: number; type: number }[] | number {
    return -ENOTDIR;
  }
  /** Called when the last descriptor referring to this description is closed. */
  release(_p: Process): void {}
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
    if (--e.file.refs === 0) e.file.release(p);
    return 0;
  }

  closeAll(p: Process): void {
    for (const fd of [...this.entries.keys()]) this.close(p, fd);
  }

  closeOnExec(p: Process): void {
    for (const [fd, e] of [...this.entries]) if (e.cloexec) this.close(p, fd);
  }
}
