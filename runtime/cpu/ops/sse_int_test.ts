// Packed integer instructions on xmm (66 prefix) and mm (no prefix) registers.
// Expected values come from the host CPU.
import assert from "node:assert/strict";
import { DATA, DATA_END, exec, mm, poke32, setMm, setXmm, xmm } from "./sse_testing.ts";

/** Runs a 66 0F op xmm0, xmm1 on the given dwords; returns xmm0. */
function xop(op: number, a: number[], b: number[], imm?: number): number[] {
  const code = [0x66, 0x0f, op, 0xc1];
  if (imm !== undefined) code.push(imm);
  const { cpu, signal } = exec(code, (c) => {
    setXmm(c, 0, a);
    setXmm(c, 1, b);
  });
  assert.equal(signal, 0);
  return xmm(cpu, 0);
}

/** Runs a 0F op mm0, mm1; returns mm0. */
function mop(op: number, a: [number, number], b: [number, number]): [number, number] {
  const { cpu, signal } = exec([0x0f, op, 0xc1], (c) => {
    setMm(c, 0, ...a);
    setMm(c, 1, ...b);
  });
  assert.equal(signal, 0);
  return mm(cpu, 0);
}

// Each row: mnemonic, opcode (66 0F op xmm0, xmm1), the host's result.
const A1 = [0x7f80ff01, 0x80007fff, 0xffffffff, 0x00000001];
const B1 = [0x01810101, 0xffff0001, 0x00000001, 0xffffffff];
// deno-fmt-ignore
const ARITH: [string, number, number[]][] = [
  ["paddb", 0xfc, [0x80010002, 0x7fff7f00, 0xffffff00, 0xffffff00]],
  ["paddw", 0xfd, [0x81010002, 0x7fff8000, 0xffff0000, 0xffff0000]],
  ["paddd", 0xfe, [0x81020002, 0x7fff8000, 0x00000000, 0x00000000]],
  ["paddq", 0xd4, [0x81020002, 0x7fff8000, 0x00000000, 0x00000001]],
  ["paddsb", 0xec, [0x7f800002, 0x80ff7f00, 0xffffff00, 0xffffff00]],
  ["paddsw", 0xed, [0x7fff0002, 0x80007fff, 0xffff0000, 0xffff0000]],
  ["paddusb", 0xdc, [0x80ffff02, 0xffff7fff, 0xffffffff, 0xffffffff]],
  ["paddusw", 0xdd, [0x8101ffff, 0xffff8000, 0xffffffff, 0xffffffff]],
  ["psubb", 0xf8, [0x7efffe00, 0x81017ffe, 0xfffffffe, 0x01010102]],
  ["psubw", 0xf9, [0x7dfffe00, 0x80017ffe, 0xfffffffe, 0x00010002]],
  ["psubd", 0xfa, [0x7dfffe00, 0x80017ffe, 0xfffffffe, 0x00000002]],
  ["psubq", 0xfb, [0x7dfffe00, 0x80017ffe, 0xfffffffe, 0x00000002]],
  ["psubsb", 0xe8, [0x7efffe00, 0x81017ffe, 0xfffffffe, 0x01010102]],
  ["psubsw", 0xe9, [0x7dfffe00, 0x80017ffe, 0xfffffffe, 0x00010002]],
  ["psubusb", 0xd8, [0x7e00fe00, 0x00007ffe, 0xfffffffe, 0x00000000]],
  ["psubusw", 0xd9, [0x7dfffe00, 0x00007ffe, 0xfffffffe, 0x00000000]],
];
const A2 = [0x8000ffff, 0x7fff0002, 0xffffffff, 0x00000003];
const B2 = [0x8000ffff, 0x7fff8000, 0xffffffff, 0x00000005];
// deno-fmt-ignore
const MULTIPLY: [string, number, number[]][] = [
  ["pmullw", 0xd5, [0x00000001, 0x00010000, 0x00010001, 0x0000000f]],
  ["pmulhw", 0xe5, [0x40000000, 0x3fffffff, 0x00000000, 0x00000000]],
  ["pmulhuw", 0xe4, [0x4000fffe, 0x3fff0001, 0xfffefffe, 0x00000000]],
  ["pmuludq", 0xf4, [0xfffe0001, 0x4000ffff, 0x00000001, 0xfffffffe]],
  ["pmaddwd", 0xf5, [0x40000001, 0x3ffe0001, 0x00000002, 0x0000000f]],
];
const A3 = [0x00ff7f80, 0x12345678, 0, 0xffffffff];
const B3 = [0x01ff8080, 0x87654321, 0, 0];
// deno-fmt-ignore
const AVERAGE_MIN_MAX_LOGIC: [string, number, number[]][] = [
  ["pavgb", 0xe0, [0x01ff8080, 0x4d4d4d4d, 0x00000000, 0x80808080]],
  ["pavgw", 0xe3, [0x017f8000, 0x4ccd4ccd, 0x00000000, 0x80008000]],
  ["pminub", 0xda, [0x00ff7f80, 0x12344321, 0x00000000, 0x00000000]],
  ["pmaxub", 0xde, [0x01ff8080, 0x87655678, 0x00000000, 0xffffffff]],
  ["pminsw", 0xea, [0x00ff8080, 0x87654321, 0x00000000, 0xffffffff]],
  ["pmaxsw", 0xee, [0x01ff7f80, 0x12345678, 0x00000000, 0x00000000]],
  ["psadbw", 0xf6, [0x00000112, 0x00000000, 0x000003fc, 0x00000000]],
  ["pand", 0xdb, [0x00ff0080, 0x02244220, 0x00000000, 0x00000000]],
  ["pandn", 0xdf, [0x01008000, 0x85410101, 0x00000000, 0x00000000]],
  ["por", 0xeb, [0x01ffff80, 0x97755779, 0x00000000, 0xffffffff]],
  ["pxor", 0xef, [0x0100ff00, 0x95511559, 0x00000000, 0xffffffff]],
];
const A4 = [0x80017f00, 0x00000001, 0xffffffff, 5];
const B4 = [0x7f017f01, 0x00000002, 0xffffffff, 4];
// deno-fmt-ignore
const COMPARE: [string, number, number[]][] = [
  ["pcmpeqb", 0x74, [0x00ffff00, 0xffffff00, 0xffffffff, 0xffffff00]],
  ["pcmpeqw", 0x75, [0x00000000, 0xffff0000, 0xffffffff, 0xffff0000]],
  ["pcmpeqd", 0x76, [0x00000000, 0x00000000, 0xffffffff, 0x00000000]],
  ["pcmpgtb", 0x64, [0x00000000, 0x00000000, 0x00000000, 0x000000ff]],
  ["pcmpgtw", 0x65, [0x00000000, 0x00000000, 0x00000000, 0x0000ffff]],
  ["pcmpgtd", 0x66, [0x00000000, 0x00000000, 0x00000000, 0xffffffff]],
];
const A5 = [0x7fff8000, 0x00800001, 0xff7f0100, 0xffff0000];
const B5 = [0x00010002, 0x00030004, 0x00050006, 0x00070008];
// deno-fmt-ignore
const PACK: [string, number, number[]][] = [
  ["packsswb", 0x63, [0x7f017f80, 0xff00807f, 0x03040102, 0x07080506]],
  ["packuswb", 0x67, [0x8001ff00, 0x000000ff, 0x03040102, 0x07080506]],
  ["packssdw", 0x6b, [0x7fff7fff, 0x80008000, 0x7fff7fff, 0x7fff7fff]],
];
// deno-fmt-ignore
const PACK_MMX: [string, number, number[]][] = [
  ["paddsw", 0xed, [0x7fff8002, 0x00830005]],
  ["pmaddwd", 0xf5, [0xffff7fff, 0x00000184]],
  ["psadbw", 0xf6, [0x0000027f, 0x00000000]],
  ["packsswb", 0x63, [0x7f017f80, 0x03040102]],
  ["punpckhbw", 0x68, [0x00000401, 0x00000380]],
];
const X6 = [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c];
const Y6 = [0x13121110, 0x17161514, 0x1b1a1918, 0x1f1e1d1c];
// deno-fmt-ignore
const UNPACK: [string, number, number[]][] = [
  ["punpcklbw", 0x60, [0x11011000, 0x13031202, 0x15051404, 0x17071606]],
  ["punpcklwd", 0x61, [0x11100100, 0x13120302, 0x15140504, 0x17160706]],
  ["punpckldq", 0x62, [0x03020100, 0x13121110, 0x07060504, 0x17161514]],
  ["punpcklqdq", 0x6c, [0x03020100, 0x07060504, 0x13121110, 0x17161514]],
  ["punpckhbw", 0x68, [0x19091808, 0x1b0b1a0a, 0x1d0d1c0c, 0x1f0f1e0e]],
  ["punpckhwd", 0x69, [0x19180908, 0x1b1a0b0a, 0x1d1c0d0c, 0x1f1e0f0e]],
  ["punpckhdq", 0x6a, [0x0b0a0908, 0x1b1a1918, 0x0f0e0d0c, 0x1f1e1d1c]],
  ["punpckhqdq", 0x6d, [0x0b0a0908, 0x0f0e0d0c, 0x1b1a1918, 0x1f1e1d1c]],
];

