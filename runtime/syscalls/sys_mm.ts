// Memory syscalls: brk, mmap, munmap, mprotect, mremap, madvise, msync, mincore, mlock family.
// Argument checks and errno values follow mm/mmap.c, mm/mremap.c, mm/mprotect.c, mm/madvise.c;
// placement, merging, file references and MAP_SHARED write-back live in runtime/kernel/mm.ts.
// Simplifications: MAP_SHARED anonymous memory is private to the process (until fork shares it);
// a shared file mapping is not coherent with read()/write() or other mappings of the file until
// msync/munmap/exit; MAP_GROWSDOWN areas do not grow; no SIGBUS past EOF.

import {
  EACCES,
  EBADF,
  EEXIST,
  EFAULT,
  EINVAL,
  ENODEV,
  ENOMEM,
  EOPNOTSUPP,
  EOVERFLOW,
  EPERM,
  ESPIPE,
} from "../kernel/errno.ts";
import { O_ACCMODE, O_APPEND, O_PATH, O_RDWR, O_WRONLY } from "../kernel/files.ts";
import {
  findPlace,
  holdFile,
  mappedBytes,
  type MappedVma,
  mergeAround,
  MMAP_MIN_ADDR,
  pageUp,
  readFileRange,
  releaseUnmappedFiles,
  TASK_SIZE,
  unmapRange,
  vmasOf,
  writeBack,
} from "../kernel/mm.ts";
import type { Process } from "../kernel/process.ts";
import { getRlimit, RLIMIT_AS, RLIMIT_DATA } from "../kernel/rlimits.ts";
import { PAGE_SIZE } from "../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import type { Args, SyscallDef } from "./table.ts";

export const MAP_SHARED = 0x1, MAP_PRIVATE = 0x2, MAP_SHARED_VALIDATE = 0x3, MAP_TYPE = 0xf;
export const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_32BIT = 0x40, MAP_GROWSDOWN = 0x100;
export const MAP_DENYWRITE = 0x800, MAP_EXECUTABLE = 0x1000, MAP_LOCKED = 0x2000;
export const MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_NONBLOCK = 0x10000;
export const MAP_STACK = 0x20000, MAP_HUGETLB = 0x40000, MAP_SYNC = 0x80000;
export const MAP_FIXED_NOREPLACE = 0x100000, MAP_UNINITIALIZED = 0x4000000;
/** Flags MAP_SHARED_VALIDATE accepts (others: EOPNOTSUPP). */
const VALIDATED_FLAGS = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_GROWSDOWN |
  MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK |
  MAP_STACK | MAP_HUGETLB | MAP_SYNC | MAP_FIXED_NOREPLACE | MAP_UNINITIALIZED;
const PROT_RWX = PROT_READ | PROT_WRITE | PROT_EXEC;
const PROT_SEM = 0x8, PROT_GROWSDOWN = 0x01000000, PROT_GROWSUP = 0x02000000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
const MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9, MADV_HWPOISON = 100;
const MADV_SOFT_OFFLINE = 101;
const S_IFMT = 0o170000, S_IFREG = 0o100000, S_IFCHR = 0o020000, S_IFBLK = 0o060000;

/** Host memory a single mapping may reserve without MAP_NORESERVE (overcommit heuristic). */
let commitLimitCache = 0;
function commitLimit(p: Process): number {
  if (commitLimitCache === 0) {
    let host = Infinity;
    try {
      const m = Deno.systemMemoryInfo();
      host = m.total + m.swapTotal;
    } catch { /* unknown: the pool is the limit */ }
    commitLimitCache = Math.min(host, p.mem.pool.byteLength);
  }
  return commitLimitCache;
}

/** RLIMIT_AS: may the address space grow by `grow` bytes? */
function mayExpand(p: Process, grow: number): boolean {
  const limit = getRlimit(p, RLIMIT_AS)[0];
  return limit === Infinity || mappedBytes(p.mem) + grow <= limit;
}

