// Packed integer instructions of MMX (no prefix, 8-byte mm operands) and SSE2 (66 prefix, 16-byte
// xmm operands): PADD/PSUB B/W/D/Q with and without saturation, PMULLW/PMULHW/PMULHUW/PMULUDQ/
// PMADDWD, PAVGB/PAVGW, PMIN/PMAX UB/SW, PSADBW, PAND/PANDN/POR/PXOR, PCMPEQ/PCMPGT B/W/D,
// PACKSSWB/PACKSSDW/PACKUSWB, PUNPCKL/H BW/WD/DQ/QDQ, and PSLL/PSRL/PSRA by an mm/xmm count.
//
// One handler per register file: the operation is the second opcode byte, so the table's rows for
// these opcodes share pintMm / pintXmm. Operands are staged in D and S, the result built in R.

import type { Insn } from "../insn.ts";
import { ea } from "../operands.ts";
import type { Cpu } from "../state.ts";
import {
  D,
  loadMmE,
  loadXmmE,
  memToSlot,
  mmToSlot,
  mmxEnter,
  R,
  S,
  slotToMm,
  slotToXmm,
  xmmToSlot,
} from "./sse_state.ts";

export const SHIFT_RIGHT = 0, SHIFT_ARITHMETIC = 1, SHIFT_LEFT = 2;

/** Packed integer op on mm registers (0F xx). */
export function pintMm(c: Cpu, i: Insn): void {
  const op = i.opcode & 0xff;
  // PUNPCKL* read only 32 bits of a memory operand.
  if (i.rm < 0 && op >= 0x60 && op <= 0x62) memToSlot(c, ea(c, i), S, 4);
  else loadMmE(c, i, S);
  mmxEnter(c);
  mmToSlot(c, i.reg & 7, D);
  compute(op, 8);
  slotToMm(c, i.reg & 7, R);
}

/** Packed integer op on xmm registers (66 0F xx). */
export function pintXmm(c: Cpu, i: Insn): void {
  loadXmmE(c, i, S, 16, true);
  xmmToSlot(c, i.reg, D);
  compute(i.opcode & 0xff, 16);
  slotToXmm(c, i.reg, R, 4);
}

/** EMMS (0F 77): marks every x87 register empty. */
export function emms(c: Cpu, _i: Insn): void {
  c.x87.tags = 0;
}

