// Multiply and divide on hand-assembled code. Expected values come from running the same bytes on
// the x86-64 host (AMD EPYC). MUL/IMUL compare CF and OF only (SF ZF AF PF are undefined and differ,
// see muldiv.ts); DIV/IDIV compare all six flags, which match the host.
import assert from "node:assert/strict";
import { SIGTRAP } from "../insn.ts";
import { type Case, check, CODE, DATA, exec, reg } from "./int_testing.ts";

// deno-fmt-ignore
const MULTIPLY: Case[] = [
  ["mul bl: 0xff * 0xff sets CF and OF", "f6 e3", { rax: 0x12345678abcd00ffn, rbx: 0xffn }, 0x2,
    { rax: 0x12345678abcdfe01n, rdx: 0x0n, rbx: 0xffn }, 0x801],
  ["mul bl: a product below 256 clears CF and OF", "f6 e3", { rax: 0xfn, rbx: 0x11n }, 0x8d7,
    { rax: 0xffn, rdx: 0x0n, rbx: 0x11n }, 0x0],
  ["mul bx writes DX:AX and keeps the upper bits", "66 f7 e3", { rax: 0x1111111111118000n, rdx: 0x2222222222222222n, rbx: 0x8001n }, 0x2,
    { rax: 0x1111111111118000n, rdx: 0x2222222222224000n, rbx: 0x8001n }, 0x801],
  ["mul ebx zero-extends EDX:EAX", "f7 e3", { rax: 0xaaaaaaaaffffffffn, rdx: 0xbbbbbbbb00000000n, rbx: 0xffffffffn }, 0x2,
    { rax: 0x1n, rdx: 0xfffffffen, rbx: 0xffffffffn }, 0x801],
  ["mul ebx with a 32-bit product", "f7 e3", { rax: 0x10000n, rdx: 0x1234n, rbx: 0xffffn }, 0x8d7,
    { rax: 0xffff0000n, rdx: 0x0n, rbx: 0xffffn }, 0x0],
  ["mul rbx: (2^64 - 1)^2", "48 f7 e3", { rax: 0xffffffffffffffffn, rbx: 0xffffffffffffffffn }, 0x2,
    { rax: 0x1n, rdx: 0xfffffffffffffffen, rbx: 0xffffffffffffffffn }, 0x801],
  ["mul rbx: 2^32 * 2^32 carries into rdx", "48 f7 e3", { rax: 0x100000000n, rbx: 0x100000000n }, 0x2,
    { rax: 0x0n, rdx: 0x1n, rbx: 0x100000000n }, 0x801],
  ["mul rbx: 64-bit product of 32-bit values", "48 f7 e3", { rax: 0xfedcba98n, rbx: 0x89abcdefn }, 0x8d7,
    { rax: 0x890f2a50ad05ebe8n, rdx: 0x0n, rbx: 0x89abcdefn }, 0x0],
  ["mul rbx: mixed halves", "48 f7 e3", { rax: 0x123456789abcdef0n, rbx: 0xfedcba987654321n }, 0x2,
    { rax: 0x2236d88fe5618cf0n, rdx: 0x121fa00ad77d742n, rbx: 0xfedcba987654321n }, 0x801],
  ["imul bl: -1 * -1", "f6 eb", { rax: 0xffn, rbx: 0xffn }, 0x8d7,
    { rax: 0x1n, rdx: 0x0n, rbx: 0xffn }, 0x0],
  ["imul bl: -128 * -1 overflows", "f6 eb", { rax: 0x80n, rbx: 0xffn }, 0x2,
    { rax: 0x80n, rdx: 0x0n, rbx: 0xffn }, 0x801],
  ["imul bx: -2 * 3", "66 f7 eb", { rax: 0xfffen, rdx: 0x5555n, rbx: 0x3n }, 0x8d7,
    { rax: 0xfffan, rdx: 0xffffn, rbx: 0x3n }, 0x0],
  ["imul ebx: INT_MIN * -1", "f7 eb", { rax: 0x80000000n, rbx: 0xffffffffn }, 0x2,
    { rax: 0x80000000n, rdx: 0x0n, rbx: 0xffffffffn }, 0x801],
  ["imul ebx: -3 * 5 fits", "f7 eb", { rax: 0xfffffffdn, rdx: 0x99n, rbx: 0x5n }, 0x8d7,
    { rax: 0xfffffff1n, rdx: 0xffffffffn, rbx: 0x5n }, 0x0],
  ["imul rbx: INT64_MIN * -1", "48 f7 eb", { rax: 0x8000000000000000n, rbx: 0xffffffffffffffffn }, 0x2,
    { rax: 0x8000000000000000n, rdx: 0x0n, rbx: 0xffffffffffffffffn }, 0x801],
  ["imul rbx: -2^40 * 2^30 needs rdx", "48 f7 eb", { rax: 0xffffff0000000000n, rbx: 0x40000000n }, 0x8d7,
    { rax: 0x0n, rdx: 0xffffffffffffffc0n, rbx: 0x40000000n }, 0x801],
  ["imul rbx: -2^40 * 2^22 fits in 64 bits", "48 f7 eb", { rax: 0xffffff0000000000n, rbx: 0x400000n }, 0x8d7,
    { rax: 0xc000000000000000n, rdx: 0xffffffffffffffffn, rbx: 0x400000n }, 0x0],
  ["imul rbx: large negative by large positive", "48 f7 eb", { rax: 0x8123456789abcdefn, rbx: 0x7fedcba987654321n }, 0x2,
    { rax: 0x32236d88fe5618cfn, rdx: 0xc09aa828936005fcn, rbx: 0x7fedcba987654321n }, 0x801],
  ["imul bx, cx overflows 16 bits", "66 0f af d9", { rbx: 0x100n, rcx: 0x100n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x0n, rcx: 0x100n }, 0x801],
  ["imul ebx, ecx: 0x10000 * 0x10000 overflows", "0f af d9", { rbx: 0xffffffff00010000n, rcx: 0x10000n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x0n, rcx: 0x10000n }, 0x801],
  ["imul ebx, ecx: -46341 * 46341 overflows", "0f af d9", { rbx: 0xffff4aebn, rcx: 0xb505n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x7ff49d97n, rcx: 0xb505n }, 0x801],
  ["imul ebx, ecx: -46340 * 46340 fits", "0f af d9", { rbx: 0xffff4aecn, rcx: 0xb504n }, 0x8d7,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x7ff607b0n, rcx: 0xb504n }, 0x801],
  ["imul rbx, rcx: 2^32 * 2^32 overflows", "48 0f af d9", { rbx: 0x100000000n, rcx: 0x100000000n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x0n, rcx: 0x100000000n }, 0x801],
  ["imul rbx, rcx: 0xffffffff squared overflows", "48 0f af d9", { rbx: 0xffffffffn, rcx: 0xffffffffn }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0xfffffffe00000001n, rcx: 0xffffffffn }, 0x801],
  ["imul rbx, rcx: INT32_MIN squared fits", "48 0f af d9", { rbx: 0xffffffff80000000n, rcx: 0xffffffff80000000n }, 0x8d7,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x4000000000000000n, rcx: 0xffffffff80000000n }, 0x0],
  ["imul rbx, rcx: -1 * INT64_MIN overflows", "48 0f af d9", { rbx: 0xffffffffffffffffn, rcx: 0x8000000000000000n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x8000000000000000n, rcx: 0x8000000000000000n }, 0x801],
  ["imul rbx, rcx: 3 * -2^61 fits", "48 0f af d9", { rbx: 0x3n, rcx: 0xe000000000000000n }, 0x8d7,
    { rax: 0x0n, rdx: 0x0n, rbx: 0xa000000000000000n, rcx: 0xe000000000000000n }, 0x0],
  ["imul ebx, ecx, -1 (6B)", "6b d9 ff", { rcx: 0x80000000n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rcx: 0x80000000n }, 0x801],
  ["imul bx, cx, 0x7fff (69)", "66 69 d9 ff 7f", { rbx: 0x123456789n, rcx: 0x2n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rbx: 0x12345fffen, rcx: 0x2n }, 0x801],
  ["imul rbx, rcx, -0x80000000 (69)", "48 69 d9 00 00 00 80", { rcx: 0xffffffffffffffffn }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rcx: 0xffffffffffffffffn }, 0x0],
  ["imul rbx, rcx, 100 (6B)", "48 6b d9 64", { rcx: 0x200000000000000n }, 0x2,
    { rax: 0x0n, rdx: 0x0n, rcx: 0x200000000000000n }, 0x801],
];

