// Bit tests and scans on hand-assembled code. Expected values come from running the same bytes on
// the x86-64 host (AMD EPYC); the undefined flags we produce match it, so all six are compared.
import assert from "node:assert/strict";
import { getRflags } from "../flags.ts";
import { SIGTRAP } from "../insn.ts";
import { type Case, check, DATA, exec, reg, type Regs } from "./int_testing.ts";

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// deno-fmt-ignore
const BIT_TESTS: Case[] = [
  ["bt ebx, edx takes the offset mod 32", "0f a3 d3", { rbx: 0x8n, rdx: 0x23n }, 0x2,
    { rbx: 0x8n, rdx: 0x23n }, 0x1],
  ["bt rbx, rdx takes the offset mod 64", "48 0f a3 d3", { rbx: 0x8000000000000000n, rdx: 0x7fn }, 0x8d7,
    { rbx: 0x8000000000000000n, rdx: 0x7fn }, 0x8d5],
  ["bt bx, dx keeps the other flags", "66 0f a3 d3", { rbx: 0x4000n, rdx: 0x1en }, 0x8d7,
    { rbx: 0x4000n, rdx: 0x1en }, 0x8d5],
  ["bts ebx, edx sets the bit and zero-extends", "0f ab d3", { rbx: 0xffffffff00000000n, rdx: 0x1fn }, 0x2,
    { rbx: 0x80000000n, rdx: 0x1fn }, 0x0],
  ["bts rbx, rdx in the upper half", "48 0f ab d3", { rbx: 0x0n, rdx: 0x28n }, 0x2,
    { rbx: 0x10000000000n, rdx: 0x28n }, 0x0],
  ["btr rbx, rdx clears a set bit", "48 0f b3 d3", { rbx: 0xffffffffffffffffn, rdx: 0x3fn }, 0x2,
    { rbx: 0x7fffffffffffffffn, rdx: 0x3fn }, 0x1],
  ["btr bx, dx keeps bits 16-63", "66 0f b3 d3", { rbx: 0x123456789abcffffn, rdx: 0xfn }, 0x2,
    { rbx: 0x123456789abc7fffn, rdx: 0xfn }, 0x1],
  ["btc ebx, edx toggles", "0f bb d3", { rbx: 0x1n, rdx: 0x0n }, 0x2,
    { rbx: 0x0n, rdx: 0x0n }, 0x1],
  ["bt ebx, 36 (imm mod 32)", "0f ba e3 24", { rbx: 0x10n }, 0x2,
    { rbx: 0x10n }, 0x1],
  ["bts rbx, 63 (imm)", "48 0f ba eb 3f", { rbx: 0x0n }, 0x8d7,
    { rbx: 0x8000000000000000n }, 0x8d4],
  ["btr bx, 31 (imm mod 16)", "66 0f ba f3 1f", { rbx: 0xffff8000n }, 0x2,
    { rbx: 0xffff0000n }, 0x1],
  ["btc rbx, 200 (imm mod 64)", "48 0f ba fb c8", { rbx: 0x100n }, 0x2,
    { rbx: 0x0n }, 0x1],
];

// deno-fmt-ignore
const SCANS: Case[] = [
  ["bsf edx, ebx", "0f bc d3", { rbx: 0x80000000n, rdx: 0xffffffffffffffffn }, 0x8d7,
    { rbx: 0x80000000n, rdx: 0x1fn }, 0x0],
  ["bsf rdx, rbx finds a bit in the upper half", "48 0f bc d3", { rbx: 0x200000000000n, rdx: 0x0n }, 0x2,
    { rbx: 0x200000000000n, rdx: 0x2dn }, 0x4],
  ["bsf dx, bx", "66 0f bc d3", { rbx: 0xff010000n, rdx: 0x1111111111111111n }, 0x2,
    { rbx: 0xff010000n, rdx: 0x1111111111111111n }, 0x44],
  ["bsf bit 0 clears ZF, sets PF", "0f bc d3", { rbx: 0x3n, rdx: 0x5n }, 0x8d7,
    { rbx: 0x3n, rdx: 0x0n }, 0x4],
  ["bsf edx, ebx with 0 leaves rdx whole and sets ZF", "0f bc d3", { rbx: 0xffffffff00000000n, rdx: 0xaaaaaaaa55555555n }, 0x2,
    { rbx: 0xffffffff00000000n, rdx: 0xaaaaaaaa55555555n }, 0x44],
  ["bsf rdx, rbx with 0", "48 0f bc d3", { rbx: 0x0n, rdx: 0x1234n }, 0x8d7,
    { rbx: 0x0n, rdx: 0x1234n }, 0x44],
  ["bsr edx, ebx", "0f bd d3", { rbx: 0x10001n, rdx: 0x0n }, 0x2,
    { rbx: 0x10001n, rdx: 0x10n }, 0x0],
  ["bsr rdx, rbx", "48 0f bd d3", { rbx: 0xffffffffffffffffn, rdx: 0x0n }, 0x2,
    { rbx: 0xffffffffffffffffn, rdx: 0x3fn }, 0x4],
  ["bsr rdx, rbx below 2^32", "48 0f bd d3", { rbx: 0x40000000n, rdx: 0x0n }, 0x8d7,
    { rbx: 0x40000000n, rdx: 0x1en }, 0x4],
  ["bsr dx, bx", "66 0f bd d3", { rbx: 0x10000n, rdx: 0x9999n }, 0x2,
    { rbx: 0x10000n, rdx: 0x9999n }, 0x44],
  ["bsr dx, bx with 0x8000", "66 0f bd d3", { rbx: 0x8000n, rdx: 0x9999n }, 0x2,
    { rbx: 0x8000n, rdx: 0xfn }, 0x4],
];

