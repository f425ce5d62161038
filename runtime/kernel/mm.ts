// The address space as the memory syscalls (runtime/syscalls/sys_mm.ts) manage it: where new
// mappings go (Linux's top-down search below MMAP_TOP, hints, MAP_32BIT), merging of adjacent
// compatible VMAs, file-backed mappings and their references, and writing MAP_SHARED file pages
// back (msync, munmap, exit).
//
// File mappings are filled from the file at map time through OpenFile.pread; pages past the end
// of the file read as zeros (Linux raises SIGBUS for pages wholly beyond EOF; not modelled). A
// MAP_SHARED file VMA keeps `baseline`, the file bytes as last read or written, and write-back
// writes only the byte runs that differ from it, so bytes the guest did not touch never clobber
// the file. Every file VMA holds one reference on its OpenFile (as Linux's vma->vm_file does),
// dropped when no VMA of this process maps it any more.

import { PAGE_SIZE } from "../memory/memory.ts";
import type { Memory } from "../memory/memory.ts";
import type { Vma } from "../memory/vma.ts";
import { MMAP_TOP } from "../loader/load.ts";
import type { OpenFile } from "./files.ts";
import type { Process } from "./process.ts";

/** Lowest address mmap hands out (vm.mmap_min_addr) and the end of user space. */
export const MMAP_MIN_ADDR = 0x10000;
export const TASK_SIZE = 0x7ffffffff000;
const MAP_32BIT_START = 0x40000000, MAP_32BIT_END = 0x80000000;

/** A VMA with what the memory syscalls track beside what /proc/self/maps shows. */
export interface MappedVma extends Vma {
  /** The mapped file (a reference is held while any VMA maps it). */
  file?: OpenFile;
  /** MAP_SHARED file mappings: file bytes at offset `baseOffset` as last synced. */
  baseline?: Uint8Array;
  baseOffset?: number;
  /** Protection bits mprotect may grant (a shared map of a read-only file stays read-only). */
  maxProt?: number;
  anonymous?: boolean;
  growsDown?: boolean;
}

export const pageUp = (v: number) => Math.ceil(v / PAGE_SIZE) * PAGE_SIZE;
export const pageDown = (v: number) => Math.floor(v / PAGE_SIZE) * PAGE_SIZE;

export function vmasOf(mem: Memory): MappedVma[] {
  return mem.vmas.list as MappedVma[];
}

/**
 * Linux's get_unmapped_area for a non-fixed mapping: the hint when that range is free, else the
 * highest free gap below MMAP_TOP (MAP_32BIT: the lowest in [1 GiB, 2 GiB)). -1 when full.
 */
export function findPlace(mem: Memory, hint: number, length: number, bits32: boolean): number {
  if (length > TASK_SIZE - MMAP_MIN_ADDR) return -1;
  if (bits32) return findFreeBottomUp(mem, length, MAP_32BIT_START, MAP_32BIT_END);
  if (hint !== 0) {
    let at = pageDown(hint);
    if (at < MMAP_MIN_ADDR) at = MMAP_MIN_ADDR;
    if (at + length <= TASK_SIZE && mem.vmas.isFree(at, at + length)) return at;
  }
  const top = mem.vmas.findFreeTopDown(length, MMAP_TOP, MMAP_MIN_ADDR);
  if (top >= 0) return top;
  return findFreeBottomUp(mem, length, MMAP_TOP, TASK_SIZE);
}

/** Lowest free gap of `length` bytes in [from, to), or -1. */
export function findFreeBottomUp(mem: Memory, length: number, from: number, to: number): number {
  let at = from;
  for (const v of mem.vmas.list) {
    if (v.end <= at) continue;
    if (v.start >= at + length) break;
    at = v.end;
  }
  return at + length <= to ? at : -1;
}

/** Bytes mapped inside [start, end). */
export function mappedBytes(mem: Memory, start = 0, end = Infinity): number {
  let n = 0;
  for (const v of mem.vmas.list) {
    const s = Math.max(v.start, start), e = Math.min(v.end, end);
    if (e > s) n += e - s;
  }
  return n;
}

