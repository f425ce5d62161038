// A multi-process pipe's buffer as one region of memory that the supervisor and every host holding
// an end of the pipe map (ipc/shared_memory.ts), so that a read or write that need not wait is done
// by the guest's own host, under a lock in the region, without a message. Where shared memory is
// not available the supervisor keeps the same layout in its own memory and hosts ask it for every
// operation (runtime/host/pipes.ts, remote_pipe.ts).
//
// Layout (little-endian i32 words, then the data):
//   0 lock      0 when free, else the holder's tag (a host's VMID; the supervisor's is -1)
//   1 head      bytes ever read, modulo 2^32 (one store commits a read)
//   2 tail      bytes ever written, modulo 2^32 (one store commits a write)
//   3 capacity  a power of two, at most MAX_PIPE_CAPACITY
//   4 readers   open read ends (descriptions) in the whole job    } written by the supervisor only,
//   5 writers   open write ends                                    } under the lock
//   6 watch     nonzero while the supervisor has waiters (reads, poll, blocked writers): whoever
//               changes the pipe then tells it (pipe_kick), else nobody needs to be told
//   7 magic
//   the data at byte 64: position p of the stream is at offset p mod capacity.
// The bytes are copied before the head or tail moves, and each moves in one store, so a holder
// that dies inside the lock leaves the pipe consistent; the supervisor frees a dead holder's lock.

import { MAX_PIPE_CAPACITY, PIPE_BUF, pipeCapacity } from "./pipe_buffer.ts";

const HEADER_BYTES = 64;
export const PIPE_RING_BYTES = HEADER_BYTES + MAX_PIPE_CAPACITY;
const LOCK = 0, HEAD = 1, TAIL = 2, CAPACITY = 3, READERS = 4, WRITERS = 5, WATCH = 6, MAGIC = 7;
const RING_MAGIC = 0x50495045; // "PIPE"
const EAGAIN = 11, EPIPE = 32;

/** The supervisor's lock tag. */
export const SUPERVISOR_TAG = -1;

export class PipeRing {
  readonly #words: Int32Array;
  readonly #data: Uint8Array;

