// Links: one framed, ordered, bidirectional connection over a byte channel.
//
// Owns: the read loop (bytes -> FrameDecoder -> frames, in order), the write queue (frames ->
// bytes, coalesced, partial writes resumed, back-pressure through drain()), closing, and the
// link's bulk lane if it has one (lane.ts: unmapped when the link closes, never touched after).
// The channels are a child's stdin/stdout pipes (either end) and Unix domain sockets.
// Invariants: frames reach `onFrame` in the order they were sent; nothing is delivered after
// close; `onClose` runs exactly once, with the error that broke the link (null for a clean end),
// and never throws out of the read loop. Who the peer is (HELLO) is the worker's business.
import { Code, codeName } from "./codes.ts";
import { asError, LinkClosedError } from "./errors.ts";
import { DEFAULT_MAX_PAYLOAD, encodeFrameParts, type Frame, FrameDecoder } from "./frame.ts";
import type { Lane } from "./lane.ts";

/** The byte stream under a link. `write` may write less than asked (the link resumes it). */
export interface ByteChannel {
  readonly kind: "unix" | "pipe" | "memory";
  read(into: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  close(): void;
}

/** Receives what a link reads, and its end. */
export interface LinkEvents {
  onFrame(link: Link, frame: Frame): void;
  onClose(link: Link, error: Error | null): void;
}

/** Tuning for one link. */
export interface LinkOptions {
  maxPayload?: number;
  /** Queued bytes above which `drain()` waits (default 1 MiB). */
  highWaterMark?: number;
}

/** A Unix socket connection as a channel. */
export function unixChannel(conn: Deno.Conn): ByteChannel {
  return {
    kind: "unix",
    read: (into) => conn.read(into),
    write: (bytes) => conn.write(bytes),
    close: () => closeQuietly(conn),
  };
}

/** This process's stdin/stdout as a channel (the child end of a parent link). */
export function stdioChannel(): ByteChannel {
  return {
    kind: "pipe",
    read: (into) => Deno.stdin.read(into),
    write: (bytes) => Deno.stdout.write(bytes),
    close: () => {
      closeQuietly(Deno.stdin);
      closeQuietly(Deno.stdout);
    },
  };
}

/** A spawned child's stdout/stdin as a channel (the parent end of a child link). */
export function childChannel(child: Deno.ChildProcess): ByteChannel {
  // A BYOB reader fills one scratch buffer over and over (each read hands it back, transferred),
  // instead of a fresh 64 KiB chunk per read.
  const reader = child.stdout.getReader({ mode: "byob" });
  const writer = child.stdin.getWriter();
  let scratch = new Uint8Array(64 * 1024);
  let leftover: Uint8Array | null = null;
  return {
    kind: "pipe",
    async read(into) {
      if (leftover === null) {
        const { value, done } = await reader.read(scratch);
        if (value !== undefined) scratch = new Uint8Array(value.buffer);
        if (done || value === undefined || value.length === 0) return done ? null : 0;
        leftover = value;
      }
      const count = Math.min(into.length, leftover.length);
      into.set(leftover.subarray(0, count));
      leftover = count === leftover.length ? null : leftover.subarray(count);
      return count;
    },
    async write(bytes) {
      await writer.write(bytes);
      return bytes.length;
    },
    close() {
      // Both fail only if the stream already failed, which is what closed the link.
      reader.cancel().catch(() => {});
      writer.close().catch(() => {});
    },
  };
}

/** Closes a Deno resource that may already be closed (the one error that is expected there). */
function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

const MAX_COALESCE = 64 * 1024;
const COALESCE_BELOW = 16 * 1024;

/** A framed connection. Create, set `events`, then `start()`. */
export class Link {
  readonly channel: ByteChannel;
  events: LinkEvents;
  /** VMID of the peer once it said HELLO (0 before). */
  peerVmid = 0;
  /** True once the peer presented the run's secret (set by the worker). */
  get authenticated(): boolean {
    return this.#authenticated;
  }
  set authenticated(value: boolean) {
    this.#authenticated = value;
    if (value) this.#ready.resolve();
  }
  /** The VMID the peer must claim in its HELLO (set when we dialled it), or 0. */
  expectedVmid = 0;
  /** Resolves when the link is closed and both loops have ended. */
  readonly done: Promise<void>;

  readonly #decoder: FrameDecoder;
  readonly #highWaterMark: number;
  #queue: Uint8Array[] = [];
  #queuedBytes = 0;
  #writing = false;
  #closed = false;
  #readEnded = false;
  #drainWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  #resolveDone!: () => void;
  #authenticated = false;
  #started = false;
  #lane: Lane | null = null;
  readonly #ready = Promise.withResolvers<void>();

