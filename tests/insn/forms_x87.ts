// x87 forms of the differential test. Each form is a short sequence that loads operands from the
// data window, runs the instruction under test and stores the results back (or reads the status
// word with FNSTSW AX), so that the comparison sees them; the final TOP, tag word and status
// flags are compared as well. The control word's rounding field is random per vector.
//
// Window layout (rbx = data + 0x70): A = [rbx+0x10] (0x80), B = [rbx+0x18] (0x88),
// W = [rbx+0x20] (0x90, a control word), T = [rbx+0x30] (0xa0, an 80-bit value),
// results at [rbx+0x40] (0xb0), [rbx+0x48] (0xb8) and T' = [rbx+0x50] (0xc0, 80-bit).

import { enc, RBX } from "./asm.ts";
import { type Form, MEM_FIXED } from "./form.ts";
import { O_DATA, type Rec } from "./record.ts";
import type { Lanes, Rng } from "./values.ts";

const forms: Form[] = [];

const A = 0x10, B = 0x18, W = 0x20, T = 0x30, OUT = 0x40, OUT2 = 0x48, T2 = 0x50;
const m = (op: number, ext: number, disp: number) =>
  enc({ op: [op], ext, rm: { base: RBX, disp } });

const FLD64_A = m(0xdd, 0, A), FLD64_B = m(0xdd, 0, B);
const FSTP64 = m(0xdd, 3, OUT), FSTP64_2 = m(0xdd, 3, OUT2);
const FNSTSW_AX = [0xdf, 0xe0];
/** fsw bits compared when the condition codes are defined (comparisons, FXAM, FPREM). */
const FSW_ALL = 0x7fff;

/** An 80-bit value at window offset `at`: normal, zero, denormal, pseudo-denormal, infinity,
 * NaN, unnormal, or random bits. */
function f80(s: Rec, g: Rng, at: number): void {
  const sign = g.chance(0.4) ? 0x8000 : 0;
  let exp: number, hi = g.u32() | 0x80000000, lo = g.u32();
  switch (g.below(12)) {
    case 0:
      exp = 0, hi = 0, lo = 0;
      break;
    case 1:
      exp = 0, hi &= 0x7fffffff; // denormal
      break;
    case 2:
      exp = 0; // pseudo-denormal
      break;
    case 3:
      exp = 0x7fff, hi = 0x80000000, lo = 0; // infinity
      break;
    case 4:
      exp = 0x7fff, hi |= 0x40000000; // quiet NaN
      break;
    case 5:
      exp = 0x7fff, hi = (hi & ~0x40000000) | 1; // signalling NaN
      break;
    case 6:
      exp = 1 + g.below(0x7ffe), hi &= 0x7fffffff; // unnormal
      break;
    case 7:
      exp = g.pick([1, 0x7ffe, 0x3fff + 63, 0x3fff + 64, 0x3fff + 31]);
      break;
    default:
      exp = 0x3fff + g.below(128) - 64;
  }
  s.setU32(O_DATA + at, lo);
  s.setU32(O_DATA + at + 4, hi);
  s.setU16(O_DATA + at + 8, sign | exp);
}

const X87_BASE = 0x70;

function add(
  name: string,
  code: number[][],
  extra: Partial<Form> & { data?: Lanes } = {},
): void {
  const { data = "f64", ...rest } = extra;
  forms.push({
    name,
    family: "x87",
    code: code.flat(),
    dataLanes: data,
    fixed: MEM_FIXED,
    ...rest,
  });
}

const withT = (s: Rec, g: Rng) => f80(s, g, X87_BASE + T);

// ---- loads and stores ---------------------------------------------------------------------------

