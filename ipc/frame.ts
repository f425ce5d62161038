// Frame encoding and incremental decoding: the one wire format of pipes and Unix sockets.
//
// Layout (little-endian), then `length` bytes of one CBOR item (cbor-x):
//   0  u32 length    payload bytes (>= 1, <= the link's limit)
//   4  u32 seq       request number; 0 for one-way messages; a reply repeats the request's
//   8  u16 code      a Code below CODE_BOUND
//  10  u16 flags     RAW_TAIL or zero; the other bits are reserved and must be zero
//  12  u32 vmid      sender's VMID
// RAW_TAIL: the payload is a map one of whose top-level fields is a byte string of at least
// RAW_MIN bytes (pipe data, pages), carried after the CBOR rather than inside it, so it is copied
// once into the frame instead of through the encoder's buffer: `u32 metaLength`, then the CBOR
// of [field name, the map without that field], then the bytes. Decoded, the map has the field
// back; the sender never chooses the form, encodeFrame() does.
// LANE (with RAW_TAIL): the raw bytes went through the link's shared-memory lane (lane.ts), and
// in their place the frame holds `u32 position, u32 length` in the lane's ring; the receiver's
// decoder takes them from there, so a decoded frame is the same either way.
// Invariants: FrameDecoder hands out only whole, valid frames; once it throws, the stream is
// unusable (the link closes). Decoded byte strings are copies, so the receive buffer can be reused.
import { Decoder, Encoder } from "cbor-x/encode";
import { Code, codeName } from "./codes.ts";
import { LANE_MIN, type LaneReceiver, type LaneSender } from "./lane.ts";

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

const RAW_TAIL = 0x8000;
const LANE = 0x4000;
/** Bytes of a LANE frame's tail: the position and length of its bytes in the lane's ring. */
const LANE_TAIL = 8;
/** Byte strings at least this long, at the top level of a map payload, travel raw (RAW_TAIL). */
export const RAW_MIN = 2048;

/** The top-level field of `payload` that travels raw, if any. */
function rawField(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null || ArrayBuffer.isView(payload)) return;
  if (Array.isArray(payload)) return;
  const record = payload as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (value instanceof Uint8Array && value.length >= RAW_MIN) return key;
  }
}

function writeHeader(
  frame: Uint8Array,
  length: number,
  seq: number,
  code: Code,
  flags: number,
  vmid: number,
): void {
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER_SIZE);
  view.setUint32(0, length, true);
  view.setUint32(4, seq, true);
  view.setUint16(8, code, true);
  view.setUint16(10, flags, true);
  view.setUint32(12, vmid, true);
}

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
  writeHeader(frame, body.length, seq, code, 0, vmid);
  frame.set(body, HEADER_SIZE);
  return frame;
}

const handedOver = new WeakSet<Uint8Array>();

/**
 * Marks bytes their owner will never change again, so that a frame carrying them raw may send
 * them as they are, after a separate head, instead of copying them into one buffer.
 */
export function handOver<T extends Uint8Array>(bytes: T): T {
  handedOver.add(bytes);
  return bytes;
}

/** Encodes one frame. Throws RangeError if the payload is over the limit. */
export function encodeFrame(
  seq: number,
  code: Code,
  vmid: number,
  payload: unknown,
  maxPayload = DEFAULT_MAX_PAYLOAD,
): Uint8Array {
  const parts = encodeFrameParts(seq, code, vmid, payload, maxPayload);
  if (parts.length === 1) return parts[0];
  const frame = new Uint8Array(parts[0].length + parts[1].length);
  frame.set(parts[0]);
  frame.set(parts[1], parts[0].length);
  return frame;
}

/**
 * Encodes one frame as the byte strings to send in order: one, or a head and then bytes given
 * with handOver() (a RAW_TAIL frame), which are not copied. With a `lane` that has room, raw
 * bytes of at least LANE_MIN go into it instead (a LANE frame). Throws RangeError like
 * encodeFrame().
 */
