// Test support for the x87 family: runs one x87 instruction on given operands through the real
// decoder and run loop, and reports the result in the format of the host-side oracle used to
// produce the expected values (a C program running the same instruction on the host CPU):
//
//   "<fsw> <full tag word> <ST(0)> <ST(1)> ... | <mem hi>:<mem lo> <rflags & 0x8d5>"
//
// with registers as "sexp:significand" in hex. The code is: FNINIT; FLDCW cw; FLD b; FLD a;
// <instruction>; FNSAVE; SYSCALL. Memory-operand forms use a 16-byte operand preset from `mem`.

import { Memory } from "../../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../memory/vma.ts";
import { arithFlags } from "../flags.ts";
import { CodeCache, run } from "../run.ts";
import { Cpu, STOP_SYSCALL } from "../state.ts";

const CODE = 0x400000, DATA = 0x10000;
const CW = DATA, A = DATA + 0x10, B = DATA + 0x20, MEM = DATA + 0x30, SAVE = DATA + 0x100;

/** ModRM+SIB+disp32 for an absolute memory operand with reg field r. */
function absolute(r: number, address: number): number[] {
  return [
    (r << 3) | 4,
    0x25,
    address & 0xff,
    (address >> 8) & 0xff,
    (address >> 16) & 0xff,
    (address >>> 24) & 0xff,
  ];
}

const mem = (op: number, r: number) => [op, ...absolute(r, MEM)];
const LOAD_A = [0xdb, ...absolute(5, A)], LOAD_B = [0xdb, ...absolute(5, B)];
/** Seven loads (a six times, then b), and eight with a last a. */
const FILL7 = [...LOAD_A, ...LOAD_A, ...LOAD_A, ...LOAD_A, ...LOAD_A, ...LOAD_A, ...LOAD_B];
const FILL8 = [...FILL7, ...LOAD_A];