add("fld m64; fstp m64", [FLD64_A, FSTP64]);
add("fld m32; fstp m32", [m(0xd9, 0, A), m(0xd9, 3, OUT)], { data: "f32" });
add("fld m80; fstp m80", [m(0xdb, 5, T), m(0xdb, 7, T2)], { prep: withT });
add("fld m64; fstp m32 (rounding)", [FLD64_A, m(0xd9, 3, OUT)]);
add("fld m32; fstp m64", [m(0xd9, 0, A), FSTP64], { data: "f32" });
add("fld m80; fstp m64 (rounding)", [m(0xdb, 5, T), FSTP64], { prep: withT });
add("fld m80; fstp m32 (rounding)", [m(0xdb, 5, T), m(0xd9, 3, OUT)], { prep: withT });
add("fld m64; fst m64 (no pop)", [FLD64_A, m(0xdd, 2, OUT)]);
add("fld m64; fst m32 (no pop)", [FLD64_A, m(0xd9, 2, OUT)]);
add("fld st(0); fstp st(1)", [FLD64_A, FLD64_B, [0xd9, 0xc0], [0xdd, 0xd9], FSTP64, FSTP64_2]);
add("fst st(1)", [FLD64_A, FLD64_B, [0xdd, 0xd1], FSTP64, FSTP64_2]);
add("fxch st(1)", [FLD64_A, FLD64_B, [0xd9, 0xc9], FSTP64, FSTP64_2]);
add("ffree st(0)", [FLD64_A, FLD64_B, [0xdd, 0xc0]]);
add("fincstp", [FLD64_A, [0xd9, 0xf7]]);
add("fdecstp", [FLD64_A, [0xd9, 0xf6]]);
add("fninit after loads", [FLD64_A, FLD64_B, [0xdb, 0xe3]]);
add("fnclex after invalid", [FLD64_A, [0xd9, 0xfa], [0xdb, 0xe2], FSTP64]);
add("fld x9 (stack overflow)", [...new Array(9).fill(FLD64_A), FSTP64]);
add("fadd st(0), st(1) (stack underflow)", [[0xd8, 0xc1], FSTP64]);
for (
  const [name, op] of [
    ["fld1", 0xe8],
    ["fldz", 0xee],
    ["fldpi", 0xeb],
    ["fldl2e", 0xea],
    [
      "fldl2t",
      0xe9,
    ],
    ["fldlg2", 0xec],
    ["fldln2", 0xed],
  ] as const
) {
  add(`${name}; fstp m80`, [[0xd9, op], m(0xdb, 7, T2)]);
}

// ---- integer loads and stores -------------------------------------------------------------------

add("fild m16; fstp m64", [m(0xdf, 0, A), FSTP64], { data: "i16" });
add("fild m32; fstp m64", [m(0xdb, 0, A), FSTP64], { data: "i32" });
add("fild m64; fstp m64 (rounding)", [m(0xdf, 5, A), FSTP64], { data: "i64" });
add("fild m64; fstp m80", [m(0xdf, 5, A), m(0xdb, 7, T2)], { data: "i64" });
add("fistp m16", [FLD64_A, m(0xdf, 3, OUT)]);
add("fistp m32", [FLD64_A, m(0xdb, 3, OUT)]);
add("fistp m64", [FLD64_A, m(0xdf, 7, OUT)]);
add("fist m32 (no pop)", [FLD64_A, m(0xdb, 2, OUT)]);
add("fist m16 (no pop)", [FLD64_A, m(0xdf, 2, OUT)]);
add("fistp m64 from m80", [m(0xdb, 5, T), m(0xdf, 7, OUT)], { prep: withT });
add("fisttp m16", [FLD64_A, m(0xdf, 1, OUT)], { requires: "sse3" });
add("fisttp m32", [FLD64_A, m(0xdb, 1, OUT)], { requires: "sse3" });
add("fisttp m64", [FLD64_A, m(0xdd, 1, OUT)], { requires: "sse3" });

// ---- arithmetic ---------------------------------------------------------------------------------

