// Guest memory: a sparse 47-bit address space of 4 KiB pages with R/W/X permissions.
//
// Invariants:
// - Address ranges are described by VMAs (runtime/memory/vma.ts); a page gets a frame only when it is
//   first touched (zero-filled) or filled from a file at map time.
// - Frames live in one SharedArrayBuffer (threads will share it), addressed by byte offset. It is
//   fixed-size (the host backs untouched pages lazily): V8 inlines DataView access on fixed-size
//   buffers but not on growable ones, which made every guest load and store a call.
// - Two direct-mapped TLBs (read, write) cache page -> frame offset for pages that allow the access.
//   A page holding decoded code is never in the write TLB: a write to it takes the slow path, which
//   tells the code cache to drop that page (self-modifying code, JITs).
// - Addresses are plain numbers (integers below 2^53); anything outside [0, 2^47) faults.
// Only this file changes page tables, frames and TLBs; the kernel changes mappings through its API.

import { PROT_EXEC, PROT_READ, PROT_WRITE, Vma, VmaList } from "./vma.ts";

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
export const ADDRESS_LIMIT = 2 ** 47;
/** TLB entries (a power of two): 4096 pages cover 16 MiB, so that arrays of a few MiB scanned
 * with a stride (a sieve) stay mapped instead of missing on nearly every access. */
const TLB_SIZE = 4096;
/** TLB slot of page p: p & TLB_MASK (translated code inlines it, runtime/cpu/jit_gen.ts). */
export const TLB_MASK = TLB_SIZE - 1;
/** Guest memory a process may touch, at most (host RAM is used only for touched pages). */
export const DEFAULT_POOL_BYTES = 4 * 1024 ** 3;
let spare: Memory | undefined;

export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;

/** A guest access that Linux would answer with SIGSEGV. Thrown by memory accessors. */
export class PageFault extends Error {
  constructor(
    readonly address: number,
    readonly code: number,
    readonly write: boolean,
  ) {
    super(`Guest page fault at 0x${address.toString(16)}`);
  }
}

/** An address space as plain data (see Memory.snapshot). */
export interface MemorySnapshot {
  vmas: Vma[];
  /** Page-aligned addresses of present pages, ascending. */
  pages: number[];
  /** Their contents, PAGE_SIZE bytes each, in the same order. */
  data: Uint8Array;
}

/**
 * An address space copied in the least time (Memory.capture): the used frame pool in one copy
 * and the page table as it was. Memory.pagesOf lays it out as a page map later.
 */
export interface MemoryCapture {
  vmas: Vma[];
  /** [page number, page-table entry (frame byte offset * 16 + bits)]. */
  entries: [number, number][];
  /** Frames 0..poolUsed, copied. */
  pool: Uint8Array;
}

/** Integer TLB tag of an empty slot (see Memory.rTagHi). */
const TAG_EMPTY = 0x7fffffff;

/** Per-page entry bits, beside the frame index (entry = frame * 16 + bits). */
const P_CODE = 8;

export class Memory {
  /** Frame pool. */
  pool: SharedArrayBuffer;
  bytes: Uint8Array;
  view: DataView;
  private poolUsed = 0;
  private freeFrames: number[] = [];
  /** page number -> frame byte offset * 16 + prot bits (+P_CODE). */
  readonly pages = new Map<number, number>();
  readonly vmas = new VmaList();
  // TLBs: tag is the page number (NaN when empty: it equals no page, not even page -1 of a
  // negative address), value the frame byte offset.
  readonly rTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly rOff = new Float64Array(TLB_SIZE);
  readonly wTag = new Float64Array(TLB_SIZE).fill(NaN);
  readonly wOff = new Float64Array(TLB_SIZE);
  // The same TLBs with integers for translated code (runtime/cpu/jit_gen.ts), which works on
  // 32-bit halves of addresses: the page number's bits above 32 (TAG_EMPTY when empty: no page
  // has them), its low 32 bits, and the frame offset. Updated together with rTag/wTag; a frame
  // at 2^31 or beyond is left out (translated code then takes the accessors).
  readonly rTagHi = new Int32Array(TLB_SIZE).fill(TAG_EMPTY);
  readonly rTagLo = new Int32Array(TLB_SIZE);
  readonly rOffI = new Int32Array(TLB_SIZE);
  readonly wTagHi = new Int32Array(TLB_SIZE).fill(TAG_EMPTY);
  readonly wTagLo = new Int32Array(TLB_SIZE);
  readonly wOffI = new Int32Array(TLB_SIZE);
  /** Called when a page holding decoded code is written or unmapped. */
  onCodeWrite: (page: number) => void = () => {};

