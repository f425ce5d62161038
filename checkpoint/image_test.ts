// Tests of the image container: round trip, unknown records skipped by type, damage refused.
import assert from "node:assert/strict";
import {
  cborRecord,
  crc32,
  decodeRecord,
  digest,
  ImageError,
  readImage,
  readImageFile,
  REC_PROCESS,
  writeImage,
  writeImageFile,
} from "./image.ts";

const sample = () =>
  writeImage([
    cborRecord(REC_PROCESS, { pid: 7, argv: ["a", "b"] }),
    { type: 999, payload: new Uint8Array([1, 2, 3]) },
    { type: 6, payload: new Uint8Array(5000).fill(0xab) },
  ]);

Deno.test("crc32() matches the IEEE check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("readImage() returns the records written, unknown types included for skipping", () => {
  const recs = readImage(sample(), "x.img");
  assert.deepEqual(recs.map((r) => r.type), [REC_PROCESS, 999, 6]);
  assert.deepEqual(decodeRecord(recs[0], "x.img"), { pid: 7, argv: ["a", "b"] });
  assert.equal(recs[2].payload.length, 5000);
});

Deno.test("readImage() refuses every truncation with an error naming the file", () => {
  const img = sample();
  for (let n = 0; n < img.length; n += 97) {
    assert.throws(() => readImage(img.subarray(0, n), "t.img"), (e: Error) => {
      return e instanceof ImageError && e.message.startsWith("t.img");
    });
  }
});

Deno.test("readImage() refuses a flipped bit anywhere in the file", () => {
  const img = sample();
  for (let bit = 0; bit < img.length * 8; bit += 61) {
    const bad = img.slice();
    bad[bit >> 3] ^= 1 << (bit & 7);
    assert.throws(() => readImage(bad, "f.img"), ImageError, `bit ${bit} not detected`);
  }
});

Deno.test("readImage() names the damaged record", () => {
  const img = sample();
  const bad = img.slice();
  bad[bad.length - 30] ^= 0xff; // inside record 2's payload
  assert.throws(() => readImage(bad, "r.img"), /r\.img: record 2 \(type 6\): checksum mismatch/);
});

Deno.test("crc32() continued over two parts equals the CRC of the whole", () => {
  const a = new TextEncoder().encode("12345"), b = new TextEncoder().encode("6789");
  assert.equal(crc32(b, crc32(a)), 0xcbf43926);
});

Deno.test("crc32() agrees with the bytewise definition at every alignment and length", () => {
  const reference = (data: Uint8Array) => {
    let c = 0xffffffff;
    for (const byte of data) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const bytes = new Uint8Array(300).map((_, i) => (i * 2654435761) >>> 24);
  for (let start = 0; start < 9; start++) {
    for (const length of [0, 1, 7, 8, 9, 63, 64, 65, 250]) {
      const part = bytes.subarray(start, start + length);
      assert.equal(crc32(part), reference(part), `start ${start}, length ${length}`);
    }
  }
});

Deno.test("readImageFile() reads payloads into place and hashes the file as digest() does", async () => {
  const image = writeImage([
    { type: 1, payload: new Uint8Array([1, 2, 3]) },
    { type: 6, payload: new Uint8Array(10000).fill(7) },
  ]);
  const path = await Deno.makeTempFile();
  try {
    await Deno.writeFile(path, image);
    const place = new Uint8Array(new SharedArrayBuffer(16384));
    const read = await readImageFile(
      path,
      (type, length) => type === 6 ? place.subarray(0, length) : undefined,
    );
    assert.equal(read.digest, await digest(image));
    assert.deepEqual(read.records.map((r) => r.type), [1, 6]);
    assert.equal(read.records[1].payload.buffer, place.buffer);
    assert.equal(place[9999], 7);
    await Deno.writeFile(path, image.subarray(0, image.length - 3));
    await assert.rejects(readImageFile(path, () => undefined));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("writeImageFile() writes what writeImage() builds, payloads whole or in pieces", async () => {
  const big = new Uint8Array(3 << 20).map((_, i) => i * 7);
  const records = [
    cborRecord(REC_PROCESS, { pid: 7 }),
    { type: 6, payload: big },
    { type: 8, payload: new Uint8Array([9]) },
  ];
  const pieces = [0, 4096, 1 << 20, big.length].slice(1).map((end, k, ends) =>
    big.subarray(k === 0 ? 0 : ends[k - 1], end)
  );
  const dir = await Deno.makeTempDir();
  try {
    const whole = await writeImageFile(`${dir}/a`, records);
    const split = await writeImageFile(`${dir}/b`, [records[0], { type: 6, pieces }, records[2]]);
    const expected = writeImage(records);
    for (const [name, r] of [["a", whole], ["b", split]] as const) {
      assert.deepEqual(await Deno.readFile(`${dir}/${name}`), expected);
      assert.equal(r.size, expected.length);
      assert.equal(r.digest, await digest(expected));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
