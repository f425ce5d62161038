// SSE and SSE2 forms of the differential test: moves, arithmetic (ps/ss/pd/sd), comparisons with
// every predicate, COMIS/UCOMIS, conversions, logic, shuffles and unpacks, packed integer
// arithmetic, shifts, packs, PINSRW/PEXTRW/PMOVMSKB/MOVMSK, MXCSR access; with random rounding
// modes and sticky flags in MXCSR, and a few forms with FTZ/DAZ or unmasked exceptions.
// "(reg)"/"(mem)" says whether the r/m operand is a register or [rbx+0x10] (16-byte aligned).

import { enc, type Mem, R11, R9, RAX, RCX, RDI, RDX, RSI } from "./asm.ts";
import { type Form, MEM, MEM_FIXED, MEM_OFFSET } from "./form.ts";
import { DATA_ADDR, O_DATA, O_XMM, type Rec } from "./record.ts";
import { f32Value, f64Value, type Lanes, type Rng } from "./values.ts";

const forms: Form[] = [];

interface Op {
  pfx?: number[];
  w?: boolean;
  op: number[];
}

// (destination, source) XMM pairs rotated through so that REX.R/REX.B get exercised.
const XPAIRS: [number, number][] = [[1, 2], [9, 3], [4, 12], [15, 0], [7, 8], [10, 11]];
let turn = 0;
function xpair(): [number, number] {
  return XPAIRS[turn++ % XPAIRS.length];
}

const LANE_BYTES: Record<Lanes, number> = {
  bytes: 1,
  i8: 1,
  i16: 2,
  i32: 4,
  i64: 8,
  f32: 4,
  f64: 8,
};

/** Sometimes copies lanes of the destination into the source, so equal inputs show up. */
function shareLanes(s: Rec, g: Rng, dst: number, src: number | "mem", lanes: Lanes): void {
  if (!g.chance(0.3)) return;
  const n = LANE_BYTES[lanes];
  const from = O_XMM + dst * 16;
  const to = src === "mem" ? O_DATA + MEM_OFFSET : O_XMM + src * 16;
  for (let lane = 0; lane < 16; lane += n) {
    if (!g.chance(0.5)) continue;
    for (let k = 0; k < n; k++) s.setU8(to + lane + k, s.u8(from + lane + k));
  }
}

/** An XMM-destination form in register and memory variants. */
function both(
  name: string,
  o: Op,
  lanes: Lanes,
  extra: Partial<Form> & { imm?: (g: Rng) => number[]; mem?: boolean; reg?: boolean } = {},
): void {
  const { imm, mem = true, reg = true, ...rest } = extra;
  for (const isMem of [false, true]) {
    if (isMem ? !mem : !reg) continue;
    const [d, s] = xpair();
    const rm: number | Mem = isMem ? MEM : s;
    const src = isMem ? "mem" as const : s;
    const userPrep = rest.prep;
    add({
      name: `${name} (${isMem ? "mem" : "reg"})`,
      family: "sse",
      code: imm ? (g) => enc({ ...o, reg: d, rm, imm: imm(g) }) : enc({ ...o, reg: d, rm }),
      lanes,
      fixed: isMem ? MEM_FIXED : undefined,
      ...rest,
      prep: (st, g) => {
        shareLanes(st, g, d, src, lanes);
        userPrep?.(st, g);
      },
    });
  }
}

function add(f: Form): void {
  forms.push(f);
}

const imm8 = (g: Rng) => [g.below(256)];

// ---- moves --------------------------------------------------------------------------------------