// deno-fmt-ignore
const REG_ARITH: [string, number[]][] = [
  ["faddp st(1), st(0)", [0xde, 0xc1]], ["fmulp st(1), st(0)", [0xde, 0xc9]],
  ["fsubp st(1), st(0)", [0xde, 0xe9]], ["fsubrp st(1), st(0)", [0xde, 0xe1]],
  ["fdivp st(1), st(0)", [0xde, 0xf9]], ["fdivrp st(1), st(0)", [0xde, 0xf1]],
  ["fadd st(0), st(1)", [0xd8, 0xc1]], ["fmul st(0), st(1)", [0xd8, 0xc9]],
  ["fsub st(0), st(1)", [0xd8, 0xe1]], ["fsubr st(0), st(1)", [0xd8, 0xe9]],
  ["fdiv st(0), st(1)", [0xd8, 0xf1]], ["fdivr st(0), st(1)", [0xd8, 0xf9]],
  ["fadd st(1), st(0)", [0xdc, 0xc1]], ["fsub st(1), st(0)", [0xdc, 0xe9]],
  ["fdiv st(1), st(0)", [0xdc, 0xf9]],
];
for (const [name, op] of REG_ARITH) {
  const popped = op[0] === 0xde;
  add(name, [FLD64_A, FLD64_B, op, FSTP64, ...(popped ? [] : [FSTP64_2])]);
}
// deno-fmt-ignore
const MEM_ARITH: [string, number, number, Lanes?][] = [
  ["fadd m64", 0xdc, 0], ["fmul m64", 0xdc, 1], ["fsub m64", 0xdc, 4], ["fsubr m64", 0xdc, 5],
  ["fdiv m64", 0xdc, 6], ["fdivr m64", 0xdc, 7], ["fadd m32", 0xd8, 0, "f32"], ["fdiv m32", 0xd8, 6, "f32"],
  ["fiadd m32", 0xda, 0, "i32"], ["fimul m16", 0xde, 1, "i16"], ["fisub m32", 0xda, 4, "i32"],
  ["fidiv m32", 0xda, 6, "i32"],
];
for (const [name, op, ext, lanes] of MEM_ARITH) {
  // The first operand comes from T (80-bit) so that the data lanes can be the memory operand's.
  add(name, [m(0xdb, 5, T), m(op, ext, B), FSTP64], {
    data: lanes ?? "f64",
    prep: withT,
  });
}
// deno-fmt-ignore
const UNARY: [string, number[]][] = [
  ["fsqrt", [0xd9, 0xfa]], ["fabs", [0xd9, 0xe1]], ["fchs", [0xd9, 0xe0]], ["frndint", [0xd9, 0xfc]],
];
for (const [name, op] of UNARY) {
  add(`${name} (m80 operand)`, [m(0xdb, 5, T), op, m(0xdb, 7, T2)], { prep: withT });
  add(`${name} (m64 operand)`, [FLD64_A, op, FSTP64]);
}
add("fxtract", [FLD64_A, [0xd9, 0xf4], FSTP64, FSTP64_2]);
add("fscale", [FLD64_B, FLD64_A, [0xd9, 0xfd], FSTP64, FSTP64_2], {
  prep: (s, g) => {
    if (g.chance(0.7)) s.view.setFloat64(s.base + O_DATA + X87_BASE + B, g.below(200) - 100, true);
  },
});
for (const [name, op] of [["fprem", 0xf8], ["fprem1", 0xf5]] as const) {
  add(name, [FLD64_B, FLD64_A, [0xd9, op], FNSTSW_AX, FSTP64, FSTP64_2], { fswMask: FSW_ALL });
}

// ---- comparisons and classification -------------------------------------------------------------

