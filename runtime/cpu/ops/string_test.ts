// String instructions on hand-assembled code: REP counts, DF, overlap, faults part-way (the
// registers must describe the remaining work), segment overrides and 32-bit addressing.
import assert from "node:assert/strict";
import { Memory } from "../../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../memory/vma.ts";
import { getRflags, setRflags } from "../flags.ts";
import { SIGTRAP } from "../insn.ts";
import { CodeCache, run } from "../run.ts";
import { Cpu } from "../state.ts";

const CODE = 0x400000, DATA = 0x10000000, PAGES = 4;
const REGS = { rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7 } as const;
type Regs = Partial<Record<keyof typeof REGS, bigint | number>>;

/**
 * Runs the hex bytes, then int3. DATA holds PAGES read-write pages filled with `fill(offset)`;
 * the pages around them are unmapped.
 */
function exec(
  hex: string,
  regs: Regs,
  options: { flags?: number; fill?: (k: number) => number; setup?: (cpu: Cpu) => void } = {},
): Cpu {
  const mem = new Memory(1 << 22);
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  mem.poke(CODE, Uint8Array.from([...hex.split(" ").map((b) => parseInt(b, 16)), 0xcc]));
  mem.map(DATA, PAGES * 4096, PROT_READ | PROT_WRITE);
  const fill = options.fill ?? ((k) => k & 0xff);
  mem.poke(DATA, new Uint8Array(PAGES * 4096).map((_, k) => fill(k)));
  const cpu = new Cpu(mem);
  for (const [name, v] of Object.entries(regs)) cpu.setRegBig(REGS[name as keyof Regs], BigInt(v));
  setRflags(cpu, options.flags ?? 0x2);
  options.setup?.(cpu);
  cpu.rip = CODE;
  run(cpu, new CodeCache(cpu), 100);
  return cpu;
}

function reg(cpu: Cpu, name: keyof Regs): bigint {
  return BigInt.asUintN(64, cpu.regBig(REGS[name]));
}

function bytes(cpu: Cpu, offset: number, length: number): number[] {
  return [...cpu.mem.read(DATA + offset, length)];
}

const DF = 0x400;

Deno.test("REP MOVSB with rcx = 0 changes nothing", () => {
  const cpu = exec("f3 a4", { rcx: 0, rsi: DATA, rdi: DATA + 100 }, { flags: 0x8d7 });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 100));
  assert.deepEqual(bytes(cpu, 100, 4), [100, 101, 102, 103]);
  assert.equal(getRflags(cpu) & 0x8d5, 0x8d5);
});

Deno.test("MOVS, STOS and LODS without REP move one element and step by its size", () => {
  // movsw; stosd; lodsq
  const cpu = exec("66 a5 ab 48 ad", { rsi: DATA, rdi: DATA + 0x100, rax: 0xaabbccddn, rcx: 9 });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.deepEqual(bytes(cpu, 0x100, 6), [0, 1, 0xdd, 0xcc, 0xbb, 0xaa]);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 10));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 0x106));
  assert.equal(reg(cpu, "rax"), 0x0908070605040302n);
  assert.equal(reg(cpu, "rcx"), 9n);
});

Deno.test("REP MOVSQ copies across pages and leaves the registers past the end", () => {
  const n = 1000; // 8000 bytes: three source pages, three destination pages
  const cpu = exec("f3 48 a5", { rcx: n, rsi: DATA + 4, rdi: DATA + 8192 + 12 });
  assert.equal(cpu.faultSignal, SIGTRAP);
  const got = cpu.mem.read(DATA + 8192 + 12, 8 * n);
  assert.ok(got.every((b, k) => b === ((k + 4) & 0xff)));
  assert.equal(reg(cpu, "rcx"), 0n);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 4 + 8 * n));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 8192 + 12 + 8 * n));
});

Deno.test("REP MOVSB forward onto an overlapping destination repeats the pattern", () => {
  // rdi = rsi + 3: each byte copied is one written three bytes earlier
  const cpu = exec("f3 a4", { rcx: 5000, rsi: DATA + 10, rdi: DATA + 13 });
  const got = bytes(cpu, 10, 5003);
  assert.ok(got.every((b, k) => b === 10 + (k % 3)));
});

