import assert from "node:assert/strict";
import { Code } from "./codes.ts";
import {
  decodeFrames,
  encodeFrame,
  encodeFrameParts,
  FrameDecoder,
  handOver,
  HEADER_SIZE,
} from "./frame.ts";

/** Deterministic pseudo-random numbers, so a failing split can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function sampleFrames(count: number, next: () => number) {
  return Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    code: [Code.ECHO, Code.USER, Code.FILE_LOCK_SET, Code.RESPONSE][i % 4],
    vmid: 2 + (i % 7),
    payload: {
      i,
      text: "x".repeat(Math.floor(next() * 300)),
      bytes: new Uint8Array(Math.floor(next() * 1500)).fill(i & 0xff),
    },
  }));
}

Deno.test("encodeFrame() and decodeFrames() round-trip header fields and payload", () => {
  const bytes = encodeFrame(7, Code.PID_KILL, 42, { sender: 1, signum: 9, list: [1, "a", null] });
  assert.equal(bytes.length > HEADER_SIZE, true);
  const [frame] = decodeFrames(bytes);
  assert.deepEqual(frame, {
    seq: 7,
    code: Code.PID_KILL,
    vmid: 42,
    payload: { sender: 1, signum: 9, list: [1, "a", null] },
  });
});

Deno.test("encodeFrame() carries a large top-level byte string raw, and it decodes back", () => {
  const data = new Uint8Array(70000).map((_, i) => i * 7);
  const payload = { op: "pipe_push", id: 3, data, small: new Uint8Array([1, 2]) };
  const bytes = encodeFrame(0, Code.USER, 5, payload);
  assert.equal(new DataView(bytes.buffer).getUint16(10, true), 0x8000); // RAW_TAIL
  assert.ok(bytes.length < HEADER_SIZE + data.length + 64); // the bytes once, no CBOR around them
  const [frame] = decodeFrames(bytes);
  assert.deepEqual(frame.payload, payload);
  // Split anywhere, and as a reply, it decodes the same.
  const decoder = new FrameDecoder();
  const frames = [
    ...decoder.push(bytes.subarray(0, 20)),
    ...decoder.push(bytes.subarray(20, 40000)),
    ...decoder.push(bytes.subarray(40000)),
  ];
  assert.deepEqual(frames[0].payload, payload);
  const reply = { result: data, state: { length: 0 } };
  assert.deepEqual(decodeFrames(encodeFrame(9, Code.RESPONSE, 1, reply))[0].payload, reply);
});

Deno.test("encodeFrameParts() sends handed-over bytes after the head, uncopied", () => {
  const data = new Uint8Array(10000).fill(9);
  const copied = encodeFrameParts(1, Code.RESPONSE, 2, { result: data });
  assert.equal(copied.length, 1);
  const parts = encodeFrameParts(1, Code.RESPONSE, 2, { result: handOver(data) });
  assert.equal(parts.length, 2);
  assert.equal(parts[1], data);
  const joined = new Uint8Array(parts[0].length + parts[1].length);
  joined.set(parts[0]);
  joined.set(parts[1], parts[0].length);
  assert.deepEqual(joined, copied[0]);
  assert.deepEqual(decodeFrames(joined)[0].payload, { result: data });
});

Deno.test("decodeFrames() rejects a raw-tail frame whose header or map is corrupt", () => {
  const bytes = encodeFrame(0, Code.USER, 5, { data: new Uint8Array(4096) });
  const view = new DataView(bytes.buffer);
  const meta = view.getUint32(HEADER_SIZE, true);
  view.setUint32(HEADER_SIZE, 1 << 20, true);
  assert.throws(() => decodeFrames(bytes), /raw-tail header/);
  view.setUint32(HEADER_SIZE, meta, true);
  bytes[HEADER_SIZE + 4] = 0xa0; // an empty map where [name, map] belongs
  assert.throws(() => decodeFrames(bytes), /raw-tail map|not valid CBOR/);
});

Deno.test("FrameDecoder reassembles frames under fuzzed splits, several per chunk", () => {
  const next = random(12345);
  for (let round = 0; round < 25; round++) {
    const frames = sampleFrames(30, next);
    const stream = new Uint8Array(
      frames.reduce((size, f) => size + encodeFrame(f.seq, f.code, f.vmid, f.payload).length, 0),
    );
    let offset = 0;
    for (const f of frames) {
      const bytes = encodeFrame(f.seq, f.code, f.vmid, f.payload);
      stream.set(bytes, offset);
      offset += bytes.length;
    }
    const decoder = new FrameDecoder();
    const received = [];
    for (let at = 0; at < stream.length;) {
      // Mostly small cuts (1..40 bytes, splitting headers), sometimes big ones (many frames).
      const size = next() < 0.7 ? 1 + Math.floor(next() * 40) : 1 + Math.floor(next() * 20000);
      received.push(...decoder.push(stream.subarray(at, at + size)));
      at += size;
    }
    assert.equal(decoder.buffered, 0);
    assert.deepEqual(received, frames, `round ${round}`);
  }
});

Deno.test("decoded byte strings survive reuse of the receive buffer", () => {
  const decoder = new FrameDecoder();
  const [first] = decoder.push(encodeFrame(1, Code.USER, 2, new Uint8Array(100).fill(7)));
  decoder.push(encodeFrame(2, Code.USER, 2, new Uint8Array(100).fill(9)));
  assert.deepEqual(first.payload, new Uint8Array(100).fill(7));
});

Deno.test("decodeFrames() rejects a frame over the size limit as soon as its header arrives", () => {
  const bytes = encodeFrame(1, Code.USER, 2, new Uint8Array(2000));
  assert.throws(() => decodeFrames(bytes, 1024), RangeError);
  const decoder = new FrameDecoder(1024);
  assert.throws(() => decoder.push(bytes.subarray(0, HEADER_SIZE)), /over the 1024-byte limit/);
});

Deno.test("encodeFrame() refuses a payload over the size limit", () => {
  assert.throws(() => encodeFrame(1, Code.USER, 2, new Uint8Array(2000), 1024), RangeError);
});

Deno.test("decodeFrames() rejects an unknown message code", () => {
  const bytes = encodeFrame(1, Code.USER, 2, null);
  new DataView(bytes.buffer).setUint16(8, Code.CODE_BOUND, true);
  assert.throws(() => decodeFrames(bytes), /unknown message code 28/);
});

Deno.test("decodeFrames() rejects non-zero reserved header bits", () => {
  const bytes = encodeFrame(1, Code.USER, 2, null);
  bytes[10] = 1;
  assert.throws(() => decodeFrames(bytes), /reserved bits/);
});

Deno.test("decodeFrames() rejects a payload that is not one valid CBOR item", () => {
  const corrupt = (mutate: (bytes: Uint8Array) => Uint8Array) => {
    const bytes = mutate(encodeFrame(1, Code.USER, 2, { a: [1, 2, 3] }));
    return () => decodeFrames(bytes);
  };
  // Truncated inside the CBOR item (length says so).
  assert.throws(
    corrupt((bytes) => {
      new DataView(bytes.buffer).setUint32(0, 3, true);
      return bytes.subarray(0, HEADER_SIZE + 3);
    }),
    SyntaxError,
  );
  // Trailing bytes after the item.
  assert.throws(
    corrupt((bytes) => {
      const longer = new Uint8Array(bytes.length + 2);
      longer.set(bytes);
      new DataView(longer.buffer).setUint32(0, bytes.length - HEADER_SIZE + 2, true);
      return longer;
    }),
    SyntaxError,
  );
  // A reserved CBOR initial byte.
  assert.throws(
    corrupt((bytes) => {
      bytes[HEADER_SIZE] = 0xff;
      return bytes;
    }),
    /not valid CBOR/,
  );
  // Empty payload.
  const empty = new Uint8Array(HEADER_SIZE);
  new DataView(empty.buffer).setUint16(8, Code.USER, true);
  assert.throws(() => decodeFrames(empty), /empty payload/);
});

Deno.test("decodeFrames() rejects input that ends inside a frame", () => {
  const bytes = encodeFrame(1, Code.USER, 2, "hello");
  assert.throws(() => decodeFrames(bytes.subarray(0, bytes.length - 1)), /ends inside a frame/);
});

Deno.test("FrameDecoder never throws anything but RangeError or SyntaxError on random garbage", () => {
  const next = random(99);
  for (let round = 0; round < 300; round++) {
    const garbage = encodeFrame(1, Code.USER, 2, { round, data: "abc" });
    for (let flips = 0; flips < 3; flips++) {
      garbage[Math.floor(next() * garbage.length)] = Math.floor(next() * 256);
    }
    try {
      new FrameDecoder(4096).push(garbage);
    } catch (error) {
      assert.ok(error instanceof RangeError || error instanceof SyntaxError, String(error));
    }
  }
});
