// Bulk lanes: shared-memory rings beside a Unix-socket link that carry the large byte strings of
// frames (pipe data, pages), so each crosses between processes as one copy into a ring and one
// out, not through the socket. The socket still carries every frame, in order: a frame whose raw
// tail went by lane (frame.ts, flag LANE) holds only the ring position and length of its bytes.
// So ordering, back-pressure and a peer's death stay the socket's business, and a lane is pure
// transport: nothing above the link sees it. Without room in the ring, or without a lane at all
// (no shared memory on this host, a peer that did not accept it), a frame goes inline as before.
//
// One shared region (shared_memory.ts) per link, made by the side that dialled and offered in its
// HELLO; the other side maps it and sets `accepted`, after which the dialler may send through it:
//    0  u32 magic, u32 ring size, u32 accepted, u32 tag, u32 frames sent by the dialler, u32
//       frames sent by the acceptor (region header, one cache line)
//   64  u32 consumed position of ring 0                (written by ring 0's receiver only)
//  128  u32 consumed position of ring 1                (written by ring 1's receiver only)
//  192  ring 0 data (dialler -> acceptor), then ring 1 data (acceptor -> dialler)
// Positions are byte counts since the start, modulo 2^32; a ring's size is a power of two, so a
// position's offset in it is the low bits. Bytes go in at the sender's produced position (wrapping
// round the end) and must be taken at exactly the receiver's consumed position, in order: any
// other position or length is the peer's corruption and throws (the link closes). A sender trusts
// the consumed position it reads only as far as it is possible; else the lane is treated as full.
// The frame counts (modulo 2^32, HELLO not counted) let a receiver tell whether frames are on
// their way to it (sent but not yet read off the socket): a guest host that takes pipe bytes
// straight from shared memory first takes the frames its supervisor sent before them (signals),
// as a process on Linux would see them (runtime/kernel/remote_pipe.ts).
// The offer carries the region's random tag: a descriptor number the dialler closed and reused for
// another link's region (it closes one once accepted, or when its link closes first) is refused.

import { SharedMemory, type SharedMemoryHandle } from "./shared_memory.ts";

/** Raw tails at least this long go by lane when it has room. */
export const LANE_MIN = 8192;
/** Bytes in each direction's ring. */
export const DEFAULT_RING_SIZE = 512 * 1024;

const MAGIC = 0x454e414c; // "LANE"
const HEADER_BYTES = 192;
const WORD_MAGIC = 0, WORD_RING_SIZE = 1, WORD_ACCEPTED = 2, WORD_TAG = 3;

/** What a dialler's HELLO offers: where its region is, and the tag written in it. */
export interface LaneOffer extends SharedMemoryHandle {
  tag: number;
}
const WORD_CONSUMED = [16, 32]; // u32 index of each ring's consumed position
const WORD_SENT = [4, 5]; // u32 index of each ring's sender's frame count

/** One direction's ring as its sender sees it. */
export class LaneSender {
  readonly #data: Uint8Array;
  readonly #words: Uint32Array;
  readonly #consumedWord: number;
  readonly #sentWord: number;
  #produced = 0;
  /** False until the peer mapped the region; checked in the shared header until it is true. */
  #ready: boolean;
  readonly #onReady: () => void;

  constructor(
    data: Uint8Array,
    words: Uint32Array,
    consumedWord: number,
    sentWord: number,
    ready: boolean,
    onReady = () => {},
  ) {
    this.#data = data;
    this.#words = words;
    this.#consumedWord = consumedWord;
    this.#sentWord = sentWord;
    this.#ready = ready;
    this.#onReady = onReady;
  }