export function encodeFrameParts(
  seq: number,
  code: Code,
  vmid: number,
  payload: unknown,
  maxPayload = DEFAULT_MAX_PAYLOAD,
  lane: LaneSender | null = null,
): Uint8Array[] {
  const key = rawField(payload);
  if (key === undefined) return [frameBytes(seq, code, vmid, encoder.encode(payload), maxPayload)];
  const record = payload as Record<string, unknown>;
  const raw = record[key] as Uint8Array;
  const rest: Record<string, unknown> = {};
  for (const k in record) if (k !== key) rest[k] = record[k];
  const meta = encoder.encode([key, rest]);
  const length = 4 + meta.length + raw.length;
  if (length > maxPayload) {
    throw new RangeError(
      `${codeName(code)} payload is ${length} bytes, over the ${maxPayload}-byte frame limit`,
    );
  }
  const position = lane !== null && raw.length >= LANE_MIN ? lane.put(raw) : -1;
  if (position >= 0) {
    const frame = new Uint8Array(HEADER_SIZE + 4 + meta.length + LANE_TAIL);
    writeHeader(frame, 4 + meta.length + LANE_TAIL, seq, code, RAW_TAIL | LANE, vmid);
    const view = new DataView(frame.buffer);
    view.setUint32(HEADER_SIZE, meta.length, true);
    frame.set(meta, HEADER_SIZE + 4);
    view.setUint32(HEADER_SIZE + 4 + meta.length, position, true);
    view.setUint32(HEADER_SIZE + 8 + meta.length, raw.length, true);
    return [frame];
  }
  const whole = !handedOver.has(raw);
  const frame = new Uint8Array(HEADER_SIZE + 4 + meta.length + (whole ? raw.length : 0));
  writeHeader(frame, length, seq, code, RAW_TAIL, vmid);
  new DataView(frame.buffer).setUint32(HEADER_SIZE, meta.length, true);
  frame.set(meta, HEADER_SIZE + 4);
  if (!whole) return [frame, raw];
  frame.set(raw, HEADER_SIZE + 4 + meta.length);
  return [frame];
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
  /** Where the bytes of LANE frames are (the link's lane); without one they are an error. */
  lane: LaneReceiver | null = null;
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
    const flags = view.getUint16(at + 10, true);
    if ((flags & ~(RAW_TAIL | LANE)) !== 0 || flags === LANE) {
      throw new RangeError(`Frame header has non-zero reserved bits (${codeName(code)})`);
    }
    if (length === 0) throw new SyntaxError(`Frame ${codeName(code)} has an empty payload`);
    if (available < HEADER_SIZE + length) return null;
    const body = this.#buffer.subarray(at + HEADER_SIZE, at + HEADER_SIZE + length);
    const payload = flags & RAW_TAIL
      ? decodeRawTail(code, body, flags & LANE ? this.#takeLane(code) : null)
      : decodeCbor(code, body);
    this.#start = at + HEADER_SIZE + length;
    return {
      seq: view.getUint32(at + 4, true),
      code,
      vmid: view.getUint32(at + 12, true),
      payload,
    };
  }

  #takeLane(code: Code): LaneReceiver {
    if (this.lane === null) {
      throw new SyntaxError(`Frame ${codeName(code)} names lane bytes on a link without a lane`);
    }
    return this.lane;
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

function decodeCbor(code: Code, body: Uint8Array): unknown {
  try {
    return decoder.decode(body);
  } catch (error) {
    throw new SyntaxError(`Frame ${codeName(code)} payload is not valid CBOR`, { cause: error });
  }
}

/**
 * A RAW_TAIL payload: the map from its CBOR, with the raw field put back (copied out of the frame,
 * or of the `lane` for a LANE frame).
 */
function decodeRawTail(code: Code, body: Uint8Array, lane: LaneReceiver | null): unknown {
  const metaLength = body.length >= 4
    ? new DataView(body.buffer, body.byteOffset, 4).getUint32(0, true)
    : -1;
  if (metaLength < 1 || 4 + metaLength > body.length) {
    throw new SyntaxError(`Frame ${codeName(code)} has a bad raw-tail header`);
  }
  const meta = decodeCbor(code, body.subarray(4, 4 + metaLength));
  if (
    !Array.isArray(meta) || meta.length !== 2 || typeof meta[0] !== "string" ||
    meta[0] === "__proto__" ||
    typeof meta[1] !== "object" || meta[1] === null || Array.isArray(meta[1])
  ) {
    throw new SyntaxError(`Frame ${codeName(code)} has a bad raw-tail map`);
  }
  const record = meta[1] as Record<string, unknown>;
  const tail = body.subarray(4 + metaLength);
  if (lane !== null) {
    if (tail.length !== LANE_TAIL) {
      throw new SyntaxError(`Frame ${codeName(code)} has a bad lane reference`);
    }
    const view = new DataView(tail.buffer, tail.byteOffset, LANE_TAIL);
    record[meta[0]] = lane.take(view.getUint32(0, true), view.getUint32(4, true));
    return record;
  }
  // new + set rather than slice(): V8's slice of a large typed array is many times slower.
  const raw = new Uint8Array(tail.length);
  raw.set(tail);
  record[meta[0]] = raw;
  return record;
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
