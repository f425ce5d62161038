// The 0F AE group and the FXSAVE image: layout (checked against a real processor), alignment and
// MXCSR checks, fences, and the kernel's saveFpState/restoreFpState.

import assert from "node:assert/strict";
import { SIGSEGV } from "../insn.ts";
import { run } from "../run.ts";
import { STOP_FAULT, STOP_SYSCALL } from "../state.ts";
import { restoreFpState, saveFpState } from "./fpstate.ts";
import { x87Machine } from "./x87_testing.ts";

const DATA = 0x10000, CODE = 0x400000;

function at(r: number, offset: number): number[] {
  const a = DATA + offset;
  return [(r << 3) | 4, 0x25, a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24];
}

const fxsave = (o: number) => [0x0f, 0xae, ...at(0, o)];
const fxrstor = (o: number) => [0x0f, 0xae, ...at(1, o)];
const ldmxcsr = (o: number) => [0x0f, 0xae, ...at(2, o)];
const stmxcsr = (o: number) => [0x0f, 0xae, ...at(3, o)];
const FNINIT = [0xdb, 0xe3], FLD1 = [0xd9, 0xe8], FLDPI = [0xd9, 0xeb], SYSCALL = [0x0f, 0x05];

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function runCode(code: number[]) {
  const m = x87Machine([...code, ...SYSCALL]);
  const stop = run(m.cpu, m.cache, 1000);
  return { ...m, stop, read: (o: number, n: number) => m.cpu.mem.read(DATA + o, n) };
}

Deno.test("FXSAVE writes the legacy 512-byte layout the hardware writes", () => {
  const { stop, read } = runCode([...FNINIT, ...FLD1, ...FLDPI, ...fxsave(0x200)]);
  assert.equal(stop, STOP_SYSCALL);
  const image = read(0x200, 64);
  // Hardware (fninit; fld1; fldpi; fxsave): FCW 037f, FSW 3000, abridged FTW c0, MXCSR 1f80,
  // MXCSR_MASK ffff, ST(0) = pi and ST(1) = 1 in 16-byte slots.
  assert.equal(hex(image.subarray(0, 6)), "7f030030c000");
  assert.equal(
    hex(image.subarray(24, 64)),
    "801f0000ffff0000" + "35c26821a2da0fc90040000000000000" + "0000000000000080ff3f000000000000",
  );
  // FOP and FIP of the last x87 instruction (Intel style; AMD leaves them 0 without exceptions).
  const v = new DataView(image.buffer);
  assert.equal(v.getUint16(6, true), 0x1eb);
  assert.equal(v.getUint32(8, true), CODE + 4);
});

Deno.test("FXSAVE stores XMM0-15 at 160 and leaves bytes 464-511 alone", () => {
  const m = x87Machine([...fxsave(0x200), ...SYSCALL]);
  for (let k = 0; k < 256; k++) m.cpu.xmmU8[k] = k;
  m.cpu.mem.write(DATA + 0x200 + 464, new Uint8Array(48).fill(0xaa));
  run(m.cpu, m.cache, 100);
  const image = m.cpu.mem.read(DATA + 0x200, 512);
  assert.deepEqual([...image.subarray(160, 416)], [...m.cpu.xmmU8]);
  assert.ok(image.subarray(464).every((b) => b === 0xaa));
});

Deno.test("FXSAVE and FXRSTOR need a 16-byte aligned operand (else #GP, SIGSEGV)", () => {
  for (const code of [fxsave(0x208), fxrstor(0x208)]) {
    const { stop, cpu } = runCode(code);
    assert.equal(stop, STOP_FAULT);
    assert.equal(cpu.faultSignal, SIGSEGV);
    assert.equal(cpu.rip, CODE);
  }
});

