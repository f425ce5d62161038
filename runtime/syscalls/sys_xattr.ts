// Extended attributes: Deno cannot reach the host's, so every file has none. Lookups answer as
// Linux does for a file without the attribute (ENODATA), lists are empty, and setting one is
// refused as on a filesystem without xattr support (EOPNOTSUPP) — after the same path and
// descriptor checks Linux makes first, so ENOENT, ENOTDIR, EBADF... come out as natively.

import { EBADF, ENODATA, EOPNOTSUPP } from "../kernel/errno.ts";
import { pathAt, statPath } from "../kernel/fs_ops.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const AT_FDCWD = -100;

/** 0 when the path names a file, else -errno. */
function checkPath(p: Process, addr: number, follow: boolean): number {
  const r = pathAt(p, AT_FDCWD, addr, follow);
  if (typeof r === "number") return r;
  const st = statPath(p, r, follow);
  return typeof st === "number" ? st : 0;
}

function checkFd(p: Process, fd: number): number {
  return p.fds.get(fd) ? 0 : -EBADF;
}

const get = (check: (p: Process, a: Args) => number) => (p: Process, a: Args) => {
  const r = check(p, a);
  return r < 0 ? r : -ENODATA;
};
const list = (check: (p: Process, a: Args) => number) => (p: Process, a: Args) => {
  const r = check(p, a);
  return r < 0 ? r : 0;
};
const set = (check: (p: Process, a: Args) => number) => (p: Process, a: Args) => {
  const r = check(p, a);
  return r < 0 ? r : -EOPNOTSUPP;
};

const byPath = (p: Process, a: Args) => checkPath(p, a.ulong(0), true);
const byLink = (p: Process, a: Args) => checkPath(p, a.ulong(0), false);
const byFd = (p: Process, a: Args) => checkFd(p, a.int(0));

export const rows: SyscallDef[] = [
  { name: "getxattr", handler: get(byPath), args: "s,s,p,u" },
  { name: "lgetxattr", handler: get(byLink), args: "s,s,p,u" },
  { name: "fgetxattr", handler: get(byFd), args: "d,s,p,u" },
  { name: "listxattr", handler: list(byPath), args: "s,p,u" },
  { name: "llistxattr", handler: list(byLink), args: "s,p,u" },
  { name: "flistxattr", handler: list(byFd), args: "d,p,u" },
  { name: "setxattr", handler: set(byPath), args: "s,s,p,u,x" },
  { name: "lsetxattr", handler: set(byLink), args: "s,s,p,u,x" },
  { name: "fsetxattr", handler: set(byFd), args: "d,s,p,u,x" },
  { name: "removexattr", handler: get(byPath), args: "s,s" },
  { name: "lremovexattr", handler: get(byLink), args: "s,s" },
  { name: "fremovexattr", handler: get(byFd), args: "d,s" },
];
