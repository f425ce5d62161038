// Compare-exchange family on hand-assembled code. Expected register values and flags come from
// running the same bytes on the x86-64 host (AMD EPYC).
import assert from "node:assert/strict";
import { Memory } from "../../memory/memory.ts";
import { PROT_EXEC, PROT_READ } from "../../memory/vma.ts";
import { getRflags } from "../flags.ts";
import { SIGTRAP } from "../insn.ts";
import { CodeCache, run } from "../run.ts";
import { Cpu } from "../state.ts";
import { type Case, check, CODE, DATA, exec, reg, type Regs } from "./int_testing.ts";

// deno-fmt-ignore
const REGISTER_FORMS: Case[] = [
  ["cmpxchg bl, cl: equal stores cl", "0f b0 cb", { rax: 0x1111111111111142n, rbx: 0x2222222222222242n, rcx: 0x99n }, 0x2,
    { rax: 0x1111111111111142n, rbx: 0x2222222222222299n, rcx: 0x99n }, 0x44],
  ["cmpxchg bl, cl: unequal loads al", "0f b0 cb", { rax: 0x1111111111111142n, rbx: 0x2222222222222243n, rcx: 0x99n }, 0x2,
    { rax: 0x1111111111111143n, rbx: 0x2222222222222243n, rcx: 0x99n }, 0x95],
  ["cmpxchg bh, ch (high bytes)", "0f b0 ef", { rax: 0x55n, rbx: 0x5500n, rcx: 0x7700n }, 0x2,
    { rax: 0x55n, rbx: 0x7700n, rcx: 0x7700n }, 0x44],
  ["cmpxchg bx, cx: unequal keeps upper bits", "66 0f b1 cb", { rax: 0xaaaaaaaaaaaa8000n, rbx: 0xbbbbbbbbbbbb7fffn, rcx: 0x1234n }, 0x2,
    { rax: 0xaaaaaaaaaaaa7fffn, rbx: 0xbbbbbbbbbbbb7fffn, rcx: 0x1234n }, 0x810],
  ["cmpxchg ebx, ecx: equal writes and zero-extends rbx, not rax", "0f b1 cb", { rax: 0xffffffff12345678n, rbx: 0xeeeeeeee12345678n, rcx: 0xdddddddd87654321n }, 0x2,
    { rax: 0xffffffff12345678n, rbx: 0x87654321n, rcx: 0xdddddddd87654321n }, 0x44],
  ["cmpxchg ebx, ecx: unequal zero-extends rax, not rbx", "0f b1 cb", { rax: 0xffffffff12345677n, rbx: 0xeeeeeeee12345678n, rcx: 0xdddddddd87654321n }, 0x2,
    { rax: 0x12345678n, rbx: 0xeeeeeeee12345678n, rcx: 0xdddddddd87654321n }, 0x95],
  ["cmpxchg eax, ecx: always equal", "0f b1 c8", { rax: 0xffffffff00000005n, rcx: 0x77n }, 0x2,
    { rax: 0x77n, rcx: 0x77n }, 0x44],
  ["cmpxchg rbx, rcx: equal", "48 0f b1 cb", { rax: 0x8000000000000000n, rbx: 0x8000000000000000n, rcx: 0x1n }, 0x2,
    { rax: 0x8000000000000000n, rbx: 0x1n, rcx: 0x1n }, 0x44],
  ["cmpxchg rbx, rcx: unequal in the high half only", "48 0f b1 cb", { rax: 0x100000000n, rbx: 0x200000000n, rcx: 0x1n }, 0x2,
    { rax: 0x200000000n, rbx: 0x200000000n, rcx: 0x1n }, 0x85],
  ["xadd bl, cl", "0f c0 cb", { rbx: 0xffn, rcx: 0x1n }, 0x2,
    { rbx: 0x0n, rcx: 0xffn }, 0x55],
  ["xadd bx, cx", "66 0f c1 cb", { rbx: 0x1234567800007fffn, rcx: 0x1n }, 0x2,
    { rbx: 0x1234567800008000n, rcx: 0x7fffn }, 0x894],
  ["xadd ebx, ecx zero-extends both", "0f c1 cb", { rbx: 0xffffffff80000000n, rcx: 0xffffffff80000000n }, 0x2,
    { rbx: 0x0n, rcx: 0x80000000n }, 0x845],
  ["xadd rbx, rcx", "48 0f c1 cb", { rbx: 0xffffffffffffffffn, rcx: 0x2n }, 0x2,
    { rbx: 0x1n, rcx: 0xffffffffffffffffn }, 0x11],
  ["xadd ecx, ecx doubles", "0f c1 c9", { rcx: 0x40000001n }, 0x2,
    { rcx: 0x80000002n }, 0x880],
];

Deno.test("CMPXCHG and XADD on registers match the host, zero-extension included", () => {
  check(REGISTER_FORMS, 0x8d5);
});