function saturate(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** R = D op S over `n` bytes; op is the opcode byte. */
function compute(op: number, n: number): void {
  const d = D, s = S, r = R;
  let k = 0;
  switch (op) {
    case 0x60:
      return unpack(n, 1, 0);
    case 0x61:
      return unpack(n, 2, 0);
    case 0x62:
      return unpack(n, 4, 0);
    case 0x68:
      return unpack(n, 1, 1);
    case 0x69:
      return unpack(n, 2, 1);
    case 0x6a:
      return unpack(n, 4, 1);
    case 0x6c:
      return unpack(n, 8, 0);
    case 0x6d:
      return unpack(n, 8, 1);
    case 0x63: // PACKSSWB
      for (k = 0; k < n >> 1; k++) {
        r.i8[k] = saturate(d.i16[k], -128, 127);
        r.i8[(n >> 1) + k] = saturate(s.i16[k], -128, 127);
      }
      return;
    case 0x67: // PACKUSWB
      for (k = 0; k < n >> 1; k++) {
        r.u8[k] = saturate(d.i16[k], 0, 255);
        r.u8[(n >> 1) + k] = saturate(s.i16[k], 0, 255);
      }
      return;
    case 0x6b: // PACKSSDW
      for (k = 0; k < n >> 2; k++) {
        r.i16[k] = saturate(d.i32[k], -32768, 32767);
        r.i16[(n >> 2) + k] = saturate(s.i32[k], -32768, 32767);
      }
      return;
    case 0x64:
      for (k = 0; k < n; k++) r.i8[k] = d.i8[k] > s.i8[k] ? -1 : 0;
      return;
    case 0x65:
      for (k = 0; k < n >> 1; k++) r.i16[k] = d.i16[k] > s.i16[k] ? -1 : 0;
      return;
    case 0x66:
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] > s.i32[k] ? -1 : 0;
      return;
    case 0x74:
      for (k = 0; k < n; k++) r.i8[k] = d.i8[k] === s.i8[k] ? -1 : 0;
      return;
    case 0x75:
      for (k = 0; k < n >> 1; k++) r.i16[k] = d.i16[k] === s.i16[k] ? -1 : 0;
      return;
    case 0x76:
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] === s.i32[k] ? -1 : 0;
      return;
    case 0xd1:
      return shift(SHIFT_RIGHT, 2, shiftCount(), n);
    case 0xd2:
      return shift(SHIFT_RIGHT, 4, shiftCount(), n);
    case 0xd3:
      return shift(SHIFT_RIGHT, 8, shiftCount(), n);
    case 0xe1:
      return shift(SHIFT_ARITHMETIC, 2, shiftCount(), n);
    case 0xe2:
      return shift(SHIFT_ARITHMETIC, 4, shiftCount(), n);
    case 0xf1:
      return shift(SHIFT_LEFT, 2, shiftCount(), n);
    case 0xf2:
      return shift(SHIFT_LEFT, 4, shiftCount(), n);
    case 0xf3:
      return shift(SHIFT_LEFT, 8, shiftCount(), n);
    case 0xd4: // PADDQ
      for (k = 0; k < n >> 2; k += 2) {
        const lo = (d.i32[k] >>> 0) + (s.i32[k] >>> 0);
        r.i32[k] = lo;
        r.i32[k + 1] = d.i32[k + 1] + s.i32[k + 1] + (lo > 0xffffffff ? 1 : 0);
      }
      return;
    case 0xfb: // PSUBQ
      for (k = 0; k < n >> 2; k += 2) {
        const lo = (d.i32[k] >>> 0) - (s.i32[k] >>> 0);
        r.i32[k] = lo;
        r.i32[k + 1] = d.i32[k + 1] - s.i32[k + 1] - (lo < 0 ? 1 : 0);
      }
      return;
    case 0xd5: // PMULLW
      for (k = 0; k < n >> 1; k++) r.i16[k] = Math.imul(d.i16[k], s.i16[k]);
      return;
    case 0xe5: // PMULHW
      for (k = 0; k < n >> 1; k++) r.i16[k] = (d.i16[k] * s.i16[k]) >> 16;
      return;
    case 0xe4: // PMULHUW
      for (k = 0; k < n >> 1; k++) r.u16[k] = (d.u16[k] * s.u16[k]) >>> 16;
      return;
    case 0xf4: // PMULUDQ: low dword of each qword, unsigned, to 64 bits
      for (k = 0; k < n >> 2; k += 2) multiplyUnsigned(d.i32[k], s.i32[k], k);
      return;
    case 0xf5: // PMADDWD
      for (k = 0; k < n >> 2; k++) {
        r.i32[k] = d.i16[2 * k] * s.i16[2 * k] + d.i16[2 * k + 1] * s.i16[2 * k + 1];
      }
      return;
    case 0xf6: // PSADBW
      for (let q = 0; q < n; q += 8) {
        let sum = 0;
        for (k = q; k < q + 8; k++) sum += Math.abs(d.u8[k] - s.u8[k]);
        r.i32[q >> 2] = sum;
        r.i32[(q >> 2) + 1] = 0;
      }
      return;
    case 0xe0: // PAVGB
      for (k = 0; k < n; k++) r.u8[k] = (d.u8[k] + s.u8[k] + 1) >> 1;
      return;
    case 0xe3: // PAVGW
      for (k = 0; k < n >> 1; k++) r.u16[k] = (d.u16[k] + s.u16[k] + 1) >> 1;
      return;
    case 0xda: // PMINUB
      for (k = 0; k < n; k++) r.u8[k] = d.u8[k] < s.u8[k] ? d.u8[k] : s.u8[k];
      return;
    case 0xde: // PMAXUB
      for (k = 0; k < n; k++) r.u8[k] = d.u8[k] > s.u8[k] ? d.u8[k] : s.u8[k];
      return;
    case 0xea: // PMINSW
      for (k = 0; k < n >> 1; k++) r.i16[k] = d.i16[k] < s.i16[k] ? d.i16[k] : s.i16[k];
      return;
    case 0xee: // PMAXSW
      for (k = 0; k < n >> 1; k++) r.i16[k] = d.i16[k] > s.i16[k] ? d.i16[k] : s.i16[k];
      return;
    case 0xdb: // PAND
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] & s.i32[k];
      return;
    case 0xdf: // PANDN
      for (k = 0; k < n >> 2; k++) r.i32[k] = ~d.i32[k] & s.i32[k];
      return;
    case 0xeb: // POR
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] | s.i32[k];
      return;
    case 0xef: // PXOR
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] ^ s.i32[k];
      return;
    case 0xd8: // PSUBUSB
      for (k = 0; k < n; k++) r.u8[k] = saturate(d.u8[k] - s.u8[k], 0, 255);
      return;
    case 0xd9: // PSUBUSW
      for (k = 0; k < n >> 1; k++) r.u16[k] = saturate(d.u16[k] - s.u16[k], 0, 65535);
      return;
    case 0xdc: // PADDUSB
      for (k = 0; k < n; k++) r.u8[k] = saturate(d.u8[k] + s.u8[k], 0, 255);
      return;
    case 0xdd: // PADDUSW
      for (k = 0; k < n >> 1; k++) r.u16[k] = saturate(d.u16[k] + s.u16[k], 0, 65535);
      return;
    case 0xe8: // PSUBSB
      for (k = 0; k < n; k++) r.i8[k] = saturate(d.i8[k] - s.i8[k], -128, 127);
      return;
    case 0xe9: // PSUBSW
      for (k = 0; k < n >> 1; k++) r.i16[k] = saturate(d.i16[k] - s.i16[k], -32768, 32767);
      return;
    case 0xec: // PADDSB
      for (k = 0; k < n; k++) r.i8[k] = saturate(d.i8[k] + s.i8[k], -128, 127);
      return;
    case 0xed: // PADDSW
      for (k = 0; k < n >> 1; k++) r.i16[k] = saturate(d.i16[k] + s.i16[k], -32768, 32767);
      return;
    case 0xf8:
      for (k = 0; k < n; k++) r.u8[k] = d.u8[k] - s.u8[k];
      return;
    case 0xf9:
      for (k = 0; k < n >> 1; k++) r.u16[k] = d.u16[k] - s.u16[k];
      return;
    case 0xfa:
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] - s.i32[k];
      return;
    case 0xfc:
      for (k = 0; k < n; k++) r.u8[k] = d.u8[k] + s.u8[k];
      return;
    case 0xfd:
      for (k = 0; k < n >> 1; k++) r.u16[k] = d.u16[k] + s.u16[k];
      return;
    case 0xfe:
      for (k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] + s.i32[k];
      return;
    default:
      throw new RangeError(`No packed integer operation for opcode 0F ${op.toString(16)}`);
  }
}