// deno-fmt-ignore
const MOVES: [string, number[], number, number][] = [
  // mnemonic, prefix, load opcode, store opcode
  ["movups", [], 0x10, 0x11], ["movaps", [], 0x28, 0x29], ["movupd", [0x66], 0x10, 0x11],
  ["movapd", [0x66], 0x28, 0x29], ["movdqa", [0x66], 0x6f, 0x7f], ["movdqu", [0xf3], 0x6f, 0x7f],
];
for (const [n, pfx, load, store] of MOVES) {
  both(`${n} xmm, xmm/m128`, { pfx, op: [0x0f, load] }, "bytes");
  const [d, s] = xpair();
  add({
    name: `${n} xmm/m128, xmm (reg)`,
    family: "sse",
    code: enc({ pfx, op: [0x0f, store], reg: s, rm: d }),
  });
  add({
    name: `${n} xmm/m128, xmm (mem)`,
    family: "sse",
    code: enc({ pfx, op: [0x0f, store], reg: s, rm: MEM }),
    fixed: MEM_FIXED,
  });
}
const MISALIGNED: Mem = { base: MEM.base, disp: 0x18 };
add({
  name: "movaps xmm, m128 (misaligned: #GP)",
  family: "sse",
  code: enc({ op: [0x0f, 0x28], reg: 3, rm: MISALIGNED }),
  fixed: MEM_FIXED,
});
add({
  name: "movdqa m128, xmm (misaligned: #GP)",
  family: "sse",
  code: enc({ pfx: [0x66], op: [0x0f, 0x7f], reg: 3, rm: MISALIGNED }),
  fixed: MEM_FIXED,
});
add({
  name: "addps xmm, m128 (misaligned: #GP)",
  family: "sse",
  code: enc({ op: [0x0f, 0x58], reg: 3, rm: MISALIGNED }),
  fixed: MEM_FIXED,
  lanes: "f32",
});
add({
  name: "addss xmm, m32 (misaligned: allowed)",
  family: "sse",
  code: enc({ pfx: [0xf3], op: [0x0f, 0x58], reg: 3, rm: { base: MEM.base, disp: 0x13 } }),
  fixed: MEM_FIXED,
  lanes: "f32",
});
for (const [n, pfx, lanes] of [["movss", [0xf3], "f32"], ["movsd", [0xf2], "f64"]] as const) {
  both(`${n} xmm, xmm/m${lanes === "f32" ? 32 : 64}`, { pfx: [...pfx], op: [0x0f, 0x10] }, lanes);
  const [d, s] = xpair();
  add({
    name: `${n} xmm/m, xmm (reg)`,
    family: "sse",
    code: enc({ pfx: [...pfx], op: [0x0f, 0x11], reg: s, rm: d }),
    lanes,
  });
  add({
    name: `${n} xmm/m, xmm (mem)`,
    family: "sse",
    code: enc({ pfx: [...pfx], op: [0x0f, 0x11], reg: s, rm: MEM }),
    lanes,
    fixed: MEM_FIXED,
  });
}
// GPR <-> XMM.
for (const w of [32, 64]) {
  const q = w === 64;
  const n = q ? "movq" : "movd";
  for (const isMem of [false, true]) {
    const kind = isMem ? "mem" : "reg";
    const fixed = isMem ? MEM_FIXED : undefined;
    add({
      name: `${n} xmm, r/m${w} (${kind})`,
      family: "sse",
      code: enc({ pfx: [0x66], w: q, op: [0x0f, 0x6e], reg: 5, rm: isMem ? MEM : R9 }),
      width: w,
      fixed,
    });
    add({
      name: `${n} r/m${w}, xmm (${kind})`,
      family: "sse",
      code: enc({ pfx: [0x66], w: q, op: [0x0f, 0x7e], reg: 12, rm: isMem ? MEM : RDX }),
      width: w,
      fixed,
    });
  }
}
both("movq xmm, xmm/m64", { pfx: [0xf3], op: [0x0f, 0x7e] }, "bytes");
add({
  name: "movq xmm/m64, xmm (reg)",
  family: "sse",
  code: enc({ pfx: [0x66], op: [0x0f, 0xd6], reg: 2, rm: 13 }),
});
add({
  name: "movq xmm/m64, xmm (mem)",
  family: "sse",
  code: enc({ pfx: [0x66], op: [0x0f, 0xd6], reg: 2, rm: MEM }),
  fixed: MEM_FIXED,
});
// deno-fmt-ignore
const HALF: [string, number[], number][] = [
  ["movlps xmm, m64", [], 0x12], ["movlps m64, xmm", [], 0x13], ["movhps xmm, m64", [], 0x16],
  ["movhps m64, xmm", [], 0x17], ["movlpd xmm, m64", [0x66], 0x12], ["movlpd m64, xmm", [0x66], 0x13],
  ["movhpd xmm, m64", [0x66], 0x16], ["movhpd m64, xmm", [0x66], 0x17],
];
for (const [n, pfx, op] of HALF) {
  add({
    name: n,
    family: "sse",
    code: enc({ pfx, op: [0x0f, op], reg: 6, rm: MEM }),
    fixed: MEM_FIXED,
  });
}
add({ name: "movhlps xmm, xmm", family: "sse", code: enc({ op: [0x0f, 0x12], reg: 6, rm: 14 }) });
add({ name: "movlhps xmm, xmm", family: "sse", code: enc({ op: [0x0f, 0x16], reg: 14, rm: 6 }) });
for (
  const [n, pfx, op] of [["movntps", [], 0x2b], ["movntpd", [0x66], 0x2b], [
    "movntdq",
    [0x66],
    0xe7,
  ]] as const
) {
  add({
    name: `${n} m128, xmm`,
    family: "sse",
    code: enc({ pfx: [...pfx], op: [0x0f, op], reg: 11, rm: MEM }),
    fixed: MEM_FIXED,
  });
}
add({
  name: "maskmovdqu xmm, xmm",
  family: "sse",
  code: enc({ pfx: [0x66], op: [0x0f, 0xf7], reg: 3, rm: 5 }),
  lanes: "i8",
  prep: (s) => s.setGpr(RDI, BigInt(DATA_ADDR + 0x80)),
});
// deno-fmt-ignore
const MASKS: [string, number[], number, Lanes][] = [
  ["movmskps r32, xmm", [], 0x50, "f32"], ["movmskpd r32, xmm", [0x66], 0x50, "f64"],
  ["pmovmskb r32, xmm", [0x66], 0xd7, "i8"],
];
for (const [n, pfx, op, lanes] of MASKS) {
  add({ name: n, family: "sse", code: enc({ pfx, op: [0x0f, op], reg: RCX, rm: 10 }), lanes });
  add({
    name: n.replace("r32", "r64 (REX.W)"),
    family: "sse",
    code: enc({ pfx, w: true, op: [0x0f, op], reg: R11, rm: 2 }),
    lanes,
  });
}

