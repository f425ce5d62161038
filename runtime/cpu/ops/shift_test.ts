// Shifts and rotates on hand-assembled code. Expected values come from running the same bytes on
// the x86-64 host (AMD EPYC); AF is not compared (undefined, see shift.ts).
import assert from "node:assert/strict";
import { getRflags } from "../flags.ts";
import { SIGTRAP } from "../insn.ts";
import { type Case, check, DATA, exec } from "./int_testing.ts";

const FLAGS = 0x8c5; // CF PF ZF SF OF

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// deno-fmt-ignore
const GROUP2: Case[] = [
  ["shl al, 1 shifts the sign bit into CF", "d0 e0", { rax: 0x80n }, 0x2,
    { rax: 0x0n }, 0x845],
  ["shl eax, cl with count 0 keeps flags but clears the upper half", "d3 e0", { rax: 0xffffffff12345678n, rcx: 0x0n }, 0x8d7,
    { rax: 0x12345678n, rcx: 0x0n }, 0x8c5],
  ["shl eax, cl masks the count to 5 bits", "d3 e0", { rax: 0x12345678n, rcx: 0x21n }, 0x2,
    { rax: 0x2468acf0n, rcx: 0x21n }, 0x4],
  ["shl eax, 31", "c1 e0 1f", { rax: 0x3n }, 0x2,
    { rax: 0x80000000n }, 0x85],
  ["shl rax, 63", "48 c1 e0 3f", { rax: 0x3n }, 0x2,
    { rax: 0x8000000000000000n }, 0x85],
  ["shl rax, cl with 64 is a count of 0", "48 d3 e0", { rax: 0x8000000000000001n, rcx: 0x40n }, 0x8d7,
    { rax: 0x8000000000000001n, rcx: 0x40n }, 0x8c5],
  ["shl rax, 32 moves the low half up", "48 c1 e0 20", { rax: 0x1deadbeefn }, 0x2,
    { rax: 0xdeadbeef00000000n }, 0x85],
  ["shl al, 9 shifts everything out with CF 0", "c0 e0 09", { rax: 0xffn }, 0x2,
    { rax: 0x0n }, 0x44],
  ["shl al, 8 leaves the low bit in CF", "c0 e0 08", { rax: 0x1n }, 0x2,
    { rax: 0x0n }, 0x845],
  ["shl ax, 17", "66 c1 e0 11", { rax: 0xffffn }, 0x2,
    { rax: 0x0n }, 0x44],
  ["shl ax, 3 keeps the upper bits of rax", "66 c1 e0 03", { rax: 0x1111222233334444n }, 0x2,
    { rax: 0x1111222233332220n }, 0x0],
  ["shl rax, 2 OF is MSB xor CF", "48 c1 e0 02", { rax: 0x6000000000000000n }, 0x2,
    { rax: 0x8000000000000000n }, 0x85],
  ["shr al, 1 OF is the old sign bit", "d0 e8", { rax: 0x81n }, 0x2,
    { rax: 0x40n }, 0x801],
  ["shr eax, 31", "c1 e8 1f", { rax: 0x80000000n }, 0x2,
    { rax: 0x1n }, 0x0],
  ["shr rax, 33", "48 c1 e8 21", { rax: 0xc000000180000000n }, 0x2,
    { rax: 0x60000000n }, 0x5],
  ["shr ax, 16", "66 c1 e8 10", { rax: 0x8000n }, 0x2,
    { rax: 0x0n }, 0x45],
  ["shr bl, 30 through cl", "d2 eb", { rbx: 0xffn, rcx: 0x1en }, 0x2,
    { rbx: 0x0n, rcx: 0x1en }, 0x44],
  ["sar al, 7", "c0 f8 07", { rax: 0x80n }, 0x2,
    { rax: 0xffn }, 0x84],
  ["sar al, 20 fills with the sign and CF", "c0 f8 14", { rax: 0x80n }, 0x2,
    { rax: 0xffn }, 0x85],
  ["sar eax, 1 of a negative odd value", "d1 f8", { rax: 0xffffffffn }, 0x2,
    { rax: 0xffffffffn }, 0x85],
  ["sar rax, 63", "48 c1 f8 3f", { rax: 0x8000000000000000n }, 0x2,
    { rax: 0xffffffffffffffffn }, 0x84],
  ["sar rax, 40", "48 c1 f8 28", { rax: 0x8123456789abcdefn }, 0x2,
    { rax: 0xffffffffff812345n }, 0x80],
  ["rol al, 1", "d0 c0", { rax: 0x81n }, 0x2,
    { rax: 0x3n }, 0x801],
  ["rol al, 8 sets CF from bit 0 and keeps the value", "c0 c0 08", { rax: 0x81n }, 0x2,
    { rax: 0x81n }, 0x1],
  ["rol eax, 4 keeps SF ZF PF AF", "c1 c0 04", { rax: 0xf0000001n }, 0x8d7,
    { rax: 0x1fn }, 0x8c5],
  ["rol rax, 32 swaps the halves", "48 c1 c0 20", { rax: 0x1122334455667788n }, 0x2,
    { rax: 0x5566778811223344n }, 0x0],
  ["rol rax, 63", "48 c1 c0 3f", { rax: 0x8000000000000001n }, 0x2,
    { rax: 0xc000000000000000n }, 0x800],
  ["ror ax, 1", "66 d1 c8", { rax: 0x1n }, 0x2,
    { rax: 0x8000n }, 0x801],
  ["ror rax, 4", "48 c1 c8 04", { rax: 0x123456789abcdef1n }, 0x2,
    { rax: 0x1123456789abcdefn }, 0x0],
  ["ror rax, 36", "48 c1 c8 24", { rax: 0x123456789abcdef1n }, 0x2,
    { rax: 0x89abcdef11234567n }, 0x801],
  ["ror eax, 16 OF is the top two bits' xor", "c1 c8 10", { rax: 0x4000n }, 0x2,
    { rax: 0x40000000n }, 0x800],
  ["rcl al, 1 with CF set", "d0 d0", { rax: 0x80n }, 0x3,
    { rax: 0x1n }, 0x801],
  ["rcl al, 9 leaves value and CF but sets OF", "c0 d0 09", { rax: 0x80n }, 0x3,
    { rax: 0x80n }, 0x1],
  ["rcl al, 5", "c0 d0 05", { rax: 0x96n }, 0x3,
    { rax: 0xd9n }, 0x800],
  ["rcl ax, 17 is a full circle", "66 c1 d0 11", { rax: 0x8001n }, 0x2,
    { rax: 0x8001n }, 0x800],
  ["rcl ax, 20", "66 c1 d0 14", { rax: 0x8421n }, 0x3,
    { rax: 0x210en }, 0x0],
  ["rcl eax, 1", "d1 d0", { rax: 0x80000000n }, 0x3,
    { rax: 0x1n }, 0x801],
  ["rcl eax, 31", "c1 d0 1f", { rax: 0x12345679n }, 0x3,
    { rax: 0xc48d159en }, 0x800],
  ["rcl rax, 1", "48 d1 d0", { rax: 0x8000000000000000n }, 0x3,
    { rax: 0x1n }, 0x801],
  ["rcl rax, 33", "48 c1 d0 21", { rax: 0x8123456789abcdefn }, 0x3,
    { rax: 0x13579bdf81234567n }, 0x801],
  ["rcl rax, 63", "48 c1 d0 3f", { rax: 0x3n }, 0x2,
    { rax: 0x8000000000000000n }, 0x1],
  ["rcr al, 1", "d0 d8", { rax: 0x1n }, 0x3,
    { rax: 0x80n }, 0x801],
  ["rcr bl, 9 through cl", "d2 db", { rbx: 0x5an, rcx: 0x9n }, 0x2,
    { rbx: 0x5an, rcx: 0x9n }, 0x800],
  ["rcr ax, 3", "66 c1 d8 03", { rax: 0x7n }, 0x3,
    { rax: 0xe000n }, 0x1],
  ["rcr eax, 31", "c1 d8 1f", { rax: 0x80000001n }, 0x3,
    { rax: 0x7n }, 0x0],
  ["rcr rax, 1", "48 d1 d8", { rax: 0x1n }, 0x3,
    { rax: 0x8000000000000000n }, 0x801],
  ["rcr rax, 32", "48 c1 d8 20", { rax: 0x123456789abcdef0n }, 0x3,
    { rax: 0x3579bde112345678n }, 0x1],
  ["rcr rax, 63", "48 c1 d8 3f", { rax: 0xc000000000000000n }, 0x2,
    { rax: 0x1n }, 0x1],
];