  constructor(poolBytes = DEFAULT_POOL_BYTES) {
    this.pool = new SharedArrayBuffer(poolBytes);
    this.bytes = new Uint8Array(this.pool);
    this.view = new DataView(this.pool);
  }

  /**
   * An address space whose first `bytes` of frame pool the host has already touched, kept for
   * the next fresh() (a warm host of `supervisor serve` pays its page faults before its job: a
   * restore then reads its pages into memory that is there, ~20 ms less per 32 MiB here).
   */
  static prefault(bytes: number): void {
    const m = new Memory();
    m.bytes.fill(0, 0, Math.min(bytes, m.bytes.length));
    spare = m;
  }

  /** A new, empty address space: the prefaulted one if there is one. */
  static fresh(): Memory {
    const m = spare ?? new Memory();
    spare = undefined;
    return m;
  }

  // ---- frames -------------------------------------------------------------------------------

  private allocFrame(): number {
    const f = this.freeFrames.pop();
    if (f !== undefined) {
      this.bytes.fill(0, f, f + PAGE_SIZE);
      return f;
    }
    if (this.poolUsed + PAGE_SIZE > this.pool.byteLength) {
      throw new RangeError("Guest memory pool exhausted");
    }
    const off = this.poolUsed;
    this.poolUsed += PAGE_SIZE;
    return off;
  }

  /** Bytes of guest memory backed by frames. */
  get residentBytes(): number {
    return this.pages.size * PAGE_SIZE;
  }

  flushTlb(): void {
    this.rTag.fill(NaN);
    this.wTag.fill(NaN);
    this.rTagHi.fill(TAG_EMPTY);
    this.wTagHi.fill(TAG_EMPTY);
  }

  private dropFromTlb(page: number): void {
    const i = page & TLB_MASK;
    if (this.rTag[i] === page) this.clearRead(i);
    if (this.wTag[i] === page) this.clearWrite(i);
  }

  private clearRead(i: number): void {
    this.rTag[i] = NaN;
    this.rTagHi[i] = TAG_EMPTY;
  }

  private clearWrite(i: number): void {
    this.wTag[i] = NaN;
    this.wTagHi[i] = TAG_EMPTY;
  }

  // ---- translation (slow paths) ---------------------------------------------------------------

  /** Frame byte offset for `page`, allocating on first touch; throws PageFault. */
  translate(address: number, access: number): number {
    if (!(address >= 0 && address < ADDRESS_LIMIT)) {
      throw new PageFault(address, SEGV_MAPERR, access === PROT_WRITE);
    }
    const page = Math.floor(address / PAGE_SIZE);
    let entry = this.pages.get(page);
    if (entry === undefined) {
      const vma = this.vmas.find(address);
      if (!vma) throw new PageFault(address, SEGV_MAPERR, access === PROT_WRITE);
      if ((vma.prot & access) === 0) {
        throw new PageFault(address, SEGV_ACCERR, access === PROT_WRITE);
      }
      entry = this.allocFrame() * 16 + (vma.prot & 7);
      this.pages.set(page, entry);
    }
    const prot = entry & 7;
    if ((prot & access) === 0) {
      // x86 has no write-only or exec-only pages: write implies read, exec needs read mapped.
      if (!(access === PROT_READ && (prot & (PROT_WRITE | PROT_EXEC)))) {
        throw new PageFault(address, SEGV_ACCERR, access === PROT_WRITE);
      }
    }
    const frame = Math.floor(entry / 16);
    const i = page & TLB_MASK;
    if (access === PROT_WRITE) {
      if (entry & P_CODE) {
        this.pages.set(page, entry & ~P_CODE);
        this.onCodeWrite(page);
      }
      this.wTag[i] = page;
      this.wOff[i] = frame;
      this.wTagHi[i] = frame < 2147483648 ? Math.floor(page / 4294967296) : TAG_EMPTY;
      this.wTagLo[i] = page | 0;
      this.wOffI[i] = frame;
    } else if (access === PROT_READ) {
      this.rTag[i] = page;
      this.rOff[i] = frame;
      this.rTagHi[i] = frame < 2147483648 ? Math.floor(page / 4294967296) : TAG_EMPTY;
      this.rTagLo[i] = page | 0;
      this.rOffI[i] = frame;
    }
    return frame;
  }

