// Directories and names: getdents, getdents64, mkdir, mkdirat, rmdir, unlink, unlinkat, rename,
// renameat, renameat2, link, linkat, symlink, symlinkat, readlink, readlinkat, chdir, fchdir,
// getcwd.

import { DirFile } from "../kernel/dir_file.ts";
import { EBADF, EINVAL, ENOENT, ENOTDIR, EPERM, ERANGE } from "../kernel/errno.ts";
import { O_CREAT, O_EXCL, O_PATH, O_WRONLY } from "../kernel/files.ts";
import {
  AT_EMPTY_PATH,
  AT_REMOVEDIR,
  AT_SYMLINK_FOLLOW,
  checkDirectory,
  linkPaths,
  mkdirPath,
  pathAt,
  readlinkPath,
  renamePaths,
  rmdirPath,
  symlinkPath,
  targetAt,
  unlinkPath,
} from "../kernel/fs_ops.ts";
import { AT_FDCWD, canonicalDir, readGuestPath, resolveAt } from "../kernel/paths.ts";
import type { Process } from "../kernel/process.ts";
import { openPath, permits } from "../kernel/open.ts";
import type { Args, SyscallDef } from "./table.ts";

/** Fills `count` bytes at `addr` with entries of a directory descriptor (64: linux_dirent64). */
function getdents(p: Process, a: Args, wide: boolean): number {
  const f = p.fds.get(a.int(0));
  if (!f || f.flags & O_PATH) return -EBADF;
  if (!(f instanceof DirFile)) return -ENOTDIR;
  const count = Math.min(a.uint(2), 1 << 20);
  const listing = f.readdir(p);
  if (typeof listing === "number") return listing;
  const out = new Uint8Array(count);
  const v = new DataView(out.buffer);
  const enc = new TextEncoder();
  let at = 0;
  for (;;) {
    const e = f.entryAt(p, f.pos);
    if (!e) break;
    const name = enc.encode(e.name);
    // linux_dirent64: ino u64, off s64, reclen u16, type u8, name; linux_dirent puts the type
    // in the record's last byte after the name's NUL.
    const reclen = wide ? (19 + name.length + 1 + 7) & ~7 : (18 + name.length + 2 + 7) & ~7;
    if (at + reclen > count) {
      if (at === 0) return -EINVAL;
      break;
    }
    v.setBigUint64(at, BigInt(e.ino), true);
    v.setBigInt64(at + 8, BigInt(f.pos + 1), true);
    v.setUint16(at + 16, reclen, true);
    if (wide) {
      out[at + 18] = e.type;
      out.set(name, at + 19);
    } else {
      out.set(name, at + 18);
      out[at + reclen - 1] = e.type;
    }
    at += reclen;
    f.pos++;
  }
  p.mem.write(a.ulong(1), out.subarray(0, at));
  return at;
}

function doMkdir(p: Process, dirfd: number, pathAddr: number, mode: number): number {
  const r = pathAt(p, dirfd, pathAddr, false);
  if (typeof r === "number") return r;
  return mkdirPath(p, r, mode);
}

function doRmdir(p: Process, dirfd: number, pathAddr: number): number {
  const path = readGuestPath(p, pathAddr);
  if (typeof path === "number") return path;
  const r = resolveAt(p, dirfd, path, false);
  if (typeof r === "number") return r;
  return rmdirPath(p, r, path);
}

function doUnlink(p: Process, dirfd: number, pathAddr: number): number {
  const r = pathAt(p, dirfd, pathAddr, false);
  if (typeof r === "number") return r;
  return unlinkPath(p, r);
}

function sysUnlinkat(p: Process, a: Args): number {
  const flags = a.int(2);
  if (flags & ~AT_REMOVEDIR) return -EINVAL;
  return flags & AT_REMOVEDIR
    ? doRmdir(p, a.int(0), a.ulong(1))
    : doUnlink(p, a.int(0), a.ulong(1));
}

function doRename(
  p: Process,
  oldDir: number,
  oldAddr: number,
  newDir: number,
  newAddr: number,
  flags: number,
) {
  const from = pathAt(p, oldDir, oldAddr, false);
  if (typeof from === "number") return from;
  const to = pathAt(p, newDir, newAddr, false);
  if (typeof to === "number") return to;
  return renamePaths(p, from, to, flags);
}

function doLink(
  p: Process,
  oldDir: number,
  oldAddr: number,
  newDir: number,
  newAddr: number,
  flags: number,
) {
  if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  const from = targetAt(p, oldDir, oldAddr, flags, (flags & AT_SYMLINK_FOLLOW) !== 0);
  if (typeof from === "number") return from;
  if ("file" in from) return -ENOENT; // linking an open descriptor needs CAP_DAC_READ_SEARCH
  const to = pathAt(p, newDir, newAddr, false);
  if (typeof to === "number") return to;
  return linkPaths(p, from, to, (flags & AT_SYMLINK_FOLLOW) !== 0);
}

function doSymlink(p: Process, targetAddr: number, dirfd: number, pathAddr: number): number {
  const target = readGuestPath(p, targetAddr);
  if (typeof target === "number") return target;
  const r = pathAt(p, dirfd, pathAddr, false);
  if (typeof r === "number") return r;
  return symlinkPath(target, r);
}