// ---- brk ----------------------------------------------------------------------------------------

function sysBrk(p: Process, a: Args): number {
  const want = a.ulong(0);
  const old = p.brk;
  if (want < p.brkStart) return old;
  const dataLimit = getRlimit(p, RLIMIT_DATA)[0];
  if (dataLimit !== Infinity && want - p.brkStart > dataLimit) return old;
  const newTop = pageUp(want), oldTop = pageUp(old);
  if (newTop === oldTop) return p.brk = want;
  if (want <= old) {
    unmapRange(p, newTop, oldTop - newTop);
    return p.brk = want;
  }
  // Keep a guard page free above the break, as Linux does.
  if (newTop > TASK_SIZE || !p.mem.vmas.isFree(oldTop, newTop + PAGE_SIZE)) return old;
  if (!mayExpand(p, newTop - oldTop)) return old;
  const heap = vmasOf(p.mem).find((v) => v.end === oldTop && v.name === "[heap]");
  if (heap && oldTop > p.brkStart && heap.prot === (PROT_READ | PROT_WRITE)) heap.end = newTop;
  else p.mem.map(oldTop, newTop - oldTop, PROT_READ | PROT_WRITE, { name: "[heap]" });
  return p.brk = want;
}

// ---- mmap ---------------------------------------------------------------------------------------

function sysMmap(p: Process, a: Args): number {
  return mmap(p, a.ulong(0), a.ulong(1), a.int(2), a.int(3), a.int(4), a.ulong(5));
}

/** mmap(2) with its arguments decoded; returns the address or -errno. */
export function mmap(
  p: Process,
  addr: number,
  length: number,
  prot: number,
  flags: number,
  fd: number,
  offset: number,
): number {
  const type = flags & MAP_TYPE;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) return -EINVAL;
  if (type === MAP_SHARED_VALIDATE && (flags & ~VALIDATED_FLAGS)) return -EOPNOTSUPP;
  if (length === 0) return -EINVAL;
  if (offset % PAGE_SIZE !== 0) return -EINVAL;
  const len = pageUp(length);
  if (len > TASK_SIZE || len === 0) return -ENOMEM;
  const shared = type !== MAP_PRIVATE;
  const anonymous = (flags & MAP_ANONYMOUS) !== 0;
  const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;

  // The file, checked against the mapping before anything changes.
  let file = undefined, maxProt = PROT_RWX, size = 0, dev = 0, inode = 0, path = "";
  if (!anonymous) {
    const f = p.fds.get(fd);
    if (!f || (f.flags & O_PATH)) return -EBADF;
    const mode = f.flags & O_ACCMODE;
    if (mode === O_WRONLY) return -EACCES;
    if (shared) {
      if (mode !== O_RDWR) {
        if (prot & PROT_WRITE) return -EACCES;
        maxProt = PROT_READ | PROT_EXEC;
      } else if ((f.flags & O_APPEND) && (prot & PROT_WRITE)) {
        return -EACCES;
      }
    }
    const st = f.stat(p);
    if (typeof st === "number") return st;
    const kind = st.mode & S_IFMT;
    if (kind !== S_IFREG && kind !== S_IFCHR && kind !== S_IFBLK) return -ENODEV;
    if (offset + len > Number.MAX_SAFE_INTEGER) return -EOVERFLOW;
    file = f;
    size = kind === S_IFREG ? st.size : 0;
    dev = st.dev;
    inode = st.ino;
    path = f.path;
  }

  let at: number;
  if (fixed) {
    if (addr % PAGE_SIZE !== 0) return -EINVAL;
    if (addr + len > TASK_SIZE) return -ENOMEM;
    if (addr < MMAP_MIN_ADDR && p.cred.euid !== 0) return -EPERM; // root has CAP_SYS_RAWIO
    if ((flags & MAP_FIXED_NOREPLACE) && !p.mem.vmas.isFree(addr, addr + len)) return -EEXIST;
    at = addr;
  } else {
    at = findPlace(p.mem, addr, len, (flags & MAP_32BIT) !== 0);
    if (at < 0) return -ENOMEM;
  }
  const overlap = fixed ? mappedBytes(p.mem, at, at + len) : 0;
  if (!mayExpand(p, len - overlap)) return -ENOMEM;
  const accountable = (prot & PROT_WRITE) && (!shared || anonymous);
  if (accountable && !(flags & MAP_NORESERVE) && len > commitLimit(p)) return -ENOMEM;

  let data: Uint8Array | undefined;
  if (file) {
    const r = readFileRange(p, file, offset, len, size);
    if (typeof r === "number") return r === -ESPIPE ? -ENODEV : r;
    data = r;
  }
  if (fixed) {
    // What was there goes (shared pages written back); file references are settled after the
    // new mapping exists, so a file mapped again in its own place is never released between.
    writeBack(p, at, at + len);
    p.mem.unmap(at, len);
  }
  const info: Partial<MappedVma> = {
    shared,
    growsDown: (flags & MAP_GROWSDOWN) !== 0 || undefined,
  };
  if (file) {
    Object.assign(info, { file, name: path, offset, dev, inode, maxProt });
    if (shared) {
      const baseline = new Uint8Array(Math.min(len, Math.max(0, size - offset)));
      baseline.set(data!.subarray(0, baseline.length));
      Object.assign(info, { baseline, baseOffset: offset });
    }
    holdFile(p, file);
  } else {
    info.anonymous = true;
    if (shared) Object.assign(info, { name: "/dev/zero (deleted)", offset: 0 });
  }
  if (!info.growsDown) delete info.growsDown;
  p.mem.map(at, len, prot & PROT_RWX, info as Partial<MappedVma>);
  if (data && data.length > 0) p.mem.poke(at, data);
  if (!file || !shared) mergeAround(p.mem, at, at + len);
  if (fixed) releaseUnmappedFiles(p);
  return at;
}

