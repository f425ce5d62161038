// Guest path resolution. Guest paths are resolved against the process's root and cwd by us,
// symlinks included, so that no path (nor a symlink inside the root) leads out of `--root`.
// With the host's `/` as root, resolution is left to the host kernel (same result, no cost).

import { ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from "./errno.ts";
import type { FsState } from "./process.ts";

const MAX_SYMLINKS = 40;

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

/**
 * Resolves a guest path (relative to `base`, the cwd or a directory descriptor's path) to
 * { guest, host } absolute paths, or a negative errno. `followLast` follows a final symlink.
 */
export function resolvePath(
  fs: FsState,
  path: string,
  base: string,
  followLast = true,
): { guest: string; host: string } | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= 4096) return -ENAMETOOLONG;
  if (fs.root === "/") {
    const guest = normalize(path, base);
    // The host resolves symlinks itself; keep the caller's spelling so "a/" checks still apply.
    return { guest, host: path.startsWith("/") ? path : (base === "/" ? "" : base) + "/" + path };
  }
  let links = 0;
  let todo = (path.startsWith("/") ? path : base + "/" + path).split("/").filter((s) => s !== "");
  const trailingSlash = path.endsWith("/");
  const done: string[] = [];
  while (todo.length > 0) {
    const part = todo.shift()!;
    if (part === ".") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const guest = "/" + [...done, part].join("/");
    const host = hostPathOf(fs, guest);
    const last = todo.length === 0;
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.lstatSync(host);
    } catch {
      if (!last) return -ENOENT;
    }
    if (info?.isSymlink && (!last || followLast || trailingSlash)) {
      if (++links > MAX_SYMLINKS) return -ELOOP;
      const target = Deno.readLinkSync(host);
      todo = [...target.split("/").filter((s) => s !== ""), ...todo];
      if (target.startsWith("/")) done.length = 0;
      continue;
    }
    if (!last && info && !info.isDirectory) return -ENOTDIR;
    done.push(part);
  }
  const guest = "/" + done.join("/");
  return { guest, host: hostPathOf(fs, guest) };
}
