// Virtual memory areas: the sorted, non-overlapping list of mapped ranges of one address space,
// as /proc/self/maps shows them. Pages of a VMA get frames lazily (runtime/memory/memory.ts).

export const PROT_NONE = 0;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

/** One mapped range [start, end), page aligned. */
export interface Vma {
  start: number;
  end: number;
  prot: number;
  /** MAP_SHARED (1) or MAP_PRIVATE (2), as mmap flags. */
  shared?: boolean;
  /** What /proc/self/maps names it: a path, "[heap]", "[stack]", or "". */
  name?: string;
  /** File offset of `start` for file mappings. */
  offset?: number;
  /** Device and inode of the mapped file, for /proc/self/maps. */
  dev?: number;
  inode?: number;
}

export class VmaList {
  /** Sorted by start; never overlapping. */
  list: Vma[] = [];

  /** The VMA holding `address`, or undefined. */
  find(address: number): Vma | undefined {
    const l = this.list;
    let lo = 0, hi = l.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = l[mid];
      if (address < v.start) hi = mid - 1;
      else if (address >= v.end) lo = mid + 1;
      else return v;
    }
    return undefined;
  }

  /** Index of the first VMA whose end is above `address`. */
  private firstEndingAfter(address: number): number {
    const l = this.list;
    let lo = 0, hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid].end <= address) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Inserts a VMA into a range that must already be free. */
  insert(vma: Vma): void {
    const i = this.firstEndingAfter(vma.start);
    this.list.splice(i, 0, vma);
  }

  /** Removes [start, end), splitting VMAs at the edges. */
  remove(start: number, end: number): void {
    const out: Vma[] = [];
    for (const v of this.list) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push({ ...v, end: start });
      if (v.end > end) out.push(shifted(v, end));
    }
    this.list = out;
  }

  /** Sets the protection of [start, end), splitting VMAs at the edges. */
  setProt(start: number, end: number, prot: number): void {
    const out: Vma[] = [];
    for (const v of this.list) {
      if (v.end <= start || v.start >= end) {
        out.push(v);
        continue;
      }
      if (v.start < start) out.push({ ...v, end: start });
      const mid = shifted(v, Math.max(v.start, start));
      mid.end = Math.min(v.end, end);
      mid.prot = prot;
      out.push(mid);
      if (v.end > end) out.push(shifted(v, end));
    }
    this.list = out;
  }

  /** True when every page of [start, end) is mapped. */
  covers(start: number, end: number): boolean {
    let at = start;
    for (let i = this.firstEndingAfter(start); i < this.list.length && at < end; i++) {
      const v = this.list[i];
      if (v.start > at) return false;
      at = v.end;
    }
    return at >= end;
  }

  /** True when no page of [start, end) is mapped. */
  isFree(start: number, end: number): boolean {
    const i = this.firstEndingAfter(start);
    return i >= this.list.length || this.list[i].start >= end;
  }

  /** Highest free gap of `length` bytes below `below` and at or above `floor`, or -1. */
  findFreeTopDown(length: number, below: number, floor: number): number {
    let top = below;
    for (let i = this.list.length - 1; i >= -1; i--) {
      const v = i >= 0 ? this.list[i] : undefined;
      if (v && v.start >= top) continue;
      const gapStart = v ? Math.max(v.end, floor) : floor;
      if (top - gapStart >= length) return top - length;
      if (!v) break;
      top = Math.min(top, v.start);
      if (top < floor) break;
    }
    return -1;
  }
}

function shifted(v: Vma, newStart: number): Vma {
  const out = { ...v, start: newStart };
  if (v.offset !== undefined) out.offset = v.offset + (newStart - v.start);
  return out;
}
