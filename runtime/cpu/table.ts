// The opcode tables: for every opcode, its mnemonic, whether a ModRM byte follows, the operand size
// rule, the immediate, and the handler (or a group by ModRM.reg, or variants by mandatory prefix).
// decode.ts is driven entirely by these rows. SSE and x87 rows live in their families' tables
// (ops/sse_table.ts, ops/x87_table.ts) and are merged here.

// row.ts first: family tables import its constants through this module (see row.ts).
export * from "./row.ts";
import {
  IMM_IB,
  IMM_IBS,
  IMM_IV,
  IMM_IW,
  IMM_IWIB,
  IMM_IZ,
  IMM_JB,
  IMM_JZ,
  IMM_MOFFS,
  IMM_NONE,
  type Row,
  SZ_B,
  SZ_D64,
  SZ_F64,
  SZ_V,
} from "./row.ts";
import type { Exec } from "./insn.ts";
import {
  aluAI,
  aluEG,
  aluEI,
  aluGE,
  decE,
  incE,
  negE,
  notE,
  testAI,
  testEG,
  testEI,
} from "./ops/alu.ts";
import { cmpxchg, cmpxchg8b16b, xadd } from "./ops/atomic.ts";
import { bsf, bsr, btcEG, btEG, btEI, btrEG, btsEG } from "./ops/bit.ts";
import { callE, callRel, jcc, jmpE, jmpRel, jrcxz, loop, ret } from "./ops/branch.ts";
import {
  clc,
  cld,
  cmc,
  cpuid,
  int3,
  lahf,
  nop,
  privileged,
  rdtsc,
  sahf,
  stc,
  std,
  syscall,
} from "./ops/misc.ts";
import {
  bswap,
  cbw,
  cmov,
  cwd,
  lea,
  movEG,
  movEI,
  movGE,
  movnti,
  movRI,
  movsxB,
  movsxd,
  movsxW,
  movzxB,
  movzxW,
  setcc,
  xchgAR,
  xchgEG,
  xlat,
} from "./ops/mov.ts";
import { divE, idivE, imulE1, imulGE, imulGEI, mulE } from "./ops/muldiv.ts";
import { shiftE1, shiftECL, shiftEI, shldCL, shldI, shrdCL, shrdI } from "./ops/shift.ts";
import { SSE_0F, SSE_0F38, SSE_0F3A } from "./ops/sse_table.ts";
import { enter, leave, popE, popf, popR, pushE, pushf, pushI, pushR } from "./ops/stack.ts";
import { cmps, lods, movs, scas, stos } from "./ops/string.ts";
import { GROUP_0FAE, X87_ONE } from "./ops/x87_table.ts";

const M = true;
const L = { lockable: true };
const END = { ends: true };

function r(
  name: string,
  modrm: boolean,
  size: number,
  imm: number,
  exec?: Exec,
  extra: Partial<Row> = {},
): Row {
  return { name, modrm, size, imm, exec, ...extra };
}

function fill(
  map: (Row | undefined)[],
  first: number,
  count: number,
  make: (n: number) => Row,
): void {
  for (let n = 0; n < count; n++) map[first + n] = make(n);
}

const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];

// ---- one-byte map -------------------------------------------------------------------------------

export const MAP_ONE: (Row | undefined)[] = new Array(256);

for (let op = 0; op < 8; op++) {
  const b = op * 8, name = ALU[op], lk = op === 7 ? {} : L;
  MAP_ONE[b + 0] = r(name, M, SZ_B, IMM_NONE, aluEG, lk);
  MAP_ONE[b + 1] = r(name, M, SZ_V, IMM_NONE, aluEG, lk);
  MAP_ONE[b + 2] = r(name, M, SZ_B, IMM_NONE, aluGE);
  MAP_ONE[b + 3] = r(name, M, SZ_V, IMM_NONE, aluGE);
  MAP_ONE[b + 4] = r(name, false, SZ_B, IMM_IB, aluAI);
  MAP_ONE[b + 5] = r(name, false, SZ_V, IMM_IZ, aluAI);
}