  /** Marks a page as holding decoded code and returns its frame offset (exec permission checked). */
  fetchPage(address: number): number {
    const frame = this.translate(address, PROT_EXEC);
    const page = Math.floor(address / PAGE_SIZE);
    const entry = this.pages.get(page)!;
    if (!(entry & P_CODE)) {
      this.pages.set(page, entry | P_CODE);
      const i = page & TLB_MASK;
      if (this.wTag[i] === page) this.clearWrite(i);
    }
    return frame;
  }

  // ---- scalar access (hot) --------------------------------------------------------------------
  // Reads return the value as a signed int32 (read32) or unsigned small ints (read8/read16).

  read8(a: number): number {
    const page = Math.floor(a / PAGE_SIZE);
    const i = page & TLB_MASK;
    const o = this.rTag[i] === page ? this.rOff[i] : this.translate(a, PROT_READ);
    return this.bytes[o + (a & 4095)];
  }

  read16(a: number): number {
    const off = a & 4095;
    if (off > 4094) return this.read8(a) | (this.read8(a + 1) << 8);
    const page = Math.floor(a / PAGE_SIZE);
    const i = page & TLB_MASK;
    const o = this.rTag[i] === page ? this.rOff[i] : this.translate(a, PROT_READ);
    return this.view.getUint16(o + off, true);
  }

  read32(a: number): number {
    const off = a & 4095;
    if (off > 4092) {
      return this.read16(a) | (this.read16(a + 2) << 16);
    }
    const page = Math.floor(a / PAGE_SIZE);
    const i = page & TLB_MASK;
    const o = this.rTag[i] === page ? this.rOff[i] : this.translate(a, PROT_READ);
    return this.view.getInt32(o + off, true);
  }

  write8(a: number, v: number): void {
    const page = Math.floor(a / PAGE_SIZE);
    const i = page & TLB_MASK;
    const o = this.wTag[i] === page ? this.wOff[i] : this.translate(a, PROT_WRITE);
    this.bytes[o + (a & 4095)] = v;
  }

  write16(a: number, v: number): void {
    const off = a & 4095;
    if (off > 4094) {
      this.checkWritable(a, 2);
      this.write8(a, v);
      this.write8(a + 1, v >> 8);
      return;
    }
    const page = Math.floor(a / PAGE_SIZE);
    const i = page & TLB_MASK;
    const o = this.wTag[i] === page ? this.wOff[i] : this.translate(a, PROT_WRITE);
    this.view.setUint16(o + off, v, true);
  }

  write32(a: number, v: number): void {
    const off = a & 4095;
    if (off > 4092) {
      this.checkWritable(a, 4);
      this.write16(a, v);
      this.write16(a + 2, v >>> 16);
      return;
    }
    const page = Math.floor(a / PAGE_SIZE);
    const i = page & TLB_MASK;
    const o = this.wTag[i] === page ? this.wOff[i] : this.translate(a, PROT_WRITE);
    this.view.setInt32(o + off, v, true);
  }

  /** Makes sure a write of `n` bytes at `a` will not fault halfway (x86 writes are all or nothing). */
  checkWritable(a: number, n: number): void {
    this.translate(a, PROT_WRITE);
    // The second page is checked at its first byte: that is the address Linux reports.
    const next = (Math.floor(a / PAGE_SIZE) + 1) * PAGE_SIZE;
    if (next < a + n) this.translate(next, PROT_WRITE);
  }

  // ---- bulk access (kernel) -------------------------------------------------------------------

