// Opening and closing files, offsets, sizes, syncing, and file attributes: open, openat, creat,
// close, close_range, lseek, truncate, ftruncate, fallocate, fadvise64, fsync, fdatasync, sync,
// syncfs, umask, access, faccessat, faccessat2, chmod, fchmod, fchmodat, chown, fchown, lchown,
// fchownat, utimensat, utimes, futimesat, utime.

import "../kernel/file_kinds.ts"; // restorers of descriptor snapshots (fork, checkpoints)
import { EBADF, EINVAL, EISDIR, ENODEV, EOPNOTSUPP, ESPIPE } from "../kernel/errno.ts";
import {
  canWrite,
  O_CLOEXEC,
  O_CREAT,
  O_PATH,
  O_TRUNC,
  O_WRONLY,
  type OpenFile,
  S_IFDIR,
  S_IFIFO,
  S_IFMT,
  S_IFREG,
  S_IFSOCK,
} from "../kernel/files.ts";
import {
  accessTarget,
  AT_EACCESS,
  AT_EMPTY_PATH,
  AT_SYMLINK_NOFOLLOW,
  pathAt,
  setAttributesTarget,
  targetAt,
  truncatePath,
} from "../kernel/fs_ops.ts";
import { HostFile } from "../kernel/host_file.ts";
import { openPath } from "../kernel/open.ts";
import { AT_FDCWD, readGuestPath } from "../kernel/paths.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

function doOpen(p: Process, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const path = readGuestPath(p, pathAddr);
  if (typeof path === "number") return path;
  const f = openPath(p, dirfd, path, flags, mode);
  if (typeof f === "number") return f;
  const fd = p.fds.install(f, (flags & O_CLOEXEC) !== 0);
  if (fd < 0 && f.refs === 0) f.release(p);
  return fd;
}

const sysOpen = (p: Process, a: Args) => doOpen(p, AT_FDCWD, a.ulong(0), a.int(1), a.uint(2));
const sysOpenat = (p: Process, a: Args) => doOpen(p, a.int(0), a.ulong(1), a.int(2), a.uint(3));
const sysCreat = (p: Process, a: Args) =>
  doOpen(p, AT_FDCWD, a.ulong(0), O_CREAT | O_WRONLY | O_TRUNC, a.uint(1));

function sysClose(p: Process, a: Args): number {
  return p.fds.close(p, a.int(0));
}

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

function sysCloseRange(p: Process, a: Args): number {
  const first = a.uint(0), last = a.uint(1), flags = a.uint(2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) return -EINVAL;
  for (const fd of p.fds.numbers()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) p.fds.entry(fd)!.cloexec = true;
    else p.fds.close(p, fd);
  }
  return 0;
}

/** The descriptor unless it is missing or an O_PATH one (which most calls refuse). */
function fileOf(p: Process, fd: number): OpenFile | undefined {
  const f = p.fds.get(fd);
  return f && !(f.flags & O_PATH) ? f : undefined;
}

function sysLseek(p: Process, a: Args): number | Promise<number> {
  const f = fileOf(p, a.int(0));
  if (!f) return -EBADF;
  const whence = a.uint(2);
  if (whence > 4) return -EINVAL;
  return f.seek(a.long(1), whence);
}

function sysTruncate(p: Process, a: Args): number {
  const r = pathAt(p, AT_FDCWD, a.ulong(0));
  if (typeof r === "number") return r;
  return truncatePath(p, r, a.long(1));
}

function sysFtruncate(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  if (!f) return -EBADF;
  const length = a.long(1);
  if (length < 0 || !canWrite(f) || f.isDirectory) return -EINVAL;
  return f.truncate(length);
}

/** The file type of a descriptor (for the calls that answer by type). */
function typeOf(p: Process, f: OpenFile): number {
  const st = f.stat(p);
  return typeof st === "number" ? 0 : st.mode & S_IFMT;
}

const FALLOC_FL_KEEP_SIZE = 1;

