// Path operations of the file system (stat, access, attribute changes, mkdir, unlink, rmdir,
// rename, link, symlink, readlink, truncate) on resolved guest paths, with Linux's errno values.
// Deno's calls are thin over the host's, so most checks are the host kernel's own; the ones Deno
// hides (unlink vs rmdir on the wrong type, RENAME_NOREPLACE) are made here first. The virtual
// trees are read-only: changes there fail as on Linux for a file one may not change.

import {
  EACCES,
  EBADF,
  EBUSY,
  EEXIST,
  EINVAL,
  EISDIR,
  ENOENT,
  ENOTDIR,
  ENOTEMPTY,
  EOPNOTSUPP,
  EPERM,
  EXDEV,
} from "./errno.ts";
import {
  type AttrChange,
  type OpenFile,
  S_IFDIR,
  S_IFMT,
  S_IFREG,
  type StatInfo,
} from "./files.ts";
import { hostErrno } from "./host_errno.ts";
import { hostFileStat, hostSetAttributes } from "./host_file.ts";
import { permits, withHostUmask } from "./open.ts";
import { readGuestPath, resolveAt, type Resolved } from "./paths.ts";
import type { Process } from "./process.ts";
import { isDirNode, statNode } from "./vfs.ts";

export const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EACCESS = 0x200;
export const AT_SYMLINK_FOLLOW = 0x400, AT_NO_AUTOMOUNT = 0x800, AT_EMPTY_PATH = 0x1000;
export const AT_STATX_SYNC_TYPE = 0x6000;

/** What an *at call's (dirfd, path, flags) names: a path, or the descriptor itself. */
export type Target = Resolved | { file: OpenFile };

/**
 * Reads and resolves the path argument of an *at call; with AT_EMPTY_PATH an empty path names
 * `dirfd` itself (AT_FDCWD: the cwd).
 */
export function targetAt(
  p: Process,
  dirfd: number,
  pathAddr: number,
  flags: number,
  follow: boolean,
): Target | number {
  const path = readGuestPath(p, pathAddr);
  if (typeof path === "number") return path;
  if (path === "" && flags & AT_EMPTY_PATH) {
    if (dirfd === -100) return resolveAt(p, dirfd, ".", follow);
    const file = p.fds.get(dirfd);
    return file ? { file } : -EBADF;
  }
  return resolveAt(p, dirfd, path, follow);
}

/** Reads and resolves a path argument relative to `dirfd`. */
export function pathAt(
  p: Process,
  dirfd: number,
  pathAddr: number,
  follow = true,
): Resolved | number {
  const path = readGuestPath(p, pathAddr);
  if (typeof path === "number") return path;
  return resolveAt(p, dirfd, path, follow);
}

/** stat of a resolved path (following a final symlink or not). */
export function statPath(p: Process, r: Resolved, follow: boolean): StatInfo | number {
  if (r.host === "") return r.node ? statNode(p, r.node) : -ENOENT;
  try {
    return hostFileStat(follow ? Deno.statSync(r.host) : Deno.lstatSync(r.host));
  } catch (e) {
    return -hostErrno(e);
  }
}

export function statTarget(p: Process, t: Target, follow: boolean): StatInfo | number {
  return "file" in t ? t.file.stat(p) : statPath(p, t, follow);
}

/** access/faccessat: `mode` is F_OK or a mask of R_OK, W_OK, X_OK. */
export function accessTarget(p: Process, t: Target, mode: number, effective: boolean): number {
  if (mode & ~7) return -EINVAL;
  const st = statTarget(p, t, true);
  if (typeof st === "number") return st;
  if (mode === 0) return 0;
  return permits(p.cred, st, mode, effective) ? 0 : -EACCES;
}

/** chmod, chown and utimes on a target. */
export function setAttributesTarget(
  p: Process,
  t: Target,
  change: AttrChange,
  follow: boolean,
): number {
  if ("file" in t) return t.file.setAttributes(p, change);
  if (t.host === "") return t.node ? -EPERM : -ENOENT;
  if (!follow) {
    // Deno has no lchown/lutimes: a symlink's own attributes can change only to what they are.
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(t.host);
    } catch (e) {
      return -hostErrno(e);
    }
    if (info.isSymlink) {
      if (change.mode !== undefined) return -EOPNOTSUPP;
      const same = (want: number | undefined, have: number | null) =>
        want === undefined || want === -1 || want === have;
      if (!same(change.uid, info.uid) || !same(change.gid, info.gid)) return -EPERM;
      if (change.atime !== undefined || change.mtime !== undefined) return -EOPNOTSUPP;
      return 0;
    }
  }
  return hostSetAttributes(t.host, change);
}

