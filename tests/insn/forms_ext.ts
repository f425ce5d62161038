// Forms of the extensions after SSE2 (SSE3, SSSE3, SSE4.1, SSE4.2, POPCNT). Each names the CPUID
// feature it needs: the test requires it only once the interpreter advertises that feature
// (runtime/cpu/ops/misc.ts cpuidFeatures), and lists it as not required until then.

import { enc, type Mem, R9, RAX, RCX, RDX, RSI } from "./asm.ts";
import { type Feature, type Form, MEM, MEM_FIXED } from "./form.ts";
import type { Lanes, Rng } from "./values.ts";

const forms: Form[] = [];
const XPAIRS: [number, number][] = [[1, 2], [9, 3], [4, 12], [15, 5], [7, 8], [10, 11]];
let turn = 0;
const imm8 = (g: Rng) => [g.below(256)];

/** An XMM-destination form in register and memory variants. */
function both(
  requires: Feature,
  name: string,
  pfx: number[],
  op: number[],
  lanes: Lanes,
  imm?: (g: Rng) => number[],
): void {
  for (const isMem of [false, true]) {
    const [d, s] = XPAIRS[turn++ % XPAIRS.length];
    const rm: number | Mem = isMem ? MEM : s;
    forms.push({
      name: `${name} (${isMem ? "mem" : "reg"})`,
      family: requires,
      code: imm ? (g) => enc({ pfx, op, reg: d, rm, imm: imm(g) }) : enc({ pfx, op, reg: d, rm }),
      lanes,
      fixed: isMem ? MEM_FIXED : undefined,
      requires,
    });
  }
}

// ---- SSE3 ---------------------------------------------------------------------------------------

// deno-fmt-ignore
const SSE3: [string, number[], number, Lanes][] = [
  ["addsubps xmm, xmm/m128", [0xf2], 0xd0, "f32"], ["addsubpd xmm, xmm/m128", [0x66], 0xd0, "f64"],
  ["haddps xmm, xmm/m128", [0xf2], 0x7c, "f32"], ["haddpd xmm, xmm/m128", [0x66], 0x7c, "f64"],
  ["hsubps xmm, xmm/m128", [0xf2], 0x7d, "f32"], ["hsubpd xmm, xmm/m128", [0x66], 0x7d, "f64"],
  ["movddup xmm, xmm/m64", [0xf2], 0x12, "f64"], ["movshdup xmm, xmm/m128", [0xf3], 0x16, "f32"],
  ["movsldup xmm, xmm/m128", [0xf3], 0x12, "f32"],
];
for (const [n, pfx, op, lanes] of SSE3) both("sse3", n, pfx, [0x0f, op], lanes);
forms.push({
  name: "lddqu xmm, m128",
  family: "sse3",
  code: enc({ pfx: [0xf2], op: [0x0f, 0xf0], reg: 6, rm: { base: MEM.base, disp: 0x13 } }),
  fixed: MEM_FIXED,
  requires: "sse3",
});

// ---- SSSE3 --------------------------------------------------------------------------------------

// deno-fmt-ignore
const SSSE3: [string, number, Lanes][] = [
  ["pshufb", 0x00, "i8"], ["phaddw", 0x01, "i16"], ["phaddd", 0x02, "i32"], ["phaddsw", 0x03, "i16"],
  ["pmaddubsw", 0x04, "i8"], ["phsubw", 0x05, "i16"], ["phsubd", 0x06, "i32"], ["phsubsw", 0x07, "i16"],
  ["psignb", 0x08, "i8"], ["psignw", 0x09, "i16"], ["psignd", 0x0a, "i32"], ["pmulhrsw", 0x0b, "i16"],
  ["pabsb", 0x1c, "i8"], ["pabsw", 0x1d, "i16"], ["pabsd", 0x1e, "i32"],
];
for (const [n, op, lanes] of SSSE3) {
  both("ssse3", `${n} xmm, xmm/m128`, [0x66], [0x0f, 0x38, op], lanes);
}
both(
  "ssse3",
  "palignr xmm, xmm/m128, imm8",
  [0x66],
  [0x0f, 0x3a, 0x0f],
  "i8",
  (g) => [g.below(40)],
);

// ---- SSE4.1 -------------------------------------------------------------------------------------

