// The buffer of a pipe whose ends are all in one process (a guest run without a host: LocalPipe
// in pipe.ts), with Linux's semantics. Pipes of a multi-process job live in a PipeRing shared by
// the supervisor and the hosts (pipe_ring.ts).
//
// Invariants: `length` bytes are buffered in `chunks`, never more than `capacity`; a write of at
// most PIPE_BUF bytes goes in whole or not at all; readers and writers count open ends
// (descriptions), and waiters are woken whenever data, room, or an end count changes.

export const PIPE_BUF = 4096;
export const DEFAULT_PIPE_CAPACITY = 65536;
export const MAX_PIPE_CAPACITY = 1 << 20; // /proc/sys/fs/pipe-max-size
const EPERM = 1, EAGAIN = 11, EBUSY = 16, EPIPE = 32;

/** The capacity F_SETPIPE_SZ gives for `size`: a power of two from a page; -EPERM over the limit. */
export function pipeCapacity(size: number): number {
  let cap = 4096;
  while (cap < size) cap *= 2;
  return cap > MAX_PIPE_CAPACITY ? -EPERM : cap;
}

export class PipeBuffer {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  length = 0;
  capacity = DEFAULT_PIPE_CAPACITY;
  readers = 0;
  writers = 0;
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

  get room(): number {
    return this.capacity - this.length;
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

  /** F_SETPIPE_SZ (see pipeCapacity); EBUSY if the data would not fit. */
  setCapacity(size: number): number {
    const cap = pipeCapacity(size);
    if (cap < 0) return cap;
    if (cap < this.length) return -EBUSY;
    this.capacity = cap;
    this.wake();
    return cap;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
