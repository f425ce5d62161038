// Frame encoding and incremental decoding: the one wire format of pipes and Unix sockets.
//
// Layout (little-endian), then `length` bytes of one CBOR item (cbor-x):
//   0  u32 length    payload bytes (>= 1, <= the link's limit)
//   4  u32 seq       request number; 0 for one-way messages; a reply repeats the request's
//   8  u16 code      a Code below CODE_BOUND
//  10  u16 reserved  must be zero
//  12  u32 vmid      sender's VMID
// Invariants: FrameDecoder hands out only whole, valid frames; once it throws, the stream is
// unusable (the link closes). Decoded byte strings are copies, so the receive buffer can be reused.
import { Decoder, Encoder } from "cbor-x/encode";
import { Code, codeName } from "./codes.ts";

/** Bytes before the payload. */
export const HEADER_SIZE = 16;
/** Default payload limit; fork image streams are chunked below it. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** One decoded frame. */
export interface Frame {
  seq: number;
  code: Code;
  vmid: number;
  payload: unknown;
}

const encoder = new Encoder({ useRecords: false, tagUint8Array: false });
const decoder = new Decoder({ useRecords: false, mapsAsObjects: true, copyBuffers: true });

/** CBOR-encodes a payload alone (so one encoding can be framed for several receivers). */
export function encodePayload(payload: unknown): Uint8Array {
  return encoder.encode(payload);
}

/** Frames an already encoded payload. */
export function frameBytes(
  seq: number,
  code: Code,
  vmid: number,
  body: Uint8Array,
  maxPayload = DEFAULT_MAX_PAYLOAD,
): Uint8Array {
  if (body.length > maxPayload) {
    throw new RangeError(
      `${codeName(code)} payload is ${body.length} bytes, over the ${maxPayload}-byte frame limit`,
    );
  }
  const frame = new Uint8Array(HEADER_SIZE + body.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, body.length, true);
  view.setUint32(4, seq, true);
  view.setUint16(8, code, true);
  view.setUint32(12, vmid, true);
  frame.set(body, HEADER_SIZE);
  return frame;
}

/** Encodes one frame. Throws RangeError if the payload is over the limit. */
export function encodeFrame(
  seq: number,
  code: Code,
  vmid: number,
  payload: unknown,
  maxPayload = DEFAULT_MAX_PAYLOAD,
): Uint8Array {
  return frameBytes(seq, code, vmid, encoder.encode(payload), maxPayload);
}

const INITIAL_BUFFER = 256 * 1024;
/** Room offered to each read, so one read can take several frames (or much of a big one). */
const MIN_READ_SPACE = 128 * 1024;

/**
 * Reassembles frames from a byte stream cut anywhere: `push()` chunks (or read straight into
 * `writableArea()` and `commit()`), then take frames with `next()`.
 */
export class FrameDecoder {
  readonly maxPayload: number;
  #buffer = new Uint8Array(INITIAL_BUFFER);
  #view = new DataView(this.#buffer.buffer);
  #start = 0;
  #end = 0;

  constructor(maxPayload = DEFAULT_MAX_PAYLOAD) {
    this.maxPayload = maxPayload;
  }

  /** Bytes received but not yet returned as frames. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Free space to read into; large enough for the rest of the frame in progress. */
  writableArea(): Uint8Array {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    let needed = MIN_READ_SPACE;
    if (this.buffered >= HEADER_SIZE) {
      const length = this.#view.getUint32(this.#start, true);
      if (length <= this.maxPayload) {
        needed = Math.max(needed, HEADER_SIZE + length - this.buffered);
      }
    }
    if (this.#buffer.length - this.#end < needed) this.#makeRoom(needed);
    return this.#buffer.subarray(this.#end);
  }

  /** Records that `count` bytes were written into the last writableArea(). */
  commit(count: number): void {
    if (count < 0 || this.#end + count > this.#buffer.length) {
      throw new RangeError(`Cannot commit ${count} bytes: only the writable area may be filled`);
    }
    this.#end += count;
  }

  /** Appends a chunk and returns every frame it completes. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const area = this.writableArea();
      const count = Math.min(area.length, chunk.length - offset);
      area.set(chunk.subarray(offset, offset + count));
      this.commit(count);
      offset += count;
      for (let frame = this.next(); frame !== null; frame = this.next()) frames.push(frame);
    }
    return frames;
  }

  /** The next whole frame, or null if more bytes are needed. Throws on a corrupt frame. */
  next(): Frame | null {
    const available = this.#end - this.#start;
    if (available < HEADER_SIZE) return null;
    const view = this.#view;
    const at = this.#start;
    const length = view.getUint32(at, true);
    const code = view.getUint16(at + 8, true);
    if (length > this.maxPayload) {
      throw new RangeError(`Frame of ${length} bytes is over the ${this.maxPayload}-byte limit`);
    }
    if (code >= Code.CODE_BOUND) throw new RangeError(`Frame has unknown message code ${code}`);
    if (view.getUint16(at + 10, true) !== 0) {
      throw new RangeError(`Frame header has non-zero reserved bits (${codeName(code)})`);
    }
    if (length === 0) throw new SyntaxError(`Frame ${codeName(code)} has an empty payload`);
    if (available < HEADER_SIZE + length) return null;
    const body = this.#buffer.subarray(at + HEADER_SIZE, at + HEADER_SIZE + length);
    let payload: unknown;
    try {
      payload = decoder.decode(body);
    } catch (error) {
      throw new SyntaxError(`Frame ${codeName(code)} payload is not valid CBOR`, { cause: error });
    }
    this.#start = at + HEADER_SIZE + length;
    return {
      seq: view.getUint32(at + 4, true),
      code,
      vmid: view.getUint32(at + 12, true),
      payload,
    };
  }

  #makeRoom(needed: number): void {
    const pending = this.#end - this.#start;
    const size = Math.max(this.#buffer.length, pending + needed);
    if (size > this.#buffer.length) {
      const buffer = new Uint8Array(size);
      buffer.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = buffer;
      this.#view = new DataView(buffer.buffer);
    } else {
      this.#buffer.copyWithin(0, this.#start, this.#end);
    }
    this.#start = 0;
    this.#end = pending;
  }
}

/** Decodes a buffer holding whole frames only; throws on a corrupt or truncated one. */
export function decodeFrames(bytes: Uint8Array, maxPayload = DEFAULT_MAX_PAYLOAD): Frame[] {
  const frameDecoder = new FrameDecoder(maxPayload);
  const frames = frameDecoder.push(bytes);
  if (frameDecoder.buffered !== 0) {
    throw new SyntaxError(`Input ends inside a frame (${frameDecoder.buffered} bytes left over)`);
  }
  return frames;
}
