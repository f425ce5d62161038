// The translation tier must agree with the interpreter: random code of the forms jit.ts inlines
// (and neighbours it does not) runs through both tiers from the same state, and general and XMM
// registers, rflags, MXCSR, rip, the instruction count, faults, the data pages and the stack are
// compared. Straight blocks, loops translated as regions, time slices and self-modifying code.
import assert from "node:assert/strict";
import { Memory } from "../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import { getRflags } from "./flags.ts";
import { translate } from "./jit.ts";
import { addrFrom } from "./jit_gen.ts";
import { DATA, DOUBLES, Encoder, KINDS, rng } from "./jit_testing.ts";
import { CodeCache, run } from "./run.ts";
import { Cpu, STOP_SLICE, STOP_SYSCALL } from "./state.ts";

const CODE = 0x400000;
/** Stack tops: an ordinary one, and two just above 2^32 where pushes borrow into the high half. */
const STACKS = [0x7fff8000, 0x7fff8000, 0x100000000, 0x100000004];
/** NaNs as [low, high] dwords: quiet and signaling, both signs, with payloads (bits that must
 * survive moves exactly; JavaScript has no way to write them as a number). */
const NAN_BITS: [number, number][] = [
  [1, 0x7ff00000],
  [0, 0x7ff80000],
  [0, -0x80000],
  [0x12345678, 0x7ff4cafe],
  [-1, -1],
  [0xdeadbeef | 0, 0xfff12345 | 0],
];
const MXCSRS = [0x1f80, 0x1f80, 0x1fa0, 0x1fa0, 0x3f80, 0x5fa0, 0x7f80, 0x0f80, 0x1fc0, 0x9f80];

interface Outcome {
  stop: number;
  fault: string;
  regs: number[];
  xmm: number[];
  mxcsr: number;
  rip: number;
  flags: number;
  icount: number;
  data: Uint8Array;
  stack: Uint8Array;
}

type Tier = "interp" | "block" | "region";

/** Runs `code` from a random state drawn from `seed`; `tier` picks how it is translated. */
function execute(code: number[], seed: number, tier: Tier, budget = 10, writableCode = false) {
  const mem = new Memory(1 << 20);
  mem.map(CODE, 0x2000, PROT_READ | PROT_EXEC | (writableCode ? PROT_WRITE : 0));
  mem.poke(CODE, new Uint8Array(code));
  mem.map(DATA, 0x1000, PROT_READ | PROT_WRITE);
  mem.map(DATA + 0x1000, 0x1000, PROT_READ);
  const next = rng(seed);
  const stack = STACKS[next() % STACKS.length];
  mem.map(Math.floor(stack / 4096) * 4096 - 0x8000, 0x10000, PROT_READ | PROT_WRITE);
  const data = new Uint8Array(0x2000).map(() => next() & 0xff);
  const doubles = new DataView(data.buffer);
  for (let k = 0; k < 0x2000; k += 8) {
    if (next() % 2) doubles.setFloat64(k, DOUBLES[next() % DOUBLES.length], true);
    else if (next() % 4 === 0) {
      const [lo, hi] = NAN_BITS[next() % NAN_BITS.length];
      doubles.setInt32(k, lo, true);
      doubles.setInt32(k + 4, hi, true);
    }
  }
  mem.poke(DATA, data);
  const cpu = new Cpu(mem);
  // Values from a small pool half of the time, so that equal operands and edges are common.
  const pool = [0, 1, -1, 0x7fffffff, -0x80000000, 0x80, next() | 0];
  for (let r = 0; r < 16; r++) {
    cpu.lo[r] = next() % 2 ? pool[next() % pool.length] : next() | 0;
    cpu.hi[r] = next() % 2 ? pool[next() % pool.length] : next() | 0;
  }
  for (let x = 0; x < 16; x++) {
    for (let h = 0; h < 2; h++) {
      if (next() % 3) cpu.xmmF64[2 * x + h] = DOUBLES[next() % DOUBLES.length];
      else if (next() % 2) {
        [cpu.xmm32[4 * x + 2 * h], cpu.xmm32[4 * x + 2 * h + 1]] =
          NAN_BITS[next() % NAN_BITS.length];
      } else {
        cpu.xmm32[4 * x + 2 * h] = next() | 0;
        cpu.xmm32[4 * x + 2 * h + 1] = next() | 0;
      }
    }
  }
  cpu.mxcsr = MXCSRS[next() % MXCSRS.length];
  cpu.setReg(3, DATA);
  cpu.setReg(4, stack);
  cpu.setReg(15, 3); // loop counter
  cpu.rip = CODE;
  const cache = new CodeCache(cpu);
  if (tier === "block") {
    const b = cache.get(CODE);
    b.fn = translate(b.insns);
  } else if (tier === "region") {
    // Decode the blocks the interpreter would visit, as if each had run, and translate the
    // region seeded at the first one.
    const seen = new Set<number>();
    const visit = (at: number) => {
      if (seen.has(at) || at < CODE || at >= CODE + code.length) return;
      seen.add(at);
      const b = cache.get(at);
      b.hits = 100;
      const last = b.insns[b.insns.length - 1];
      for (const t of [last.target, last.next, b.end]) if (t) visit(t);
    };
    visit(CODE);
    cache.compile(cache.get(CODE));
  }
  let stop = run(cpu, cache, budget);
  for (let slices = 0; stop === STOP_SLICE && slices < 100; slices++) {
    stop = run(cpu, cache, budget);
  }
  return {
    stop,
    fault: stop === STOP_SYSCALL ? "" : `${cpu.faultSignal}/${cpu.faultCode}/${cpu.faultAddr}`,
    regs: [...cpu.lo, ...cpu.hi],
    xmm: [...cpu.xmm32],
    mxcsr: cpu.mxcsr,
    rip: cpu.rip,
    flags: getRflags(cpu),
    icount: cpu.icount,
    data: mem.read(DATA, 0x1000),
    stack: mem.read(stack - 0x100, 0x100),
  } satisfies Outcome;
}