/** R.qword[k/2] = unsigned a * b (32 x 32 -> 64 bits), exactly. */
function multiplyUnsigned(a: number, b: number, k: number): void {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const low = al * bl, mid1 = ah * bl, mid2 = al * bh, high = ah * bh;
  // low + (mid1 + mid2) * 2^16 + high * 2^32, with carries through doubles (all exact < 2^53).
  const mid = mid1 + mid2;
  const lo = low + (mid % 65536) * 65536;
  R.i32[k] = lo % 4294967296;
  R.i32[k + 1] = high + Math.floor(mid / 65536) + Math.floor(lo / 4294967296);
}

/** PUNPCKL/H: interleaves the low (high = 0) or high halves of D and S, elements of `e` bytes. */
function unpack(n: number, e: number, high: number): void {
  const d = D, s = S, r = R;
  const half = n >> 1;
  switch (e) {
    case 1: {
      const b = high * half;
      for (let k = 0; k < half; k++) {
        r.u8[2 * k] = d.u8[b + k];
        r.u8[2 * k + 1] = s.u8[b + k];
      }
      return;
    }
    case 2: {
      const b = high * (half >> 1);
      for (let k = 0; k < half >> 1; k++) {
        r.u16[2 * k] = d.u16[b + k];
        r.u16[2 * k + 1] = s.u16[b + k];
      }
      return;
    }
    case 4: {
      const b = high * (half >> 2);
      for (let k = 0; k < half >> 2; k++) {
        r.i32[2 * k] = d.i32[b + k];
        r.i32[2 * k + 1] = s.i32[b + k];
      }
      return;
    }
    default: {
      const b = high * 2;
      r.i32[0] = d.i32[b];
      r.i32[1] = d.i32[b + 1];
      r.i32[2] = s.i32[b];
      r.i32[3] = s.i32[b + 1];
    }
  }
}

/** The shift count in S's low qword, clamped to 64. */
function shiftCount(): number {
  return S.i32[1] !== 0 ? 64 : Math.min(S.i32[0] >>> 0, 64);
}

/** R = D shifted by `count` (any value >= the element width empties it, or fills it with the
 * sign), elements of `e` bytes over `n` bytes. */
export function shift(kind: number, e: number, count: number, n: number): void {
  const d = D, r = R;
  if (e === 2) {
    if (kind === SHIFT_ARITHMETIC) {
      const c = count > 15 ? 15 : count;
      for (let k = 0; k < n >> 1; k++) r.i16[k] = d.i16[k] >> c;
    } else if (count > 15) { for (let k = 0; k < n >> 1; k++) r.u16[k] = 0; }
    else if (kind === SHIFT_RIGHT) {
      for (let k = 0; k < n >> 1; k++) r.u16[k] = d.u16[k] >>> count;
    } else for (let k = 0; k < n >> 1; k++) r.u16[k] = d.u16[k] << count;
    return;
  }
  if (e === 4) {
    if (kind === SHIFT_ARITHMETIC) {
      const c = count > 31 ? 31 : count;
      for (let k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] >> c;
    } else if (count > 31) { for (let k = 0; k < n >> 2; k++) r.i32[k] = 0; }
    else if (kind === SHIFT_RIGHT) {
      for (let k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] >>> count;
    } else for (let k = 0; k < n >> 2; k++) r.i32[k] = d.i32[k] << count;
    return;
  }
  for (let k = 0; k < n >> 2; k += 2) {
    const lo = d.i32[k], hi = d.i32[k + 1];
    let rlo = 0, rhi = 0;
    if (count === 0) {
      rlo = lo;
      rhi = hi;
    } else if (count < 32) {
      if (kind === SHIFT_RIGHT) {
        rlo = (lo >>> count) | (hi << (32 - count));
        rhi = hi >>> count;
      } else {
        rlo = lo << count;
        rhi = (hi << count) | (lo >>> (32 - count));
      }
    } else if (count < 64) {
      if (kind === SHIFT_RIGHT) rlo = hi >>> (count - 32);
      else rhi = lo << (count - 32);
    }
    r.i32[k] = rlo;
    r.i32[k + 1] = rhi;
  }
}