const GRP1 = ALU.map((name, n) => ({ name, exec: aluEI, ...(n === 7 ? {} : L) }));
const GRP3: Row[] = [
  { name: "test", exec: testEI, imm: IMM_IZ },
  { name: "test", exec: testEI, imm: IMM_IZ },
  { name: "not", exec: notE, imm: IMM_NONE, ...L },
  { name: "neg", exec: negE, imm: IMM_NONE, ...L },
  { name: "mul", exec: mulE, imm: IMM_NONE },
  { name: "imul", exec: imulE1, imm: IMM_NONE },
  { name: "div", exec: divE, imm: IMM_NONE },
  { name: "idiv", exec: idivE, imm: IMM_NONE },
];
const GRP3B = GRP3.map((row) => row.imm === IMM_IZ ? { ...row, imm: IMM_IB } : row);
const SHIFTS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
const grp2 = (exec: Exec) => SHIFTS.map((name) => ({ name, exec }));

// deno-fmt-ignore
const ONE_BYTE_ROWS: [number, Row][] = [
  [0x63, r("movsxd", M, SZ_V, IMM_NONE, movsxd)],
  [0x68, r("push", false, SZ_D64, IMM_IZ, pushI)],
  [0x69, r("imul", M, SZ_V, IMM_IZ, imulGEI)],
  [0x6a, r("push", false, SZ_D64, IMM_IBS, pushI)],
  [0x6b, r("imul", M, SZ_V, IMM_IBS, imulGEI)],
  [0x80, r("grp1", M, SZ_B, IMM_IB, undefined, { group: GRP1 })],
  [0x81, r("grp1", M, SZ_V, IMM_IZ, undefined, { group: GRP1 })],
  [0x83, r("grp1", M, SZ_V, IMM_IBS, undefined, { group: GRP1 })],
  [0x84, r("test", M, SZ_B, IMM_NONE, testEG)],
  [0x85, r("test", M, SZ_V, IMM_NONE, testEG)],
  [0x86, r("xchg", M, SZ_B, IMM_NONE, xchgEG, L)],
  [0x87, r("xchg", M, SZ_V, IMM_NONE, xchgEG, L)],
  [0x88, r("mov", M, SZ_B, IMM_NONE, movEG)],
  [0x89, r("mov", M, SZ_V, IMM_NONE, movEG)],
  [0x8a, r("mov", M, SZ_B, IMM_NONE, movGE)],
  [0x8b, r("mov", M, SZ_V, IMM_NONE, movGE)],
  [0x8d, r("lea", M, SZ_V, IMM_NONE, lea, { memOnly: true })],
  [0x8f, r("pop", M, SZ_D64, IMM_NONE, undefined, { group: [{ name: "pop", exec: popE }] })],
  [0x98, r("cbw", false, SZ_V, IMM_NONE, cbw)],
  [0x99, r("cwd", false, SZ_V, IMM_NONE, cwd)],
  [0x9c, r("pushf", false, SZ_D64, IMM_NONE, pushf)],
  [0x9d, r("popf", false, SZ_D64, IMM_NONE, popf)],
  [0x9e, r("sahf", false, SZ_V, IMM_NONE, sahf)],
  [0x9f, r("lahf", false, SZ_V, IMM_NONE, lahf)],
  [0xa0, r("mov", false, SZ_B, IMM_MOFFS, movGE)],
  [0xa1, r("mov", false, SZ_V, IMM_MOFFS, movGE)],
  [0xa2, r("mov", false, SZ_B, IMM_MOFFS, movEG)],
  [0xa3, r("mov", false, SZ_V, IMM_MOFFS, movEG)],
  [0xa4, r("movs", false, SZ_B, IMM_NONE, movs)],
  [0xa5, r("movs", false, SZ_V, IMM_NONE, movs)],
  [0xa6, r("cmps", false, SZ_B, IMM_NONE, cmps)],
  [0xa7, r("cmps", false, SZ_V, IMM_NONE, cmps)],
  [0xa8, r("test", false, SZ_B, IMM_IB, testAI)],
  [0xa9, r("test", false, SZ_V, IMM_IZ, testAI)],
  [0xaa, r("stos", false, SZ_B, IMM_NONE, stos)],
  [0xab, r("stos", false, SZ_V, IMM_NONE, stos)],
  [0xac, r("lods", false, SZ_B, IMM_NONE, lods)],
  [0xad, r("lods", false, SZ_V, IMM_NONE, lods)],
  [0xae, r("scas", false, SZ_B, IMM_NONE, scas)],
  [0xaf, r("scas", false, SZ_V, IMM_NONE, scas)],
  [0xc0, r("grp2", M, SZ_B, IMM_IB, undefined, { group: grp2(shiftEI) })],
  [0xc1, r("grp2", M, SZ_V, IMM_IB, undefined, { group: grp2(shiftEI) })],
  [0xc2, r("ret", false, SZ_F64, IMM_IW, ret, END)],
  [0xc3, r("ret", false, SZ_F64, IMM_NONE, ret, END)],
  [0xc6, r("mov", M, SZ_B, IMM_IB, undefined, { group: [{ name: "mov", exec: movEI }] })],
  [0xc7, r("mov", M, SZ_V, IMM_IZ, undefined, { group: [{ name: "mov", exec: movEI }] })],
  [0xc8, r("enter", false, SZ_D64, IMM_IWIB, enter)],
  [0xc9, r("leave", false, SZ_D64, IMM_NONE, leave)],
  [0xcc, r("int3", false, SZ_V, IMM_NONE, int3, END)],
  [0xd7, r("xlat", false, SZ_B, IMM_NONE, xlat)],
  [0xcd, r("int", false, SZ_V, IMM_IB, privileged, END)],
  [0xd0, r("grp2", M, SZ_B, IMM_NONE, undefined, { group: grp2(shiftE1) })],
  [0xd1, r("grp2", M, SZ_V, IMM_NONE, undefined, { group: grp2(shiftE1) })],
  [0xd2, r("grp2", M, SZ_B, IMM_NONE, undefined, { group: grp2(shiftECL) })],
  [0xd3, r("grp2", M, SZ_V, IMM_NONE, undefined, { group: grp2(shiftECL) })],
  [0xe0, r("loopne", false, SZ_F64, IMM_JB, loop, END)],
  [0xe1, r("loope", false, SZ_F64, IMM_JB, loop, END)],
  [0xe2, r("loop", false, SZ_F64, IMM_JB, loop, END)],
  [0xe3, r("jrcxz", false, SZ_F64, IMM_JB, jrcxz, END)],
  [0xe8, r("call", false, SZ_F64, IMM_JZ, callRel, END)],
  [0xe9, r("jmp", false, SZ_F64, IMM_JZ, jmpRel, END)],
  [0xeb, r("jmp", false, SZ_F64, IMM_JB, jmpRel, END)],
  [0xf4, r("hlt", false, SZ_V, IMM_NONE, privileged, END)],
  [0xf5, r("cmc", false, SZ_V, IMM_NONE, cmc)],
  [0xf6, r("grp3", M, SZ_B, IMM_NONE, undefined, { group: GRP3B })],
  [0xf7, r("grp3", M, SZ_V, IMM_NONE, undefined, { group: GRP3 })],
  [0xf8, r("clc", false, SZ_V, IMM_NONE, clc)],
  [0xf9, r("stc", false, SZ_V, IMM_NONE, stc)],
  [0xfc, r("cld", false, SZ_V, IMM_NONE, cld)],
  [0xfd, r("std", false, SZ_V, IMM_NONE, std)],
  [0xfe, r("grp4", M, SZ_B, IMM_NONE, undefined, { group: [
    { name: "inc", exec: incE, ...L }, { name: "dec", exec: decE, ...L }] })],
  [0xff, r("grp5", M, SZ_V, IMM_NONE, undefined, { group: [
    { name: "inc", exec: incE, ...L }, { name: "dec", exec: decE, ...L },
    { name: "call", exec: callE, size: SZ_F64, ends: true }, undefined,
    { name: "jmp", exec: jmpE, size: SZ_F64, ends: true }, undefined,
    { name: "push", exec: pushE, size: SZ_D64 }] })],
];
for (const [op, row] of ONE_BYTE_ROWS) MAP_ONE[op] = row;
fill(MAP_ONE, 0x50, 8, () => r("push", false, SZ_D64, IMM_NONE, pushR));
fill(MAP_ONE, 0x58, 8, () => r("pop", false, SZ_D64, IMM_NONE, popR));
fill(MAP_ONE, 0x70, 16, (n) => r("j" + CC[n], false, SZ_F64, IMM_JB, jcc, END));
fill(MAP_ONE, 0x90, 8, () => r("xchg", false, SZ_V, IMM_NONE, xchgAR));
MAP_ONE[0x90] = r("nop", false, SZ_V, IMM_NONE, undefined, {
  select: (i) => (i.rex & 1 ? xchgAR : nop), // 90 with REX.B is xchg r8, rax; F3 90 is pause
});
fill(MAP_ONE, 0xb0, 8, () => r("mov", false, SZ_B, IMM_IB, movRI));
fill(MAP_ONE, 0xb8, 8, () => r("mov", false, SZ_V, IMM_IV, movRI));
for (const [op, row] of Object.entries(X87_ONE)) MAP_ONE[Number(op)] = row;