// ---- munmap, mprotect ---------------------------------------------------------------------------

function sysMunmap(p: Process, a: Args): number {
  const start = a.ulong(0), length = a.ulong(1);
  if (start % PAGE_SIZE !== 0 || length === 0) return -EINVAL;
  const len = pageUp(length);
  if (start + len > TASK_SIZE || len > TASK_SIZE) return -EINVAL;
  unmapRange(p, start, len);
  return 0;
}

function sysMprotect(p: Process, a: Args): number {
  const start = a.ulong(0), length = a.ulong(1), prot = a.int(2);
  if (start % PAGE_SIZE !== 0) return -EINVAL;
  if (prot & ~(PROT_RWX | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP)) return -EINVAL;
  if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return -EINVAL;
  const len = pageUp(length);
  if (len === 0) return 0;
  const end = start + len;
  if (end > TASK_SIZE) return -ENOMEM;
  if (!p.mem.vmas.covers(start, end)) return -ENOMEM;
  for (const v of vmasOf(p.mem)) {
    if (v.end <= start || v.start >= end) continue;
    if (prot & PROT_RWX & ~(v.maxProt ?? PROT_RWX)) return -EACCES;
  }
  p.mem.protect(start, len, prot & PROT_RWX);
  mergeAround(p.mem, start, end);
  return 0;
}

// ---- mremap -------------------------------------------------------------------------------------