function compatible(a: MappedVma, b: MappedVma): boolean {
  if (a.end !== b.start || a.prot !== b.prot || !!a.shared !== !!b.shared) return false;
  if (a.name !== b.name || a.file !== b.file || a.dev !== b.dev || a.inode !== b.inode) {
    return false;
  }
  if (a.baseline !== b.baseline || a.maxProt !== b.maxProt || a.growsDown !== b.growsDown) {
    return false;
  }
  if (!!a.anonymous !== !!b.anonymous) return false;
  if (a.offset === undefined || b.offset === undefined) return a.offset === b.offset;
  return a.offset + (a.end - a.start) === b.offset;
}

/** Merges the VMAs meeting at `start` and at `end` with their neighbours when compatible. */
export function mergeAround(mem: Memory, start: number, end: number): void {
  for (const edge of [start, end]) {
    const list = vmasOf(mem);
    const i = list.findIndex((v) => v.start === edge);
    if (i <= 0) continue;
    const a = list[i - 1], b = list[i];
    if (compatible(a, b)) {
      a.end = b.end;
      list.splice(i, 1);
    }
  }
}

// ---- file references ------------------------------------------------------------------------

const held = new WeakMap<Process, Set<OpenFile>>();

/** Takes a reference on `f` for this process's mappings (once per file). */
export function holdFile(p: Process, f: OpenFile): void {
  let set = held.get(p);
  if (!set) held.set(p, set = new Set());
  if (set.has(f)) return;
  set.add(f);
  f.refs++;
}

/** Drops the references of files no VMA maps any more. */
export function releaseUnmappedFiles(p: Process): void {
  const set = held.get(p);
  if (!set || set.size === 0) return;
  const live = new Set<OpenFile>();
  for (const v of vmasOf(p.mem)) if (v.file) live.add(v.file);
  for (const f of [...set]) {
    if (live.has(f)) continue;
    set.delete(f);
    if (--f.refs === 0) f.release(p);
  }
}

// ---- write-back -------------------------------------------------------------------------------

/** Writes dirty bytes of MAP_SHARED file pages in [start, end) back to their files. */
export function writeBack(p: Process, start: number, end: number): void {
  for (const v of [...vmasOf(p.mem)]) {
    if (!v.shared || !v.file || !v.baseline || v.end <= start || v.start >= end) continue;
    const st = v.file.stat(p);
    if (typeof st === "number") continue;
    const s = Math.max(v.start, start), e = Math.min(v.end, end);
    for (let a = s; a < e; a += PAGE_SIZE) {
      const fileOffset = (v.offset ?? 0) + (a - v.start);
      if (fileOffset >= st.size) break;
      if (!p.mem.pages.has(a / PAGE_SIZE)) continue;
      const n = Math.min(PAGE_SIZE, st.size - fileOffset);
      let bytes: Uint8Array;
      try {
        bytes = p.mem.read(a, n);
      } catch {
        continue; // PROT_NONE now: nothing the guest could have written since
      }
      const at = fileOffset - (v.baseOffset ?? 0);
      const base = v.baseline.subarray(Math.max(0, at), Math.max(0, at + n));
      let first = 0;
      while (first < n && first < base.length && bytes[first] === base[first]) first++;
      if (first === n) continue;
      let last = n;
      while (last > first && last <= base.length && bytes[last - 1] === base[last - 1]) last--;
      v.file.pwrite(p, bytes.subarray(first, last), fileOffset + first);
      if (at >= 0 && at + n <= v.baseline.length) v.baseline.set(bytes, at);
    }
  }
}

/** Removes [start, start+length): shared file pages are written back, file refs dropped. */
export function unmapRange(p: Process, start: number, length: number): void {
  writeBack(p, start, start + length);
  p.mem.unmap(start, length);
  releaseUnmappedFiles(p);
}

/** At exit (and before execve replaces the image): writes shared pages back, drops file refs. */
export function releaseMappings(p: Process): void {
  writeBack(p, 0, TASK_SIZE);
  const set = held.get(p);
  if (!set) return;
  held.delete(p);
  for (const f of set) if (--f.refs === 0) f.release(p);
}

/** Reads `length` bytes of `f` at `offset` (zeros past EOF); -errno when it cannot be read. */
export function readFileRange(
  p: Process,
  f: OpenFile,
  offset: number,
  length: number,
  size: number,
): Uint8Array | number {
  const want = Math.max(0, Math.min(length, size - offset));
  const data = new Uint8Array(want);
  let done = 0;
  while (done < want) {
    const n = f.pread(p, data.subarray(done), offset + done);
    if (n < 0) return n;
    if (n === 0) break;
    done += n;
  }
  return data.subarray(0, done);
}