function sysFallocate(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  if (!f) return -EBADF;
  const mode = a.int(1), offset = a.long(2), length = a.long(3);
  if (offset < 0 || length <= 0) return -EINVAL;
  if (!canWrite(f)) return -EBADF;
  const type = typeOf(p, f);
  if (type === S_IFIFO || type === S_IFSOCK) return -ESPIPE;
  if (type === S_IFDIR) return -EISDIR;
  if (!(f instanceof HostFile) || type !== S_IFREG) return -ENODEV;
  if (mode & ~FALLOC_FL_KEEP_SIZE) return -EOPNOTSUPP;
  if (mode & FALLOC_FL_KEEP_SIZE) return 0;
  const st = f.stat(p);
  if (typeof st === "number") return st;
  return offset + length > st.size ? f.truncate(offset + length) : 0;
}

function sysFadvise(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  if (!f) return -EBADF;
  if (typeOf(p, f) === S_IFIFO) return -ESPIPE;
  const advice = a.int(3);
  if (a.long(2) < 0 || advice < 0 || advice > 5) return -EINVAL;
  return 0;
}

function sysFsync(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  return f ? f.sync() : -EBADF;
}

function sysFdatasync(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  if (!f) return -EBADF;
  return f instanceof HostFile ? f.syncData() : f.sync();
}

function sysSyncfs(p: Process, a: Args): number {
  return p.fds.get(a.int(0)) ? 0 : -EBADF;
}

function sysUmask(p: Process, a: Args): number {
  const old = p.fs.umask;
  p.fs.umask = a.uint(0) & 0o777;
  return old;
}

function doAccess(p: Process, dirfd: number, pathAddr: number, mode: number, flags: number) {
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const t = targetAt(p, dirfd, pathAddr, flags, !(flags & AT_SYMLINK_NOFOLLOW));
  if (typeof t === "number") return t;
  return accessTarget(p, t, mode, (flags & AT_EACCESS) !== 0);
}

const sysAccess = (p: Process, a: Args) => doAccess(p, AT_FDCWD, a.ulong(0), a.int(1), 0);
const sysFaccessat = (p: Process, a: Args) => doAccess(p, a.int(0), a.ulong(1), a.int(2), 0);
const sysFaccessat2 = (p: Process, a: Args) =>
  doAccess(p, a.int(0), a.ulong(1), a.int(2), a.int(3));

function doChmod(p: Process, dirfd: number, pathAddr: number, mode: number): number {
  const r = pathAt(p, dirfd, pathAddr);
  if (typeof r === "number") return r;
  return setAttributesTarget(p, r, { mode: mode & 0o7777 }, true);
}

const sysChmod = (p: Process, a: Args) => doChmod(p, AT_FDCWD, a.ulong(0), a.uint(1));
const sysFchmodat = (p: Process, a: Args) => doChmod(p, a.int(0), a.ulong(1), a.uint(2));

function sysFchmod(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  return f ? f.setAttributes(p, { mode: a.uint(1) & 0o7777 }) : -EBADF;
}

/** chown's ids: -1 (as unsigned) leaves one unchanged. */
const owner = (p: Args, n: number) => (p.uint(n) === 0xffffffff ? -1 : p.uint(n));

function doChown(p: Process, dirfd: number, a: Args, at: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const t = targetAt(p, dirfd, a.ulong(at), flags, follow);
  if (typeof t === "number") return t;
  return setAttributesTarget(p, t, { uid: owner(a, at + 1), gid: owner(a, at + 2) }, follow);
}

const sysChown = (p: Process, a: Args) => doChown(p, AT_FDCWD, a, 0, 0);
const sysLchown = (p: Process, a: Args) => doChown(p, AT_FDCWD, a, 0, AT_SYMLINK_NOFOLLOW);
const sysFchownat = (p: Process, a: Args) => doChown(p, a.int(0), a, 1, a.int(4));

function sysFchown(p: Process, a: Args): number {
  const f = fileOf(p, a.int(0));
  return f ? f.setAttributes(p, { uid: owner(a, 1), gid: owner(a, 2) }) : -EBADF;
}

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

/**
 * Sets times given as [seconds, sub-second, unit] pairs (undefined: leave unchanged), on a path
 * or (pathAddr 0) on the descriptor `dirfd`.
 */
function setTimes(
  p: Process,
  dirfd: number,
  pathAddr: number,
  flags: number,
  atime: number | undefined,
  mtime: number | undefined,
): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  if (pathAddr === 0) {
    if (dirfd === AT_FDCWD) return -14; // EFAULT: no path and no descriptor
    if (!follow) return -EINVAL;
    const f = p.fds.get(dirfd);
    if (!f) return -EBADF;
    return f.setAttributes(p, { atime, mtime });
  }
  const t = targetAt(p, dirfd, pathAddr, flags, follow);
  if (typeof t === "number") return t;
  return setAttributesTarget(p, t, { atime, mtime }, follow);
}