/** truncate(2) by path. */
export function truncatePath(p: Process, r: Resolved, length: number): number {
  if (length < 0) return -EINVAL;
  const st = statPath(p, r, true);
  if (typeof st === "number") return st;
  if ((st.mode & S_IFMT) === S_IFDIR) return -EISDIR;
  if (r.host === "") return -EACCES;
  if ((st.mode & S_IFMT) !== S_IFREG) return -EINVAL;
  try {
    Deno.truncateSync(r.host, length);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

/** A virtual path can be neither created nor removed (procfs has no such operations at all). */
function virtualChange(r: Resolved, creating: boolean): number {
  if (r.node) return creating ? -EEXIST : r.guest.startsWith("/proc/") ? -EPERM : -EACCES;
  return creating && !r.guest.startsWith("/proc/") ? -EACCES : -ENOENT;
}

export function mkdirPath(p: Process, r: Resolved, mode: number): number {
  if (r.host === "") return virtualChange(r, true);
  const perm = mode & 0o1777 & ~p.fs.umask;
  try {
    withHostUmask(() => Deno.mkdirSync(r.host, { mode: perm }));
    // Deno drops the sticky bit of the mode; a setgid bit inherited from the parent stays.
    if (perm & 0o1000) Deno.chmodSync(r.host, (Deno.statSync(r.host).mode! & 0o7777) | 0o1000);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

/** The last component of a path as written ("." and ".." matter to rmdir). */
function lastComponent(path: string): string {
  const parts = path.split("/").filter((s) => s !== "");
  return parts[parts.length - 1] ?? "/";
}

export function rmdirPath(p: Process, r: Resolved, written: string): number {
  const st = statPath(p, r, false);
  if (typeof st === "number") return st;
  const last = lastComponent(written);
  if (last === ".") return -EINVAL;
  if (last === "..") return -ENOTEMPTY;
  if (r.host === "") return virtualChange(r, false);
  if ((st.mode & S_IFMT) !== S_IFDIR) return -ENOTDIR;
  if (r.guest === "/") return -EBUSY;
  try {
    Deno.removeSync(r.host);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

export function unlinkPath(p: Process, r: Resolved): number {
  if (r.host === "") return virtualChange(r, false);
  const st = statPath(p, r, false);
  if (typeof st === "number") return st;
  if ((st.mode & S_IFMT) === S_IFDIR) return -EISDIR;
  if (r.dirOnly) return -ENOTDIR;
  try {
    Deno.removeSync(r.host);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

export const RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4;

export function renamePaths(p: Process, from: Resolved, to: Resolved, flags: number): number {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & RENAME_NOREPLACE && flags & RENAME_EXCHANGE) return -EINVAL;
  if (flags & RENAME_WHITEOUT) return -EINVAL;
  if (from.host === "" || to.host === "") {
    if (from.host === "" && !from.node) return -ENOENT;
    return -EXDEV;
  }
  try {
    if (flags & (RENAME_NOREPLACE | RENAME_EXCHANGE)) {
      const fromInfo = statPath(p, from, false);
      if (typeof fromInfo === "number") return fromInfo;
      const toInfo = statPath(p, to, false);
      if (flags & RENAME_NOREPLACE) {
        if (typeof toInfo !== "number") return -EEXIST;
      } else {
        if (typeof toInfo === "number") return toInfo;
        // Not atomic: three renames through a temporary name beside the source.
        const temp = `${from.host}.rename-exchange-${crypto.randomUUID()}`;
        Deno.renameSync(from.host, temp);
        Deno.renameSync(to.host, from.host);
        Deno.renameSync(temp, to.host);
        return 0;
      }
    }
    Deno.renameSync(from.host, to.host);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

/** link/linkat; `follow` links the target of a final symlink (AT_SYMLINK_FOLLOW). */
export function linkPaths(p: Process, from: Resolved, to: Resolved, follow: boolean): number {
  if (to.host === "") return virtualChange(to, true);
  if (from.host === "") return from.node ? -EXDEV : -ENOENT;
  if (to.dirOnly) return -ENOENT;
  try {
    // With the host's root the host resolved the path, so a final symlink is still there.
    const source = follow && p.fs.root === "/" ? Deno.realPathSync(from.host) : from.host;
    Deno.linkSync(source, to.host);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

export function symlinkPath(target: string, r: Resolved): number {
  if (target === "") return -ENOENT;
  if (r.host === "") return virtualChange(r, true);
  if (r.dirOnly) {
    try {
      Deno.lstatSync(r.host);
      return -EEXIST;
    } catch {
      return -ENOENT;
    }
  }
  try {
    Deno.symlinkSync(target, r.host);
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

/** readlink's text, or -EINVAL for a path that is not a symlink. */
export function readlinkPath(p: Process, r: Resolved): string | number {
  if (r.host === "") {
    if (!r.node) return -ENOENT;
    if (r.node.readlink) return r.node.readlink(p);
    return -EINVAL;
  }
  try {
    return Deno.readLinkSync(r.host);
  } catch (e) {
    return -hostErrno(e);
  }
}

/** Checks that a resolved path is a directory the process may enter; returns 0 or -errno. */
export function checkDirectory(p: Process, r: Resolved): number {
  const st = statPath(p, r, true);
  if (typeof st === "number") return st;
  if ((st.mode & S_IFMT) !== S_IFDIR && !(r.node && isDirNode(r.node))) return -ENOTDIR;
  return permits(p.cred, st, 1) ? 0 : -EACCES;
}
