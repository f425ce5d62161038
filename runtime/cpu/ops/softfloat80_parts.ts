// Extended-precision operations on exponents and remainders, exact as the x87 computes them:
// partial remainder (FPREM truncating, FPREM1 round-to-nearest), scaling by a power of two
// (FSCALE) and exponent/significand extraction (FXTRACT). Flags go to `status` as in
// softfloat80.ts.

import {
  bitLength,
  classify,
  DE,
  EXT64,
  F80,
  IE,
  INDEFINITE,
  infinity,
  isNaNKind,
  K_DENORMAL,
  K_INF,
  K_UNSUPPORTED,
  K_ZERO,
  propagateNaN,
  RC_CHOP,
  RC_NEAREST,
  roundExt,
  signOf,
  status,
  unpack,
  ZE,
  zero,
} from "./softfloat80.ts";
import { fromBigInt, toBigInt } from "./softfloat80_convert.ts";

export class Remainder {
  constructor(
    readonly value: F80,
    /** Low three bits of the quotient (C0 = bit 2, C3 = bit 1, C1 = bit 0) when complete. */
    readonly quotient: number,
    /** True when the exponents were 64 or more apart and only a partial reduction was done. */
    readonly partial: boolean,
  ) {}
}

function invalid(): Remainder {
  status.flags = (status.flags & ~DE) | IE;
  return new Remainder(INDEFINITE, 0, false);
}

/**
 * ST(0) rem ST(1) (`a` rem `b`) with the quotient truncated (FPREM) or rounded to nearest even
 * (FPREM1). When the exponents differ by 64 or more, the dividend is reduced by a multiple of
 * b * 2^(d-n), n = 32 + (d mod 32), and the caller repeats (C2 = 1), as the hardware does.
 */
export function remainder(a: F80, b: F80, nearest: boolean): Remainder {
  const ka = classify(a), kb = classify(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) return invalid();
  if (isNaNKind(ka) || isNaNKind(kb)) return new Remainder(propagateNaN(a, ka, b, kb), 0, false);
  if (ka === K_INF || kb === K_ZERO) return invalid();
  if (ka === K_DENORMAL || kb === K_DENORMAL) status.flags |= DE;
  const x = unpack(a), y = unpack(b);
  // The dividend comes back normalized (a pseudo-denormal becomes a normal number).
  const same = () => new Remainder(roundExt(x.sign, x.m, x.e, false, EXT64, RC_NEAREST), 0, false);
  if (ka === K_ZERO || kb === K_INF) return ka === K_ZERO ? new Remainder(a, 0, false) : same();
  const topA = x.e + bitLength(x.m), topB = y.e + bitLength(y.m);
  const d = topA - topB;
  if (d < -1) return same(); // |a| < |b| / 2: quotient 0 either way
  let shiftB = 0, partial = false;
  if (d >= 64) {
    shiftB = d - ((d & 31) | 32);
    partial = true;
  }
  const eb = y.e + shiftB;
  const e = Math.min(x.e, eb);
  const ma = x.m << BigInt(x.e - e), mb = y.m << BigInt(eb - e);
  let q = ma / mb;
  let r = ma - q * mb;
  if (nearest && !partial && (2n * r > mb || (2n * r === mb && (q & 1n) === 1n))) {
    q += 1n;
    r -= mb;
  }
  let sign = x.sign;
  if (r < 0n) {
    sign ^= 1;
    r = -r;
  }
  const value = r === 0n ? zero(x.sign) : roundExt(sign, r, e, false, EXT64, RC_NEAREST);
  return new Remainder(value, partial ? 0 : Number(q & 7n), partial);
}

/** FSCALE: a * 2^trunc(b), rounded to 64 bits by `rc`. */
export function scale(a: F80, b: F80, rc: number): F80 {
  const ka = classify(a), kb = classify(b);
  if (ka === K_UNSUPPORTED || kb === K_UNSUPPORTED) {
    status.flags |= IE;
    return INDEFINITE;
  }
  if (isNaNKind(ka) || isNaNKind(kb)) return propagateNaN(a, ka, b, kb);
  if (kb === K_INF) {
    const toZero = signOf(b) === 1;
    if ((toZero && ka === K_INF) || (!toZero && ka === K_ZERO)) {
      status.flags |= IE;
      return INDEFINITE;
    }
    if (ka === K_DENORMAL) status.flags |= DE;
    if (ka === K_INF || ka === K_ZERO) return a;
    return toZero ? zero(signOf(a)) : infinity(signOf(a));
  }
  if (ka === K_DENORMAL || kb === K_DENORMAL) status.flags |= DE;
  if (ka === K_ZERO || ka === K_INF) return a;
  const saved = status.flags;
  let n = toBigInt(b, RC_CHOP);
  status.flags = saved; // truncating the scale is not an inexact result
  if (n > 100000n) n = 100000n;
  if (n < -100000n) n = -100000n;
  const x = unpack(a);
  return roundExt(x.sign, x.m, x.e + Number(n), false, EXT64, rc);
}

/** FXTRACT: [exponent, significand] of a (ST(1) and ST(0) after the instruction). */
export function extract(a: F80): [F80, F80] {
  const ka = classify(a);
  if (ka === K_UNSUPPORTED) {
    status.flags |= IE;
    return [INDEFINITE, INDEFINITE];
  }
  if (isNaNKind(ka)) {
    const q = propagateNaN(a, ka, a, ka);
    return [q, q];
  }
  if (ka === K_ZERO) {
    status.flags |= ZE;
    return [infinity(1), a];
  }
  if (ka === K_INF) return [infinity(0), a];
  if (ka === K_DENORMAL) status.flags |= DE;
  const x = unpack(a);
  const n = bitLength(x.m);
  const significand = new F80((x.sign << 15) | 0x3fff, x.m << BigInt(64 - n));
  return [fromBigInt(BigInt(x.e + n - 1)), significand];
}