// ---- floating-point arithmetic, logic, comparisons ----------------------------------------------

// deno-fmt-ignore
const KINDS: [string, number[], Lanes, string][] = [
  ["ps", [], "f32", "m128"], ["ss", [0xf3], "f32", "m32"], ["pd", [0x66], "f64", "m128"], ["sd", [0xf2], "f64", "m64"],
];
// deno-fmt-ignore
const ARITH: [string, number][] = [
  ["add", 0x58], ["mul", 0x59], ["sub", 0x5c], ["min", 0x5d], ["div", 0x5e], ["max", 0x5f], ["sqrt", 0x51],
];
for (const [n, op] of ARITH) {
  for (const [k, pfx, lanes, m] of KINDS) {
    both(`${n}${k} xmm, xmm/${m}`, { pfx, op: [0x0f, op] }, lanes);
  }
}
// deno-fmt-ignore
const LOGIC: [string, number][] = [["and", 0x54], ["andn", 0x55], ["or", 0x56], ["xor", 0x57]];
for (const [n, op] of LOGIC) {
  both(`${n}ps xmm, xmm/m128`, { op: [0x0f, op] }, "f32");
  both(`${n}pd xmm, xmm/m128`, { pfx: [0x66], op: [0x0f, op] }, "f64");
}
const PREDICATES = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"];
for (const [k, pfx, lanes, m] of KINDS) {
  for (let p = 0; p < 8; p++) {
    both(`cmp${PREDICATES[p]}${k} xmm, xmm/${m}`, { pfx, op: [0x0f, 0xc2] }, lanes, {
      imm: () => [p],
      mem: p === 1,
    });
  }
  both(`cmp${k} xmm, xmm/${m}, imm8 (any imm8)`, { pfx, op: [0x0f, 0xc2] }, lanes, {
    imm: imm8,
    mem: false,
  });
}
// deno-fmt-ignore
const COMIS: [string, number[], number, Lanes][] = [
  ["ucomiss xmm, xmm/m32", [], 0x2e, "f32"], ["comiss xmm, xmm/m32", [], 0x2f, "f32"],
  ["ucomisd xmm, xmm/m64", [0x66], 0x2e, "f64"], ["comisd xmm, xmm/m64", [0x66], 0x2f, "f64"],
];
for (const [n, pfx, op, lanes] of COMIS) both(n, { pfx, op: [0x0f, op] }, lanes);