Deno.test("BT BTS BTR BTC on registers and immediates match the host", () => {
  check(BIT_TESTS, 0x8d5);
});

Deno.test("BSF and BSR match the host, a zero source leaving the destination alone", () => {
  check(SCANS, 0x8d5);
});

/** Runs `code` on 64 bytes 0x20, 0x21, ... at DATA + 0x20 (rdi = DATA); returns those bytes and CF. */
function onMemory(code: string, regs: Regs): [string, number] {
  const data = new Uint8Array(0x60);
  for (let k = 0; k < 0x40; k++) data[0x20 + k] = 0x40 + k;
  const cpu = exec(code, { rdi: BigInt(DATA), ...regs }, 0x2, data);
  assert.equal(cpu.faultSignal, SIGTRAP);
  return [hex(cpu.mem.read(DATA + 0x20, 0x40)), getRflags(cpu) & 1];
}

/** The 64 bytes of onMemory() with the byte at `offset` replaced. */
function changed(offset: number, value: number): string {
  const b = new Uint8Array(0x40).map((_, k) => 0x40 + k);
  if (offset >= 0) b[offset] = value;
  return hex(b);
}

Deno.test("BT* with a memory operand address bits beyond it by the signed offset", () => {
  // bts dword [rdi+0x20], edx with 100: byte 12, bit 4 (0x4c -> 0x5c)
  assert.deepEqual(onMemory("0f ab 57 20", { rdx: 100n }), [changed(12, 0x5c), 0]);
  // bt dword [rdi+0x20], edx with 6: bit 6 of 0x40
  assert.deepEqual(onMemory("0f a3 57 20", { rdx: 6n }), [changed(-1, 0), 1]);
  // btc word [rdi+0x20], dx with -17: bit 15 of the word at +0x1c, below the range
  const cpu = exec("66 0f bb 57 20", { rdi: BigInt(DATA), rdx: 0xffefn }, 0x2);
  assert.equal(cpu.mem.read8(DATA + 0x1d), 0x80);
  // bts qword [rdi+0x20], rdx with 130: the qword at +16, bit 2 (0x50 -> 0x54)
  assert.deepEqual(onMemory("48 0f ab 57 20", { rdx: 130n }), [changed(16, 0x54), 0]);
  // bts qword [rdi+0x20], rdx with -1: bit 63 of the qword at +0x18, below the range
  const low = exec("48 0f ab 57 20", { rdi: BigInt(DATA), rdx: 0xffffffffffffffffn }, 0x2);
  assert.equal(low.faultSignal, SIGTRAP);
  assert.equal(low.mem.read8(DATA + 0x1f), 0x80);
});

Deno.test("BT* with an immediate take the offset mod the operand size", () => {
  // btc dword [rdi+0x20], 35: bit 3 of byte 0
  assert.deepEqual(onMemory("0f ba 7f 20 23", {}), [changed(0, 0x48), 0]);
  // bts word [rdi+0x20], 17: bit 1 of byte 0
  assert.deepEqual(onMemory("66 0f ba 6f 20 11", {}), [changed(0, 0x42), 0]);
  // btr qword [rdi+0x20], 70: bit 6 of byte 0 was set
  assert.deepEqual(onMemory("48 0f ba 77 20 46", {}), [changed(0, 0x00), 1]);
});

Deno.test("BT* fault at the addressed chunk, not at the base", () => {
  // bt dword [rdi], edx with rdi at the start of DATA and offset -1: the dword below is unmapped
  const cpu = exec("0f a3 17", { rdi: BigInt(DATA), rdx: 0xffffffffn });
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.faultAddr, DATA - 4);
});

Deno.test("F3 0F BC and F3 0F BD run as BSF and BSR (no BMI1 or LZCNT in CPUID)", () => {
  // tzcnt encoding: rdx = index of the lowest set bit, not a count of 0 for a zero source
  let cpu = exec("f3 0f bc d3", { rbx: 0x100n, rdx: 77n });
  assert.equal(reg(cpu, "rdx"), 8n);
  cpu = exec("f3 0f bc d3", { rbx: 0n, rdx: 77n });
  assert.equal(reg(cpu, "rdx"), 77n);
  assert.equal(getRflags(cpu) & 0x41, 0x40); // ZF set, CF clear (TZCNT would set CF)
  cpu = exec("f3 48 0f bd d3", { rbx: 0x100n, rdx: 77n });
  assert.equal(reg(cpu, "rdx"), 8n); // LZCNT would give 55
});