Deno.test("FXRSTOR restores what FXSAVE saved, including MXCSR and XMM registers", () => {
  const m = x87Machine([
    ...FNINIT,
    ...FLD1,
    ...FLDPI,
    ...fxsave(0x200),
    ...FNINIT,
    ...fxrstor(0x200),
    ...SYSCALL,
  ]);
  m.cpu.mxcsr = 0x3f80;
  m.cpu.xmmU8[17] = 0x42;
  run(m.cpu, m.cache, 100);
  const x = m.cpu.x87;
  assert.equal(x.top, 6);
  assert.equal(x.tags, 0xc0);
  assert.equal(x.se[6], 0x4000);
  assert.equal(m.cpu.mxcsr, 0x3f80);
  assert.equal(m.cpu.xmmU8[17], 0x42);
});

Deno.test("LDMXCSR/FXRSTOR reject reserved MXCSR bits with #GP; STMXCSR stores MXCSR", () => {
  const ok = x87Machine([...ldmxcsr(0x10), ...stmxcsr(0x14), ...SYSCALL]);
  ok.cpu.mem.write32(DATA + 0x10, 0x7fc0);
  assert.equal(run(ok.cpu, ok.cache, 100), STOP_SYSCALL);
  assert.equal(ok.cpu.mxcsr, 0x7fc0);
  assert.equal(ok.cpu.mem.read32(DATA + 0x14), 0x7fc0);

  const bad = x87Machine([...ldmxcsr(0x10), ...SYSCALL]);
  bad.cpu.mem.write32(DATA + 0x10, 0x10000);
  assert.equal(run(bad.cpu, bad.cache, 100), STOP_FAULT);
  assert.equal(bad.cpu.faultSignal, SIGSEGV);
  assert.equal(bad.cpu.mxcsr, 0x1f80);

  const badImage = x87Machine([...fxrstor(0x200), ...SYSCALL]);
  badImage.cpu.mem.write32(DATA + 0x200 + 24, 0x20000);
  assert.equal(run(badImage.cpu, badImage.cache, 100), STOP_FAULT);
});

Deno.test("LFENCE, MFENCE, SFENCE and CLFLUSH execute as no-ops", () => {
  const { stop } = runCode([
    0x0f,
    0xae,
    0xe8,
    0x0f,
    0xae,
    0xf0,
    0x0f,
    0xae,
    0xf8,
    0x0f,
    0xae,
    ...at(7, 0x40),
  ]);
  assert.equal(stop, STOP_SYSCALL);
});

Deno.test("FXSAVE with REX.W stores 64-bit FIP and FDP", () => {
  const m = x87Machine([...FNINIT, 0xdd, ...at(0, 0x40), 0x48, ...fxsave(0x200), ...SYSCALL]);
  run(m.cpu, m.cache, 100);
  const v = new DataView(m.cpu.mem.read(DATA + 0x200, 32).buffer);
  assert.equal(v.getUint32(8, true), CODE + 2);
  assert.equal(v.getUint32(12, true), 0);
  assert.equal(v.getUint32(16, true), DATA + 0x40);
});

Deno.test("saveFpState/restoreFpState round-trip the whole x87 and SSE state", () => {
  const m = x87Machine([...FNINIT, ...FLD1, ...FLDPI, 0xd9, 0xfa, ...SYSCALL]); // ..., fsqrt
  m.cpu.mxcsr = 0x1fa0;
  m.cpu.xmmU8.fill(7);
  run(m.cpu, m.cache, 100);
  const before = m.cpu.snapshot();
  const image = saveFpState(m.cpu);
  assert.equal(image.length, 512);
  const fresh = x87Machine([]).cpu;
  restoreFpState(fresh, image);
  const after = fresh.snapshot();
  assert.deepEqual(after.x87, before.x87);
  assert.equal(fresh.mxcsr, 0x1fa0);
  assert.deepEqual([...fresh.xmmU8], [...m.cpu.xmmU8]);
  assert.throws(() => restoreFpState(fresh, new Uint8Array(100)), RangeError);
});