// ---- conversions --------------------------------------------------------------------------------

for (const [n, pfx] of [["cvtsi2ss", [0xf3]], ["cvtsi2sd", [0xf2]]] as const) {
  for (const w of [32, 64]) {
    for (const isMem of [false, true]) {
      add({
        name: `${n} xmm, r/m${w} (${isMem ? "mem" : "reg"})`,
        family: "sse",
        code: enc({ pfx: [...pfx], w: w === 64, op: [0x0f, 0x2a], reg: 3, rm: isMem ? MEM : RSI }),
        width: w,
        fixed: isMem ? MEM_FIXED : undefined,
        lanes: n === "cvtsi2ss" ? "f32" : "f64",
      });
    }
  }
}
// deno-fmt-ignore
const TO_INT: [string, number[], number, Lanes][] = [
  ["cvtss2si", [0xf3], 0x2d, "f32"], ["cvttss2si", [0xf3], 0x2c, "f32"],
  ["cvtsd2si", [0xf2], 0x2d, "f64"], ["cvttsd2si", [0xf2], 0x2c, "f64"],
];
for (const [n, pfx, op, lanes] of TO_INT) {
  for (const w of [32, 64]) {
    const m = lanes === "f32" ? "m32" : "m64";
    for (const isMem of [false, true]) {
      add({
        name: `${n} r${w}, xmm/${m} (${isMem ? "mem" : "reg"})`,
        family: "sse",
        code: enc({
          pfx,
          w: w === 64,
          op: [0x0f, op],
          reg: w === 64 ? R9 : RAX,
          rm: isMem ? MEM : 7,
        }),
        lanes,
        dataLanes: lanes,
        fixed: isMem ? MEM_FIXED : undefined,
      });
    }
  }
}
// deno-fmt-ignore
const CONVERT: [string, number[], number, Lanes][] = [
  ["cvtss2sd xmm, xmm/m32", [0xf3], 0x5a, "f32"], ["cvtsd2ss xmm, xmm/m64", [0xf2], 0x5a, "f64"],
  ["cvtps2pd xmm, xmm/m64", [], 0x5a, "f32"], ["cvtpd2ps xmm, xmm/m128", [0x66], 0x5a, "f64"],
  ["cvtdq2ps xmm, xmm/m128", [], 0x5b, "i32"], ["cvtps2dq xmm, xmm/m128", [0x66], 0x5b, "f32"],
  ["cvttps2dq xmm, xmm/m128", [0xf3], 0x5b, "f32"], ["cvtdq2pd xmm, xmm/m64", [0xf3], 0xe6, "i32"],
  ["cvtpd2dq xmm, xmm/m128", [0xf2], 0xe6, "f64"], ["cvttpd2dq xmm, xmm/m128", [0x66], 0xe6, "f64"],
];
for (const [n, pfx, op, lanes] of CONVERT) both(n, { pfx, op: [0x0f, op] }, lanes);

// ---- shuffles, unpacks, packs -------------------------------------------------------------------