function sysMremap(p: Process, a: Args): number {
  const addr = a.ulong(0), flags = a.int(3), target = a.ulong(4);
  if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) return -EINVAL;
  if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return -EINVAL;
  let oldLen = pageUp(a.ulong(1));
  const newLen = pageUp(a.ulong(2));
  if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || oldLen !== newLen)) {
    return -EINVAL;
  }
  if (addr % PAGE_SIZE !== 0) return -EINVAL;
  if (newLen === 0) return -EINVAL;
  const mem = p.mem;

  if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) {
    let to = target;
    if (flags & MREMAP_FIXED) {
      if (to % PAGE_SIZE !== 0) return -EINVAL;
      if (newLen > TASK_SIZE || to > TASK_SIZE - newLen) return -EINVAL;
      if (addr + oldLen > to && to + newLen > addr) return -EINVAL;
    }
    const vma = vmaToResize(p, addr, oldLen);
    if (typeof vma === "number") return vma;
    if (!mayExpand(p, Math.max(0, newLen - oldLen))) return -ENOMEM;
    if (flags & MREMAP_FIXED) unmapRange(p, to, newLen);
    if (oldLen > newLen) {
      unmapRange(p, addr + newLen, oldLen - newLen);
      oldLen = newLen;
    }
    if (!(flags & MREMAP_FIXED)) {
      to = findPlace(mem, 0, newLen, false);
      if (to < 0) return -ENOMEM;
    }
    return moveVma(p, vmaAt(p, addr)!, addr, oldLen, to, newLen, (flags & MREMAP_DONTUNMAP) !== 0);
  }

  if (oldLen >= newLen) {
    if (oldLen > newLen) unmapRange(p, addr + newLen, oldLen - newLen);
    return addr;
  }
  const vma = vmaToResize(p, addr, oldLen);
  if (typeof vma === "number") return vma;
  if (!mayExpand(p, newLen - oldLen)) return -ENOMEM;
  if (
    vma.end === addr + oldLen && addr + newLen <= TASK_SIZE &&
    mem.vmas.isFree(vma.end, addr + newLen)
  ) {
    const grownFrom = vma.end;
    vma.end = addr + newLen;
    fillFromFile(p, vma, grownFrom, vma.end);
    return addr;
  }
  if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
  const to = findPlace(mem, 0, newLen, false);
  if (to < 0) return -ENOMEM;
  return moveVma(p, vma, addr, oldLen, to, newLen, false);
}

function vmaAt(p: Process, addr: number): MappedVma | undefined {
  return p.mem.vmas.find(addr) as MappedVma | undefined;
}

/** mremap's vma_to_resize: the old range must lie inside one VMA. */
function vmaToResize(p: Process, addr: number, oldLen: number): MappedVma | number {
  const vma = vmaAt(p, addr);
  if (!vma) return -EFAULT;
  if (oldLen === 0 && !vma.shared) return -EINVAL;
  if (oldLen === 0) return -EINVAL; // duplicating a shared mapping is not supported
  if (oldLen > vma.end - addr) return -EFAULT;
  return vma;
}

/** Moves [addr, addr+oldLen) of `vma` to `to` as a mapping of `newLen` bytes. */
function moveVma(
  p: Process,
  vma: MappedVma,
  addr: number,
  oldLen: number,
  to: number,
  newLen: number,
  keepOld: boolean,
): number {
  const mem = p.mem;
  const moved: MappedVma = { ...vma, start: to, end: to + newLen };
  if (vma.offset !== undefined) moved.offset = vma.offset + (addr - vma.start);
  mem.moveFrames(addr, to, oldLen);
  if (!keepOld) mem.unmap(addr, oldLen);
  mem.vmas.insert(moved);
  fillFromFile(p, moved, to + oldLen, to + newLen);
  mergeAround(mem, to, to + newLen);
  releaseUnmappedFiles(p);
  return to;
}

/** Fills [from, to) of a file VMA (just grown) from its file. */
function fillFromFile(p: Process, vma: MappedVma, from: number, to: number): void {
  if (!vma.file || from >= to) return;
  const st = vma.file.stat(p);
  if (typeof st === "number") return;
  const offset = (vma.offset ?? 0) + (from - vma.start);
  const data = readFileRange(p, vma.file, offset, to - from, st.size);
  if (typeof data !== "number" && data.length > 0) p.mem.poke(from, data);
}

// ---- madvise, msync, mincore, mlock -------------------------------------------------------------