/** Instruction bytes by oracle name; `operands` is how many values are loaded before it. */
// deno-fmt-ignore
export const X87_OPS: Record<string, [number[], number]> = {
  fadd: [[0xd8, 0xc1], 2], fsub: [[0xd8, 0xe1], 2], fsubr: [[0xd8, 0xe9], 2],
  fmul: [[0xd8, 0xc9], 2], fdiv: [[0xd8, 0xf1], 2], fdivr: [[0xd8, 0xf9], 2],
  faddp: [[0xde, 0xc1], 2], fsubp: [[0xde, 0xe1], 2], fdivp: [[0xde, 0xf1], 2],
  fsqrt: [[0xd9, 0xfa], 1], fsin: [[0xd9, 0xfe], 1], fcos: [[0xd9, 0xff], 1],
  fptan: [[0xd9, 0xf2], 1], fsincos: [[0xd9, 0xfb], 1], f2xm1: [[0xd9, 0xf0], 1],
  frndint: [[0xd9, 0xfc], 1], fxtract: [[0xd9, 0xf4], 1], fabs: [[0xd9, 0xe1], 1],
  fchs: [[0xd9, 0xe0], 1], ftst: [[0xd9, 0xe4], 1], fxam: [[0xd9, 0xe5], 1],
  fxam_empty: [[0xd9, 0xe5], 0], fyl2x: [[0xd9, 0xf1], 2], fyl2xp1: [[0xd9, 0xf9], 2],
  fpatan: [[0xd9, 0xf3], 2], fscale: [[0xd9, 0xfd], 2], fprem: [[0xd9, 0xf8], 2],
  fprem1: [[0xd9, 0xf5], 2], fcom: [[0xd8, 0xd1], 2], fucom: [[0xdd, 0xe1], 2],
  fcompp: [[0xde, 0xd9], 2], fucompp: [[0xda, 0xe9], 2], fxch: [[0xd9, 0xc9], 2],
  fld1: [[0xd9, 0xe8], 0], fldz: [[0xd9, 0xee], 0], fldpi: [[0xd9, 0xeb], 0],
  fldl2e: [[0xd9, 0xea], 0], fldl2t: [[0xd9, 0xe9], 0], fldlg2: [[0xd9, 0xec], 0],
  fldln2: [[0xd9, 0xed], 0],
  fsts: [mem(0xd9, 2), 1], fstl: [mem(0xdd, 2), 1], fists: [mem(0xdf, 2), 1],
  fistl: [mem(0xdb, 2), 1], fistpll: [mem(0xdf, 7), 1], fisttps: [mem(0xdf, 1), 1],
  fisttpl: [mem(0xdb, 1), 1], fisttpll: [mem(0xdd, 1), 1], fbstp: [mem(0xdf, 6), 1],
  flds: [mem(0xd9, 0), 0], fldl: [mem(0xdd, 0), 0], filds: [mem(0xdf, 0), 0],
  fildl: [mem(0xdb, 0), 0], fildll: [mem(0xdf, 5), 0], fbld: [mem(0xdf, 4), 0],
  fadds: [mem(0xd8, 0), 2], faddl: [mem(0xdc, 0), 2], fiadds: [mem(0xde, 0), 2],
  fcoms: [mem(0xd8, 2), 2], fdivl: [mem(0xdc, 6), 2], fdivrs: [mem(0xd8, 7), 2],
  fidivl: [mem(0xda, 6), 2], fimuls: [mem(0xde, 1), 2], fsubrl: [mem(0xdc, 5), 2],
  fmull: [mem(0xdc, 1), 2], fisubrl: [mem(0xda, 5), 2], ficompl: [mem(0xda, 3), 2], fcomi: [[0xdb, 0xf1], 2], fucomi: [[0xdb, 0xe9], 2],
  // Stack faults: too few operands (u_), a full stack (o_, full_), and register bookkeeping.
  u_fadd: [[0xd8, 0xc1], 1], u_fsqrt: [[0xd9, 0xfa], 0], u_fstl: [mem(0xdd, 2), 0],
  u_fistpll: [mem(0xdf, 7), 0], u_fbstp: [mem(0xdf, 6), 0], u_fsts: [mem(0xd9, 2), 0],
  u_fxch: [[0xd9, 0xc9], 1], u_fcom: [[0xd8, 0xd1], 1], u_fcompp: [[0xde, 0xd9], 1],
  u_ftst: [[0xd9, 0xe4], 0], u_fld: [[0xd9, 0xc3], 1], u_fstp: [[0xdd, 0xda], 1],
  u_faddp: [[0xde, 0xc2], 1], u_fprem: [[0xd9, 0xf8], 1], u_fyl2x: [[0xd9, 0xf1], 1],
  u_fchs: [[0xd9, 0xe0], 0], u_fsin: [[0xd9, 0xfe], 0], u_fptan: [[0xd9, 0xf2], 0],
  u_fxtract: [[0xd9, 0xf4], 0],
  o_fld1: [[...FILL8, 0xd9, 0xe8], 0], o_flds: [[...FILL8, ...mem(0xd9, 0)], 0],
  o_fptan: [[...FILL7, 0xd9, 0xf2], 0], o_fsincos: [[...FILL7, 0xd9, 0xfb], 0],
  o_fxtract: [[...FILL7, 0xd9, 0xf4], 0], o_fld: [[...FILL8, 0xd9, 0xc1], 0],
  o_fildl: [[...FILL8, ...mem(0xdb, 0)], 0], full_fadd: [[...FILL8, 0xd8, 0xc7], 0],
  full_fsincos: [[...FILL8, 0xd9, 0xfb], 0],
  u_fxam2: [[...LOAD_A, 0xdd, 0xc0, 0xd9, 0xe5], 0],
  incstp: [[...LOAD_A, ...LOAD_B, 0xd9, 0xf7], 0], decstp: [[...LOAD_A, 0xd9, 0xf6], 0],
  ffreep: [[...LOAD_A, ...LOAD_B, 0xdf, 0xc0], 0],
  fcmovb: [[...LOAD_B, ...LOAD_A, 0xf9, 0xda, 0xc1], 0],
  fcmovnb: [[...LOAD_B, ...LOAD_A, 0xf9, 0xdb, 0xc1], 0],
  fcmove: [[...LOAD_B, ...LOAD_A, 0x31, 0xc0, 0xda, 0xc9], 0],
  fstp80: [[...LOAD_A, ...mem(0xdb, 7)], 0], fldt80: [mem(0xdb, 5), 0],
  fst_st: [[...LOAD_B, ...LOAD_A, 0xdd, 0xd1], 0],
  // FPREM/FPREM1 repeated while C2 reports a partial remainder (fnstsw ax; test ax, 0x400; jnz).
  fpremloop: [[0xd9, 0xf8, 0xdf, 0xe0, 0x66, 0xa9, 0x00, 0x04, 0x75, 0xf6], 2],
  fprem1loop: [[0xd9, 0xf5, 0xdf, 0xe0, 0x66, 0xa9, 0x00, 0x04, 0x75, 0xf6], 2],
};

/** Writes "sexp:significand" as 10 little-endian bytes. */
function putExtended(m: Memory, at: number, text: string): void {
  const [se, sig] = text.split(":");
  const v = BigInt("0x" + sig);
  const bytes = new Uint8Array(10);
  for (let k = 0; k < 8; k++) bytes[k] = Number((v >> BigInt(8 * k)) & 0xffn);
  bytes[8] = parseInt(se, 16) & 0xff;
  bytes[9] = parseInt(se, 16) >> 8;
  m.poke(at, bytes);
}