  /** Bytes the ring can take now (0 before the peer accepted, or after it was closed). */
  get room(): number {
    if (this.#data.length === 0) return 0; // closed: the views were detached
    if (!this.#ready) {
      if (Atomics.load(this.#words, WORD_ACCEPTED) !== 1) return 0;
      this.#ready = true;
      this.#onReady();
    }
    const size = this.#data.length;
    const used = (this.#produced - Atomics.load(this.#words, this.#consumedWord)) >>> 0;
    return used > size ? 0 : size - used; // past the possible: a peer's garbage, never room
  }

  /** Counts a frame sent on the link (before its bytes are written). */
  countFrame(): void {
    if (this.#data.length > 0) Atomics.add(this.#words, this.#sentWord, 1);
  }

  /** Copies `bytes` into the ring and returns their position, or -1 when they do not fit. */
  put(bytes: Uint8Array): number {
    const length = bytes.length;
    if (length === 0 || length > this.room) return -1;
    const data = this.#data;
    const position = this.#produced;
    const offset = position & (data.length - 1);
    const first = Math.min(length, data.length - offset);
    data.set(first === length ? bytes : bytes.subarray(0, first), offset);
    if (first < length) data.set(bytes.subarray(first), 0);
    this.#produced = (position + length) >>> 0;
    return position;
  }
}

/** One direction's ring as its receiver sees it. */
export class LaneReceiver {
  readonly #data: Uint8Array;
  readonly #words: Uint32Array;
  readonly #consumedWord: number;
  readonly #sentWord: number;
  #consumed = 0;
  #framesIn = 0;

  constructor(data: Uint8Array, words: Uint32Array, consumedWord: number, sentWord: number) {
    this.#data = data;
    this.#words = words;
    this.#consumedWord = consumedWord;
    this.#sentWord = sentWord;
  }

  /** Counts a frame read off the link. */
  countFrame(): void {
    this.#framesIn = (this.#framesIn + 1) >>> 0;
  }

  /** Whether the peer counted frames that have not been read here yet (true once closed). */
  get behind(): boolean {
    if (this.#data.length === 0) return true;
    return Atomics.load(this.#words, this.#sentWord) !== this.#framesIn;
  }

  /**
   * Copies out the `length` bytes at `position` and frees their room. Throws RangeError unless
   * they are exactly the next bytes of the ring.
   */
  take(position: number, length: number): Uint8Array {
    const data = this.#data;
    if (data.length === 0) throw new RangeError("Lane bytes arrived on a closed lane");
    if (position !== this.#consumed || !(length > 0 && length <= data.length)) {
      throw new RangeError(
        `Lane bytes at ${position} (${length}) are not the next in the ring (at ${this.#consumed})`,
      );
    }
    const offset = position & (data.length - 1);
    const first = Math.min(length, data.length - offset);
    // new + set rather than slice(): V8's slice of a large typed array is many times slower.
    const bytes = new Uint8Array(length);
    bytes.set(data.subarray(offset, offset + first));
    if (first < length) bytes.set(data.subarray(0, length - first), first);
    this.#consumed = (position + length) >>> 0;
    Atomics.store(this.#words, this.#consumedWord, this.#consumed);
    return bytes;
  }
}

/** Both directions of one link's lane, over one shared region. */
export class Lane {
  readonly sender: LaneSender;
  readonly receiver: LaneReceiver;
  readonly #memory: SharedMemory;
  readonly #words: Uint32Array;

  private constructor(memory: SharedMemory, dialler: boolean, ringSize: number) {
    this.#memory = memory;
    const words = new Uint32Array(memory.bytes, 0, HEADER_BYTES / 4);
    this.#words = words;
    const ring = (k: number) => new Uint8Array(memory.bytes, HEADER_BYTES + k * ringSize, ringSize);
    const [out, into] = dialler ? [0, 1] : [1, 0];
    // The dialler's descriptor has done its work once the acceptor mapped the region.
    this.sender = new LaneSender(
      ring(out),
      words,
      WORD_CONSUMED[out],
      WORD_SENT[out],
      !dialler,
      () => memory.closeFile(),
    );
    this.receiver = new LaneReceiver(ring(into), words, WORD_CONSUMED[into], WORD_SENT[into]);
  }

  /** A new lane to offer in a HELLO, or null when shared memory is unavailable here. */
  static offer(ringSize = DEFAULT_RING_SIZE): Lane | null {
    if (!(ringSize >= 4096 && (ringSize & (ringSize - 1)) === 0 && ringSize <= 1 << 30)) {
      throw new RangeError(`Lane ring size must be a power of two from 4096, got ${ringSize}`);
    }
    const memory = SharedMemory.create(HEADER_BYTES + 2 * ringSize);
    if (memory === null) return null;
    const words = new Uint32Array(memory.bytes, 0, HEADER_BYTES / 4);
    words[WORD_MAGIC] = MAGIC;
    words[WORD_RING_SIZE] = ringSize;
    words[WORD_TAG] = crypto.getRandomValues(new Uint32Array(1))[0];
    return new Lane(memory, true, ringSize);
  }

  /** Maps the lane a dialler offered and accepts it; null if it is not a valid lane. */
  static accept(offer: unknown): Lane | null {
    if (typeof offer !== "object" || offer === null) return null;
    const tag = (offer as Partial<LaneOffer>).tag;
    const memory = SharedMemory.open(offer as SharedMemoryHandle);
    if (memory === null) return null;
    const words = new Uint32Array(memory.bytes, 0, HEADER_BYTES / 4);
    const ringSize = words[WORD_RING_SIZE];
    if (
      words[WORD_MAGIC] !== MAGIC || words[WORD_TAG] !== tag || words[WORD_ACCEPTED] !== 0 ||
      ringSize < 4096 ||
      (ringSize & (ringSize - 1)) !== 0 || HEADER_BYTES + 2 * ringSize !== memory.size
    ) {
      memory.unmap();
      return null;
    }
    const lane = new Lane(memory, false, ringSize);
    Atomics.store(words, WORD_ACCEPTED, 1);
    return lane;
  }

  /** What the peer needs to accept this lane (the dialler's side). */
  get offer(): LaneOffer {
    return { ...this.#memory.handle, tag: this.#words[WORD_TAG] };
  }

  get closed(): boolean {
    return !this.#memory.mapped;
  }

  /** Unmaps the region: later sends find no room, later takes throw. */
  close(): void {
    this.#memory.unmap();
  }
}
