// What one tested instruction form is: its name (Intel's operand notation), its bytes, how its
// random inputs are shaped, and which rflags bits the SDM leaves undefined after it. Shared by the
// form lists (forms_int.ts, forms_sse.ts, forms_x87.ts) and the test driver.

import { type Mem, RBX } from "./asm.ts";
import { DATA_ADDR, O_DATA, type Rec } from "./record.ts";
import type { Lanes, Rng } from "./values.ts";
import { mask } from "./values.ts";

export interface Form {
  /** Intel notation plus the operand kind, e.g. "add r/m32, r32 (mem)"; unique. */
  name: string;
  /** Instruction family (alu, shift, muldiv, bit, string, atomic, mov, misc, sse, x87). */
  family: string;
  /** Instruction bytes; a function when they vary per vector (immediates). */
  code: number[] | ((g: Rng, s: Rec) => number[]);
  /** Width in bits steering edge values in GPRs and the data window (default 64). */
  width?: number;
  /** How XMM registers are filled (default random bytes). */
  lanes?: Lanes;
  /** How the data window is filled (default: edge integers of `width`, or `lanes` when set). */
  dataLanes?: Lanes;
  /** Registers with fixed values (memory operand bases). */
  fixed?: [number, bigint][];
  /** Shapes the random input after it is drawn (counts, divisors, equal operands). */
  prep?: (s: Rec, g: Rng) => void;
  /** rflags bits the SDM leaves undefined for this input. */
  undef?: number | ((s: Rec, code: Uint8Array) => number);
  /** Draws MXCSR (default: masked exceptions, random rounding and sticky flags). */
  mxcsr?: (g: Rng) => number;
  /** x87 status word bits compared (default X87_FSW: all but the C0, C2, C3 condition codes). */
  fswMask?: number;
  /** x87 results (registers, float64 words stored to the window) may differ from the host by
   * this many units in the last place, and C1 with them: the SDM bounds the error of the
   * transcendental instructions, it does not fix their bits. */
  ulps?: number;
  /** Window bytes (offset, length) whose contents are model-specific and not compared. */
  ignoreMem?: [number, number][];
  /** Float32 lanes of this XMM register are compared within RCP/RSQRT's documented error. */
  approx?: { reg: number; lanes: number };
  /** A CPUID feature the interpreter must advertise for this form to be required. */
  requires?: Feature;
}

export type Feature = "sse3" | "ssse3" | "sse4.1" | "sse4.2" | "popcnt";

/** x87 status word bits compared by default: TOP, C1, ES, SF and the exception flags. */
export const X87_FSW = 0x3aff;

// rflags bits.
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;

/** The usual memory operand [rbx+0x10], with rbx fixed so that it addresses window offset 0x80. */
export const MEM: Mem = { base: RBX, disp: 0x10 };
export const MEM_OFFSET = 0x80;
export const MEM_FIXED: [number, bigint][] = [[RBX, BigInt(DATA_ADDR + 0x70)]];

/** An operand location for input shaping: a register (byte codes 16-19: AH-BH) or window offset. */
export type Loc = { reg: number } | { mem: number };

export function getLoc(s: Rec, loc: Loc, width: number): bigint {
  if ("mem" in loc) {
    let v = 0n;
    for (let k = width / 8 - 1; k >= 0; k--) v = (v << 8n) | BigInt(s.u8(O_DATA + loc.mem + k));
    return v;
  }
  if (width === 8 && loc.reg >= 16) return (s.gpr(loc.reg - 16) >> 8n) & 0xffn;
  return s.gpr(loc.reg) & mask(width);
}

export function setLoc(s: Rec, loc: Loc, width: number, value: bigint): void {
  const v = BigInt.asUintN(width, value);
  if ("mem" in loc) {
    for (let k = 0; k < width / 8; k++) {
      s.setU8(O_DATA + loc.mem + k, Number((v >> BigInt(8 * k)) & 0xffn));
    }
    return;
  }
  if (width === 8 && loc.reg >= 16) {
    const r = loc.reg - 16;
    s.setGpr(r, (s.gpr(r) & ~0xff00n) | (v << 8n));
    return;
  }
  s.setGpr(loc.reg, (s.gpr(loc.reg) & ~mask(width)) | v);
}

/** Sign-extends a `width`-bit value to a bigint. */
export function sx(v: bigint, width: number): bigint {
  return BigInt.asIntN(width, v);
}