// deno-fmt-ignore
const SSE41: [string, number, Lanes][] = [
  ["pmuldq", 0x28, "i32"], ["pcmpeqq", 0x29, "i64"], ["packusdw", 0x2b, "i32"], ["pminsb", 0x38, "i8"],
  ["pminsd", 0x39, "i32"], ["pminuw", 0x3a, "i16"], ["pminud", 0x3b, "i32"], ["pmaxsb", 0x3c, "i8"],
  ["pmaxsd", 0x3d, "i32"], ["pmaxuw", 0x3e, "i16"], ["pmaxud", 0x3f, "i32"], ["pmulld", 0x40, "i32"],
  ["phminposuw", 0x41, "i16"], ["pmovsxbw", 0x20, "i8"], ["pmovsxbd", 0x21, "i8"], ["pmovsxbq", 0x22, "i8"],
  ["pmovsxwd", 0x23, "i16"], ["pmovsxwq", 0x24, "i16"], ["pmovsxdq", 0x25, "i32"], ["pmovzxbw", 0x30, "i8"],
  ["pmovzxbd", 0x31, "i8"], ["pmovzxbq", 0x32, "i8"], ["pmovzxwd", 0x33, "i16"], ["pmovzxwq", 0x34, "i16"],
  ["pmovzxdq", 0x35, "i32"], ["pblendvb", 0x10, "i8"], ["blendvps", 0x14, "f32"], ["blendvpd", 0x15, "f64"],
];
for (const [n, op, lanes] of SSE41) {
  const implicit = n.includes("blendv") ? ", <xmm0>" : "";
  both("sse4.1", `${n} xmm, xmm/m128${implicit}`, [0x66], [0x0f, 0x38, op], lanes);
}
// deno-fmt-ignore
const SSE41_IMM: [string, number, Lanes][] = [
  ["roundps", 0x08, "f32"], ["roundpd", 0x09, "f64"], ["roundss", 0x0a, "f32"], ["roundsd", 0x0b, "f64"],
  ["blendps", 0x0c, "f32"], ["blendpd", 0x0d, "f64"], ["pblendw", 0x0e, "i16"], ["insertps", 0x21, "f32"],
  ["dpps", 0x40, "f32"], ["dppd", 0x41, "f64"], ["mpsadbw", 0x42, "i8"],
];
for (const [n, op, lanes] of SSE41_IMM) {
  both("sse4.1", `${n} xmm, xmm/m128, imm8`, [0x66], [0x0f, 0x3a, op], lanes, imm8);
}
// ptest sets ZF and CF, clears AF OF PF SF.
for (const isMem of [false, true]) {
  forms.push({
    name: `ptest xmm, xmm/m128 (${isMem ? "mem" : "reg"})`,
    family: "sse4.1",
    code: enc({ pfx: [0x66], op: [0x0f, 0x38, 0x17], reg: 3, rm: isMem ? MEM : 5 }),
    lanes: "i8",
    fixed: isMem ? MEM_FIXED : undefined,
    requires: "sse4.1",
  });
}
// deno-fmt-ignore
const EXTRACT: [string, number, number, boolean][] = [
  // name, opcode, register, REX.W
  ["pextrb r32, xmm, imm8", 0x14, RCX, false], ["pextrd r32, xmm, imm8", 0x16, RDX, false],
  ["pextrq r64, xmm, imm8", 0x16, R9, true], ["extractps r32, xmm, imm8", 0x17, RSI, false],
];
for (const [n, op, r, w] of EXTRACT) {
  forms.push({
    name: n,
    family: "sse4.1",
    code: (g) => enc({ pfx: [0x66], w, op: [0x0f, 0x3a, op], reg: 6, rm: r, imm: imm8(g) }),
    lanes: "i8",
    requires: "sse4.1",
  });
}
// deno-fmt-ignore
const INSERT: [string, number, number, boolean][] = [
  ["pinsrb xmm, r32, imm8", 0x20, RAX, false], ["pinsrd xmm, r32, imm8", 0x22, RDX, false],
  ["pinsrq xmm, r64, imm8", 0x22, R9, true],
];
for (const [n, op, r, w] of INSERT) {
  forms.push({
    name: n,
    family: "sse4.1",
    code: (g) => enc({ pfx: [0x66], w, op: [0x0f, 0x3a, op], reg: 13, rm: r, imm: imm8(g) }),
    lanes: "i8",
    requires: "sse4.1",
  });
}

// ---- SSE4.2, POPCNT -----------------------------------------------------------------------------

both("sse4.2", "pcmpgtq xmm, xmm/m128", [0x66], [0x0f, 0x38, 0x37], "i64");
// deno-fmt-ignore
const CRC: [string, number[], boolean, number][] = [
  ["crc32 r32, r/m8", [0xf0], false, 8], ["crc32 r32, r/m16", [0xf1], false, 16],
  ["crc32 r32, r/m32", [0xf1], false, 32], ["crc32 r64, r/m64", [0xf1], true, 64],
];
for (const [n, op, w, width] of CRC) {
  forms.push({
    name: n,
    family: "sse4.2",
    code: enc({
      pfx: width === 16 ? [0x66, 0xf2] : [0xf2],
      w,
      op: [0x0f, 0x38, ...op],
      reg: RDX,
      rm: RSI,
      byte: width === 8,
    }),
    width,
    requires: "sse4.2",
  });
}
for (const width of [16, 32, 64]) {
  forms.push({
    name: `popcnt r${width}, r/m${width}`,
    family: "popcnt",
    code: enc({
      pfx: width === 16 ? [0x66, 0xf3] : [0xf3],
      w: width === 64,
      op: [0x0f, 0xb8],
      reg: RCX,
      rm: R9,
    }),
    width,
    requires: "popcnt",
  });
}

export const EXT_FORMS: readonly Form[] = forms;
