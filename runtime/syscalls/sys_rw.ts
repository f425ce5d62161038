// Reading and writing descriptors: read, write, readv, writev, pread64, pwrite64, preadv,
// pwritev, and copying between them: sendfile, copy_file_range.

import { EBADF, EINVAL, EISDIR } from "../kernel/errno.ts";
import { canRead, canWrite, O_APPEND, type OpenFile } from "../kernel/files.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const MAX_RW = 0x7ffff000;

async function sysRead(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canRead(f)) return -EBADF;
  const addr = a.ulong(1), len = Math.min(a.ulong(2), MAX_RW, 1 << 24);
  if (f.readBytes && len > 0) {
    const r = await f.readBytes(p, len);
    if (typeof r === "number") return r;
    p.mem.write(addr, r);
    return r.length;
  }
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
    if (len >= 2 ** 63) return -EINVAL; // negative as ssize_t; large ones are capped in total
    out.push([base, len]);
  }
  return out;
}

/** Total length of an iovec array, capped as Linux caps one read or write. */
function iovLength(iov: [number, number][]): number {
  return Math.min(MAX_RW, iov.reduce((sum, [, len]) => sum + len, 0));
}

/** Copies `data` out over the iovec array (the scatter half of readv). */
function scatter(p: Process, iov: [number, number][], data: Uint8Array): void {
  let at = 0;
  for (const [base, len] of iov) {
    if (at >= data.length) break;
    const n = Math.min(len, data.length - at);
    p.mem.write(base, data.subarray(at, at + n));
    at += n;
  }
}

/** Copies the iovec array's bytes into one buffer (the gather half of writev). */
function gather(p: Process, iov: [number, number][]): Uint8Array {
  const data = new Uint8Array(iovLength(iov));
  let at = 0;
  for (const [base, len] of iov) {
    if (at >= data.length) break;
    const n = Math.min(len, data.length - at);
    if (n > 0) data.set(p.mem.read(base, n), at);
    at += n;
  }
  return data;
}

// readv is one read of the total length, then scattered: a pipe or terminal returns what it
// has without waiting to fill later vectors, and a line written by writev stays one write.
async function sysReadv(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canRead(f)) return -EBADF;
  const iov = readIovec(p, a.ulong(1), a.int(2));
  if (typeof iov === "number") return iov;
  const buf = new Uint8Array(Math.min(iovLength(iov), 1 << 24));
  const n = await f.read(p, buf);
  if (n > 0) scatter(p, iov, buf.subarray(0, n));
  return n;
}

async function sysWritev(p: Process, a: Args): Promise<number> {
  const f = p.fds.get(a.int(0));
  if (!f || !canWrite(f)) return -EBADF;
  const iov = readIovec(p, a.ulong(1), a.int(2));
  if (typeof iov === "number") return iov;
  return await f.write(p, gather(p, iov));
}

/** preadv/pwritev offsets: one 64-bit argument on x86-64 (the high half is unused). */
function sysPreadv(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f || !canRead(f)) return -EBADF;
  const iov = readIovec(p, a.ulong(1), a.int(2));
  if (typeof iov === "number") return iov;
  const offset = a.long(3);
  if (offset < 0) return -EINVAL;
  const buf = new Uint8Array(Math.min(iovLength(iov), 1 << 24));
  const n = f.pread(p, buf, offset);
  if (n > 0) scatter(p, iov, buf.subarray(0, n));
  return n;
}