function sysMadvise(p: Process, a: Args): number {
  const start = a.ulong(0), advice = a.int(2);
  if (start % PAGE_SIZE !== 0) return -EINVAL;
  const known = (advice >= 0 && advice <= 4) || (advice >= 8 && advice <= 25);
  if (advice === MADV_HWPOISON || advice === MADV_SOFT_OFFLINE) return -EPERM;
  if (!known) return -EINVAL;
  const len = pageUp(a.ulong(1));
  if (len === 0) return 0;
  const end = start + len;
  if (end > TASK_SIZE) return -EINVAL;
  const covered = p.mem.vmas.covers(start, end);
  if (advice === MADV_DONTNEED || advice === MADV_REMOVE) {
    for (const v of [...vmasOf(p.mem)]) {
      const s = Math.max(v.start, start), e = Math.min(v.end, end);
      if (e <= s || v.shared) continue; // shared pages live on in the "page cache" (memory)
      p.mem.discard(s, e - s);
      if (v.file) fillFromFile(p, v, s, e);
    }
  } else if (advice === MADV_FREE) {
    // Contents may stay or become zero; keeping them is a valid outcome.
  }
  return covered ? 0 : -ENOMEM;
}

function sysMsync(p: Process, a: Args): number {
  const start = a.ulong(0), flags = a.int(2);
  if (start % PAGE_SIZE !== 0) return -EINVAL;
  if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return -EINVAL;
  if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return -EINVAL;
  const end = start + pageUp(a.ulong(1));
  if (end === start) return 0;
  if (!p.mem.vmas.covers(start, end)) return -ENOMEM;
  writeBack(p, start, end);
  return 0;
}

function sysMincore(p: Process, a: Args): number {
  const start = a.ulong(0), vec = a.ulong(2);
  if (start % PAGE_SIZE !== 0) return -EINVAL;
  const len = pageUp(a.ulong(1));
  if (start + len > TASK_SIZE) return -ENOMEM;
  if (!p.mem.vmas.covers(start, start + len)) return -ENOMEM;
  const pages = len / PAGE_SIZE;
  const out = new Uint8Array(pages);
  for (let k = 0; k < pages; k++) out[k] = p.mem.pages.has(start / PAGE_SIZE + k) ? 1 : 0;
  p.mem.write(vec, out);
  return 0;
}

function sysMlock(p: Process, a: Args): number {
  const start = Math.floor(a.ulong(0) / PAGE_SIZE) * PAGE_SIZE;
  const end = pageUp(a.ulong(0) + a.ulong(1));
  if (end === start) return 0;
  return p.mem.vmas.covers(start, end) ? 0 : -ENOMEM;
}

function sysMlock2(p: Process, a: Args): number {
  if (a.int(2) & ~1) return -EINVAL;
  return sysMlock(p, a);
}

function sysMlockall(_p: Process, a: Args): number {
  const flags = a.int(0);
  if (flags === 0 || (flags & ~7) || flags === 4) return -EINVAL; // MCL_CURRENT FUTURE ONFAULT
  return 0;
}

const ok = () => 0;

export const rows: SyscallDef[] = [
  { name: "brk", handler: sysBrk, args: "x" },
  { name: "mmap", handler: sysMmap, args: "p,u,x,x,d,x" },
  { name: "munmap", handler: sysMunmap, args: "p,u" },
  { name: "mprotect", handler: sysMprotect, args: "p,u,x" },
  {
    name: "mremap",
    handler: sysMremap,
    args: "p,u,u,x,p",
    level: "partial: no duplication of shared mappings (old_size 0)",
  },
  { name: "madvise", handler: sysMadvise, args: "p,u,d" },
  { name: "msync", handler: sysMsync, args: "p,u,x" },
  { name: "mincore", handler: sysMincore, args: "p,u,p" },
  { name: "mlock", handler: sysMlock, args: "p,u" },
  { name: "mlock2", handler: sysMlock2, args: "p,u,x" },
  { name: "munlock", handler: sysMlock, args: "p,u" },
  { name: "mlockall", handler: sysMlockall, args: "x" },
  { name: "munlockall", handler: ok },
];