// deno-fmt-ignore
const COMPARE: [string, number[][]][] = [
  ["fcompp; fnstsw ax", [FLD64_B, FLD64_A, [0xde, 0xd9], FNSTSW_AX]],
  ["fucompp; fnstsw ax", [FLD64_B, FLD64_A, [0xda, 0xe9], FNSTSW_AX]],
  ["fcom st(1); fnstsw ax", [FLD64_B, FLD64_A, [0xd8, 0xd1], FNSTSW_AX]],
  ["fcomp m64; fnstsw ax", [FLD64_A, m(0xdc, 3, B), FNSTSW_AX]],
  ["ficom m32; fnstsw ax", [FLD64_A, m(0xda, 2, B), FNSTSW_AX]],
  ["fcomi st(0), st(1)", [FLD64_B, FLD64_A, [0xdb, 0xf1]]],
  ["fucomi st(0), st(1)", [FLD64_B, FLD64_A, [0xdb, 0xe9]]],
  ["fcomip st(0), st(1)", [FLD64_B, FLD64_A, [0xdf, 0xf1]]],
  ["fucomip st(0), st(1)", [FLD64_B, FLD64_A, [0xdf, 0xe9]]],
  ["ftst; fnstsw ax", [FLD64_A, [0xd9, 0xe4], FNSTSW_AX]],
  ["fxam; fnstsw ax", [FLD64_A, [0xd9, 0xe5], FNSTSW_AX]],
  ["fxam (m80 operand); fnstsw ax", [m(0xdb, 5, T), [0xd9, 0xe5], FNSTSW_AX]],
  // C1 is the sign of the empty register's contents: 1, as MOVQ into MMX registers left them.
  ["fxam (empty stack); fnstsw ax", [[0xd9, 0xe5], FNSTSW_AX]],
];
for (const [name, code] of COMPARE) {
  add(name, code, { fswMask: FSW_ALL, prep: name.includes("m80") ? withT : shareAB });
}
// deno-fmt-ignore
const FCMOV: [string, number[]][] = [
  ["fcmovb", [0xda, 0xc1]], ["fcmove", [0xda, 0xc9]], ["fcmovbe", [0xda, 0xd1]], ["fcmovu", [0xda, 0xd9]],
  ["fcmovnb", [0xdb, 0xc1]], ["fcmovne", [0xdb, 0xc9]], ["fcmovnbe", [0xdb, 0xd1]], ["fcmovnu", [0xdb, 0xd9]],
];
for (const [name, op] of FCMOV) {
  add(`${name} st(0), st(1)`, [FLD64_B, FLD64_A, op, FSTP64, FSTP64_2]);
}

/** Sometimes makes A equal to B, so that equality outcomes show up. */
function shareAB(s: Rec, g: Rng): void {
  if (g.chance(0.25)) s.setU64(O_DATA + X87_BASE + A, s.u64(O_DATA + X87_BASE + B));
}

// ---- control word -------------------------------------------------------------------------------

add("fldcw m16; fnstcw m16", [m(0xd9, 5, W), m(0xd9, 7, OUT)], { prep: randomCw });
add("fldcw m16 (precision, rounding); fadd m64", [m(0xd9, 5, W), FLD64_A, m(0xdc, 0, B), FSTP64], {
  prep: randomCw,
});
add("fnstsw m16", [FLD64_A, m(0xdd, 7, OUT)]);

function randomCw(s: Rec, g: Rng): void {
  s.setU16(
    O_DATA + X87_BASE + W,
    (0x037f & ~0x300) | (g.pick([0, 2, 3]) << 8) | (g.below(4) << 10),
  );
}

// ---- encodings the SDM lists as aliases, no-ops --------------------------------------------------

