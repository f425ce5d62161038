// Deterministic random inputs for the instruction differential test: a seeded PRNG and generators
// biased towards edge values (0, 1, -1, INT_MIN/INT_MAX of each width, 0x7f/0x80, powers of two;
// for floats: signed zeros, infinities, quiet and signalling NaNs, denormals, halfway and
// integer-boundary values).

/** sfc32: small, fast, and good enough for test inputs; fully determined by the seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let k = 0; k < 16; k++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  bits(width: number): bigint {
    return BigInt.asUintN(width, this.u64());
  }
}

/** Seed for one form: stable across runs and independent of the other forms. */
export function formSeed(name: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < name.length; k++) {
    h ^= name.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function mask(width: number): bigint {
  return (1n << BigInt(width)) - 1n;
}

/** An edge value of `width` bits (unsigned representation). */
export function intEdge(g: Rng, width: number): bigint {
  const w = BigInt(width);
  const m = mask(width);
  const k = BigInt(g.below(width));
  switch (g.below(16)) {
    case 0:
      return 0n;
    case 1:
      return 1n;
    case 2:
      return m; // -1
    case 3:
      return 1n << (w - 1n); // INT_MIN
    case 4:
      return m >> 1n; // INT_MAX
    case 5:
      return (1n << (w - 1n)) + 1n;
    case 6:
      return m - 1n;
    case 7:
      return 0x80n & m;
    case 8:
      return 0x7fn & m;
    case 9:
      return 1n << k;
    case 10:
      return (1n << k) - 1n;
    case 11:
      return m ^ (1n << k); // all ones but one
    case 12:
      return BigInt(g.below(8)) & m;
    case 13:
      return (m - BigInt(g.below(8))) & m;
    default:
      return g.bits(width);
  }
}

/** A 64-bit register value whose low `width` bits are often an edge value. */
export function gprValue(g: Rng, width: number): bigint {
  const r = g.below(10);
  if (r < 3 || width === 64 && r < 4) return g.u64();
  const low = r < 9 ? intEdge(g, width) : BigInt(g.below(17));
  if (width === 64) return low;
  const u = g.below(4);
  const upper = u < 2 ? g.u64() : u === 2 ? 0n : -1n;
  return BigInt.asUintN(64, (upper & ~mask(width)) | low);
}

/** A signed value of `width` bits, two's complement, as an unsigned bigint of that width. */
export function signed(v: bigint, width: number): bigint {
  return BigInt.asUintN(width, v);
}

const f64Box = new DataView(new ArrayBuffer(8));

export function f64Bits(v: number): bigint {
  f64Box.setFloat64(0, v, true);
  return f64Box.getBigUint64(0, true);
}

export function f32Bits(v: number): number {
  f64Box.setFloat32(0, v, true);
  return f64Box.getUint32(0, true);
}

const F64_SPECIAL: bigint[] = [
  0x0000000000000000n, // +0
  0x8000000000000000n, // -0
  0x7ff0000000000000n, // +inf
  0xfff0000000000000n, // -inf
  0x7ff8000000000000n, // qNaN
  0xfff8000000000000n, // default NaN
  0x7ff8000000001234n, // qNaN with payload
  0x7ff0000000000001n, // sNaN
  0xfff4000000000000n, // -sNaN
  0x0000000000000001n, // min denormal
  0x800fffffffffffffn, // -max denormal
  0x0010000000000000n, // min normal
  0x7fefffffffffffffn, // max
  0xffefffffffffffffn, // -max
];
const F64_VALUES = [
  1,
  -1,
  0.5,
  -0.5,
  1.5,
  2.5,
  -2.5,
  3.5,
  -3.5,
  0.49999999999999994,
  2 ** 31,
  -(2 ** 31),
  2 ** 31 - 1,
  2 ** 31 - 0.5,
  -(2 ** 31) - 1,
  -(2 ** 31) - 0.5,
  2 ** 32,
  2 ** 63,
  -(2 ** 63),
  2 ** 64,
  2 ** 53 + 2,
  1e300,
  1e-300,
  3,
  7,
  100,
  -1e10,
  0.1,
  1 / 3,
  65535.5,
  32767.5,
  -32768.5,
];

/** A float64 bit pattern: specials, boundary values, moderate random floats, or random bits. */
export function f64Value(g: Rng): bigint {
  const r = g.below(10);
  if (r < 2) return g.pick(F64_SPECIAL);
  if (r < 4) return f64Bits(g.pick(F64_VALUES));
  if (r < 5) return g.u64();
  const mant = g.u32() / 4294967296 + 1;
  const exp = g.below(r < 8 ? 40 : 200) - (r < 8 ? 20 : 100);
  const sign = g.chance(0.3) ? -1 : 1;
  const v = sign * mant * 2 ** exp;
  return f64Bits(g.chance(0.2) ? Math.round(v * 4) / 4 : v);
}

const F32_SPECIAL = [
  0x00000000,
  0x80000000,
  0x7f800000,
  0xff800000,
  0x7fc00000,
  0xffc00000,
  0x7fc01234,
  0x7f800001,
  0xffa00000,
  0x00000001,
  0x807fffff,
  0x00800000,
  0x7f7fffff,
  0xff7fffff,
];

/** A float32 bit pattern, biased like f64Value. */
export function f32Value(g: Rng): number {
  const r = g.below(10);
  if (r < 2) return g.pick(F32_SPECIAL);
  if (r < 4) return f32Bits(g.pick(F64_VALUES));
  if (r < 5) return g.u32();
  const mant = g.u32() / 4294967296 + 1;
  const exp = g.below(r < 8 ? 40 : 120) - (r < 8 ? 20 : 60);
  const sign = g.chance(0.3) ? -1 : 1;
  const v = sign * mant * 2 ** exp;
  return f32Bits(g.chance(0.2) ? Math.round(v * 4) / 4 : v);
}

/** How XMM registers and the data window are filled. */
export type Lanes = "bytes" | "i8" | "i16" | "i32" | "i64" | "f32" | "f64";

/** Fills `out` (length a multiple of 8) with lanes of the given kind. */
export function fillLanes(g: Rng, out: Uint8Array, lanes: Lanes): void {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let o = 0; o < out.length; o += 8) {
    switch (lanes) {
      case "bytes":
        v.setUint32(o, g.u32(), true);
        v.setUint32(o + 4, g.u32(), true);
        break;
      case "i8":
        for (let k = 0; k < 8; k++) v.setUint8(o + k, Number(intEdge(g, 8)));
        break;
      case "i16":
        for (let k = 0; k < 8; k += 2) v.setUint16(o + k, Number(intEdge(g, 16)), true);
        break;
      case "i32":
        v.setUint32(o, Number(intEdge(g, 32)), true);
        v.setUint32(o + 4, Number(intEdge(g, 32)), true);
        break;
      case "i64":
        v.setBigUint64(o, intEdge(g, 64), true);
        break;
      case "f32":
        v.setUint32(o, f32Value(g), true);
        v.setUint32(o + 4, f32Value(g), true);
        break;
      case "f64":
        v.setBigUint64(o, f64Value(g), true);
    }
  }
}