function check(rows: [string, number, number[]][], a: number[], b: number[]): void {
  for (const [name, op, expected] of rows) assert.deepEqual(xop(op, a, b), expected, name);
}

Deno.test("padd/psub wrap, saturate signed and unsigned", () => check(ARITH, A1, B1));
Deno.test("pmullw/pmulhw/pmulhuw/pmuludq/pmaddwd", () => {
  check(MULTIPLY, A2, B2);
  // -32768 * -32768 * 2 wraps to 0x80000000
  assert.deepEqual(xop(0xf5, [0x80008000], [0x80008000]), [0x80000000, 0, 0, 0]);
});
Deno.test("pavg, pmin/pmax, psadbw, pand/pandn/por/pxor", () => {
  check(AVERAGE_MIN_MAX_LOGIC, A3, B3);
});
Deno.test("pcmpeq/pcmpgt compare signed elements", () => check(COMPARE, A4, B4));
Deno.test("packs saturate, unpacks interleave", () => {
  check(PACK, A5, B5);
  check(UNPACK, X6, Y6);
  for (const [name, op, expected] of PACK_MMX) {
    assert.deepEqual(mop(op, [A5[0], A5[1]], [B5[0], B5[1]]), expected, name);
  }
});

const A7 = [0x80018001, 0x80000001, 0x80000000, 0x00000001];
// Each row: mnemonic, opcode, count (low, high dword), the host's result.
// deno-fmt-ignore
const SHIFT_BY_REGISTER: [string, number, number, number, number[]][] = [
  ["psrlw 1", 0xd1, 1, 0, [0x40004000, 0x40000000, 0x40000000, 0x00000000]],
  ["psrlw 16", 0xd1, 16, 0, [0x00000000, 0x00000000, 0x00000000, 0x00000000]],
  ["psraw 100", 0xe1, 100, 0, [0xffffffff, 0xffff0000, 0xffff0000, 0x00000000]],
  ["psrad 31", 0xe2, 31, 0, [0xffffffff, 0xffffffff, 0xffffffff, 0x00000000]],
  ["pslld 32", 0xf2, 32, 0, [0x00000000, 0x00000000, 0x00000000, 0x00000000]],
  ["psllq 4", 0xf3, 4, 0, [0x00180010, 0x00000018, 0x00000000, 0x00000018]],
  ["psrlq 63", 0xd3, 63, 0, [0x00000001, 0x00000000, 0x00000000, 0x00000000]],
  ["psrlq 64", 0xd3, 64, 0, [0x00000000, 0x00000000, 0x00000000, 0x00000000]],
  ["psllq 2^32+1", 0xf3, 1, 1, [0x00000000, 0x00000000, 0x00000000, 0x00000000]],
  ["psllw 15", 0xf1, 15, 0, [0x80008000, 0x00008000, 0x00000000, 0x00008000]],
  ["psrld 5", 0xd2, 5, 0, [0x04000c00, 0x04000000, 0x04000000, 0x00000000]],
];