  /** A ring over `buffer` (PIPE_RING_BYTES long); `fresh` formats it. */
  constructor(buffer: ArrayBuffer, fresh: { capacity: number } | null = null) {
    if (buffer.byteLength !== PIPE_RING_BYTES) {
      throw new RangeError(`A pipe ring is ${PIPE_RING_BYTES} bytes, got ${buffer.byteLength}`);
    }
    this.#words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.#data = new Uint8Array(buffer, HEADER_BYTES);
    if (fresh) {
      this.#words.fill(0);
      this.#words[CAPACITY] = fresh.capacity;
      Atomics.store(this.#words, MAGIC, RING_MAGIC);
    }
  }

  /** Whether the region holds a ring (a host checks what it mapped). */
  get valid(): boolean {
    return this.#data.length > 0 && Atomics.load(this.#words, MAGIC) === RING_MAGIC &&
      pipeCapacity(this.capacity) === this.capacity;
  }

  // ---- the lock ---------------------------------------------------------------------------------

  /** Takes the lock for `tag`, spinning at most `spins` times; false if it stayed taken. */
  tryLock(tag: number, spins = 1 << 20): boolean {
    const w = this.#words;
    for (let k = 0; k < spins; k++) {
      if (Atomics.compareExchange(w, LOCK, 0, tag) === 0) return true;
    }
    return false;
  }

  unlock(): void {
    Atomics.store(this.#words, LOCK, 0);
  }

  /** The tag holding the lock (0: free). */
  get holder(): number {
    return Atomics.load(this.#words, LOCK);
  }

  /** Frees the lock if `tag` (a host found dead) holds it. */
  breakLockOf(tag: number): void {
    Atomics.compareExchange(this.#words, LOCK, tag, 0);
  }

  // ---- state, readable without the lock (a snapshot of each word) ------------------------------

  get length(): number {
    const n = (Atomics.load(this.#words, TAIL) - Atomics.load(this.#words, HEAD)) >>> 0;
    return Math.min(n, this.capacity); // a peer's garbage never reads past the data
  }

  get capacity(): number {
    return Atomics.load(this.#words, CAPACITY);
  }

  get readers(): number {
    return Atomics.load(this.#words, READERS);
  }

  get writers(): number {
    return Atomics.load(this.#words, WRITERS);
  }

  get watched(): boolean {
    return Atomics.load(this.#words, WATCH) !== 0;
  }

  readable(): boolean {
    return this.length > 0 || this.writers === 0;
  }

  writable(size = 1): boolean {
    return this.readers === 0 || this.capacity - this.length >= Math.min(size, PIPE_BUF);
  }

  // ---- operations (each takes and gives back the lock) -----------------------------------------

  /**
   * Bytes read (empty: end of file), -EAGAIN when empty while a writer is open, or null when the
   * lock could not be had. `this.kick` tells whether the supervisor must hear of the change.
   */
  read(tag: number, max: number, spins?: number): Uint8Array | number | null {
    if (!this.tryLock(tag, spins)) return null;
    const w = this.#words;
    try {
      const head = Atomics.load(w, HEAD);
      const length = this.length;
      if (length === 0) {
        this.kick = false;
        return w[WRITERS] > 0 ? -EAGAIN : new Uint8Array(0);
      }
      const n = Math.min(max, length);
      const cap = w[CAPACITY];
      const offset = head & (cap - 1);
      const first = Math.min(n, cap - offset);
      const out = new Uint8Array(n); // new + set: V8's slice of a large array is far slower
      out.set(this.#data.subarray(offset, offset + first));
      if (first < n) out.set(this.#data.subarray(0, n - first), first);
      Atomics.store(w, HEAD, (head + n) | 0);
      this.kick = w[WATCH] !== 0;
      return out;
    } finally {
      this.unlock();
    }
  }

  /**
   * Writes what fits of `data`: all or nothing when it is at most PIPE_BUF bytes. Returns the
   * count, -EAGAIN when nothing fits, -EPIPE when no reader is left, or null when the lock could
   * not be had. `this.kick` tells whether the supervisor must hear of it.
   */
  write(tag: number, data: Uint8Array, spins?: number): number | null {
    if (!this.tryLock(tag, spins)) return null;
    const w = this.#words;
    try {
      this.kick = false;
      if (w[READERS] === 0) return -EPIPE;
      if (data.length === 0) return 0;
      const cap = w[CAPACITY];
      const room = cap - this.length;
      if (room <= 0 || (data.length <= PIPE_BUF && room < data.length)) return -EAGAIN;
      const n = Math.min(room, data.length);
      const tail = Atomics.load(w, TAIL);
      const offset = tail & (cap - 1);
      const first = Math.min(n, cap - offset);
      this.#data.set(first === n ? data.subarray(0, n) : data.subarray(0, first), offset);
      if (first < n) this.#data.set(data.subarray(first, n), 0);
      Atomics.store(w, TAIL, (tail + n) | 0);
      this.kick = w[WATCH] !== 0;
      return n;
    } finally {
      this.unlock();
    }
  }

  /** Set by read() and write(): the supervisor waits on this pipe and must be told (pipe_kick). */
  kick = false;

  // ---- the supervisor's (under its lock) ---------------------------------------------------------

  setCounts(readers: number, writers: number): void {
    Atomics.store(this.#words, READERS, readers);
    Atomics.store(this.#words, WRITERS, writers);
  }

  setWatch(on: boolean): void {
    Atomics.store(this.#words, WATCH, on ? 1 : 0);
  }

  /** The buffered bytes, in order, copied out (the ring is left as it is). */
  contents(): Uint8Array {
    const n = this.length, cap = this.capacity;
    const offset = Atomics.load(this.#words, HEAD) & (cap - 1);
    const out = new Uint8Array(n);
    const first = Math.min(n, cap - offset);
    out.set(this.#data.subarray(offset, offset + first));
    if (first < n) out.set(this.#data.subarray(0, n - first), first);
    return out;
  }

  /** Replaces the contents and capacity (a restore, or F_SETPIPE_SZ). */
  refill(data: Uint8Array, capacity: number): void {
    if (data.length > capacity) throw new RangeError("Pipe contents larger than its capacity");
    this.#data.set(data, 0);
    const w = this.#words;
    Atomics.store(w, HEAD, 0);
    Atomics.store(w, TAIL, data.length);
    Atomics.store(w, CAPACITY, capacity);
  }
}
