// File status: stat, fstat, lstat, newfstatat and statx, written in x86-64 Linux's layouts
// (struct stat is 144 bytes; struct statx 256).

import { devParts } from "../kernel/devfs.ts";
import { EBADF, EINVAL } from "../kernel/errno.ts";
import type { StatInfo } from "../kernel/files.ts";
import {
  AT_EMPTY_PATH,
  AT_NO_AUTOMOUNT,
  AT_STATX_SYNC_TYPE,
  AT_SYMLINK_NOFOLLOW,
  statTarget,
  targetAt,
} from "../kernel/fs_ops.ts";
import { AT_FDCWD } from "../kernel/paths.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const NS = 1000000000n;

/** struct stat (x86-64). */
export function encodeStat(st: StatInfo): Uint8Array {
  const out = new Uint8Array(144);
  const v = new DataView(out.buffer);
  const u64 = (at: number, x: number | bigint) => v.setBigUint64(at, BigInt(x), true);
  const time = (at: number, ns: bigint) => {
    v.setBigInt64(at, ns / NS - (ns % NS < 0n ? 1n : 0n), true);
    v.setBigInt64(at + 8, ((ns % NS) + NS) % NS, true);
  };
  u64(0, st.dev);
  u64(8, st.ino);
  u64(16, st.nlink);
  v.setUint32(24, st.mode, true);
  v.setUint32(28, st.uid, true);
  v.setUint32(32, st.gid, true);
  u64(40, st.rdev);
  v.setBigInt64(48, BigInt(st.size), true);
  v.setBigInt64(56, BigInt(st.blksize), true);
  v.setBigInt64(64, BigInt(st.blocks), true);
  time(72, st.atimeNs);
  time(88, st.mtimeNs);
  time(104, st.ctimeNs);
  return out;
}

const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800, STATX__RESERVED = 0x80000000;

/** struct statx. */
export function encodeStatx(st: StatInfo): Uint8Array {
  const out = new Uint8Array(256);
  const v = new DataView(out.buffer);
  const time = (at: number, ns: bigint) => {
    v.setBigInt64(at, ns / NS - (ns % NS < 0n ? 1n : 0n), true);
    v.setUint32(at + 8, Number(((ns % NS) + NS) % NS), true);
  };
  v.setUint32(0, STATX_BASIC_STATS | (st.btimeNs !== undefined ? STATX_BTIME : 0), true);
  v.setUint32(4, st.blksize, true);
  v.setUint32(16, st.nlink, true);
  v.setUint32(20, st.uid, true);
  v.setUint32(24, st.gid, true);
  v.setUint16(28, st.mode, true);
  v.setBigUint64(32, BigInt(st.ino), true);
  v.setBigUint64(40, BigInt(st.size), true);
  v.setBigUint64(48, BigInt(st.blocks), true);
  time(64, st.atimeNs);
  if (st.btimeNs !== undefined) time(80, st.btimeNs);
  time(96, st.ctimeNs);
  time(112, st.mtimeNs);
  const [rdevMajor, rdevMinor] = devParts(st.rdev);
  const [devMajor, devMinor] = devParts(st.dev);
  v.setUint32(128, rdevMajor, true);
  v.setUint32(132, rdevMinor, true);
  v.setUint32(136, devMajor, true);
  v.setUint32(140, devMinor, true);
  return out;
}

function writeStat(p: Process, addr: number, st: StatInfo | number): number {
  if (typeof st === "number") return st;
  p.mem.write(addr, encodeStat(st));
  return 0;
}

function doStat(p: Process, dirfd: number, pathAddr: number, buf: number, flags: number): number {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const t = targetAt(p, dirfd, pathAddr, flags, follow);
  if (typeof t === "number") return t;
  return writeStat(p, buf, statTarget(p, t, follow));
}

const sysStat = (p: Process, a: Args) => doStat(p, AT_FDCWD, a.ulong(0), a.ulong(1), 0);
const sysLstat = (p: Process, a: Args) =>
  doStat(p, AT_FDCWD, a.ulong(0), a.ulong(1), AT_SYMLINK_NOFOLLOW);
const sysNewfstatat = (p: Process, a: Args) =>
  doStat(p, a.int(0), a.ulong(1), a.ulong(2), a.int(3));

function sysFstat(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f) return -EBADF;
  return writeStat(p, a.ulong(1), f.stat(p));
}

function sysStatx(p: Process, a: Args): number {
  const flags = a.int(2), mask = a.uint(3);
  const allowed = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE;
  if (flags & ~allowed || (flags & AT_STATX_SYNC_TYPE) === AT_STATX_SYNC_TYPE) return -EINVAL;
  if (mask & STATX__RESERVED) return -EINVAL;
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const t = targetAt(p, a.int(0), a.ulong(1), flags, follow);
  if (typeof t === "number") return t;
  const st = statTarget(p, t, follow);
  if (typeof st === "number") return st;
  p.mem.write(a.ulong(4), encodeStatx(st));
  return 0;
}

// statfs: Deno cannot ask the host for file-system figures, so these are plausible fixed values
// (an ext4 of 64 GiB, half free) with the right f_type for /proc and /dev.
const EXT4_SUPER_MAGIC = 0xef53, PROC_SUPER_MAGIC = 0x9fa0, TMPFS_MAGIC = 0x01021994;
const ST_RELATIME = 0x1000;

function encodeStatfs(type: number): Uint8Array {
  const out = new Uint8Array(120);
  const v = new DataView(out.buffer);
  const put = (at: number, x: number) => v.setBigInt64(at, BigInt(x), true);
  put(0, type);
  put(8, 4096); // f_bsize
  put(16, 1 << 24); // f_blocks
  put(24, 1 << 23); // f_bfree
  put(32, 1 << 23); // f_bavail
  put(40, 1 << 22); // f_files
  put(48, 1 << 21); // f_ffree
  put(64, 255); // f_namelen
  put(72, 4096); // f_frsize
  put(80, ST_RELATIME); // f_flags
  return out;
}

function fsType(guest: string, virtual: boolean): number {
  if (!virtual) return EXT4_SUPER_MAGIC;
  return guest === "/proc" || guest.startsWith("/proc/") ? PROC_SUPER_MAGIC : TMPFS_MAGIC;
}

function sysStatfs(p: Process, a: Args): number {
  const t = targetAt(p, AT_FDCWD, a.ulong(0), 0, true);
  if (typeof t === "number") return t;
  const st = statTarget(p, t, true);
  if (typeof st === "number") return st;
  const r = t as { guest: string; host: string };
  p.mem.write(a.ulong(1), encodeStatfs(fsType(r.guest, r.host === "")));
  return 0;
}

function sysFstatfs(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f) return -EBADF;
  const st = f.stat(p);
  if (typeof st === "number") return st;
  const virtual = f.path.startsWith("/proc") || f.path.startsWith("/dev");
  p.mem.write(a.ulong(1), encodeStatfs(fsType(f.path, virtual)));
  return 0;
}

export const rows: SyscallDef[] = [
  { name: "statfs", handler: sysStatfs, args: "s,p" },
  { name: "fstatfs", handler: sysFstatfs, args: "d,p" },
  { name: "stat", handler: sysStat, args: "s,p" },
  { name: "fstat", handler: sysFstat, args: "d,p" },
  { name: "lstat", handler: sysLstat, args: "s,p" },
  { name: "newfstatat", handler: sysNewfstatat, args: "f,s,p,x" },
  { name: "statx", handler: sysStatx, args: "f,s,x,x,p" },
];
