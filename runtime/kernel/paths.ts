// Guest path resolution. Guest paths are resolved against the process's root and cwd by us,
// symlinks included, so that no path (nor a symlink inside the root) leads out of `--root`.
// With the host's `/` as root, resolution is left to the host kernel (same result, no cost),
// except for paths under /dev and /proc: those trees are virtual (devfs.ts, procfs.ts) and
// resolved here, with any root, so the guest never sees the host's.

import { DEV_ROOT } from "./devfs.ts";
import { EBADF, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from "./errno.ts";
import { hostErrno } from "./host_errno.ts";
import type { FsState, Process } from "./process.ts";
import { PROC_ROOT } from "./procfs.ts";
import { isDirNode, type VNode } from "./vfs.ts";

const MAX_SYMLINKS = 40;
export const AT_FDCWD = -100;

/** Where a guest path leads. */
export interface Resolved {
  /** Absolute guest path (symlinks resolved, except a last one that was not followed). */
  guest: string;
  /** Host path; "" for virtual files. */
  host: string;
  /** The virtual node, when the path names one (undefined for a missing virtual name). */
  node?: VNode;
  /** The path ended in "/" (or "/." ...): it must name a directory. */
  dirOnly: boolean;
}

/** Joins and normalizes a guest path against `cwd` (no symlink resolution): "/a/./b/../c". */
export function normalize(path: string, cwd: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : cwd + "/" + path).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

/** Host path of an absolute, symlink-free guest path. */
export function hostPathOf(fs: FsState, guestPath: string): string {
  if (fs.root === "/") return guestPath;
  return guestPath === "/" ? fs.root : fs.root + guestPath;
}

function isVirtual(guest: string): boolean {
  return guest === "/dev" || guest === "/proc" || guest.startsWith("/dev/") ||
    guest.startsWith("/proc/");
}

const split = (path: string) => path.split("/").filter((s) => s !== "");

/**
 * Resolves a guest path (relative to `base`, the cwd or a directory descriptor's path) to where it
 * leads, or a negative errno. `followLast` follows a final symlink. Without `p`, the virtual
 * trees are not consulted (the host's /dev and /proc are then used, as for the loader).
 */
export function resolvePath(
  fs: FsState,
  path: string,
  base: string,
  followLast = true,
  p?: Process,
): Resolved | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= 4096) return -ENAMETOOLONG;
  const dirOnly = /\/\.{0,2}$/.test(path) || path === "." || path === "..";
  if (fs.root === "/") {
    const guest = normalize(path, base);
    if (!p || !isVirtual(guest)) {
      // The host resolves symlinks itself; keep the caller's spelling so "a/" checks apply.
      const host = path.startsWith("/") ? path : (base === "/" ? "" : base) + "/" + path;
      return { guest, host, dirOnly };
    }
  }
  return walk(fs, path, base, followLast, dirOnly, p);
}

interface Step {
  name: string;
  /** Virtual node of this component; undefined on the host. */
  node?: VNode;
}

function walk(
  fs: FsState,
  path: string,
  base: string,
  followLast: boolean,
  dirOnly: boolean,
  p: Process | undefined,
): Resolved | number {
  let links = 0;
  let todo = split(path.startsWith("/") ? path : base + "/" + path);
  const done: Step[] = [];
  const guestOf = (extra?: string) =>
    "/" + [...done.map((s) => s.name), ...(extra === undefined ? [] : [extra])].join("/");
  const followTo = (target: string) => {
    todo = [...split(target), ...todo];
    if (target.startsWith("/")) done.length = 0;
  };
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    if (part.length > 255) return -ENAMETOOLONG;
    const last = todo.length === 0;
    const follow = !last || followLast || dirOnly;
    const parent = done.length > 0 ? done[done.length - 1].node : undefined;
    let node: VNode | undefined;
    if (p && done.length === 0 && (part === "dev" || part === "proc")) {
      node = part === "dev" ? DEV_ROOT : PROC_ROOT;
    } else if (parent) {
      node = parent.lookup?.(p!, part);
      if (!node) {
        if (!last) return -ENOENT;
        return { guest: guestOf(part), host: "", dirOnly };
      }
    }
    if (node?.hostBacked) node = undefined;
    if (node) {
      if (node.readlink && follow) {
        if (++links > MAX_SYMLINKS) return -ELOOP;
        const target = node.follow ? node.follow(p!) : node.readlink(p!);
        if (typeof target !== "string") {
          // A magic link to something without a path (pipe, terminal): the walk ends there.
          if (!last && !isDirNode(target)) return -ENOTDIR;
          return { guest: guestOf(part), host: "", node: target, dirOnly };
        }
        followTo(target);
        continue;
      }
      if (!last && !isDirNode(node)) return -ENOTDIR;
      if (last && dirOnly && !isDirNode(node) && !node.readlink) return -ENOTDIR;
      done.push({ name: part, node });
      continue;
    }
    const host = hostPathOf(fs, guestOf(part));
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.lstatSync(host);
    } catch (e) {
      const errno = hostErrno(e);
      if (!last || errno !== ENOENT) return -errno;
    }
    if (info?.isSymlink && follow) {
      if (++links > MAX_SYMLINKS) return -ELOOP;
      let target: string;
      try {
        target = Deno.readLinkSync(host);
      } catch (e) {
        return -hostErrno(e);
      }
      followTo(target);
      continue;
    }
    if (info && !info.isDirectory && (!last || dirOnly)) return -ENOTDIR;
    done.push({ name: part });
  }
  const top = done.length > 0 ? done[done.length - 1] : undefined;
  const guest = guestOf();
  if (top?.node) return { guest, host: "", node: top.node, dirOnly };
  return { guest, host: hostPathOf(fs, guest), dirOnly };
}

/**
 * Resolves `path` for an *at call: relative to the directory descriptor `dirfd` (AT_FDCWD for the
 * cwd). An empty path is ENOENT here; callers handle AT_EMPTY_PATH before.
 */
export function resolveAt(
  p: Process,
  dirfd: number,
  path: string,
  followLast = true,
): Resolved | number {
  if (path.length === 0) return -ENOENT;
  let base = p.fs.cwd;
  if (!path.startsWith("/") && dirfd !== AT_FDCWD) {
    const dir = p.fds.get(dirfd);
    if (!dir) return -EBADF;
    if (!dir.isDirectory) return -ENOTDIR;
    base = dir.path;
  }
  return resolvePath(p.fs, path, base, followLast, p);
}

/** Reads a path argument: the string, or -ENAMETOOLONG past PATH_MAX (faults become EFAULT). */
export function readGuestPath(p: Process, addr: number): string | number {
  let bytes: Uint8Array;
  try {
    bytes = p.mem.readCString(addr, 4096);
  } catch (e) {
    if (e instanceof RangeError) return -ENAMETOOLONG;
    throw e;
  }
  return new TextDecoder().decode(bytes);
}

/** The canonical guest path of an existing directory (chdir, open of a directory). */
export function canonicalDir(p: Process, r: Resolved): string {
  if (p.fs.root !== "/" || r.host === "") return r.guest;
  try {
    return Deno.realPathSync(r.host);
  } catch {
    return r.guest;
  }
}