Deno.test("shifts by a register count empty the element at or past its width", () => {
  for (const [name, op, count, high, expected] of SHIFT_BY_REGISTER) {
    assert.deepEqual(xop(op, A7, [count, high, 0x12345678, 0x12345678]), expected, name);
  }
  // mm form: psllq mm0, mm1
  assert.deepEqual(mop(0xf3, [0x80000001, 0], [33, 0]), [0, 2]);
});

const A8 = [0x03020100, 0x07060504, 0x0b0a0908, 0x8f0e0d0c];
// Each row: mnemonic, opcode, ModRM.reg, imm8, the host's result (on xmm2).
// deno-fmt-ignore
const SHIFT_BY_IMMEDIATE: [string, number, number, number, number[]][] = [
  ["psrldq 5", 0x73, 3, 5, [0x08070605, 0x0c0b0a09, 0x008f0e0d, 0x00000000]],
  ["pslldq 3", 0x73, 7, 3, [0x00000000, 0x04030201, 0x08070605, 0x0c0b0a09]],
  ["psrldq 17", 0x73, 3, 17, [0x00000000, 0x00000000, 0x00000000, 0x00000000]],
  ["psrad 4", 0x72, 4, 4, [0x00302010, 0x00706050, 0x00b0a090, 0xf8f0e0d0]],
  ["psllw 15", 0x71, 6, 15, [0x00000000, 0x00000000, 0x00000000, 0x00000000]],
  ["psrlq 32", 0x73, 2, 32, [0x07060504, 0x00000000, 0x8f0e0d0c, 0x00000000]],
  ["psraw 16", 0x71, 4, 16, [0x00000000, 0x00000000, 0x00000000, 0xffff0000]],
  ["psrld 8", 0x72, 2, 8, [0x00030201, 0x00070605, 0x000b0a09, 0x008f0e0d]],
  ["psllq 8", 0x73, 6, 8, [0x02010000, 0x06050403, 0x0a090800, 0x0e0d0c0b]],
];