// deno-fmt-ignore
const ALIASES: [string, number[][], number?][] = [
  ["fnop", [FLD64_A, [0xd9, 0xd0], FSTP64]],
  ["fdisi (no-op)", [FLD64_A, [0xdb, 0xe1], FSTP64]],
  ["fld st(1)", [FLD64_A, FLD64_B, [0xd9, 0xc1], FSTP64, FSTP64_2]],
  ["ffreep st(0)", [FLD64_A, FLD64_B, [0xdf, 0xc0]]],
  ["fxch4 st(1) (DD C9)", [FLD64_A, FLD64_B, [0xdd, 0xc9], FSTP64, FSTP64_2]],
  ["fxch7 st(1) (DF C9)", [FLD64_A, FLD64_B, [0xdf, 0xc9], FSTP64, FSTP64_2]],
  ["fstp1 st(1) (D9 D9)", [FLD64_A, FLD64_B, [0xd9, 0xd9], FSTP64]],
  ["fstp8 st(1) (DF D1)", [FLD64_A, FLD64_B, [0xdf, 0xd1], FSTP64]],
  ["fstp9 st(1) (DF D9)", [FLD64_A, FLD64_B, [0xdf, 0xd9], FSTP64]],
  ["fcom2 st(1) (DC D1); fnstsw ax", [FLD64_B, FLD64_A, [0xdc, 0xd1], FNSTSW_AX], FSW_ALL],
  ["fcomp3 st(1) (DC D9); fnstsw ax", [FLD64_B, FLD64_A, [0xdc, 0xd9], FNSTSW_AX], FSW_ALL],
  ["fcomp5 st(1) (DE D1); fnstsw ax", [FLD64_B, FLD64_A, [0xde, 0xd1], FNSTSW_AX], FSW_ALL],
  ["fcomp st(1); fnstsw ax", [FLD64_B, FLD64_A, [0xd8, 0xd9], FNSTSW_AX], FSW_ALL],
  ["fucom st(1); fnstsw ax", [FLD64_B, FLD64_A, [0xdd, 0xe1], FNSTSW_AX], FSW_ALL],
  ["fucomp st(1); fnstsw ax", [FLD64_B, FLD64_A, [0xdd, 0xe9], FNSTSW_AX], FSW_ALL],
  ["fcom m32; fnstsw ax", [FLD64_A, m(0xd8, 2, B), FNSTSW_AX], FSW_ALL],
  ["ficomp m16; fnstsw ax", [FLD64_A, m(0xde, 3, B), FNSTSW_AX], FSW_ALL],
  ["fiadd m16", [FLD64_A, m(0xde, 0, B), FSTP64]],
  ["fisubr m16", [FLD64_A, m(0xde, 5, B), FSTP64]],
  ["fidivr m32", [FLD64_A, m(0xda, 7, B), FSTP64]],
  ["fimul m32", [FLD64_A, m(0xda, 1, B), FSTP64]],
];
for (const [name, code, fswMask] of ALIASES) add(name, code, { fswMask, prep: shareAB });

// ---- packed BCD ---------------------------------------------------------------------------------

/** A packed BCD operand at T: 18 digits and a sign byte, sometimes with invalid digits. */
function bcd(s: Rec, g: Rng): void {
  for (let k = 0; k < 9; k++) {
    const byte = g.chance(0.95) ? (g.below(10) << 4) | g.below(10) : g.below(256);
    s.setU8(O_DATA + X87_BASE + T + k, g.chance(0.2) && k > 2 ? 0 : byte);
  }
  s.setU8(O_DATA + X87_BASE + T + 9, g.chance(0.5) ? 0x80 : g.chance(0.9) ? 0 : g.below(256));
}
add("fbld m80bcd; fstp m80", [m(0xdf, 4, T), m(0xdb, 7, T2)], { prep: bcd });
add("fbstp m80bcd", [FLD64_A, m(0xdf, 6, T2)]);
add("fbstp m80bcd (from m80)", [m(0xdb, 5, T), m(0xdf, 6, T2)], { prep: withT });

// ---- environment and state images ---------------------------------------------------------------

const ENV_IN = -0x60; // window 0x10: 28-byte environment or 108-byte state image
/** A random FLDENV/FRSTOR image at ENV_IN: exceptions masked and none pending, random tags,
 * stack top, condition codes, pointers and (for FRSTOR) register contents. */