both("shufps xmm, xmm/m128, imm8", { op: [0x0f, 0xc6] }, "f32", { imm: imm8 });
both("shufpd xmm, xmm/m128, imm8", { pfx: [0x66], op: [0x0f, 0xc6] }, "f64", { imm: imm8 });
// deno-fmt-ignore
const UNPACK: [string, number[], number, Lanes][] = [
  ["unpcklps", [], 0x14, "f32"], ["unpckhps", [], 0x15, "f32"], ["unpcklpd", [0x66], 0x14, "f64"],
  ["unpckhpd", [0x66], 0x15, "f64"], ["punpcklbw", [0x66], 0x60, "i8"], ["punpcklwd", [0x66], 0x61, "i16"],
  ["punpckldq", [0x66], 0x62, "i32"], ["punpcklqdq", [0x66], 0x6c, "i64"], ["punpckhbw", [0x66], 0x68, "i8"],
  ["punpckhwd", [0x66], 0x69, "i16"], ["punpckhdq", [0x66], 0x6a, "i32"], ["punpckhqdq", [0x66], 0x6d, "i64"],
  ["packsswb", [0x66], 0x63, "i16"], ["packuswb", [0x66], 0x67, "i16"], ["packssdw", [0x66], 0x6b, "i32"],
];
for (const [n, pfx, op, lanes] of UNPACK) {
  both(`${n} xmm, xmm/m128`, { pfx, op: [0x0f, op] }, lanes);
}
for (const [n, pfx] of [["pshufd", [0x66]], ["pshuflw", [0xf2]], ["pshufhw", [0xf3]]] as const) {
  both(`${n} xmm, xmm/m128, imm8`, { pfx: [...pfx], op: [0x0f, 0x70] }, "i16", { imm: imm8 });
}

// ---- packed integers ----------------------------------------------------------------------------

// deno-fmt-ignore
const PACKED: [string, number, Lanes][] = [
  ["paddb", 0xfc, "i8"], ["paddw", 0xfd, "i16"], ["paddd", 0xfe, "i32"], ["paddq", 0xd4, "i64"],
  ["psubb", 0xf8, "i8"], ["psubw", 0xf9, "i16"], ["psubd", 0xfa, "i32"], ["psubq", 0xfb, "i64"],
  ["paddsb", 0xec, "i8"], ["paddsw", 0xed, "i16"], ["paddusb", 0xdc, "i8"], ["paddusw", 0xdd, "i16"],
  ["psubsb", 0xe8, "i8"], ["psubsw", 0xe9, "i16"], ["psubusb", 0xd8, "i8"], ["psubusw", 0xd9, "i16"],
  ["pmullw", 0xd5, "i16"], ["pmulhw", 0xe5, "i16"], ["pmulhuw", 0xe4, "i16"], ["pmuludq", 0xf4, "i32"],
  ["pmaddwd", 0xf5, "i16"], ["pavgb", 0xe0, "i8"], ["pavgw", 0xe3, "i16"], ["pminub", 0xda, "i8"],
  ["pmaxub", 0xde, "i8"], ["pminsw", 0xea, "i16"], ["pmaxsw", 0xee, "i16"], ["psadbw", 0xf6, "i8"],
  ["pcmpeqb", 0x74, "i8"], ["pcmpeqw", 0x75, "i16"], ["pcmpeqd", 0x76, "i32"], ["pcmpgtb", 0x64, "i8"],
  ["pcmpgtw", 0x65, "i16"], ["pcmpgtd", 0x66, "i32"],
  ["pand", 0xdb, "bytes"], ["pandn", 0xdf, "bytes"], ["por", 0xeb, "bytes"], ["pxor", 0xef, "bytes"],
];
for (const [n, op, lanes] of PACKED) {
  both(`${n} xmm, xmm/m128`, { pfx: [0x66], op: [0x0f, op] }, lanes);
}