// deno-fmt-ignore
const DOUBLE: Case[] = [
  ["shld eax, edx, 4", "0f a4 d0 04", { rax: 0x12345678n, rdx: 0x9abcdef0n }, 0x2,
    { rax: 0x23456789n, rdx: 0x9abcdef0n }, 0x801],
  ["shld eax, edx, 0 keeps flags and clears the upper half", "0f a4 d0 00", { rax: 0xffffffff12345678n, rdx: 0x0n }, 0x8d7,
    { rax: 0x12345678n, rdx: 0x0n }, 0x8c5],
  ["shld ax, dx, cl with 1", "66 0f a5 d0", { rax: 0x4000n, rdx: 0x8000n, rcx: 0x1n }, 0x2,
    { rax: 0x8001n, rdx: 0x8000n, rcx: 0x1n }, 0x880],
  ["shld ax, dx, 16 gives the source", "66 0f a4 d0 10", { rax: 0x1235n, rdx: 0xabcdn }, 0x2,
    { rax: 0xabcdn, rdx: 0xabcdn }, 0x881],
  ["shld ax, dx, 20 rotates the source", "66 0f a4 d0 14", { rax: 0x1235n, rdx: 0xabcdn }, 0x2,
    { rax: 0xbcdan, rdx: 0xabcdn }, 0x80],
  ["shld rax, rdx, 63", "48 0f a4 d0 3f", { rax: 0x1n, rdx: 0xfffffffffffffffen }, 0x2,
    { rax: 0xffffffffffffffffn, rdx: 0xfffffffffffffffen }, 0x884],
  ["shld rax, rdx, cl masks to 6 bits", "48 0f a5 d0", { rax: 0x123456789abcdefn, rdx: 0xfedcba9876543210n, rcx: 0x48n }, 0x2,
    { rax: 0x23456789abcdeffen, rdx: 0xfedcba9876543210n, rcx: 0x48n }, 0x801],
  ["shrd eax, edx, 8", "0f ac d0 08", { rax: 0x12345678n, rdx: 0x9abcdef0n }, 0x2,
    { rax: 0xf0123456n, rdx: 0x9abcdef0n }, 0x84],
  ["shrd eax, edx, 1 OF on sign change", "0f ac d0 01", { rax: 0x2n, rdx: 0x1n }, 0x2,
    { rax: 0x80000001n, rdx: 0x1n }, 0x880],
  ["shrd ax, dx, 15", "66 0f ac d0 0f", { rax: 0x8001n, rdx: 0x7fffn }, 0x2,
    { rax: 0xffffn, rdx: 0x7fffn }, 0x84],
  ["shrd ax, dx, 16 gives the source", "66 0f ac d0 10", { rax: 0x8001n, rdx: 0x1234n }, 0x2,
    { rax: 0x1234n, rdx: 0x1234n }, 0x1],
  ["shrd ax, dx, 25 rotates the source", "66 0f ac d0 19", { rax: 0x8001n, rdx: 0x1234n }, 0x2,
    { rax: 0x1a09n, rdx: 0x1234n }, 0x4],
  ["shrd rax, rdx, 40", "48 0f ac d0 28", { rax: 0x123456789abcdefn, rdx: 0xfedcba9876543210n }, 0x2,
    { rax: 0x9876543210012345n, rdx: 0xfedcba9876543210n }, 0x880],
  ["shrd rax, rdx, cl with 1", "48 0f ad d0", { rax: 0x1n, rdx: 0x0n, rcx: 0x1n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rcx: 0x1n }, 0x45],
];