// deno-fmt-ignore
const DIVIDE: Case[] = [
  ["div bl: AX / BL into AL, AH", "f6 f3", { rax: 0xffffffffffff03e8n, rbx: 0x7n }, 0x8d7,
    { rax: 0xffffffffffff068en, rdx: 0x0n, rbx: 0x7n }, 0x811],
  ["div bx: DX:AX / BX", "66 f7 f3", { rax: 0x1234n, rdx: 0x5n, rbx: 0x100n }, 0x2,
    { rax: 0x512n, rdx: 0x34n, rbx: 0x100n }, 0x10],
  ["div ebx: EDX:EAX / EBX zero-extends", "f7 f3", { rax: 0xaaaaaaaa12345678n, rdx: 0xbbbbbbbb00000007n, rbx: 0x10n }, 0x8d7,
    { rax: 0x71234567n, rdx: 0x8n, rbx: 0x10n }, 0x811],
  ["div ebx: quotient 0xffffffff", "f7 f3", { rax: 0xfffffffen, rdx: 0xfffffffen, rbx: 0xffffffffn }, 0x2,
    { rax: 0xffffffffn, rdx: 0xfffffffdn, rbx: 0xffffffffn }, 0x10],
  ["div rbx: dividend and divisor below 2^53", "48 f7 f3", { rax: 0xb3a73ce2ff2n, rdx: 0x0n, rbx: 0xf4243n }, 0x8d7,
    { rax: 0xbc6129n, rdx: 0xd3037n, rbx: 0xf4243n }, 0x811],
  ["div rbx: 128-bit dividend, 32-bit divisor", "48 f7 f3", { rax: 0x123456789abcdefn, rdx: 0x9n, rbx: 0xfffffff1n }, 0x2,
    { rax: 0x9012345een, rdx: 0x9abce6e1n, rbx: 0xfffffff1n }, 0x10],
  ["div rbx: 128-bit dividend, 64-bit divisor", "48 f7 f3", { rax: 0xfedcba9876543210n, rdx: 0x123456789abcdefn, rbx: 0x8000000000000001n }, 0x2,
    { rax: 0x2468acf13579bdfn, rdx: 0x7c962fc962fc9631n, rbx: 0x8000000000000001n }, 0x10],
  ["div rbx: large dividend below 2^64, 64-bit divisor", "48 f7 f3", { rax: 0xffffffffffffffffn, rdx: 0x0n, rbx: 0x100000001n }, 0x2,
    { rax: 0xffffffffn, rdx: 0x0n, rbx: 0x100000001n }, 0x10],
  ["idiv bl: -7 / 2", "f6 fb", { rax: 0xfff9n, rbx: 0x2n }, 0x2,
    { rax: 0xfffdn, rdx: 0x0n, rbx: 0x2n }, 0x10],
  ["idiv bl: 7 / -2", "f6 fb", { rax: 0x7n, rbx: 0xfen }, 0x8d7,
    { rax: 0x1fdn, rdx: 0x0n, rbx: 0xfen }, 0x811],
  ["idiv bx: -100000 / 7", "66 f7 fb", { rax: 0x7960n, rdx: 0xfffen, rbx: 0x7n }, 0x2,
    { rax: 0xc833n, rdx: 0xfffbn, rbx: 0x7n }, 0x10],
  ["idiv ebx: -7 / 2 (EDX:EAX sign-extended)", "f7 fb", { rax: 0xfffffff9n, rdx: 0xffffffffn, rbx: 0x2n }, 0x2,
    { rax: 0xfffffffdn, rdx: 0xffffffffn, rbx: 0x2n }, 0x10],
  ["idiv ebx: a dividend beyond 32 bits", "f7 fb", { rax: 0x0n, rdx: 0xffffffffn, rbx: 0xfffffffdn }, 0x2,
    { rax: 0x55555555n, rdx: 0xffffffffn, rbx: 0xfffffffdn }, 0x10],
  ["idiv ebx: a quotient beyond 32 bits overflows", "f7 fb", { rax: 0x0n, rdx: 0xfffffffen, rbx: 0xfffffffdn }, 0x2, "SIG8", 0],
  ["idiv ebx: quotient INT_MIN is allowed", "f7 fb", { rax: 0x0n, rdx: 0xffffffc0n, rbx: 0x80n }, 0x2,
    { rax: 0x80000000n, rdx: 0x0n, rbx: 0x80n }, 0x10],
  ["idiv rbx: -7 / 2", "48 f7 fb", { rax: 0xfffffffffffffff9n, rdx: 0xffffffffffffffffn, rbx: 0x2n }, 0x8d7,
    { rax: 0xfffffffffffffffdn, rdx: 0xffffffffffffffffn, rbx: 0x2n }, 0x811],
  ["idiv rbx: INT64_MIN / 1", "48 f7 fb", { rax: 0x8000000000000000n, rdx: 0xffffffffffffffffn, rbx: 0x1n }, 0x2,
    { rax: 0x8000000000000000n, rdx: 0x0n, rbx: 0x1n }, 0x10],
  ["idiv rbx: -2^64 / 2 gives INT64_MIN", "48 f7 fb", { rax: 0x0n, rdx: 0xffffffffffffffffn, rbx: 0x2n }, 0x2,
    { rax: 0x8000000000000000n, rdx: 0x0n, rbx: 0x2n }, 0x10],
  ["idiv rbx: 128-bit dividend, negative 64-bit divisor", "48 f7 fb", { rax: 0x123456789abcdefn, rdx: 0x12345n, rbx: 0xfffffffedcba9877n }, 0x2,
    { rax: 0xffff000059ff6901n, rdx: 0xe6df6678n, rbx: 0xfffffffedcba9877n }, 0x10],
  ["idiv rbx: negative 128-bit dividend, 32-bit divisor", "48 f7 fb", { rax: 0x123456789abcdefn, rdx: 0xfffffffffffedcbbn, rbx: 0x76543210n }, 0x2,
    { rax: 0xfffd89d9800060f3n, rdx: 0xffffffffa4fa48bfn, rbx: 0x76543210n }, 0x10],
  ["div bl by zero", "f6 f3", { rax: 0x10n, rbx: 0x0n }, 0x2, "SIG8", 0],
  ["div bl: AX = 0x100 / 1 overflows", "f6 f3", { rax: 0x100n, rbx: 0x1n }, 0x2, "SIG8", 0],
  ["div bx: quotient of 17 bits", "66 f7 f3", { rax: 0x0n, rdx: 0x1n, rbx: 0x1n }, 0x2, "SIG8", 0],
  ["div ebx by zero", "f7 f3", { rax: 0x1n, rdx: 0x0n, rbx: 0x0n }, 0x2, "SIG8", 0],
  ["div ebx: EDX >= EBX overflows", "f7 f3", { rax: 0x0n, rdx: 0x5n, rbx: 0x5n }, 0x2, "SIG8", 0],
  ["div rbx by zero", "48 f7 f3", { rax: 0x1n, rdx: 0x0n, rbx: 0x0n }, 0x2, "SIG8", 0],
  ["div rbx: RDX >= RBX overflows", "48 f7 f3", { rax: 0x0n, rdx: 0x10000000000n, rbx: 0x10000000000n }, 0x2, "SIG8", 0],
  ["idiv bl: -128 / -1", "f6 fb", { rax: 0xff80n, rbx: 0xffn }, 0x2, "SIG8", 0],
  ["idiv bx: -32768 / -1", "66 f7 fb", { rax: 0x8000n, rdx: 0xffffn, rbx: 0xffffn }, 0x2, "SIG8", 0],
  ["idiv ebx: INT_MIN / -1", "f7 fb", { rax: 0x80000000n, rdx: 0xffffffffn, rbx: 0xffffffffn }, 0x2, "SIG8", 0],
  ["idiv rbx: INT64_MIN / -1", "48 f7 fb", { rax: 0x8000000000000000n, rdx: 0xffffffffffffffffn, rbx: 0xffffffffffffffffn }, 0x2, "SIG8", 0],
  ["idiv rbx: 2^63 / 1 overflows", "48 f7 fb", { rax: 0x8000000000000000n, rdx: 0x0n, rbx: 0x1n }, 0x2, "SIG8", 0],
  ["idiv rbx by zero", "48 f7 fb", { rax: 0x5n, rdx: 0x0n, rbx: 0x0n }, 0x2, "SIG8", 0],
];