Deno.test("shift groups by imm8, including the whole-register byte shifts", () => {
  for (const [name, op, sub, imm, expected] of SHIFT_BY_IMMEDIATE) {
    const { cpu } = exec([0x66, 0x0f, op, 0xc0 | (sub << 3) | 2, imm], (c) => setXmm(c, 2, A8));
    assert.deepEqual(xmm(cpu, 2), expected, name);
  }
  // psrlw mm3, 4
  const { cpu } = exec([0x0f, 0x71, 0xd3, 4], (c) => setMm(c, 3, 0xfff01234, 0x8000ffff));
  assert.deepEqual(mm(cpu, 3), [0x0fff0123, 0x08000fff]);
});

Deno.test("pshufd/pshufhw/pshuflw/pshufw and pinsrw/pextrw", () => {
  const a = [0x11110000, 0x33332222, 0x55554444, 0x77776666];
  assert.deepEqual(xop(0x70, [0, 0, 0, 0], a, 0x1b), [a[3], a[2], a[1], a[0]]);
  const hw = exec([0xf3, 0x0f, 0x70, 0xc1, 0x1b], (c) => setXmm(c, 1, a)).cpu;
  assert.deepEqual(xmm(hw, 0), [a[0], a[1], 0x66667777, 0x44445555]);
  const lw = exec([0xf2, 0x0f, 0x70, 0xc1, 0x00], (c) => setXmm(c, 1, a)).cpu;
  assert.deepEqual(xmm(lw, 0), [0, 0, a[2], a[3]]);
  const w = exec([0x0f, 0x70, 0xc1, 0xb1], (c) => setMm(c, 1, 0x11110000, 0x33332222)).cpu;
  assert.deepEqual(mm(w, 0), [0x00001111, 0x22223333]);
  // pinsrw xmm0, ecx, 5 ; pextrw eax, xmm0, 5
  const ins = exec([0x66, 0x0f, 0xc4, 0xc1, 5], (c) => {
    setXmm(c, 0, a);
    c.lo[1] = 0xabcd1234;
  }).cpu;
  assert.deepEqual(xmm(ins, 0), [a[0], a[1], 0x12344444, a[3]]);
  const ext = exec([0x66, 0x48, 0x0f, 0xc5, 0xc0, 7], (c) => {
    setXmm(c, 0, a);
    c.lo[0] = -1;
    c.hi[0] = -1;
  }).cpu;
  assert.deepEqual([ext.lo[0], ext.hi[0]], [0x7777, 0]);
  // pinsrw mm2, [rsi+2], 3
  const m = exec([0x0f, 0xc4, 0x56, 0x02, 3], (c) => poke32(c, DATA, [0xbeef0000])).cpu;
  assert.deepEqual(mm(m, 2), [0, 0xbeef0000]);
});

Deno.test("MMX ops alias the x87 registers: TOP 0, tags valid, exponent all ones; EMMS empties", () => {
  const { cpu } = exec([0x0f, 0xfd, 0xc1], (c) => {
    // paddw mm0, mm1
    setMm(c, 0, 0x0001ffff, 0x7fff0000);
    setMm(c, 1, 0x00010001, 0x00010000);
    c.x87.top = 3;
    c.x87.tags = 0x01;
  });
  assert.deepEqual(mm(cpu, 0), [0x00020000, 0x80000000]);
  assert.deepEqual([cpu.x87.top, cpu.x87.tags, cpu.x87.se[0], cpu.x87.se[1]], [0, 0xff, 0xffff, 0]);
  const e = exec([0x0f, 0x77], () => {}, cpu);
  assert.equal(e.cpu.x87.tags, 0);
});

Deno.test("MMX punpckl* read 32 bits of memory; xmm forms need alignment", () => {
  // punpcklbw mm0, [rsi + 4092]: the next page is unmapped, but only 4 bytes are read
  const r = exec([0x0f, 0x60, 0x86, 0xfc, 0x0f, 0, 0], (c) => {
    poke32(c, DATA_END - 4, [0x44332211]);
    setMm(c, 0, 0xddccbbaa, 0);
  });
  assert.equal(r.signal, 0);
  assert.deepEqual(mm(r.cpu, 0), [0x22bb11aa, 0x44dd33cc]);
  // paddb xmm0, [rsi + 8]: misaligned
  const g = exec([0x66, 0x0f, 0xfc, 0x46, 0x08]);
  assert.deepEqual([g.signal, g.code], [11, 0x80]);
});