Deno.test("SHL SHR SAR ROL ROR RCL RCR give the host's results and flags", () => {
  check(GROUP2, FLAGS);
});

Deno.test("SHLD and SHRD give the host's results and flags", () => {
  check(DOUBLE, FLAGS);
});

Deno.test("shifts of memory operands write the result back", () => {
  const data = new Uint8Array([0x01, 0x00, 0x00, 0x80, 0xf0, 0xff, 0xff, 0xff, 0x00, 0x80]);
  // shl dword [rdi], 1 ; rcr qword [rdi], cl ; sar word [rdi+8], 4
  const cpu = exec("d1 27 48 d3 1f 66 c1 7f 08 04", { rdi: BigInt(DATA), rcx: 3n }, 0x2, data);
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(hex(cpu.mem.read(DATA, 10)), "00000000feffffbf00f8");
});

Deno.test("a count of zero leaves memory and flags alone", () => {
  const data = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
  // shl dword [rdi], cl with cl = 32 (masked to 0); shrd [rdi], eax, 0
  const cpu = exec(
    "d3 27 0f ac 07 00",
    { rdi: BigInt(DATA), rcx: 32n, rax: 0xffffffffn },
    0x8d7,
    data,
  );
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(hex(cpu.mem.read(DATA, 4)), "12345678");
  assert.equal(getRflags(cpu) & 0x8d5, 0x8d5);
});
