// open(2) for every kind of file: resolves the path, applies Linux's checks in Linux's order
// (EEXIST, ELOOP, EISDIR, ENOTDIR, EACCES), creates with the guest's umask, and makes the right
// OpenFile: HostFile, HostDirFile, a virtual file or directory, or a PathFile for O_PATH.

import { HostDirFile, VirtualDirFile } from "./dir_file.ts";
import {
  EACCES,
  EEXIST,
  EINVAL,
  EISDIR,
  ELOOP,
  ENOENT,
  ENOTDIR,
  ENXIO,
  EOPNOTSUPP,
} from "./errno.ts";
import {
  type FileSnapshot,
  O_ACCMODE,
  O_APPEND,
  O_CLOEXEC,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_LARGEFILE,
  O_NOCTTY,
  O_NOFOLLOW,
  O_PATH,
  O_RDONLY,
  O_RDWR,
  O_TMPFILE,
  O_TRUNC,
  O_WRONLY,
  OpenFile,
  S_IFDIR,
  S_IFMT,
  type StatInfo,
} from "./files.ts";
import { hostErrno } from "./host_errno.ts";
import { HostFile, hostFileStat } from "./host_file.ts";
import { canonicalDir, resolveAt, type Resolved } from "./paths.ts";
import type { Credentials, Process } from "./process.ts";
import { isDirNode, isLinkNode, statNode, type VNode } from "./vfs.ts";

export const R_OK = 4, W_OK = 2, X_OK = 1;

/**
 * Whether `cred` may access a file of `mode`, `uid`, `gid` for `want` (R_OK|W_OK|X_OK), by the
 * effective ids (or the real ones, for access(2) without AT_EACCESS). Root may do anything but
 * execute a file with no x bit.
 */
export function permits(
  cred: Credentials,
  st: { mode: number; uid: number; gid: number },
  want: number,
  effective = true,
): boolean {
  const uid = effective ? cred.euid : cred.uid;
  const gid = effective ? cred.egid : cred.gid;
  if (uid === 0) {
    return !(want & X_OK) || (st.mode & S_IFMT) === S_IFDIR || (st.mode & 0o111) !== 0;
  }
  let bits = st.mode & 7;
  if (uid === st.uid) bits = (st.mode >> 6) & 7;
  else if (gid === st.gid || cred.groups.includes(st.gid)) bits = (st.mode >> 3) & 7;
  return (bits & want) === want;
}

/** Umask-wrapped creation: the host's umask is cleared while `fn` creates with exact modes. */
export function withHostUmask<T>(fn: () => T): T {
  const old = Deno.umask(0);
  try {
    return fn();
  } finally {
    Deno.umask(old);
  }
}

/** F_GETFL's view of open flags: no creation flags, O_LARGEFILE added as on 64-bit Linux. */
export function storedFlags(flags: number): number {
  if (flags & O_PATH) return flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW);
  return (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
}

/** An O_PATH descriptor: a location only (fstat, fchdir, *at base, dup, close). */
export class PathFile extends OpenFile {
  constructor(
    readonly path: string,
    flags: number,
    private readonly info: (p: Process) => StatInfo | number,
    private readonly directory: boolean,
  ) {
    super(flags);
  }
  override get isDirectory(): boolean {
    return this.directory;
  }
  stat(p: Process): StatInfo | number {
    return this.info(p);
  }
  override snapshot(): FileSnapshot {
    return {
      kind: "path",
      flags: this.flags,
      path: this.path,
      state: { directory: this.directory },
    };
  }
}

/** Opens `path` (relative to `dirfd`) as open/openat do; returns the description or -errno. */
export function openPath(
  p: Process,
  dirfd: number,
  path: string,
  flags: number,
  mode: number,
): OpenFile | number {
  if ((flags & O_TMPFILE) === O_TMPFILE) {
    const acc = flags & O_ACCMODE;
    return acc === O_WRONLY || acc === O_RDWR ? -EOPNOTSUPP : -EINVAL;
  }
  const excl = (flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL);
  const follow = !(flags & O_NOFOLLOW) && !excl;
  const r = resolveAt(p, dirfd, path, follow);
  if (typeof r === "number") return r;
  const stored = storedFlags(flags);
  if (r.host === "") return openVirtual(p, r, flags, stored);
  return openHost(p, r, flags, mode, stored, follow);
}