/** Shift counts: mostly small, sometimes at or past the lane width, sometimes huge. */
function setCount(s: Rec, g: Rng, at: number, width: number): void {
  const r = g.below(10);
  const count = r < 6
    ? BigInt(g.below(width + 2))
    : r < 8
    ? BigInt(g.pick([width, 255, 256]))
    : g.u64();
  s.setU64(at, count);
  s.setU64(at + 8, g.u64());
}
// deno-fmt-ignore
const SHIFTS: [string, number, number, number, number][] = [
  // mnemonic, register-count opcode, immediate opcode, /digit, lane width
  ["psrlw", 0xd1, 0x71, 2, 16], ["psraw", 0xe1, 0x71, 4, 16], ["psllw", 0xf1, 0x71, 6, 16],
  ["psrld", 0xd2, 0x72, 2, 32], ["psrad", 0xe2, 0x72, 4, 32], ["pslld", 0xf2, 0x72, 6, 32],
  ["psrlq", 0xd3, 0x73, 2, 64], ["psllq", 0xf3, 0x73, 6, 64],
];
for (const [n, op, immOp, ext, width] of SHIFTS) {
  const lanes = `i${width}` as Lanes;
  for (const isMem of [false, true]) {
    const [d, s] = xpair();
    add({
      name: `${n} xmm, xmm/m128 (${isMem ? "mem" : "reg"})`,
      family: "sse",
      code: enc({ pfx: [0x66], op: [0x0f, op], reg: d, rm: isMem ? MEM : s }),
      lanes,
      fixed: isMem ? MEM_FIXED : undefined,
      prep: (st, g) => setCount(st, g, isMem ? O_DATA + MEM_OFFSET : O_XMM + s * 16, width),
    });
  }
  const target = xpair()[0];
  add({
    name: `${n} xmm, imm8`,
    family: "sse",
    code: (g) =>
      enc({
        pfx: [0x66],
        op: [0x0f, immOp],
        ext,
        rm: target,
        imm: [g.chance(0.7) ? g.below(width + 2) : g.below(256)],
      }),
    lanes,
  });
}
for (const [n, ext] of [["psrldq", 3], ["pslldq", 7]] as const) {
  add({
    name: `${n} xmm, imm8`,
    family: "sse",
    code: (g) =>
      enc({
        pfx: [0x66],
        op: [0x0f, 0x73],
        ext,
        rm: 13,
        imm: [g.chance(0.8) ? g.below(18) : g.below(256)],
      }),
    lanes: "i8",
  });
}
add({
  name: "pinsrw xmm, r32, imm8 (reg)",
  family: "sse",
  code: (g) => enc({ pfx: [0x66], op: [0x0f, 0xc4], reg: 4, rm: RDX, imm: imm8(g) }),
  lanes: "i16",
  width: 16,
});
add({
  name: "pinsrw xmm, m16, imm8 (mem)",
  family: "sse",
  code: (g) => enc({ pfx: [0x66], op: [0x0f, 0xc4], reg: 12, rm: MEM, imm: imm8(g) }),
  lanes: "i16",
  fixed: MEM_FIXED,
});
add({
  name: "pextrw r32, xmm, imm8",
  family: "sse",
  code: (g) => enc({ pfx: [0x66], op: [0x0f, 0xc5], reg: RSI, rm: 9, imm: imm8(g) }),
  lanes: "i16",
});

// ---- MXCSR --------------------------------------------------------------------------------------

add({
  name: "ldmxcsr m32",
  family: "sse",
  code: enc({ op: [0x0f, 0xae], ext: 2, rm: MEM }),
  fixed: MEM_FIXED,
  prep: (s, g) => s.setU32(O_DATA + MEM_OFFSET, g.u32() & 0xffff),
});
add({
  name: "ldmxcsr m32 (reserved bit: #GP)",
  family: "sse",
  code: enc({ op: [0x0f, 0xae], ext: 2, rm: MEM }),
  fixed: MEM_FIXED,
  // Bit 17 is AMD's misaligned-exception mask (valid where misaligned SSE is supported).
  prep: (s, g) => s.setU32(O_DATA + MEM_OFFSET, 0x1f80 | (1 << g.pick([16, 18, 19, 24, 31]))),
});
add({
  name: "stmxcsr m32",
  family: "sse",
  code: enc({ op: [0x0f, 0xae], ext: 3, rm: MEM }),
  fixed: MEM_FIXED,
});

// ---- FTZ/DAZ and unmasked exceptions ------------------------------------------------------------

const RC = (g: Rng) => g.below(4) << 13;
const STICKY = (g: Rng) => g.u32() & g.u32() & 0x3f;

