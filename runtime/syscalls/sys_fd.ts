// Descriptor operations: dup, dup2, dup3, fcntl (its lock commands are sys_lock.ts).

import { EBADF, EINVAL } from "../kernel/errno.ts";
import {
  O_APPEND,
  O_ASYNC,
  O_CLOEXEC,
  O_DIRECT,
  O_NOATIME,
  O_NONBLOCK,
  O_PATH,
} from "../kernel/files.ts";
import type { Process } from "../kernel/process.ts";
import {
  F_GETLK,
  F_OFD_GETLK,
  F_OFD_SETLK,
  F_OFD_SETLKW,
  F_SETLK,
  F_SETLKW,
  F_UNLCK,
  recordLock,
} from "./sys_lock.ts";
import type { Args, SyscallDef } from "./table.ts";

function sysDup(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  return f ? p.fds.install(f) : -EBADF;
}

function sysDup2(p: Process, a: Args): number {
  const oldfd = a.int(0), newfd = a.int(1);
  const f = p.fds.get(oldfd);
  if (!f) return -EBADF;
  if (oldfd === newfd) return newfd;
  return p.fds.installAt(p, newfd, f);
}

function sysDup3(p: Process, a: Args): number {
  const oldfd = a.int(0), newfd = a.int(1), flags = a.int(2);
  if (flags & ~O_CLOEXEC) return -EINVAL;
  if (oldfd === newfd) return -EINVAL;
  const f = p.fds.get(oldfd);
  if (!f) return -EBADF;
  return p.fds.installAt(p, newfd, f, (flags & O_CLOEXEC) !== 0);
}

export const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4;
export const F_SETOWN = 8, F_GETOWN = 9, F_SETSIG = 10;
export const F_GETSIG = 11, F_SETOWN_EX = 15, F_GETOWN_EX = 16;
export const F_SETLEASE = 1024, F_GETLEASE = 1025;
export const F_NOTIFY = 1026, F_DUPFD_CLOEXEC = 1030, F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
export const F_ADD_SEALS = 1033, F_GET_SEALS = 1034;
const FD_CLOEXEC = 1;
const SETFL_MASK = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

function sysFcntl(p: Process, a: Args): number | Promise<number> {
  const fd = a.int(0), cmd = a.int(1);
  const entry = p.fds.entry(fd);
  if (!entry) return -EBADF;
  const f = entry.file;
  const pathOnly = (f.flags & O_PATH) !== 0;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      const min = a.ulong(2);
      if (min >= p.fds.limit) return -EINVAL;
      return p.fds.install(f, cmd === F_DUPFD_CLOEXEC, min);
    }
    case F_GETFD:
      return entry.cloexec ? FD_CLOEXEC : 0;
    case F_SETFD:
      entry.cloexec = (a.int(2) & FD_CLOEXEC) !== 0;
      return 0;
    case F_GETFL:
      return f.flags;
  }
  if (pathOnly) return -EBADF;
  const own = f.fileControl(p, cmd, a.ulong(2));
  if (own !== undefined) return own;
  switch (cmd) {
    case F_SETFL:
      f.flags = (f.flags & ~SETFL_MASK) | (a.int(2) & SETFL_MASK);
      return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW:
      return recordLock(p, f, cmd, a.ulong(2));
    case F_GETOWN:
    case F_GETSIG:
      return 0;
    case F_SETOWN:
    case F_SETSIG:
      return 0;
    case F_GETLEASE:
      return F_UNLCK;
    case F_SETPIPE_SZ:
    case F_GETPIPE_SZ:
      return -EBADF; // not a pipe (pipes answer these themselves)
  }
  return -EINVAL;
}

export const rows: SyscallDef[] = [
  { name: "dup", handler: sysDup, args: "d" },
  { name: "dup2", handler: sysDup2, args: "d,d" },
  { name: "dup3", handler: sysDup3, args: "d,d,x" },
  { name: "fcntl", handler: sysFcntl, args: "d,d,x" },
];