function image(registers: boolean) {
  return (s: Rec, g: Rng): void => {
    const at = X87_BASE + ENV_IN;
    s.setU32(O_DATA + at, 0x037f | (g.below(4) << 10));
    s.setU32(O_DATA + at + 4, g.u32() & 0x7f7f & ~0x80);
    s.setU32(O_DATA + at + 8, g.chance(0.3) ? 0xffff : g.u32() & 0xffff);
    for (let k = 12; k < 28; k += 4) s.setU32(O_DATA + at + k, g.u32());
    if (registers) { for (let r = 0; r < 8; r++) f80(s, g, at + 28 + 10 * r); }
  };
}
// FCS and FDS (the selector words at +16 and +24) are model-specific: AMD stores the selectors,
// Intel processors with CPUID.(7,0):EBX[13] store zeros.
const selectors = (
  at: number,
): [number, number][] => [[X87_BASE + at + 16, 2], [X87_BASE + at + 24, 2]];
add("fnstenv m28byte", [FLD64_A, m(0xdc, 0, B), m(0xd9, 6, OUT)], { ignoreMem: selectors(OUT) });
add("fldenv m28byte; fnstenv m28byte", [m(0xd9, 4, ENV_IN), m(0xd9, 6, OUT)], {
  prep: image(false),
  fswMask: FSW_ALL,
  ignoreMem: selectors(OUT),
});
add("fnsave m108byte", [FLD64_A, FLD64_B, m(0xdd, 6, W)], {
  fswMask: FSW_ALL,
  ignoreMem: selectors(W),
});
add("frstor m108byte; fnsave m108byte", [m(0xdd, 4, ENV_IN), m(0xdd, 6, W)], {
  prep: image(true),
  fswMask: FSW_ALL,
  ignoreMem: selectors(W),
});

// ---- transcendental functions -------------------------------------------------------------------

/** Puts a value drawn by `pick` at A (and B) most of the time. */
function operands(pickA: (g: Rng) => number, pickB?: (g: Rng) => number) {
  return (s: Rec, g: Rng): void => {
    const v = s.view, at = s.base + O_DATA + X87_BASE;
    if (g.chance(0.8)) v.setFloat64(at + A, pickA(g), true);
    if (pickB && g.chance(0.8)) v.setFloat64(at + B, pickB(g), true);
  };
}
/** Operands inside the domain where the SDM defines the result (F2XM1, FYL2XP1): always. */
function inRange(pickA: (g: Rng) => number, edges: number[], pickB?: (g: Rng) => number) {
  return (s: Rec, g: Rng): void => {
    const v = s.view, at = s.base + O_DATA + X87_BASE;
    v.setFloat64(at + A, g.chance(0.2) ? g.pick(edges) : pickA(g), true);
    if (pickB && g.chance(0.8)) v.setFloat64(at + B, pickB(g), true);
  };
}
const uniform = (lo: number, hi: number) => (g: Rng) => lo + (hi - lo) * (g.u32() / 2 ** 32);
const angle = (g: Rng) =>
  g.chance(0.1) ? g.pick([2 ** 63, -(2 ** 64), 1e300]) : uniform(-20, 20)(g);
// deno-fmt-ignore
const TRANSCENDENTAL: [string, number[][], (s: Rec, g: Rng) => void][] = [
  ["fsin", [FLD64_A, [0xd9, 0xfe], FNSTSW_AX, FSTP64], operands(angle)],
  ["fcos", [FLD64_A, [0xd9, 0xff], FNSTSW_AX, FSTP64], operands(angle)],
  ["fsincos", [FLD64_A, [0xd9, 0xfb], FNSTSW_AX, FSTP64, FSTP64_2], operands(angle)],
  ["fptan", [FLD64_A, [0xd9, 0xf2], FNSTSW_AX, FSTP64, FSTP64_2], operands(angle)],
  ["fpatan", [FLD64_B, FLD64_A, [0xd9, 0xf3], FSTP64], operands(uniform(-4, 4), uniform(-4, 4))],
  ["f2xm1", [FLD64_A, [0xd9, 0xf0], FSTP64], inRange(uniform(-1, 1), [0, -0, 1, -1, 2 ** -70])],
  ["fyl2x", [FLD64_B, FLD64_A, [0xd9, 0xf1], FSTP64], operands(uniform(0, 100), uniform(-4, 4))],
  ["fyl2xp1", [FLD64_B, FLD64_A, [0xd9, 0xf9], FSTP64], inRange(uniform(-0.2928, 0.2928), [0, -0, 2 ** -70], uniform(-4, 4))],
];
for (const [name, code, prep] of TRANSCENDENTAL) {
  add(name, code, { prep, fswMask: FSW_ALL, ulps: 1 });
}

export const X87_FORMS: readonly Form[] = forms;