function doReadlink(p: Process, dirfd: number, pathAddr: number, buf: number, size: number) {
  if (size <= 0) return -EINVAL;
  const r = pathAt(p, dirfd, pathAddr, false);
  if (typeof r === "number") return r;
  const text = readlinkPath(p, r);
  if (typeof text === "number") return text;
  const bytes = new TextEncoder().encode(text).subarray(0, size);
  p.mem.write(buf, bytes);
  return bytes.length;
}

const S_IFMT = 0o170000, S_IFREG = 0o100000;

/** mknod: regular files only (Deno cannot make FIFOs or device nodes): others EPERM. */
function doMknod(p: Process, dirfd: number, pathAddr: number, mode: number): number {
  const type = mode & S_IFMT;
  if (type !== 0 && type !== S_IFREG) {
    return type === 0o010000 || type === 0o140000 ? -EPERM : -EINVAL;
  }
  const r = pathAt(p, dirfd, pathAddr, false);
  if (typeof r === "number") return r;
  const f = openPath(p, dirfd, r.guest, O_CREAT | O_EXCL | O_WRONLY, mode & 0o7777);
  if (typeof f === "number") return f;
  f.release(p);
  return 0;
}

function sysChdir(p: Process, a: Args): number {
  const r = pathAt(p, AT_FDCWD, a.ulong(0));
  if (typeof r === "number") return r;
  const ok = checkDirectory(p, r);
  if (ok < 0) return ok;
  p.fs.cwd = canonicalDir(p, r);
  return 0;
}

function sysFchdir(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f) return -EBADF;
  if (!f.isDirectory) return -ENOTDIR;
  const st = f.stat(p);
  if (typeof st === "number") return st;
  if (!permits(p.cred, st, 1)) return -13;
  p.fs.cwd = f.path;
  return 0;
}

function sysGetcwd(p: Process, a: Args): number {
  // A removed working directory has no path any more (Linux: "(unreachable)", glibc: ENOENT).
  const here = resolveAt(p, AT_FDCWD, p.fs.cwd);
  if (typeof here === "number" || (here.host !== "" && !exists(here.host))) return -ENOENT;
  const bytes = new TextEncoder().encode(p.fs.cwd + "\0");
  if (a.ulong(1) < bytes.length) return -ERANGE;
  p.mem.write(a.ulong(0), bytes);
  return bytes.length;
}

function exists(host: string): boolean {
  try {
    Deno.statSync(host);
    return true;
  } catch {
    return false;
  }
}

export const rows: SyscallDef[] = [
  { name: "getdents", handler: (p, a) => getdents(p, a, false), args: "d,p,u" },
  { name: "getdents64", handler: (p, a) => getdents(p, a, true), args: "d,p,u" },
  { name: "mkdir", handler: (p, a) => doMkdir(p, AT_FDCWD, a.ulong(0), a.uint(1)), args: "s,m" },
  {
    name: "mkdirat",
    handler: (p, a) => doMkdir(p, a.int(0), a.ulong(1), a.uint(2)),
    args: "f,s,m",
  },
  { name: "rmdir", handler: (p, a) => doRmdir(p, AT_FDCWD, a.ulong(0)), args: "s" },
  { name: "unlink", handler: (p, a) => doUnlink(p, AT_FDCWD, a.ulong(0)), args: "s" },
  { name: "unlinkat", handler: sysUnlinkat, args: "f,s,x" },
  {
    name: "rename",
    handler: (p, a) => doRename(p, AT_FDCWD, a.ulong(0), AT_FDCWD, a.ulong(1), 0),
    args: "s,s",
  },
  {
    name: "renameat",
    handler: (p, a) => doRename(p, a.int(0), a.ulong(1), a.int(2), a.ulong(3), 0),
    args: "f,s,f,s",
  },
  {
    name: "renameat2",
    handler: (p, a) => doRename(p, a.int(0), a.ulong(1), a.int(2), a.ulong(3), a.uint(4)),
    args: "f,s,f,s,x",
  },
  {
    name: "link",
    handler: (p, a) => doLink(p, AT_FDCWD, a.ulong(0), AT_FDCWD, a.ulong(1), 0),
    args: "s,s",
  },
  {
    name: "linkat",
    handler: (p, a) => doLink(p, a.int(0), a.ulong(1), a.int(2), a.ulong(3), a.int(4)),
    args: "f,s,f,s,x",
  },
  {
    name: "symlink",
    handler: (p, a) => doSymlink(p, a.ulong(0), AT_FDCWD, a.ulong(1)),
    args: "s,s",
  },
  {
    name: "symlinkat",
    handler: (p, a) => doSymlink(p, a.ulong(0), a.int(1), a.ulong(2)),
    args: "s,f,s",
  },
  {
    name: "readlink",
    handler: (p, a) => doReadlink(p, AT_FDCWD, a.ulong(0), a.ulong(1), a.int(2)),
    args: "s,B2,d",
  },
  {
    name: "readlinkat",
    handler: (p, a) => doReadlink(p, a.int(0), a.ulong(1), a.ulong(2), a.int(3)),
    args: "f,s,B3,d",
  },
  {
    name: "mknod",
    handler: (p, a) => doMknod(p, AT_FDCWD, a.ulong(0), a.uint(1)),
    args: "s,m,x",
  },
  {
    name: "mknodat",
    handler: (p, a) => doMknod(p, a.int(0), a.ulong(1), a.uint(2)),
    args: "f,s,m,x",
  },
  { name: "chdir", handler: sysChdir, args: "s" },
  { name: "fchdir", handler: sysFchdir, args: "d" },
  { name: "getcwd", handler: sysGetcwd, args: "p,u" },
];