  /** Copies `length` guest bytes at `a` out; throws PageFault on the first bad page. */
  read(a: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const addr = a + done;
      const off = addr & 4095;
      const n = Math.min(PAGE_SIZE - off, length - done);
      const frame = this.translate(addr, PROT_READ);
      out.set(this.bytes.subarray(frame + off, frame + off + n), done);
      done += n;
    }
    return out;
  }

  /** Copies `data` into guest memory at `a`, checking write permission page by page. */
  write(a: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const addr = a + done;
      const off = addr & 4095;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      const frame = this.translate(addr, PROT_WRITE);
      this.bytes.set(data.subarray(done, done + n), frame + off);
      done += n;
    }
  }

  /** Writes ignoring page permissions (loader, kernel filling read-only pages). */
  poke(a: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const addr = a + done;
      const off = addr & 4095;
      const n = Math.min(PAGE_SIZE - off, data.length - done);
      const frame = this.frameForPoke(addr);
      this.bytes.set(data.subarray(done, done + n), frame + off);
      done += n;
    }
  }

  private frameForPoke(address: number): number {
    const page = Math.floor(address / PAGE_SIZE);
    let entry = this.pages.get(page);
    if (entry === undefined) {
      const vma = this.vmas.find(address);
      if (!vma) throw new PageFault(address, SEGV_MAPERR, true);
      entry = this.allocFrame() * 16 + (vma.prot & 7);
      this.pages.set(page, entry);
    } else if (entry & P_CODE) {
      this.pages.set(page, entry & ~P_CODE);
      this.onCodeWrite(page);
    }
    return Math.floor(entry / 16);
  }

  /** Reads a NUL-terminated string of at most `max` bytes (without the NUL). */
  readCString(a: number, max = 4096): Uint8Array {
    const chunks: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read8(a + i);
      if (b === 0) return new Uint8Array(chunks);
      chunks.push(b);
    }
    throw new RangeError("String too long");
  }

  read64(a: number): number {
    // As a number: exact below 2^53, which covers every user-space address.
    return (this.read32(a) >>> 0) + this.read32(a + 4) * 4294967296;
  }

  write64(a: number, v: number): void {
    this.checkWritable(a, 8);
    const lo = v | 0;
    this.write32(a, lo);
    this.write32(a + 4, ((v - (lo >>> 0)) / 4294967296) | 0);
  }

  // ---- mappings (kernel) ----------------------------------------------------------------------

  /** Maps [start, start+length) with `prot`; replaces whatever was there (MAP_FIXED semantics). */
  map(start: number, length: number, prot: number, info: Partial<Vma> = {}): void {
    this.unmap(start, length);
    this.vmas.insert({ start, end: start + length, prot, ...info } as Vma);
  }

  /** Removes mappings and frees frames in [start, start+length). */
  unmap(start: number, length: number): void {
    this.vmas.remove(start, start + length);
    this.forEachPresent(start, length, (page, entry) => {
      if (entry & P_CODE) this.onCodeWrite(page);
      this.freeFrames.push(Math.floor(entry / 16));
      this.pages.delete(page);
      this.dropFromTlb(page);
    });
  }

  /** Changes page permissions in [start, start+length). */
  protect(start: number, length: number, prot: number): void {
    this.vmas.setProt(start, start + length, prot);
    this.forEachPresent(start, length, (page, entry) => {
      this.pages.set(page, (entry & ~7) | (prot & 7));
      this.dropFromTlb(page);
    });
  }

  /** Moves frames of [from, from+length) to `to` (mremap); the VMAs are moved by the caller. */
  moveFrames(from: number, to: number, length: number): void {
    const moved: [number, number][] = [];
    this.forEachPresent(from, length, (page, entry) => {
      this.pages.delete(page);
      this.dropFromTlb(page);
      if (entry & P_CODE) this.onCodeWrite(page);
      moved.push([page - from / PAGE_SIZE + to / PAGE_SIZE, entry & ~P_CODE]);
    });
    for (const [page, entry] of moved) {
      this.dropFromTlb(page);
      this.pages.set(page, entry);
    }
  }

  /** Zeroes present pages in a range (MADV_DONTNEED on private anonymous memory). */
  discard(start: number, length: number): void {
    this.forEachPresent(start, length, (page, entry) => {
      if (entry & P_CODE) this.onCodeWrite(page);
      this.freeFrames.push(Math.floor(entry / 16));
      this.pages.delete(page);
      this.dropFromTlb(page);
    });
  }

  private forEachPresent(
    start: number,
    length: number,
    fn: (page: number, entry: number) => void,
  ): void {
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.ceil((start + length) / PAGE_SIZE);
    if (last - first < this.pages.size) {
      for (let p = first; p < last; p++) {
        const e = this.pages.get(p);
        if (e !== undefined) fn(p, e);
      }
    } else {
      for (const [p, e] of [...this.pages]) if (p >= first && p < last) fn(p, e);
    }
  }

  /**
   * The address space as plain data: VMAs, then a page map (addresses of present pages, in
   * order) and their contents concatenated. Used by fork and checkpoints.
   */
  snapshot(): MemorySnapshot {
    const keys = [...this.pages.keys()].sort((a, b) => a - b);
    const data = new Uint8Array(keys.length * PAGE_SIZE);
    keys.forEach((page, n) => {
      const frame = Math.floor(this.pages.get(page)! / 16);
      data.set(this.bytes.subarray(frame, frame + PAGE_SIZE), n * PAGE_SIZE);
    });
    return {
      vmas: this.vmas.list.map((v) => ({ ...v })),
      pages: keys.map((p) => p * PAGE_SIZE),
      data,
    };
  }

  /**
   * The address space copied while the process is stopped, as fast as it can be: one copy of the
   * used frame pool and the page table (checkpoints; the page-ordered snapshot is built later by
   * pagesOf, after the process runs on).
   */
  capture(into?: Uint8Array): MemoryCapture {
    let pool: Uint8Array;
    if (into && into.length >= this.poolUsed) {
      // A buffer prepared (and paged in) beforehand: the copy runs at memory speed.
      pool = into.subarray(0, this.poolUsed);
      pool.set(this.bytes.subarray(0, this.poolUsed));
    } else pool = this.bytes.slice(0, this.poolUsed);
    return { vmas: this.vmas.list.map((v) => ({ ...v })), entries: [...this.pages], pool };
  }

  /**
   * Where a restore may read `length` bytes of page data (a view of the pool from offset 0,
   * which restore then takes in place), or undefined if this address space is in use or too
   * small for it.
   */
  pagesInPlace(length: number): Uint8Array | undefined {
    if (this.pages.size !== 0 || this.poolUsed !== 0 || length > this.pool.byteLength) return;
    return this.bytes.subarray(0, length);
  }

  /** Bytes of the frame pool in use (what capture copies). */
  get poolBytes(): number {
    return this.poolUsed;
  }

  /**
   * The present pages of a capture in address order: their addresses, and their contents as
   * views of the captured pool (nothing copied), as a MemorySnapshot's page map and data.
   */
  static pagesOf(c: MemoryCapture): { pages: number[]; contents: Uint8Array[] } {
    const entries = c.entries.sort((a, b) => a[0] - b[0]);
    const contents = entries.map(([, entry]) => {
      const frame = Math.floor(entry / 16);
      return c.pool.subarray(frame, frame + PAGE_SIZE);
    });
    return { pages: entries.map(([page]) => page * PAGE_SIZE), contents };
  }

  /**
   * Replaces this address space with a snapshot's. The page data may already be in place: a
   * view of this pool from offset 0 (pagesInPlace), read there by a restore; it is not copied.
   */
  restore(s: MemorySnapshot): void {
    const inPlace = s.data.buffer === this.pool && s.data.byteOffset === 0;
    for (const page of [...this.pages.keys()]) this.onCodeWrite(page);
    this.pages.clear();
    this.freeFrames = [];
    // Frames handed out again must read as zero (beyond the data, when it is in place).
    this.bytes.fill(0, inPlace ? s.data.length : 0, this.poolUsed);
    this.poolUsed = 0;
    this.flushTlb();
    this.vmas.list = s.vmas.map((v) => ({ ...v }));
    if (s.data.length !== s.pages.length * PAGE_SIZE) {
      throw new RangeError("Memory snapshot: page map and page data disagree in size");
    }
    if (s.data.length > this.pool.byteLength) throw new RangeError("Guest memory pool exhausted");
    // The pool is empty: page n gets frame n, so the contents go in with one copy (or none).
    if (!inPlace) this.bytes.set(s.data, 0);
    this.poolUsed = s.data.length;
    s.pages.forEach((addr, n) => {
      const vma = this.vmas.find(addr);
      if (!vma) {
        throw new RangeError(`Memory snapshot: page 0x${addr.toString(16)} outside any VMA`);
      }
      this.pages.set(addr / PAGE_SIZE, n * PAGE_SIZE * 16 + (vma.prot & 7));
    });
  }

  /** Present pages in address order with their contents (checkpoint, fork). */
  *presentPages(): Generator<[number, Uint8Array]> {
    const keys = [...this.pages.keys()].sort((a, b) => a - b);
    for (const p of keys) {
      const frame = Math.floor(this.pages.get(p)! / 16);
      yield [p * PAGE_SIZE, this.bytes.subarray(frame, frame + PAGE_SIZE)];
    }
  }
}