function sysPwritev(p: Process, a: Args): number {
  const f = p.fds.get(a.int(0));
  if (!f || !canWrite(f)) return -EBADF;
  const iov = readIovec(p, a.ulong(1), a.int(2));
  if (typeof iov === "number") return iov;
  const offset = a.long(3);
  if (offset < 0) return -EINVAL;
  return f.pwrite(p, gather(p, iov), offset);
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

/** Reads a loff_t the guest passed by pointer (0: none). */
function readOffset(p: Process, addr: number): number | undefined {
  return addr === 0 ? undefined : p.mem.read64(addr);
}

/** The descriptor is a regular file (the only kind these calls copy from). */
function isRegular(p: Process, f: OpenFile): boolean {
  const st = f.stat(p);
  return typeof st !== "number" && (st.mode & 0o170000) === 0o100000;
}

/**
 * sendfile: from a regular file, at `*offset` or its own offset, to any writable descriptor,
 * through one buffer of at most 16 MiB per call (Linux also returns short counts).
 */
async function sysSendfile(p: Process, a: Args): Promise<number> {
  const out = p.fds.get(a.int(0)), from = p.fds.get(a.int(1));
  if (!out || !from || !canRead(from) || !canWrite(out)) return -EBADF;
  if (out.flags & O_APPEND || !isRegular(p, from)) return -EINVAL;
  const offAddr = a.ulong(2);
  const offset = readOffset(p, offAddr);
  if (offset !== undefined && offset >= 2 ** 63) return -EINVAL;
  const buf = new Uint8Array(Math.min(a.ulong(3), MAX_RW, 1 << 24));
  const n = offset === undefined ? await from.read(p, buf) : from.pread(p, buf, offset);
  if (n <= 0) return n;
  const written = await out.write(p, buf.subarray(0, n));
  if (written < 0) return written;
  if (offset !== undefined) p.mem.write64(offAddr, offset + written);
  else if (written < n) from.seek(written - n, 1); // give back what was not sent
  return written;
}

/**
 * copy_file_range between regular files: at the given offsets (pread, pwrite) or the files' own
 * (read, write: they move), flags must be 0.
 */
async function sysCopyFileRange(p: Process, a: Args): Promise<number> {
  const from = p.fds.get(a.int(0)), to = p.fds.get(a.int(2));
  if (!from || !to || !canRead(from) || !canWrite(to)) return -EBADF;
  if (a.uint(5) !== 0) return -EINVAL;
  if (from.isDirectory || to.isDirectory) return -EISDIR;
  if (to.flags & O_APPEND) return -EBADF;
  if (!isRegular(p, from) || !isRegular(p, to)) return -EINVAL;
  const inAddr = a.ulong(1), outAddr = a.ulong(3);
  const inOff = readOffset(p, inAddr), outOff = readOffset(p, outAddr);
  if ((inOff ?? 0) >= 2 ** 63 || (outOff ?? 0) >= 2 ** 63) return -EINVAL;
  const buf = new Uint8Array(Math.min(a.ulong(4), MAX_RW, 1 << 24));
  const n = inOff === undefined ? await from.read(p, buf) : from.pread(p, buf, inOff);
  if (n <= 0) return n;
  const data = buf.subarray(0, n);
  const written = outOff === undefined ? await to.write(p, data) : to.pwrite(p, data, outOff);
  if (written < 0) return written;
  if (inOff !== undefined) p.mem.write64(inAddr, inOff + written);
  else if (written < n) from.seek(written - n, 1);
  if (outOff !== undefined) p.mem.write64(outAddr, outOff + written);
  return written;
}

export const rows: SyscallDef[] = [
  { name: "read", handler: sysRead, args: "d,B2,u", blocking: true },
  { name: "write", handler: sysWrite, args: "d,b2,u" },
  { name: "readv", handler: sysReadv, args: "d,p,d", blocking: true },
  { name: "writev", handler: sysWritev, args: "d,p,d" },
  { name: "pread64", handler: sysPread, args: "d,B2,u,l" },
  { name: "pwrite64", handler: sysPwrite, args: "d,b2,u,l" },
  { name: "preadv", handler: sysPreadv, args: "d,p,d,l" },
  { name: "pwritev", handler: sysPwritev, args: "d,p,d,l" },
  { name: "sendfile", handler: sysSendfile, args: "d,d,p,u" },
  { name: "copy_file_range", handler: sysCopyFileRange, args: "d,p,d,p,u,x" },
];
