// Unit tests of the execution loop on hand-assembled code.
import assert from "node:assert/strict";
import { Memory } from "../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import { CodeCache, run } from "./run.ts";
import { Cpu, STOP_FAULT, STOP_SYSCALL } from "./state.ts";

function machine(code: number[]): { cpu: Cpu; cache: CodeCache } {
  const mem = new Memory();
  mem.map(0x400000, 0x1000, PROT_READ | PROT_EXEC);
  mem.poke(0x400000, new Uint8Array(code));
  mem.map(0x7fff0000, 0x10000, PROT_READ | PROT_WRITE);
  const cpu = new Cpu(mem);
  cpu.rip = 0x400000;
  cpu.setReg(4, 0x7fff8000);
  return { cpu, cache: new CodeCache(cpu) };
}

Deno.test("run() executes mov/add/loop and stops at syscall", () => {
  // mov ecx, 10; xor eax, eax; L: add rax, rcx; loop L; syscall
  const { cpu, cache } = machine([
    0xb9,
    10,
    0,
    0,
    0,
    0x31,
    0xc0,
    0x48,
    0x01,
    0xc8,
    0xe2,
    0xfb,
    0x0f,
    0x05,
  ]);
  assert.equal(run(cpu, cache, 1000), STOP_SYSCALL);
  assert.equal(cpu.reg(0), 55);
  assert.equal(cpu.rip, 0x40000e);
});

Deno.test("run() turns a call/ret pair and push/pop into the right stack effects", () => {
  // call +1; syscall(after ret); f: push rbx? -> here: e8 01 00 00 00 ; 0f 05 ; c3 (ret at +7)
  const { cpu, cache } = machine([0xe8, 0x02, 0, 0, 0, 0x0f, 0x05, 0x53, 0x5b, 0xc3]);
  assert.equal(run(cpu, cache, 100), STOP_SYSCALL);
  assert.equal(cpu.rip, 0x400007);
  assert.equal(cpu.reg(4), 0x7fff8000);
});

Deno.test("run() reports an unknown opcode as SIGILL at its address", () => {
  const { cpu, cache } = machine([0x90, 0x0f, 0x0b]);
  assert.equal(run(cpu, cache, 100), STOP_FAULT);
  assert.equal(cpu.faultSignal, 4);
  assert.equal(cpu.rip, 0x400001);
});

Deno.test("run() reports a write to unmapped memory as SIGSEGV with its address", () => {
  // mov [0x1000], eax  -> 89 04 25 00 10 00 00
  const { cpu, cache } = machine([0x89, 0x04, 0x25, 0x00, 0x10, 0, 0]);
  assert.equal(run(cpu, cache, 100), STOP_FAULT);
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.faultAddr, 0x1000);
  assert.equal(cpu.faultCode, 1);
});

Deno.test("Cpu and Memory snapshots restore into fresh objects that continue identically", () => {
  // mov ecx, 10; xor eax, eax; L: add rax, rcx; push rax; loop L; syscall
  const code = [0xb9, 10, 0, 0, 0, 0x31, 0xc0, 0x48, 0x01, 0xc8, 0x50, 0xe2, 0xfa, 0x0f, 0x05];
  const { cpu, cache } = machine(code);
  run(cpu, cache, 3); // part way
  const memSnap = cpu.mem.snapshot(), cpuSnap = cpu.snapshot();
  const mem2 = new Memory();
  mem2.restore(memSnap);
  const cpu2 = new Cpu(mem2);
  cpu2.restore(cpuSnap);
  const cache2 = new CodeCache(cpu2);
  assert.equal(run(cpu, cache, 1000), STOP_SYSCALL);
  assert.equal(run(cpu2, cache2, 1000), STOP_SYSCALL);
  assert.equal(cpu2.reg(0), cpu.reg(0));
  assert.equal(cpu2.reg(4), cpu.reg(4));
  assert.deepEqual(mem2.read(0x7fff8000 - 80, 80), cpu.mem.read(0x7fff8000 - 80, 80));
});

Deno.test("run() faults on a read of a negative (non-canonical) address, not a stale TLB slot", () => {
  // mov rax, -4096; mov eax, [rax]
  const { cpu, cache } = machine([0x48, 0xc7, 0xc0, 0x00, 0xf0, 0xff, 0xff, 0x8b, 0x00]);
  assert.equal(run(cpu, cache, 100), STOP_FAULT);
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.rip, 0x400007);
});

Deno.test("Memory.restore() hands out frames that read as zero", () => {
  const mem = new Memory(1 << 20);
  mem.map(0x10000, 0x4000, PROT_READ | PROT_WRITE);
  mem.write(0x10000, new Uint8Array(0x4000).fill(0xee));
  mem.restore({ vmas: [], pages: [], data: new Uint8Array(0) });
  mem.map(0x20000, 0x4000, PROT_READ | PROT_WRITE);
  assert.deepEqual(mem.read(0x20000, 0x4000), new Uint8Array(0x4000));
});