Deno.test("LOCK CMPXCHG on memory stores on success and loads the accumulator on failure", () => {
  const data = new Uint8Array([0x78, 0x56, 0x34, 0x12]);
  // lock cmpxchg [rdi], ecx
  let cpu = exec("f0 0f b1 0f", { rdi: BigInt(DATA), rax: 0x12345678n, rcx: 0xabcdn }, 0x2, data);
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(cpu.mem.read32(DATA), 0xabcd);
  assert.equal(getRflags(cpu) & 0x40, 0x40);
  cpu = exec(
    "f0 0f b1 0f",
    { rdi: BigInt(DATA), rax: 0xffffffff00000001n, rcx: 0xabcdn },
    0x2,
    data,
  );
  assert.equal(cpu.mem.read32(DATA), 0x12345678);
  assert.equal(reg(cpu, "rax"), 0x12345678n);
  assert.equal(getRflags(cpu) & 0x41, 0x01); // CMP 1 - 0x12345678 borrows
});

Deno.test("CMPXCHG writes its destination back even when the comparison fails", () => {
  const mem = new Memory(1 << 22);
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  mem.poke(CODE, new Uint8Array([0x0f, 0xb1, 0x0f, 0xcc])); // cmpxchg [rdi], ecx
  mem.map(DATA, 0x1000, PROT_READ);
  const cpu = new Cpu(mem);
  cpu.setReg(7, DATA);
  cpu.setReg(0, 1);
  cpu.rip = CODE;
  run(cpu, new CodeCache(cpu), 10);
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.rip, CODE);
  assert.equal(cpu.reg(0), 1); // not loaded: the instruction did not complete
});

Deno.test("XADD on memory exchanges and adds", () => {
  const data = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const cpu = exec("f0 48 0f c1 0f", { rdi: BigInt(DATA), rcx: 1n }, 0x2, data); // lock xadd [rdi], rcx
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(cpu.mem.read32(DATA) | cpu.mem.read32(DATA + 4), 0);
  assert.equal(reg(cpu, "rcx"), 0xffffffffffffffffn);
  assert.equal(getRflags(cpu) & 0x55, 0x55); // CF ZF AF PF from the carry out
});

/** Runs `code` with rdi = DATA + offset and a 16-byte pattern there; returns cpu. */
function onPair(code: string, offset: number, regs: Regs, memory: bigint[]): Cpu {
  const data = new Uint8Array(0x40);
  const view = new DataView(data.buffer);
  view.setBigUint64(offset, memory[0], true);
  view.setBigUint64(offset + 8, memory[1], true);
  return exec(code, { rdi: BigInt(DATA + offset), ...regs }, 0x8d7, data);
}

Deno.test("CMPXCHG8B compares EDX:EAX and stores ECX:EBX, zero-extending only on failure", () => {
  const regs = {
    rax: 0xaaaaaaaa44332211n,
    rdx: 0xbbbbbbbb88776655n,
    rcx: 0xcccccccc01020304n,
    rbx: 0xdddddddd05060708n,
  };
  // lock cmpxchg8b [rdi] at a misaligned address
  let cpu = onPair("f0 0f c7 0f", 4, regs, [0x8877665544332211n, 0n]);
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(cpu.mem.read64(DATA + 4), 0x0102030405060708);
  assert.equal(reg(cpu, "rax"), regs.rax);
  assert.equal(reg(cpu, "rdx"), regs.rdx);
  assert.equal(getRflags(cpu) & 0x8d5, 0x8d5); // only ZF changes: still set
  cpu = onPair("0f c7 0f", 0, regs, [0x8877665544332212n, 0n]);
  assert.equal(reg(cpu, "rax"), 0x44332212n);
  assert.equal(reg(cpu, "rdx"), 0x88776655n);
  assert.equal(getRflags(cpu) & 0x8d5, 0x895);
});

Deno.test("CMPXCHG16B compares RDX:RAX and stores RCX:RBX", () => {
  const regs = {
    rax: 0x1111111111111111n,
    rdx: 0x2222222222222222n,
    rcx: 0x3333333333333333n,
    rbx: 0x4444444444444444n,
  };
  let cpu = onPair("48 0f c7 0f", 16, regs, [regs.rax, regs.rdx]);
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(cpu.mem.read64(DATA + 16), 0x4444444444444444);
  assert.equal(cpu.mem.read64(DATA + 24), 0x3333333333333333);
  assert.equal(getRflags(cpu) & 0x40, 0x40);
  cpu = onPair("f0 48 0f c7 0f", 16, regs, [regs.rax, 0x2222222222222223n]);
  assert.equal(reg(cpu, "rax"), 0x1111111111111111n);
  assert.equal(reg(cpu, "rdx"), 0x2222222222222223n);
  assert.equal(cpu.mem.read64(DATA + 16), 0x1111111111111111);
  assert.equal(getRflags(cpu) & 0x8d5, 0x895);
});

Deno.test("CMPXCHG16B on a misaligned operand raises #GP (SIGSEGV, SI_KERNEL)", () => {
  const cpu = onPair("48 0f c7 0f", 8, { rax: 1n }, [1n, 0n]);
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.faultCode, 0x80);
  assert.equal(cpu.faultAddr, 0);
  assert.equal(cpu.rip, CODE);
  assert.equal(reg(cpu, "rax"), 1n);
});

Deno.test("CPUID leaf 1 reports CX16", () => {
  const cpu = exec("0f a2", { rax: 1n });
  assert.equal(Number(reg(cpu, "rcx")) & (1 << 13), 1 << 13);
});
