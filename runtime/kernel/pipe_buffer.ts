// A pipe's buffer with Linux's semantics, independent of where it lives: in the process itself
// (a single-process job) or in the supervisor (a multi-process job: runtime/host/pipes.ts keeps
// one per pipe and serves every process's ends over IPC, so a checkpoint captures all pipe
// contents in one place).
//
// Invariants: `length` bytes are buffered in `chunks`; `length + reserved` never exceeds
// `capacity` (but for a capacity shrunk under a reservation); a write of at most PIPE_BUF bytes
// goes in whole or not at all; readers and writers count open ends (descriptions), and waiters
// are woken whenever data, room, or an end count changes.
//
// `reserved` is room promised to a writer elsewhere (the supervisor's credit to a pipe's only
// writing host, runtime/host/pipes.ts): write() leaves it alone, and accept() fills it.

export const PIPE_BUF = 4096;
export const DEFAULT_PIPE_CAPACITY = 65536;
const EAGAIN = 11, EPIPE = 32;

export class PipeBuffer {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  length = 0;
  capacity = DEFAULT_PIPE_CAPACITY;
  readers = 0;
  writers = 0;
  /** Room promised to a writer that will fill it through accept() (never in a snapshot). */
  reserved = 0;
  private waiters: (() => void)[] = [];

  /** Bytes read (empty: end of file), or -EAGAIN when empty while a writer is open. */
  read(max: number): Uint8Array | number {
    if (this.length === 0) return this.writers > 0 ? -EAGAIN : new Uint8Array(0);
    const n = Math.min(max, this.length);
    if (this.head === 0 && this.chunks[0].length === n) {
      // A whole chunk: handed over as it is (chunks are never changed once buffered).
      this.length -= n;
      const whole = this.chunks.shift()!;
      this.wake();
      return whole;
    }
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0];
      const take = Math.min(c.length - this.head, n - at);
      out.set(c.subarray(this.head, this.head + take), at);
      at += take;
      this.head += take;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.length -= n;
    this.wake();
    return out;
  }

  /**
   * Accepts what fits of `data`: all of it or nothing when it is at most PIPE_BUF bytes. Returns
   * the count accepted, -EAGAIN when nothing fits, -EPIPE when no reader is left.
   */
  write(data: Uint8Array): number {
    if (this.readers === 0) return -EPIPE;
    const room = this.room;
    if (data.length === 0) return 0;
    if (room <= 0 || (data.length <= PIPE_BUF && room < data.length)) return -EAGAIN;
    const n = Math.min(room, data.length);
    const copy = new Uint8Array(n); // not slice(): far slower on large arrays in V8
    copy.set(data.subarray(0, n));
    this.chunks.push(copy);
    this.length += n;
    this.wake();
    return n;
  }

  /**
   * Takes `data` into room reserved for it earlier (a write that already completed for its
   * writer); with no reader left the bytes are dropped, as Linux drops a pipe nobody can read.
   * `data` must not change afterwards (it is kept, not copied). `fromReserved` false: the room
   * was taken back meanwhile, and the bytes go in regardless (the writer was told they did).
   */
  accept(data: Uint8Array, fromReserved = true): void {
    if (fromReserved) this.reserved = Math.max(0, this.reserved - data.length);
    if (this.readers === 0 || data.length === 0) return;
    this.chunks.push(data);
    this.length += data.length;
    this.wake();
  }

  /** Room neither filled nor promised. */
  get room(): number {
    return this.capacity - this.length - this.reserved;
  }

  /** Whether a read would not block, and whether a write of `size` bytes would not block. */
  readable(): boolean {
    return this.length > 0 || this.writers === 0;
  }

  writable(size = 1): boolean {
    return this.readers === 0 || this.room >= Math.min(size, PIPE_BUF);
  }

  /** Resolves at the next change (data, room, or an end opened or closed). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  open(end: "r" | "w", count = 1): void {
    if (end === "r") this.readers += count;
    else this.writers += count;
    this.wake();
  }

  close(end: "r" | "w", count = 1): void {
    if (end === "r") this.readers = Math.max(0, this.readers - count);
    else this.writers = Math.max(0, this.writers - count);
    this.wake();
  }

  /** F_SETPIPE_SZ: at least one page, rounded up to a power of two; EBUSY if data would not fit. */
  setCapacity(size: number): number {
    let cap = 4096;
    while (cap < size) cap *= 2;
    if (cap > 1048576) return -1; // EPERM above /proc/sys/fs/pipe-max-size
    if (cap < this.length) return -16; // EBUSY
    this.capacity = cap;
    this.wake();
    return cap;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Contents and counts as plain data (checkpoints). */
  snapshot(): { data: Uint8Array; capacity: number; readers: number; writers: number } {
    const data = new Uint8Array(this.length);
    let at = 0;
    this.chunks.forEach((c, k) => {
      const part = k === 0 ? c.subarray(this.head) : c;
      data.set(part, at);
      at += part.length;
    });
    return { data, capacity: this.capacity, readers: this.readers, writers: this.writers };
  }

  restore(s: { data: Uint8Array; capacity: number; readers: number; writers: number }): void {
    this.chunks = s.data.length ? [s.data.slice()] : [];
    this.head = 0;
    this.length = s.data.length;
    this.capacity = s.capacity;
    this.reserved = 0;
    this.readers = s.readers;
    this.writers = s.writers;
  }
}