Deno.test("STD; REP MOVSB copies backward, as musl's memmove does for overlap", () => {
  // memmove(DATA + 1, DATA, 6000): rsi, rdi at the last byte
  const cpu = exec("f3 a4", { rcx: 6000, rsi: DATA + 5999, rdi: DATA + 6000 }, { flags: 0x2 | DF });
  assert.equal(cpu.faultSignal, SIGTRAP);
  const got = bytes(cpu, 0, 6001);
  assert.equal(got[0], 0);
  assert.ok(got.slice(1).every((b, k) => b === (k & 0xff)));
  assert.equal(reg(cpu, "rsi"), BigInt(DATA - 1));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA));
});

Deno.test("STD; REP MOVSD onto an overlapping lower destination copies element by element", () => {
  // Each element is read after the one above it was written: not what memmove would give.
  const cpu = exec("f3 a5", { rcx: 3, rsi: DATA + 16, rdi: DATA + 14 }, { flags: 0x2 | DF });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.deepEqual(bytes(cpu, 6, 14), [8, 9, 12, 13, 12, 13, 16, 17, 16, 17, 18, 19, 18, 19]);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 4));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 2));
});

Deno.test("REP STOSB, STOSW, STOSD, STOSQ fill with the accumulator", () => {
  for (const [prefix, size] of [["", 1], ["66", 2], ["", 4], ["48", 8]] as const) {
    const op = size === 1 ? "aa" : "ab";
    const code = `f3 ${prefix} ${op}`.replace("  ", " ");
    const cpu = exec(code, { rcx: 1500, rdi: DATA + 5, rax: 0x1122334455667788n });
    assert.equal(cpu.faultSignal, SIGTRAP, code);
    const got = bytes(cpu, 5, 1500 * size);
    const want = [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11];
    assert.ok(got.every((b, k) => b === want[k % size]), code);
    assert.equal(bytes(cpu, 5 + 1500 * size, 1)[0], (5 + 1500 * size) & 0xff, code);
    assert.equal(reg(cpu, "rdi"), BigInt(DATA + 5 + 1500 * size), code);
  }
});

Deno.test("STD; REP STOSD fills downward", () => {
  const cpu = exec("f3 ab", { rcx: 1500, rdi: DATA + 8000, rax: 0xdeadbeefn }, { flags: 0x2 | DF });
  assert.equal(cpu.faultSignal, SIGTRAP);
  const first = 8000 - 4 * 1499;
  assert.equal(cpu.mem.read32(DATA + first) >>> 0, 0xdeadbeef);
  assert.equal(cpu.mem.read32(DATA + 8000) >>> 0, 0xdeadbeef);
  assert.equal(cpu.mem.read8(DATA + first - 1), (first - 1) & 0xff);
  assert.equal(cpu.mem.read8(DATA + 8004), 8004 & 0xff);
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + first - 4));
});

Deno.test("a fault part-way through REP MOVSB leaves rcx, rsi and rdi at the remaining work", () => {
  // Destination runs off the end of the mapping after 100 bytes.
  const end = PAGES * 4096;
  const cpu = exec("90 f3 a4", { rcx: 0x100000005n, rsi: DATA, rdi: DATA + end - 100 });
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.faultAddr, DATA + end);
  assert.equal(cpu.rip, CODE + 1);
  assert.equal(reg(cpu, "rcx"), 0x100000005n - 100n);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 100));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + end));
  assert.deepEqual(bytes(cpu, end - 100, 3), [0, 1, 2]);
});

Deno.test("a fault on the source of REP MOVSQ stops before the element that faults", () => {
  // Source starts 16 bytes below the mapping: the first element already faults.
  let cpu = exec("f3 48 a5", { rcx: 10, rsi: DATA - 16, rdi: DATA + 64 });
  assert.equal(cpu.faultSignal, 11);
  assert.equal(reg(cpu, "rcx"), 10n);
  // Walking down with DF=1 from the second element of the mapping: two elements, then a fault.
  cpu = exec("f3 48 a5", { rcx: 10, rsi: DATA + 8, rdi: DATA + 512 }, { flags: 0x2 | DF });
  assert.equal(cpu.faultSignal, 11);
  assert.equal(cpu.faultAddr, DATA - 8);
  assert.equal(reg(cpu, "rcx"), 8n);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA - 8));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 496));
});

Deno.test("REP STOSQ does not write an element that straddles into an unmapped page", () => {
  const end = PAGES * 4096;
  const cpu = exec("f3 48 ab", { rcx: 4, rdi: DATA + end - 20, rax: -1n });
  assert.equal(cpu.faultSignal, 11);
  assert.equal(reg(cpu, "rcx"), 2n); // two whole elements written, the third straddles
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + end - 4));
  assert.deepEqual(bytes(cpu, end - 4, 4), [0xfc, 0xfd, 0xfe, 0xff]);
});

