// Reading and writing descriptors: read, write, readv, writev, pread64, pwrite64.

import { EBADF, EINVAL } from "../kernel/errno.ts";
import { canRead, canWrite } from "../kernel/files.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const MAX_RW = 0x7ffff000;

async function sysRead(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canRead(f)) return -EBADF;
  const addr = a.ulong(1), len = Math.min(a.ulong(2), MAX_RW, 1 << 24);
  const buf = new Uint8Array(len);
  const n = await f.read(p, buf);
  if (n > 0) p.mem.write(addr, buf.subarray(0, n));
  return n;
}

function sysWrite(p: Process, a: Args): number | Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canWrite(f)) return -EBADF;
  const len = Math.min(a.ulong(2), MAX_RW);
  const data = p.mem.read(a.ulong(1), len);
  return f.write(p, data);
}

function readIovec(p: Process, addr: number, count: number): [number, number][] | number {
  if (count < 0 || count > 1024) return -EINVAL;
  const out: [number, number][] = [];
  for (let k = 0; k < count; k++) {
    const base = p.mem.read64(addr + 16 * k);
    const len = p.mem.read64(addr + 16 * k + 8);
    if (len < 0 || len > MAX_RW) return -EINVAL;
    out.push([base, len]);
  }
  return out;
}

async function sysReadv(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canRead(f)) return -EBADF;
  const iov = readIovec(p, a.ulong(1), a.int(2));
  if (typeof iov === "number") return iov;
  let total = 0;
  for (const [base, len] of iov) {
    if (len === 0) continue;
    const buf = new Uint8Array(len);
    const n = await f.read(p, buf);
    if (n < 0) return total || n;
    p.mem.write(base, buf.subarray(0, n));
    total += n;
    if (n < len) break;
  }
  return total;
}

async function sysWritev(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canWrite(f)) return -EBADF;
  const iov = readIovec(p, a.ulong(1), a.int(2));
  if (typeof iov === "number") return iov;
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const [base, len] of iov) {
    parts.push(p.mem.read(base, len));
    size += len;
  }
  // One write, so that a line built by writev is not interleaved.
  const data = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    data.set(part, at);
    at += part.length;
  }
  return await f.write(p, data);
}

function sysPread(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f || !canRead(f)) return -EBADF;
  const offset = a.long(3);
  if (offset < 0) return -EINVAL;
  const buf = new Uint8Array(Math.min(a.ulong(2), 1 << 24));
  const n = f.pread(p, buf, offset);
  if (n > 0) p.mem.write(a.ulong(1), buf.subarray(0, n));
  return n;
}

function sysPwrite(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f || !canWrite(f)) return -EBADF;
  const offset = a.long(3);
  if (offset < 0) return -EINVAL;
  return f.pwrite(p, p.mem.read(a.ulong(1), Math.min(a.ulong(2), MAX_RW)), offset);
}

export const rows: SyscallDef[] = [
  { name: "read", handler: sysRead, args: "d,B2,u", blocking: true },
  { name: "write", handler: sysWrite, args: "d,b2,u" },
  { name: "readv", handler: sysReadv, args: "d,p,d", blocking: true },
  { name: "writev", handler: sysWritev, args: "d,p,d" },
  { name: "pread64", handler: sysPread, args: "d,B2,u,l" },
  { name: "pwrite64", handler: sysPwrite, args: "d,b2,u,l" },
];