  constructor(channel: ByteChannel, events: LinkEvents, options: LinkOptions = {}) {
    this.channel = channel;
    this.events = events;
    this.#decoder = new FrameDecoder(options.maxPayload ?? DEFAULT_MAX_PAYLOAD);
    this.#highWaterMark = options.highWaterMark ?? 1024 * 1024;
    this.done = new Promise((resolve) => this.#resolveDone = resolve);
    // Nobody may be waiting for `ready`; a link that closes unauthenticated is reported anyway.
    this.#ready.promise.catch(() => {});
  }

  /** Resolves once the peer presented the run's secret; rejects if the link closes first. */
  get ready(): Promise<void> {
    return this.#ready.promise;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes waiting to be written. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get maxPayload(): number {
    return this.#decoder.maxPayload;
  }

  /** Starts reading. Frames go to `events.onFrame` in order. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#readLoop();
  }

  /** The bulk lane beside this link's channel, if it has one. */
  get lane(): Lane | null {
    return this.#lane;
  }

  /** Requests sent on this link and not answered yet (kept by the worker's RequestTable). */
  unanswered = 0;

  /**
   * Whether frames the peer sent are still on their way here (known only with a lane: without
   * one, always true). Frames are counted from the peer's first after HELLO.
   */
  get peerAhead(): boolean {
    return this.#lane?.receiver.behind ?? true;
  }

  /** Gives the link a bulk lane: large raw tails go through it while it has room. */
  attachLane(lane: Lane): void {
    if (this.#closed) {
      lane.close();
      return;
    }
    if (this.#lane !== null) throw new TypeError("The link already has a lane");
    this.#lane = lane;
    this.#decoder.lane = lane.receiver;
  }

  /** Encodes and queues one frame. Throws RangeError (over the limit) or LinkClosedError. */
  sendFrame(seq: number, code: Code, vmid: number, payload: unknown): void {
    if (this.#closed) throw this.#closedError(code); // before the (unmapped) lane is touched
    const parts = encodeFrameParts(
      seq,
      code,
      vmid,
      payload,
      this.maxPayload,
      this.#lane?.sender ?? null,
    );
    if (code !== Code.HELLO) this.#lane?.sender.countFrame(); // counted once it is sure to go
    for (const part of parts) this.write(part, code);
  }

  /** Queues encoded frame bytes; they are written in order, whatever the channel accepts. */
  write(bytes: Uint8Array, code?: Code): void {
    if (this.#closed) throw this.#closedError(code);
    this.#queue.push(bytes);
    this.#queuedBytes += bytes.length;
    if (!this.#writing) this.#writeLoop();
  }

  #closedError(code?: Code): LinkClosedError {
    const what = code === undefined ? "a frame" : codeName(code);
    return new LinkClosedError(
      `Cannot send ${what} to process ${this.peerVmid}: the link is closed`,
      this.peerVmid,
    );
  }

  /** Resolves once queued bytes are at or below the high-water mark (back-pressure). */
  drain(): Promise<void> {
    if (this.#closed) {
      return Promise.reject(new LinkClosedError("The link is closed", this.peerVmid));
    }
    if (this.#queuedBytes <= this.#highWaterMark) return Promise.resolve();
    return new Promise((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
  }

  /** Resolves once every queued byte is written. */
  async flush(): Promise<void> {
    while (this.#queuedBytes > 0 || this.#writing) {
      if (this.#closed) throw new LinkClosedError("The link closed while flushing", this.peerVmid);
      await new Promise<void>((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
    }
  }

  /** Closes the link; `onClose` runs once with `error` (null: a deliberate, clean close). */
  close(error: Error | null = null): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#queuedBytes = 0;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) {
      waiter.reject(new LinkClosedError("The link closed", this.peerVmid, { cause: error }));
    }
    this.channel.close();
    // Nothing reads or writes the lane after this: the read loop stops at #closed, and
    // sendFrame() throws.
    this.#decoder.lane = null;
    this.#lane?.close();
    this.#ready.reject(
      new LinkClosedError("The link closed before the peer said HELLO", this.peerVmid, {
        cause: error,
      }),
    );
    try {
      this.events.onClose(this, error);
    } finally {
      this.#maybeDone();
    }
  }

  async #readLoop(): Promise<void> {
    const decoder = this.#decoder;
    try {
      while (!this.#closed) {
        const count = await this.channel.read(decoder.writableArea());
        if (this.#closed) break;
        if (count === null) {
          const left = decoder.buffered;
          this.close(
            left === 0 ? null : new LinkClosedError(
              `Link from process ${this.peerVmid} ended inside a frame (${left} bytes)`,
              this.peerVmid,
            ),
          );
          break;
        }
        decoder.commit(count);
        for (let frame = decoder.next(); frame !== null; frame = decoder.next()) {
          if (this.#authenticated && frame.code !== Code.HELLO) this.#lane?.receiver.countFrame();
          this.events.onFrame(this, frame);
          if (this.#closed) break;
        }
      }
    } catch (error) {
      // A read failing after close() is the cancelled read; anything else breaks the link.
      if (!this.#closed) this.close(asError(error));
    } finally {
      this.#readEnded = true;
      this.#maybeDone();
    }
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const chunk = this.#takeChunk();
        let offset = 0;
        while (offset < chunk.length) {
          offset += await this.channel.write(offset === 0 ? chunk : chunk.subarray(offset));
          if (this.#closed) return;
        }
        this.#queuedBytes -= chunk.length;
        if (this.#queuedBytes <= this.#highWaterMark) this.#wakeDrainWaiters();
      }
    } catch (error) {
      if (!this.#closed) this.close(asError(error));
    } finally {
      this.#writing = false;
      if (!this.#closed) this.#wakeDrainWaiters();
      this.#maybeDone();
    }
  }

  /** Several small queued frames become one write; a large one goes alone (no copy). */
  #takeChunk(): Uint8Array {
    const queue = this.#queue;
    if (queue.length === 1 || queue[0].length >= COALESCE_BELOW) return queue.shift()!;
    let count = 0;
    let size = 0;
    while (
      count < queue.length && queue[count].length < COALESCE_BELOW &&
      size + queue[count].length <= MAX_COALESCE
    ) {
      size += queue[count].length;
      count++;
    }
    if (count <= 1) return queue.shift()!;
    const chunk = new Uint8Array(size);
    let offset = 0;
    for (const part of queue.splice(0, count)) {
      chunk.set(part, offset);
      offset += part.length;
    }
    return chunk;
  }

  #wakeDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  }

  #maybeDone(): void {
    if (this.#closed && (this.#readEnded || !this.#started) && !this.#writing) this.#resolveDone();
  }
}