const hex = (code: number[]) => code.map((b) => b.toString(16).padStart(2, "0")).join(" ");

/** Random instructions, then (half of the time) a flag setter, then a Jcc over one syscall into
 * another; the final flags are compared, so they are the last random instruction's when there
 * is no flag setter. */
function straightCode(e: Encoder, count: number): number[] {
  // Mostly one family per block, so that each template meets its own kind (flags included).
  const focus = e.next() % KINDS;
  const code: number[] = [];
  for (let k = 0; k < count; k++) {
    code.push(...e.integer(CODE + code.length, e.chance(70) ? focus : undefined));
    if (e.chance(30)) code.push(0x9c, 0x41, 0x5e); // pushf; pop r14: the flags so far
  }
  if (e.chance(50)) code.push(...e.flagSetter());
  code.push(0x70 | (e.next() % 16), 0x02, 0x0f, 0x05, 0x0f, 0x05);
  return code;
}

function compareTiers(name: string, tiers: Tier[], count: number, make: (e: Encoder) => number[]) {
  const next = rng(0x5eed + name.length);
  const e = new Encoder(next);
  let completed = 0;
  for (let n = 0; n < count; n++) {
    const code = make(e);
    const seed = next();
    const want = execute(code, seed, "interp");
    for (const tier of tiers) {
      assert.deepEqual(execute(code, seed, tier), want, `${name} ${n} (${tier}): ${hex(code)}`);
    }
    if (want.stop === STOP_SYSCALL) completed++;
  }
  // Most runs must reach the end (faults are compared too, but say less).
  assert.ok(completed > count * 0.5, `only ${completed} of ${count} runs completed`);
}

Deno.test("translated blocks and regions match the interpreter on random straight code", () => {
  compareTiers("straight", ["block", "region"], 4000, (e) => straightCode(e, 1 + e.next() % 8));
});

Deno.test("address halves are the exact 64-bit sum, and sane exactly when the double is exact", () => {
  const next = rng(0xadd);
  const L = new Int32Array(16), H = new Int32Array(16);
  const pool = [0, 1, -1, 0x7fff, 0x8000, -0x8000, -0x8001, 0x7fffffff, -0x80000000];
  const word = () => (next() % 2 ? pool[next() % pool.length] : next() | 0);
  const big = (r: number) => (BigInt(H[r]) << 32n) | BigInt(L[r] >>> 0);
  for (let n = 0; n < 20000; n++) {
    const base = next() % 3 ? 1 : -1, index = next() % 2 ? 2 : -1, scale = 1 << (next() % 4);
    const disp = next() % 4 ? (next() | 0) % 4096 : next() % 2 ? word() : next() * 32768;
    for (const r of [1, 2]) {
      L[r] = word();
      H[r] = word();
    }
    const A = addrFrom(base, index, scale, disp, "0");
    const f = new Function("L", "H", `${A.setup} return [al, ah, ${A.sane || "true"}];`);
    const [al, ah, sane] = f(L, H) as [number, number, boolean];
    let want = BigInt(disp);
    if (base >= 0) want += big(base);
    if (index >= 0) want += big(index) * BigInt(scale);
    const what = `base ${base} index ${index}*${scale} disp ${disp} L ${[...L]} H ${[...H]}`;
    assert.equal(BigInt.asIntN(32, want), BigInt(al), what);
    assert.equal(BigInt.asIntN(32, want >> 32n), BigInt(ah), what);
    if (sane) {
      // ea()'s double sum: exact, equal to the halves read as a signed 64-bit value.
      let a = disp;
      if (base >= 0) a += H[base] * 4294967296 + (L[base] >>> 0);
      if (index >= 0) a += (H[index] * 4294967296 + (L[index] >>> 0)) * scale;
      assert.equal(BigInt(a), BigInt.asIntN(64, want), what);
    }
  }
});