/** Makes lanes tiny (denormal or near it) so that FTZ and DAZ matter. */
function tiny(s: Rec, g: Rng, regs: number[], f64: boolean): void {
  for (const r of regs) {
    for (let o = 0; o < 16; o += f64 ? 8 : 4) {
      const at = O_XMM + r * 16 + o;
      if (f64) {
        s.setU64(at, (g.chance(0.5) ? 1n << 63n : 0n) | (BigInt(g.below(3)) << 52n) | g.bits(52));
      } else {s.setU32(
          at,
          (g.chance(0.5) ? 0x80000000 : 0) | (g.below(3) << 23) | (g.u32() & 0x7fffff),
        );}
    }
  }
}
// deno-fmt-ignore
const FTZ: [string, number[], number, boolean, number][] = [
  ["addps xmm, xmm (FTZ+DAZ)", [], 0x58, false, 0x8040], ["mulps xmm, xmm (FTZ)", [], 0x59, false, 0x8000],
  ["subsd xmm, xmm (DAZ)", [0xf2], 0x5c, true, 0x0040], ["mulsd xmm, xmm (FTZ+DAZ)", [0xf2], 0x59, true, 0x8040],
  ["cvtsd2ss xmm, xmm (FTZ+DAZ)", [0xf2], 0x5a, true, 0x8040], ["minps xmm, xmm (DAZ)", [], 0x5d, false, 0x0040],
];
for (const [name, pfx, op, f64, bits] of FTZ) {
  add({
    name,
    family: "sse",
    code: enc({ pfx, op: [0x0f, op], reg: 1, rm: 2 }),
    lanes: f64 ? "f64" : "f32",
    mxcsr: (g) => 0x1f80 | bits | RC(g) | STICKY(g),
    prep: (s, g) => tiny(s, g, [1, 2], f64),
  });
}
// deno-fmt-ignore
const UNMASKED: [string, number[], number, Lanes, number][] = [
  // name, prefix, opcode, lanes, exception mask bits cleared
  ["divsd xmm, xmm (ZE unmasked)", [0xf2], 0x5e, "f64", 0x200],
  ["addps xmm, xmm (IE unmasked)", [], 0x58, "f32", 0x80],
  ["cvttsd2si r32, xmm (IE unmasked)", [0xf2], 0x2c, "f64", 0x80],
  ["mulsd xmm, xmm (OE and UE unmasked)", [0xf2], 0x59, "f64", 0xc00],
  ["addsd xmm, xmm (all unmasked)", [0xf2], 0x58, "f64", 0x1f80],
];
for (const [name, pfx, op, lanes, unmask] of UNMASKED) {
  add({
    name,
    family: "sse",
    code: enc({ pfx, op: [0x0f, op], reg: op === 0x2c ? RDX : 1, rm: 2 }),
    lanes,
    mxcsr: (g) => (0x1f80 & ~unmask) | RC(g) | STICKY(g),
    prep: (s, g) => {
      if (lanes === "f64" && g.chance(0.3)) s.setU64(O_XMM + 2 * 16, g.pick([0n, 1n << 63n]));
      if (g.chance(0.3)) s.setU64(O_XMM + 2 * 16 + 8 * g.below(2), f64Value(g));
      if (lanes === "f32" && g.chance(0.3)) {
        s.setU32(O_XMM + 16 + 4 * g.below(4), f32Value(g) | 0x7f800000);
      }
    },
  });
}

// ---- approximations -----------------------------------------------------------------------------

// RCP/RSQRT results are implementation-specific within 1.5 * 2^-12: compared with a tolerance.
// deno-fmt-ignore
const APPROX: [string, number[], number, boolean][] = [
  ["rcpps xmm, xmm/m128", [], 0x53, true], ["rcpss xmm, xmm/m32", [0xf3], 0x53, false],
  ["rsqrtps xmm, xmm/m128", [], 0x52, true], ["rsqrtss xmm, xmm/m32", [0xf3], 0x52, false],
];
for (const [name, pfx, op, packed] of APPROX) {
  const [d, s] = xpair();
  add({
    name: `${name} (reg)`,
    family: "sse",
    code: enc({ pfx, op: [0x0f, op], reg: d, rm: s }),
    lanes: "f32",
    approx: { reg: d, lanes: packed ? 4 : 1 },
  });
}

export const SSE_FORMS: readonly Form[] = forms;
