// The checkpoint image container: a versioned file of typed records (the OpenVZ idea), so that
// readers skip record types they do not know and refuse damaged files with a precise error.
//
// Layout (little-endian):
//   header  : magic "SVIMAGE\0" (8) | version u16 | flags u16 | header length u32 (=16)
//   record  : type u32 | header length u32 (=24) | payload length u64 | crc32 u32 |
//             reserved u32 | payload        (the crc covers the first 16 header bytes and the payload)
//   trailer : a record of type END with an empty payload; a file without it is truncated.
// Payloads are CBOR (cbor-x) or raw bytes, as the record type says. Each stateful object owns its
// snapshot; this file only frames, checks and versions records.

import { decode, encode } from "cbor-x/encode";

/** A SHA-256 in progress (node:crypto's Hash). */
interface Sha256 {
  update(data: Uint8Array): Sha256;
  digest(encoding: "hex"): string;
}

/**
 * A new SHA-256. node:crypto is loaded on first use, not with this module: guest hosts load this
 * module, and node:crypto would add ~20 ms to every host's start-up, hashing or not.
 */
async function sha256(): Promise<Sha256> {
  const { createHash } = await import("node:crypto");
  return createHash("sha256");
}

/** Loads node:crypto now (a warm host of `supervisor serve`, so its first restore need not). */
export async function preloadHashing(): Promise<void> {
  await sha256();
}

export const IMAGE_MAGIC = "SVIMAGE\0";
export const IMAGE_VERSION = 1;
const FILE_HEADER = 16;
const RECORD_HEADER = 24;

/** Record types. Numbers are stable on disk: never reuse one. */
export const REC_END = 0;
export const REC_CPU_FEATURES = 1;
export const REC_PROCESS = 2;
export const REC_REGISTERS = 3;
export const REC_FPSTATE = 4;
export const REC_MEMORY_MAP = 5;
export const REC_PAGES = 6;
export const REC_FILES = 7;
export const REC_SIGNALS = 8;
export const REC_SHARED = 9;
export const REC_MANIFEST = 10;

/** A damaged or foreign image: the message names the file, the record and what is wrong. */
export class ImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageError";
  }
}

export interface ImageRecord {
  type: number;
  payload: Uint8Array;
}

/** CRC-32 tables for slicing-by-8: table k advances a byte through k further zero bytes. */
const CRC_TABLES = (() => {
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = t[prev & 0xff] ^ (prev >>> 8);
    }
  }
  return t;
})();

/**
 * CRC-32 (IEEE), as zlib computes it; pass the previous result to continue a running CRC.
 * Eight bytes a step (slicing-by-8): page data is checksummed at several hundred MB/s.
 */