function openVirtual(p: Process, r: Resolved, flags: number, stored: number): OpenFile | number {
  const node = r.node;
  if (!node) return flags & O_CREAT && !(flags & O_PATH) ? -EACCES : -ENOENT;
  if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
  const dir = isDirNode(node);
  if (flags & O_PATH) {
    if (flags & O_DIRECTORY && !dir) return -ENOTDIR;
    return new PathFile(r.guest, stored, (q) => statNode(q, node), dir);
  }
  if (isLinkNode(node)) return -ELOOP;
  if (dir) {
    if (flags & O_CREAT || (flags & O_ACCMODE) !== O_RDONLY || flags & O_TRUNC) return -EISDIR;
    return new VirtualDirFile(r.guest, node, stored, parentNode(p, r.guest));
  }
  if (flags & O_DIRECTORY) return -ENOTDIR;
  return node.open?.(p, stored, r.guest) ?? -EACCES;
}

/** The virtual directory holding `guest` (for ".." in listings). */
function parentNode(p: Process, guest: string): VNode | undefined {
  const up = guest.slice(0, guest.lastIndexOf("/")) || "/";
  const r = resolveAt(p, -100, up);
  return typeof r === "number" ? undefined : r.node;
}

function openHost(
  p: Process,
  r: Resolved,
  flags: number,
  mode: number,
  stored: number,
  follow: boolean,
): OpenFile | number {
  let info: Deno.FileInfo | undefined;
  try {
    info = follow ? Deno.statSync(r.host) : Deno.lstatSync(r.host);
  } catch (e) {
    const errno = hostErrno(e);
    if (errno !== ENOENT) return -errno;
  }
  const acc = flags & O_ACCMODE;
  if (!info) {
    if (!(flags & O_CREAT) || flags & O_PATH) return -ENOENT;
    if (r.dirOnly) return -EISDIR;
    return createHost(p, r, flags, mode, stored);
  }
  if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return -EEXIST;
  if (flags & O_PATH) {
    if (flags & O_DIRECTORY && !info.isDirectory) return -ENOTDIR;
    const host = r.host;
    const stat = (): StatInfo | number => {
      try {
        return hostFileStat(follow ? Deno.statSync(host) : Deno.lstatSync(host));
      } catch (e) {
        return -hostErrno(e);
      }
    };
    const guest = info.isDirectory ? canonicalDir(p, r) : r.guest;
    return new PathFile(guest, stored, stat, info.isDirectory);
  }
  if (info.isSymlink) return -ELOOP;
  const st = hostFileStat(info);
  if (info.isDirectory) {
    if (flags & O_CREAT || acc !== O_RDONLY || flags & O_TRUNC) return -EISDIR;
    if (!permits(p.cred, st, R_OK)) return -EACCES;
    return new HostDirFile(canonicalDir(p, r), r.host, stored);
  }
  if (flags & O_DIRECTORY) return -ENOTDIR;
  if (info.isFifo || info.isSocket) return -ENXIO;
  return openHostFile(r, flags, stored);
}

function openHostFile(r: Resolved, flags: number, stored: number): OpenFile | number {
  const acc = flags & O_ACCMODE;
  const read = acc !== O_WRONLY;
  const write = acc !== O_RDONLY;
  const append = write && (flags & O_APPEND) !== 0;
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(r.host, { read, write, append });
  } catch (e) {
    return -hostErrno(e);
  }
  if (flags & O_TRUNC) {
    try {
      if (write) file.truncateSync(0);
      else Deno.truncateSync(r.host, 0);
    } catch (e) {
      file.close();
      return -hostErrno(e);
    }
  }
  return new HostFile(file, r.guest, r.host, stored, append);
}

function createHost(
  p: Process,
  r: Resolved,
  flags: number,
  mode: number,
  stored: number,
): OpenFile | number {
  const acc = flags & O_ACCMODE;
  const excl = (flags & O_EXCL) !== 0;
  const perm = mode & 0o7777 & ~p.fs.umask;
  const append = acc !== O_RDONLY && (flags & O_APPEND) !== 0;
  let file: Deno.FsFile;
  try {
    file = withHostUmask(() =>
      Deno.openSync(r.host, {
        read: acc !== O_WRONLY,
        write: true,
        append,
        createNew: excl,
        create: !excl,
        mode: perm,
      })
    );
  } catch (e) {
    return -hostErrno(e);
  }
  if (perm & 0o7000) {
    // Deno keeps only the permission bits of a creation mode; setuid, setgid, sticky come after.
    try {
      Deno.chmodSync(r.host, perm);
    } catch { /* as Linux, the file exists with what could be set */ }
  }
  if (acc === O_RDONLY) {
    // Deno creates only with write access; the guest asked for a read-only descriptor.
    file.close();
    return openHostFile(r, flags & ~O_TRUNC, stored);
  }
  if (flags & O_TRUNC && !excl) {
    try {
      file.truncateSync(0);
    } catch { /* created just now: empty unless raced */ }
  }
  return new HostFile(file, r.guest, r.host, stored, append);
}
