// MMX forms of the differential test (the no-prefix variants of the packed-integer opcodes, MMX
// moves, PSHUFW/PINSRW/PEXTRW/PMOVMSKB/MASKMOVQ/MOVNTQ, MOVQ2DQ/MOVDQ2Q, the MMX conversions and
// EMMS). MMX registers start with random values (then EMMS: x87 tags empty), and the eight
// physical x87 registers, the tag word and TOP are compared afterwards.

import { enc, type Mem, R9, RCX, RDI, RDX } from "./asm.ts";
import { type Form, MEM, MEM_FIXED } from "./form.ts";
import { DATA_ADDR } from "./record.ts";
import type { Lanes, Rng } from "./values.ts";

const forms: Form[] = [];
const MM_PAIRS: [number, number][] = [[0, 1], [2, 7], [5, 3], [6, 4], [1, 0], [3, 6]];
let turn = 0;
const mmPair = () => MM_PAIRS[turn++ % MM_PAIRS.length];
const imm8 = (g: Rng) => [g.below(256)];

function add(name: string, code: Form["code"], lanes: Lanes, extra: Partial<Form> = {}): void {
  forms.push({ name, family: "mmx", code, lanes, ...extra });
}

/** mm, mm/m64 in register and memory variants. */
function both(name: string, pfx: number[], op: number, lanes: Lanes, imm?: (g: Rng) => number[]) {
  for (const isMem of [false, true]) {
    const [d, s] = mmPair();
    const rm: number | Mem = isMem ? MEM : s;
    add(
      `${name} (${isMem ? "mem" : "reg"})`,
      imm
        ? (g) => enc({ pfx, op: [0x0f, op], reg: d, rm, imm: imm(g) })
        : enc({ pfx, op: [0x0f, op], reg: d, rm }),
      lanes,
      { fixed: isMem ? MEM_FIXED : undefined },
    );
  }
}

// deno-fmt-ignore
const PACKED: [string, number, Lanes][] = [
  ["punpcklbw", 0x60, "i8"], ["punpcklwd", 0x61, "i16"], ["punpckldq", 0x62, "i32"], ["packsswb", 0x63, "i16"],
  ["pcmpgtb", 0x64, "i8"], ["pcmpgtw", 0x65, "i16"], ["pcmpgtd", 0x66, "i32"], ["packuswb", 0x67, "i16"],
  ["punpckhbw", 0x68, "i8"], ["punpckhwd", 0x69, "i16"], ["punpckhdq", 0x6a, "i32"], ["packssdw", 0x6b, "i32"],
  ["pcmpeqb", 0x74, "i8"], ["pcmpeqw", 0x75, "i16"], ["pcmpeqd", 0x76, "i32"],
  ["psrlw", 0xd1, "i16"], ["psrld", 0xd2, "i32"], ["psrlq", 0xd3, "i64"], ["paddq", 0xd4, "i64"],
  ["pmullw", 0xd5, "i16"], ["psubusb", 0xd8, "i8"], ["psubusw", 0xd9, "i16"], ["pminub", 0xda, "i8"],
  ["pand", 0xdb, "bytes"], ["paddusb", 0xdc, "i8"], ["paddusw", 0xdd, "i16"], ["pmaxub", 0xde, "i8"],
  ["pandn", 0xdf, "bytes"], ["pavgb", 0xe0, "i8"], ["psraw", 0xe1, "i16"], ["psrad", 0xe2, "i32"],
  ["pavgw", 0xe3, "i16"], ["pmulhuw", 0xe4, "i16"], ["pmulhw", 0xe5, "i16"], ["psubsb", 0xe8, "i8"],
  ["psubsw", 0xe9, "i16"], ["pminsw", 0xea, "i16"], ["por", 0xeb, "bytes"], ["paddsb", 0xec, "i8"],
  ["paddsw", 0xed, "i16"], ["pmaxsw", 0xee, "i16"], ["pxor", 0xef, "bytes"], ["psllw", 0xf1, "i16"],
  ["pslld", 0xf2, "i32"], ["psllq", 0xf3, "i64"], ["pmuludq", 0xf4, "i32"], ["pmaddwd", 0xf5, "i16"],
  ["psadbw", 0xf6, "i8"], ["psubb", 0xf8, "i8"], ["psubw", 0xf9, "i16"], ["psubd", 0xfa, "i32"],
  ["psubq", 0xfb, "i64"], ["paddb", 0xfc, "i8"], ["paddw", 0xfd, "i16"], ["paddd", 0xfe, "i32"],
];
for (const [n, op, lanes] of PACKED) both(`${n} mm, mm/m64`, [], op, lanes);
add("paddb mm, mm (REX.B ignored)", [0x41, 0x0f, 0xfc, 0xc1], "i8");
// deno-fmt-ignore
const SHIFTS: [string, number, number, number][] = [
  ["psrlw", 0x71, 2, 16], ["psraw", 0x71, 4, 16], ["psllw", 0x71, 6, 16], ["psrld", 0x72, 2, 32],
  ["psrad", 0x72, 4, 32], ["pslld", 0x72, 6, 32], ["psrlq", 0x73, 2, 64], ["psllq", 0x73, 6, 64],
];
for (const [n, op, ext, width] of SHIFTS) {
  const target = mmPair()[0];
  add(
    `${n} mm, imm8`,
    (g) =>
      enc({
        op: [0x0f, op],
        ext,
        rm: target,
        imm: [g.chance(0.7) ? g.below(width + 2) : g.below(256)],
      }),
    `i${width}` as Lanes,
  );
}