// ---- two-byte map (0F xx) -----------------------------------------------------------------------

export const MAP_0F: (Row | undefined)[] = new Array(256);

// deno-fmt-ignore
const TWO_BYTE_ROWS: [number, Row][] = [
  [0x05, r("syscall", false, SZ_V, IMM_NONE, syscall, END)],
  [0x0b, r("ud2", false, SZ_V, IMM_NONE, undefined, END)],
  [0x0d, r("prefetch", M, SZ_V, IMM_NONE, nop, { memOnly: true })],
  [0x31, r("rdtsc", false, SZ_V, IMM_NONE, rdtsc)],
  [0xa2, r("cpuid", false, SZ_V, IMM_NONE, cpuid)],
  [0xa3, r("bt", M, SZ_V, IMM_NONE, btEG)],
  [0xa4, r("shld", M, SZ_V, IMM_IB, shldI)],
  [0xa5, r("shld", M, SZ_V, IMM_NONE, shldCL)],
  [0xab, r("bts", M, SZ_V, IMM_NONE, btsEG, L)],
  [0xac, r("shrd", M, SZ_V, IMM_IB, shrdI)],
  [0xad, r("shrd", M, SZ_V, IMM_NONE, shrdCL)],
  [0xaf, r("imul", M, SZ_V, IMM_NONE, imulGE)],
  [0xb0, r("cmpxchg", M, SZ_B, IMM_NONE, cmpxchg, L)],
  [0xb1, r("cmpxchg", M, SZ_V, IMM_NONE, cmpxchg, L)],
  [0xb3, r("btr", M, SZ_V, IMM_NONE, btrEG, L)],
  [0xb6, r("movzx", M, SZ_V, IMM_NONE, movzxB)],
  [0xb7, r("movzx", M, SZ_V, IMM_NONE, movzxW)],
  [0xba, r("grp8", M, SZ_V, IMM_IB, undefined, { group: [undefined, undefined, undefined, undefined,
    { name: "bt", exec: btEI }, { name: "bts", exec: btEI, ...L },
    { name: "btr", exec: btEI, ...L }, { name: "btc", exec: btEI, ...L }] })],
  [0xbb, r("btc", M, SZ_V, IMM_NONE, btcEG, L)],
  [0xbc, r("bsf", M, SZ_V, IMM_NONE, bsf)],
  [0xbd, r("bsr", M, SZ_V, IMM_NONE, bsr)],
  [0xbe, r("movsx", M, SZ_V, IMM_NONE, movsxB)],
  [0xbf, r("movsx", M, SZ_V, IMM_NONE, movsxW)],
  [0xc0, r("xadd", M, SZ_B, IMM_NONE, xadd, L)],
  [0xc1, r("xadd", M, SZ_V, IMM_NONE, xadd, L)],
  [0xc3, r("movnti", M, SZ_V, IMM_NONE, movnti, { memOnly: true })],
  [0xc7, r("grp9", M, SZ_V, IMM_NONE, undefined, { group: [undefined,
    { name: "cmpxchg8b", exec: cmpxchg8b16b, memOnly: true, ...L }] })],
];
for (const [op, row] of TWO_BYTE_ROWS) MAP_0F[op] = row;
fill(MAP_0F, 0x18, 8, () => r("nop", M, SZ_V, IMM_NONE, nop)); // hint NOPs, prefetch, endbr64
fill(MAP_0F, 0x40, 16, (n) => r("cmov" + CC[n], M, SZ_V, IMM_NONE, cmov));
fill(MAP_0F, 0x80, 16, (n) => r("j" + CC[n], false, SZ_F64, IMM_JZ, jcc, END));
fill(MAP_0F, 0x90, 16, (n) => r("set" + CC[n], M, SZ_B, IMM_NONE, setcc));
fill(MAP_0F, 0xc8, 8, () => r("bswap", false, SZ_V, IMM_NONE, bswap));
if (GROUP_0FAE) MAP_0F[0xae] = GROUP_0FAE;
for (const [op, row] of Object.entries(SSE_0F)) MAP_0F[Number(op)] = row;

export const MAP_0F38: (Row | undefined)[] = new Array(256);
for (const [op, row] of Object.entries(SSE_0F38)) MAP_0F38[Number(op)] = row;
export const MAP_0F3A: (Row | undefined)[] = new Array(256);
for (const [op, row] of Object.entries(SSE_0F3A)) MAP_0F3A[Number(op)] = row;