export function crc32(data: Uint8Array, previous = 0): number {
  const t = CRC_TABLES;
  let c = ~previous;
  let i = 0;
  const n = data.length;
  // Bytes one at a time until 4-byte aligned, then 8 at a time through 32-bit words.
  while (i < n && ((data.byteOffset + i) & 3) !== 0) c = t[(c ^ data[i++]) & 0xff] ^ (c >>> 8);
  const words = (n - i) >> 3;
  if (words > 0) {
    const w = new Int32Array(data.buffer, data.byteOffset + i, words * 2);
    for (let k = 0; k < w.length; k += 2) {
      const a = w[k] ^ c, b = w[k + 1];
      c = t[1792 + (a & 0xff)] ^ t[1536 + ((a >>> 8) & 0xff)] ^
        t[1280 + ((a >>> 16) & 0xff)] ^ t[1024 + (a >>> 24)] ^
        t[768 + (b & 0xff)] ^ t[512 + ((b >>> 8) & 0xff)] ^
        t[256 + ((b >>> 16) & 0xff)] ^ t[b >>> 24];
    }
    i += words * 8;
  }
  while (i < n) c = t[(c ^ data[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function recordCrc(header: Uint8Array, payload: Uint8Array): number {
  return crc32(payload, crc32(header));
}

/** Builds an image from records (an END record is appended). */
export function writeImage(records: ImageRecord[]): Uint8Array {
  const all = [...records, { type: REC_END, payload: new Uint8Array(0) }];
  const size = FILE_HEADER + all.reduce((n, r) => n + RECORD_HEADER + r.payload.length, 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode(IMAGE_MAGIC), 0);
  v.setUint16(8, IMAGE_VERSION, true);
  v.setUint16(10, 0, true);
  v.setUint32(12, FILE_HEADER, true);
  let at = FILE_HEADER;
  for (const r of all) {
    v.setUint32(at, r.type, true);
    v.setUint32(at + 4, RECORD_HEADER, true);
    v.setUint32(at + 8, r.payload.length % 4294967296, true);
    v.setUint32(at + 12, Math.floor(r.payload.length / 4294967296), true);
    v.setUint32(at + 20, 0, true);
    out.set(r.payload, at + RECORD_HEADER);
    v.setUint32(at + 16, recordCrc(out.subarray(at, at + 16), r.payload), true);
    at += RECORD_HEADER + r.payload.length;
  }
  return out;
}

/** A record whose payload is given in pieces, written one after the other, never joined. */
export interface PiecewiseRecord {
  type: number;
  pieces: Uint8Array[];
}

const STAGING_BYTES = 1 << 20;

/**
 * Writes an image file (as writeImage lays it out) and fsyncs it, without building it in memory:
 * payloads, whole or in pieces (page contents straight from a memory capture), go through one
 * small staging buffer. Returns its size and SHA-256, hashed as it is written.
 */
export async function writeImageFile(
  path: string,
  records: (ImageRecord | PiecewiseRecord)[],
): Promise<{ size: number; digest: string }> {
  const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  try {
    const hash = await sha256();
    const stage = new Uint8Array(STAGING_BYTES);
    let staged = 0, size = 0;
    const flush = async () => {
      const out = stage.subarray(0, staged);
      hash.update(out);
      for (let at = 0; at < out.length;) at += await file.write(out.subarray(at));
      size += staged;
      staged = 0;
    };
    const put = async (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length;) {
        if (staged === STAGING_BYTES) await flush();
        const n = Math.min(bytes.length - at, STAGING_BYTES - staged);
        stage.set(bytes.subarray(at, at + n), staged);
        staged += n;
        at += n;
      }
    };
    const header = new Uint8Array(FILE_HEADER);
    const hv = new DataView(header.buffer);
    header.set(new TextEncoder().encode(IMAGE_MAGIC), 0);
    hv.setUint16(8, IMAGE_VERSION, true);
    hv.setUint32(12, FILE_HEADER, true);
    await put(header);
    for (const r of [...records, { type: REC_END, payload: new Uint8Array(0) }]) {
      const pieces = "pieces" in r ? r.pieces : [r.payload];
      const length = pieces.reduce((n, p) => n + p.length, 0);
      const h = new Uint8Array(RECORD_HEADER);
      const v = new DataView(h.buffer);
      v.setUint32(0, r.type, true);
      v.setUint32(4, RECORD_HEADER, true);
      v.setUint32(8, length % 4294967296, true);
      v.setUint32(12, Math.floor(length / 4294967296), true);
      let crc = crc32(h.subarray(0, 16));
      for (const p of pieces) crc = crc32(p, crc);
      v.setUint32(16, crc, true);
      await put(h);
      for (const p of pieces) await put(p);
    }
    await flush();
    await file.sync();
    return { size, digest: hash.digest("hex") };
  } finally {
    file.close();
  }
}

/**
 * Parses and checks an image; `name` is used in error messages (usually the file path).
 * `checkCrc` false skips the record CRCs, for bytes already proven whole (SHA-256 equal to the
 * manifest's): the framing is still checked.
 */
export function readImage(data: Uint8Array, name = "image", checkCrc = true): ImageRecord[] {
  if (data.length < FILE_HEADER) {
    throw new ImageError(`${name}: truncated: ${data.length} bytes, no complete header`);
  }
  const magic = new TextDecoder().decode(data.subarray(0, 8));
  if (magic !== IMAGE_MAGIC) throw new ImageError(`${name}: not a supervisor image (bad magic)`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const version = v.getUint16(8, true);
  if (version !== IMAGE_VERSION) {
    throw new ImageError(
      `${name}: image version ${version}, this supervisor reads ${IMAGE_VERSION}`,
    );
  }
  if (v.getUint16(10, true) !== 0) throw new ImageError(`${name}: unknown header flags`);
  const headerLength = v.getUint32(12, true);
  if (headerLength < FILE_HEADER || headerLength > data.length) {
    throw new ImageError(`${name}: bad header length ${headerLength}`);
  }
  const records: ImageRecord[] = [];
  let at = headerLength;
  for (let index = 0;; index++) {
    const where = `${name}: record ${index}`;
    if (at + RECORD_HEADER > data.length) {
      throw new ImageError(
        `${where}: truncated (file ends at byte ${data.length} inside a header)`,
      );
    }
    const type = v.getUint32(at, true);
    const recordHeader = v.getUint32(at + 4, true);
    const length = v.getUint32(at + 8, true) + v.getUint32(at + 12, true) * 4294967296;
    const crc = v.getUint32(at + 16, true);
    if (v.getUint32(at + 20, true) !== 0) {
      throw new ImageError(`${where} (type ${type}): reserved header field is not zero`);
    }
    if (recordHeader < RECORD_HEADER || recordHeader > 4096) {
      throw new ImageError(`${where} (type ${type}): bad header length ${recordHeader}`);
    }
    const start = at + recordHeader;
    if (start + length > data.length) {
      throw new ImageError(
        `${where} (type ${type}): truncated: payload of ${length} bytes runs past the end of the file`,
      );
    }
    const payload = data.subarray(start, start + length);
    if (checkCrc && recordCrc(data.subarray(at, at + 16), payload) !== crc) {
      throw new ImageError(`${where} (type ${type}): checksum mismatch`);
    }
    at = start + length;
    if (type === REC_END) {
      if (at !== data.length) {
        throw new ImageError(`${where}: ${data.length - at} bytes of garbage after the end record`);
      }
      return records;
    }
    records.push({ type, payload });
  }
}

/** CBOR payload helpers. */
export function cborRecord(type: number, value: unknown): ImageRecord {
  return { type, payload: encode(value) };
}

export function decodeRecord<T>(record: ImageRecord, name: string): T {
  try {
    return decode(record.payload) as T;
  } catch (e) {
    throw new ImageError(
      `${name}: record of type ${record.type}: payload does not decode (${
        e instanceof Error ? e.message : e
      })`,
    );
  }
}

/**
 * SHA-256 of an image, hex, as reported in DONE and kept in the manifest. node:crypto's hash is
 * native like crypto.subtle's, but hashes the bytes where they are (subtle copies them first:
 * twice the time on page data) and takes views of shared memory.
 */
export async function digest(data: Uint8Array): Promise<string> {
  return (await sha256()).update(data).digest("hex");
}

/**
 * Reads an image file record by record, hashing the whole file as it goes, each payload read
 * straight into its place: `place(type, length)` may give the buffer for a payload (a restore
 * gives its guest memory pool for the page data), else one is allocated. Record CRCs are not
 * checked and the framing must be exactly what writeImage makes: the caller compares the digest
 * with the manifest's and, on a mismatch or any error here, reads the file again with readImage,
 * whose errors name what is wrong.
 */
export async function readImageFile(
  path: string,
  place: (type: number, length: number) => Uint8Array | undefined,
): Promise<{ records: ImageRecord[]; digest: string }> {
  const file = await Deno.open(path, { read: true });
  try {
    const size = (await file.stat()).size;
    const hash = await sha256();
    let at = 0;
    const readExactly = async (into: Uint8Array) => {
      for (let n = 0; n < into.length;) {
        const got = await file.read(into.subarray(n));
        if (got === null) throw new ImageError(`${path}: truncated at byte ${at + n}`);
        n += got;
      }
      hash.update(into);
      at += into.length;
      return into;
    };
    const header = await readExactly(new Uint8Array(FILE_HEADER));
    const hv = new DataView(header.buffer);
    if (
      new TextDecoder().decode(header.subarray(0, 8)) !== IMAGE_MAGIC ||
      hv.getUint16(8, true) !== IMAGE_VERSION || hv.getUint16(10, true) !== 0 ||
      hv.getUint32(12, true) !== FILE_HEADER
    ) throw new ImageError(`${path}: unexpected file header`);
    const records: ImageRecord[] = [];
    for (;;) {
      const h = await readExactly(new Uint8Array(RECORD_HEADER));
      const v = new DataView(h.buffer);
      const type = v.getUint32(0, true);
      const length = v.getUint32(8, true) + v.getUint32(12, true) * 4294967296;
      if (v.getUint32(4, true) !== RECORD_HEADER || length > size - at) {
        throw new ImageError(`${path}: unexpected record header`);
      }
      const target = place(type, length);
      const payload = await readExactly(
        target?.length === length ? target : new Uint8Array(length),
      );
      if (type === REC_END) {
        if (at !== size) throw new ImageError(`${path}: bytes after the end record`);
        return { records, digest: hash.digest("hex") };
      }
      records.push({ type, payload });
    }
  } finally {
    file.close();
  }
}