Deno.test("MUL and IMUL give exact products with CF = OF as the host", () => {
  check(MULTIPLY, 0x801);
});

Deno.test("DIV and IDIV give quotient and remainder, or SIGFPE with nothing written", () => {
  check(DIVIDE, 0x8d5);
});

Deno.test("division faults report SIGFPE with FPE_INTDIV at the instruction", () => {
  // nop; idiv ebx with INT_MIN / -1
  const cpu = exec("90 f7 fb", { rax: 0x80000000n, rdx: 0xffffffffn, rbx: 0xffffffffn });
  assert.equal(cpu.faultSignal, 8);
  assert.equal(cpu.faultCode, 1);
  assert.equal(cpu.rip, CODE + 1);
  assert.equal(cpu.faultAddr, CODE + 1);
});

Deno.test("MUL and DIV read a memory operand", () => {
  const data = new Uint8Array([0x10, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
  // mul qword [rdi] ; div qword [rdi+8]
  const cpu = exec(
    "48 f7 27 48 f7 77 08",
    { rdi: BigInt(DATA), rax: 0x1000000000000001n },
    0x2,
    data,
  );
  assert.equal(cpu.faultSignal, SIGTRAP);
  // 0x1000000000000001 * 16 = 0x1_0000000000000010; / 3
  assert.equal(reg(cpu, "rax"), 0x10000000000000010n / 3n);
  assert.equal(reg(cpu, "rdx"), 0x10000000000000010n % 3n);
});