Deno.test("translated shifts and multiplies match the interpreter for every count and size", () => {
  const next = rng(0x5417);
  // pushf; pop r14 after each form, then a syscall: the flags are compared twice.
  const tail = [0x9c, 0x41, 0x5e, 0x0f, 0x05];
  let runs = 0;
  const check = (form: number[]) => {
    for (let v = 0; v < 6; v++) {
      const code = [...form, ...tail], seed = next();
      const want = execute(code, seed, "interp");
      assert.deepEqual(execute(code, seed, "block"), want, hex(code));
      runs++;
    }
  };
  for (const rex of [[], [0x48], [0x49]]) { // 32-bit eax, rax, r9
    for (let op = 0; op < 8; op++) {
      const modrm = 0xc0 | (op << 3) | 1; // ecx / rcx / r9
      for (let n = 0; n < 66; n++) check([...rex, 0xc1, modrm, n]);
      check([...rex, 0xd1, modrm]);
      check([...rex, 0xd3, modrm]);
    }
    check([...rex, 0x0f, 0xaf, 0xc2]); // imul eax/rax, edx/rdx
    check([...rex, 0x6b, 0xc2, 0x85]); // imul eax, edx, -123
    check([...rex, 0x69, 0xc2, 0x01, 0x00, 0x00, 0x80]); // imul eax, edx, imm32
  }
  assert.ok(runs > 3000);
});

Deno.test("translated SSE double arithmetic matches the interpreter on edge operands", () => {
  compareTiers("sse", ["block"], 2500, (e) => {
    const code: number[] = [];
    const count = 1 + e.next() % 4;
    for (let k = 0; k < count; k++) code.push(...e.sseArith());
    code.push(0x0f, 0x05);
    return code;
  });
});

Deno.test("translated regions match the interpreter on random loops", () => {
  // r15 = 3; L: body; dec r15; jnz L; tail (flag setter, Jcc over a syscall, syscall)
  compareTiers("loop", ["region"], 1200, (e) => {
    const code = [0x41, 0xbf, 3, 0, 0, 0];
    const head = code.length;
    const body = 1 + e.next() % 6;
    for (let k = 0; k < body; k++) code.push(...e.integer(CODE + code.length));
    code.push(0x49, 0xff, 0xcf); // dec r15
    const rel = head - (code.length + 2);
    if (rel < -128) return straightCode(e, 3);
    code.push(0x75, rel & 0xff);
    code.push(...straightCode(e, e.next() % 3));
    return code;
  });
});

Deno.test("translated regions give back control at the end of each time slice", () => {
  // r15 = 300; L: add rax, r15; dec r15; jnz L; syscall — with a budget of 7 blocks per run()
  const code = [
    0x41,
    0xbf,
    0x2c,
    1,
    0,
    0,
    0x4c,
    0x01,
    0xf8,
    0x49,
    0xff,
    0xcf,
    0x75,
    0xf8,
    0x0f,
    0x05,
  ];
  const want = execute(code, 1, "interp", 7);
  assert.deepEqual(execute(code, 1, "region", 7), want);
  assert.equal(want.stop, STOP_SYSCALL);
  assert.equal(want.icount, 1 + 300 * 3 + 1);
});

Deno.test("a region notices a store into its own code and leaves through the interpreter", () => {
  // L: mov byte [rip + imm - next], 2 (rewrites the imm8 of the add below); add eax, 1;
  //    dec r15; jnz L; syscall
  const code = [
    0xc6,
    0x05,
    0x02,
    0,
    0,
    0,
    2, // mov byte [rip+2], 2 -> the imm8 of the add
    0x83,
    0xc0,
    0x01, // add eax, 1
    0x49,
    0xff,
    0xcf, // dec r15
    0x75,
    0xf1, // jnz L
    0x0f,
    0x05,
  ];
  const want = execute(code, 2, "interp", 10, true);
  const got = execute(code, 2, "region", 10, true);
  assert.deepEqual(got, want);
  assert.equal(want.stop, STOP_SYSCALL);
});