// ---- moves --------------------------------------------------------------------------------------

for (const isMem of [false, true]) {
  const kind = isMem ? "mem" : "reg";
  const fixed = isMem ? MEM_FIXED : undefined;
  add(
    `movd mm, r/m32 (${kind})`,
    enc({ op: [0x0f, 0x6e], reg: 3, rm: isMem ? MEM : RDX }),
    "bytes",
    { fixed, width: 32 },
  );
  add(
    `movq mm, r/m64 (${kind})`,
    enc({ w: true, op: [0x0f, 0x6e], reg: 6, rm: isMem ? MEM : R9 }),
    "bytes",
    { fixed },
  );
  add(
    `movd r/m32, mm (${kind})`,
    enc({ op: [0x0f, 0x7e], reg: 2, rm: isMem ? MEM : RCX }),
    "bytes",
    { fixed },
  );
  add(
    `movq r/m64, mm (${kind})`,
    enc({ w: true, op: [0x0f, 0x7e], reg: 7, rm: isMem ? MEM : RDI }),
    "bytes",
    { fixed },
  );
  add(
    `movq mm, mm/m64 (${kind})`,
    enc({ op: [0x0f, 0x6f], reg: 4, rm: isMem ? MEM : 1 }),
    "bytes",
    { fixed },
  );
  add(
    `movq mm/m64, mm (${kind})`,
    enc({ op: [0x0f, 0x7f], reg: 5, rm: isMem ? MEM : 0 }),
    "bytes",
    { fixed },
  );
}
add("movntq m64, mm", enc({ op: [0x0f, 0xe7], reg: 3, rm: MEM }), "bytes", { fixed: MEM_FIXED });
add("maskmovq mm, mm", enc({ op: [0x0f, 0xf7], reg: 1, rm: 6 }), "i8", {
  prep: (s) => s.setGpr(RDI, BigInt(DATA_ADDR + 0x80)),
});
both("pshufw mm, mm/m64, imm8", [], 0x70, "i16", imm8);
add(
  "pinsrw mm, r32, imm8 (reg)",
  (g) => enc({ op: [0x0f, 0xc4], reg: 2, rm: RDX, imm: imm8(g) }),
  "i16",
  { width: 16 },
);
add(
  "pinsrw mm, m16, imm8 (mem)",
  (g) => enc({ op: [0x0f, 0xc4], reg: 5, rm: MEM, imm: imm8(g) }),
  "i16",
  { fixed: MEM_FIXED },
);
add("pextrw r32, mm, imm8", (g) => enc({ op: [0x0f, 0xc5], reg: RCX, rm: 6, imm: imm8(g) }), "i16");
add("pmovmskb r32, mm", enc({ op: [0x0f, 0xd7], reg: RDX, rm: 3 }), "i8");
add("movq2dq xmm, mm", enc({ pfx: [0xf3], op: [0x0f, 0xd6], reg: 9, rm: 2 }), "bytes");
add("movdq2q mm, xmm", enc({ pfx: [0xf2], op: [0x0f, 0xd6], reg: 4, rm: 11 }), "bytes");
add("emms", [0x0f, 0x77], "bytes");
add("paddb mm, mm; emms", [0x0f, 0xfc, 0xc1, 0x0f, 0x77], "i8");

// ---- conversions --------------------------------------------------------------------------------

// deno-fmt-ignore
const CONVERT: [string, number[], number, Lanes][] = [
  ["cvtpi2ps xmm, mm/m64", [], 0x2a, "i32"], ["cvtpi2pd xmm, mm/m64", [0x66], 0x2a, "i32"],
  ["cvttps2pi mm, xmm/m64", [], 0x2c, "f32"], ["cvttpd2pi mm, xmm/m128", [0x66], 0x2c, "f64"],
  ["cvtps2pi mm, xmm/m64", [], 0x2d, "f32"], ["cvtpd2pi mm, xmm/m128", [0x66], 0x2d, "f64"],
];
for (const [n, pfx, op, lanes] of CONVERT) both(n, pfx, op, lanes);

export const MMX_FORMS: readonly Form[] = forms;