/** Reads two (seconds, fraction) pairs; `scale` is the fraction's units per second. */
function readTimes(
  p: Process,
  addr: number,
  scale: number,
): [number | undefined, number | undefined] | number {
  const now = Date.now() / 1000;
  if (addr === 0) return [now, now];
  const out: (number | undefined)[] = [];
  for (let k = 0; k < 2; k++) {
    const sec = p.mem.read64(addr + 16 * k), frac = p.mem.read64(addr + 16 * k + 8);
    if (scale === 1e9 && frac === UTIME_NOW) out.push(now);
    else if (scale === 1e9 && frac === UTIME_OMIT) out.push(undefined);
    else if (frac < 0 || frac >= scale || sec >= 2 ** 63) return -EINVAL;
    else out.push(sec + frac / scale);
  }
  return [out[0], out[1]];
}

function sysUtimensat(p: Process, a: Args): number {
  const times = readTimes(p, a.ulong(2), 1e9);
  if (typeof times === "number") return times;
  if (times[0] === undefined && times[1] === undefined) return 0;
  return setTimes(p, a.int(0), a.ulong(1), a.int(3), times[0], times[1]);
}

function sysFutimesat(p: Process, a: Args): number {
  const times = readTimes(p, a.ulong(2), 1e6);
  if (typeof times === "number") return times;
  return setTimes(p, a.int(0), a.ulong(1), 0, times[0], times[1]);
}

function sysUtimes(p: Process, a: Args): number {
  const times = readTimes(p, a.ulong(1), 1e6);
  if (typeof times === "number") return times;
  return setTimes(p, AT_FDCWD, a.ulong(0), 0, times[0], times[1]);
}

function sysUtime(p: Process, a: Args): number {
  const addr = a.ulong(1);
  const now = Date.now() / 1000;
  const atime = addr ? p.mem.read64(addr) : now, mtime = addr ? p.mem.read64(addr + 8) : now;
  return setTimes(p, AT_FDCWD, a.ulong(0), 0, atime, mtime);
}

export const rows: SyscallDef[] = [
  { name: "open", handler: sysOpen, args: "s,o,M" },
  { name: "openat", handler: sysOpenat, args: "f,s,o,M" },
  { name: "creat", handler: sysCreat, args: "s,m" },
  { name: "close", handler: sysClose, args: "d" },
  { name: "close_range", handler: sysCloseRange, args: "u,u,x" },
  { name: "lseek", handler: sysLseek, args: "d,l,d" },
  { name: "truncate", handler: sysTruncate, args: "s,l" },
  { name: "ftruncate", handler: sysFtruncate, args: "d,l" },
  { name: "fallocate", handler: sysFallocate, args: "d,d,l,l" },
  { name: "fadvise64", handler: sysFadvise, args: "d,l,l,d" },
  { name: "fsync", handler: sysFsync, args: "d" },
  { name: "fdatasync", handler: sysFdatasync, args: "d" },
  { name: "sync", handler: () => 0, args: "" },
  { name: "syncfs", handler: sysSyncfs, args: "d" },
  { name: "umask", handler: sysUmask, args: "m" },
  { name: "access", handler: sysAccess, args: "s,d" },
  { name: "faccessat", handler: sysFaccessat, args: "f,s,d" },
  { name: "faccessat2", handler: sysFaccessat2, args: "f,s,d,x" },
  { name: "chmod", handler: sysChmod, args: "s,m" },
  { name: "fchmod", handler: sysFchmod, args: "d,m" },
  { name: "fchmodat", handler: sysFchmodat, args: "f,s,m" },
  { name: "chown", handler: sysChown, args: "s,d,d" },
  { name: "fchown", handler: sysFchown, args: "d,d,d" },
  { name: "lchown", handler: sysLchown, args: "s,d,d" },
  { name: "fchownat", handler: sysFchownat, args: "f,s,d,d,x" },
  { name: "utimensat", handler: sysUtimensat, args: "f,s,p,x" },
  { name: "futimesat", handler: sysFutimesat, args: "f,s,p" },
  { name: "utimes", handler: sysUtimes, args: "s,p" },
  { name: "utime", handler: sysUtime, args: "s,p" },
];