Deno.test("REPE CMPSB stops after the first difference with its flags", () => {
  const fill = (
    k: number,
  ) => (k === 0x1000 + 37 ? 0x80 : k < 0x1000 ? k & 0xff : (k - 0x1000) & 0xff);
  const cpu = exec("f3 a6", { rcx: 100, rsi: DATA, rdi: DATA + 0x1000 }, { fill });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(reg(cpu, "rcx"), 100n - 38n);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 38));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 0x1000 + 38));
  // CMP 37, 0x80: not equal, a borrow, and 37 - (-128) overflows: ZF=0 CF=1 SF=1 OF=1
  assert.equal(getRflags(cpu) & 0x8c1, 0x881);
});

Deno.test("REPE CMPSQ over equal data runs out the count with ZF set", () => {
  const cpu = exec("f3 48 a7", { rcx: 600, rsi: DATA, rdi: DATA }, {});
  assert.equal(reg(cpu, "rcx"), 0n);
  assert.equal(getRflags(cpu) & 0x40, 0x40);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 4800));
});

Deno.test("REPNE SCASB finds a byte the way strlen does", () => {
  const fill = (k: number) => (k === 300 ? 0 : 1);
  // xor eax, eax; mov rcx, -1; repne scasb
  const cpu = exec("31 c0 48 c7 c1 ff ff ff ff f2 ae", { rdi: DATA }, { fill });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 301));
  assert.equal(~BigInt.asIntN(64, reg(cpu, "rcx")) - 1n, 300n); // strlen = ~rcx - 1
  assert.equal(getRflags(cpu) & 0x40, 0x40);
});

Deno.test("SCASD and REPE SCASW compare with the accumulator", () => {
  const fill = (k: number) => (k < 64 ? [0x34, 0x12][k & 1] : 0);
  let cpu = exec("f3 66 af", { rcx: 100, rdi: DATA, rax: 0x1234 }, { fill });
  assert.equal(reg(cpu, "rcx"), 100n - 33n);
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 66));
  cpu = exec("af", { rdi: DATA + 64, rax: 0xffffffff00000000n }, { fill });
  assert.equal(getRflags(cpu) & 0x40, 0x40); // compares eax only
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 68));
});

Deno.test("LODSD zero-extends rax; REP LODSB leaves the last byte", () => {
  let cpu = exec("ad", { rsi: DATA + 4, rax: -1n });
  assert.equal(reg(cpu, "rax"), 0x07060504n);
  cpu = exec("f3 ac", { rsi: DATA, rcx: 10, rax: 0x1111n });
  assert.equal(reg(cpu, "rax"), 0x1109n);
  assert.equal(reg(cpu, "rcx"), 0n);
});

Deno.test("an FS override applies to the source only", () => {
  // fs rep movsb with fsBase = DATA + 0x100
  const cpu = exec("64 f3 a4", { rcx: 4, rsi: 0x10, rdi: DATA + 0x800 }, {
    setup: (c) => {
      c.fsBase = DATA + 0x100;
    },
  });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.deepEqual(bytes(cpu, 0x800, 4), [0x10, 0x11, 0x12, 0x13]);
  assert.equal(reg(cpu, "rsi"), 0x14n);
  // fs stosb: the destination ignores the override
  const stos = exec("64 aa", { rdi: DATA + 0x20, rax: 0x99 }, {
    setup: (c) => {
      c.fsBase = 0x1000;
    },
  });
  assert.equal(stos.mem.read8(DATA + 0x20), 0x99);
});

Deno.test("32-bit addressing uses ESI, EDI, ECX and zero-extends them", () => {
  const cpu = exec("67 f3 a4", {
    rcx: 0xffffffff00000003n,
    rsi: BigInt(DATA) | 0xabcd00000000n,
    rdi: BigInt(DATA + 0x40) | 0x1234500000000n,
  });
  assert.equal(cpu.faultSignal, SIGTRAP);
  assert.deepEqual(bytes(cpu, 0x40, 3), [0, 1, 2]);
  assert.equal(reg(cpu, "rcx"), 0n);
  assert.equal(reg(cpu, "rsi"), BigInt(DATA + 3));
  assert.equal(reg(cpu, "rdi"), BigInt(DATA + 0x43));
});
