// Test support for the SSE/SSE2/MMX family: runs one hand-assembled instruction through the real
// decoder and run loop. The data page DATA..DATA+4096 is readable and writable and the page after
// it is unmapped, so operands at DATA_END - n straddle into a fault. Expected values in the tests
// were taken from the host CPU (a C harness running the same bytes).

import { Memory } from "../../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../memory/vma.ts";
import { CodeCache, run } from "../run.ts";
import { Cpu, STOP_FAULT } from "../state.ts";

export const CODE = 0x400000, DATA = 0x10000, DATA_END = DATA + 0x1000;
export const RSI = 6;

export interface Outcome {
  cpu: Cpu;
  /** 0 when the instruction completed, else the signal delivered. */
  signal: number;
  code: number;
  address: number;
}

/** A fresh machine; rsi points at DATA. */
export function machine(): Cpu {
  const mem = new Memory(1 << 22);
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  mem.map(DATA, 0x1000, PROT_READ | PROT_WRITE);
  const cpu = new Cpu(mem);
  cpu.setReg(RSI, DATA);
  return cpu;
}

/** Runs `code` (one instruction) on `cpu`, or on a fresh machine prepared by `setup`. */
export function exec(
  code: number[],
  setup: (cpu: Cpu) => void = () => {},
  cpu = machine(),
): Outcome {
  setup(cpu);
  cpu.mem.poke(CODE, new Uint8Array([...code, 0xeb, 0xfe])); // then jmp $ (ends the block)
  cpu.rip = CODE;
  const stop = run(cpu, new CodeCache(cpu), 1);
  if (stop !== STOP_FAULT) return { cpu, signal: 0, code: 0, address: 0 };
  return { cpu, signal: cpu.faultSignal, code: cpu.faultCode, address: cpu.faultAddr };
}

/** Sets xmm n from dwords, lowest first. */
export function setXmm(cpu: Cpu, n: number, dwords: number[]): void {
  for (let k = 0; k < 4; k++) cpu.xmm32[n * 4 + k] = dwords[k] ?? 0;
}

/** Dwords of xmm n, lowest first, unsigned. */
export function xmm(cpu: Cpu, n: number): number[] {
  return [0, 1, 2, 3].map((k) => cpu.xmm32[n * 4 + k] >>> 0);
}

/** Sets mm n from (low, high) dwords. */
export function setMm(cpu: Cpu, n: number, lo: number, hi: number): void {
  cpu.x87.mant[2 * n] = lo;
  cpu.x87.mant[2 * n + 1] = hi;
}

export function mm(cpu: Cpu, n: number): [number, number] {
  return [cpu.x87.mant[2 * n] >>> 0, cpu.x87.mant[2 * n + 1] >>> 0];
}

/** Writes dwords to memory at `address`. */
export function poke32(cpu: Cpu, address: number, dwords: number[]): void {
  const bytes = new Uint8Array(dwords.length * 4);
  const view = new DataView(bytes.buffer);
  dwords.forEach((d, k) => view.setInt32(4 * k, d, true));
  cpu.mem.poke(address, bytes);
}

export function peek32(cpu: Cpu, address: number, count: number): number[] {
  const bytes = cpu.mem.read(address, count * 4);
  const view = new DataView(bytes.buffer);
  return Array.from({ length: count }, (_, k) => view.getUint32(4 * k, true));
}

const f32 = new Float32Array(1), f32Bits = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), f64Bits = new Uint32Array(f64.buffer);

/** Bits of a single-precision value. */
export function single(x: number): number {
  f32[0] = x;
  return f32Bits[0];
}

/** Dwords (low, high) of a double-precision value. */
export function double(x: number): [number, number] {
  f64[0] = x;
  return [f64Bits[0], f64Bits[1]];
}

/** MXCSR with every exception masked, the given rounding control (0-3) and extra bits. */
export function mxcsr(rc = 0, extra = 0): number {
  return 0x1f80 | (rc << 13) | extra;
}