function hex(v: bigint | number, digits: number): string {
  return v.toString(16).padStart(digits, "0");
}

/** A machine with code and data mapped, for x87 tests. */
export function x87Machine(code: number[]): { cpu: Cpu; cache: CodeCache } {
  const m = new Memory();
  m.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  m.poke(CODE, new Uint8Array(code));
  m.map(DATA, 0x1000, PROT_READ | PROT_WRITE);
  m.map(0x7fff0000, 0x10000, PROT_READ | PROT_WRITE);
  const cpu = new Cpu(m);
  cpu.rip = CODE;
  cpu.setReg(4, 0x7fff8000);
  return { cpu, cache: new CodeCache(cpu) };
}

/**
 * Runs oracle operation `op` with control word `cw` on a = ST(0) and b = ST(1) (either may be
 * "-"), with `memory` ("hi:lo" or "lo" hex) as the memory operand, and returns the oracle line.
 */
export function runX87(op: string, cw: number, a = "-", b = "-", memory = "0"): string {
  const entry = X87_OPS[op];
  if (!entry) throw new RangeError(`Unknown x87 test operation ${op}`);
  const [bytes, operands] = entry;
  const code = [0xdb, 0xe3, 0xd9, ...absolute(5, CW)];
  if (operands >= 2) code.push(0xdb, ...absolute(5, B));
  if (operands >= 1) code.push(0xdb, ...absolute(5, A));
  code.push(...bytes, 0xdd, ...absolute(6, SAVE), 0x0f, 0x05);
  const { cpu, cache } = x87Machine(code);
  const m = cpu.mem;
  m.write16(CW, cw);
  if (a !== "-") putExtended(m, A, a);
  if (b !== "-") putExtended(m, B, b);
  const [hiText, loText] = memory.includes(":") ? memory.split(":") : ["0", memory];
  const lo = BigInt("0x" + loText), hi = BigInt("0x" + hiText);
  const image = new Uint8Array(16);
  for (let k = 0; k < 8; k++) {
    image[k] = Number((lo >> BigInt(8 * k)) & 0xffn);
    image[8 + k] = Number((hi >> BigInt(8 * k)) & 0xffn);
  }
  m.poke(MEM, image);
  const stop = run(cpu, cache, 1_000_000);
  if (stop !== STOP_SYSCALL) throw new Error(`x87 test program stopped with ${stop}`);
  const save = m.read(SAVE, 108);
  const v = new DataView(save.buffer);
  const fsw = v.getUint16(4, true), ftw = v.getUint16(8, true);
  let out = `${hex(fsw, 4)} ${hex(ftw, 4)}`;
  const top = (fsw >> 11) & 7;
  for (let k = 0; k < 8; k++) {
    if (((ftw >> (2 * ((top + k) & 7))) & 3) === 3) continue;
    const at = 28 + 10 * k;
    const sig = (BigInt(v.getUint32(at + 4, true)) << 32n) | BigInt(v.getUint32(at, true));
    out += ` ${hex(v.getUint16(at + 8, true), 4)}:${hex(sig, 16)}`;
  }
  const after = m.read(MEM, 16);
  const w = new DataView(after.buffer);
  const memLo = (BigInt(w.getUint32(4, true)) << 32n) | BigInt(w.getUint32(0, true));
  const memHi = (BigInt(w.getUint32(12, true)) << 32n) | BigInt(w.getUint32(8, true));
  const flags = op === "fcomi" || op === "fucomi" ? arithFlags(cpu) & 0x8d5 : 0;
  return `${out} | ${hex(memHi, 16)}:${hex(memLo, 16)} ${flags.toString(16)}`;
}

/** Parses vectors: an oracle input line, then its expected output line (indented). */
export function parseVectors(text: string): [string, string][] {
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const pairs: [string, string][] = [];
  for (let k = 0; k + 1 < lines.length; k += 2) pairs.push([lines[k], lines[k + 1]]);
  return pairs;
}

/** Runs one vector's input line through `runX87`. */
export function runVector(input: string): string {
  const [op, cw, a, b, memory] = input.split(/\s+/);
  return runX87(op, parseInt(cw, 16), a, b, memory);
}

/** Asserts that every vector's output matches; the message lists all mismatches. */
export function checkVectors(text: string): void {
  const failures: string[] = [];
  for (const [input, expected] of parseVectors(text)) {
    const got = runVector(input);
    if (got !== expected) failures.push(`${input}\n  expected ${expected}\n  got      ${got}`);
  }
  if (failures.length) {
    throw new Error(`${failures.length} x87 vectors differ:\n${failures.join("\n")}`);
  }
}
