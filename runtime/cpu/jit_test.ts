// The block translation tier must agree with the interpreter: random blocks of the forms jit.ts
// inlines (and neighbours it does not) run through both tiers from the same state, and registers,
// rflags, rip and the data page are compared.
import assert from "node:assert/strict";
import { Memory } from "../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import { getRflags } from "./flags.ts";
import { translate } from "./jit.ts";
import { CodeCache, run } from "./run.ts";
import { Cpu, STOP_SYSCALL } from "./state.ts";

const CODE = 0x400000, DATA = 0x600000, STACK = 0x7fff8000;
const BLOCKS = 3000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

// Destination-safe registers: not rsp (4), not rbx (3, the data base).
const REGS = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/** One random instruction's bytes. */
function randomInsn(next: () => number): number[] {
  const r = () => REGS[next() % REGS.length];
  const rex = (w: boolean, reg: number, rm: number) =>
    0x40 | (w ? 8 : 0) | ((reg >> 3) << 2) | (rm >> 3);
  const modrmRR = (reg: number, rm: number) => 0xc0 | ((reg & 7) << 3) | (rm & 7);
  const w = next() % 3 !== 0;
  const a = r(), b = r();
  const disp = (next() % 16) * 8; // 0..120: a positive disp8
  // [rbx + disp8] memory operand with reg field `reg`
  const mem = (reg: number) => [0x40 | ((reg & 7) << 3) | 3, disp];
  const memRex = (wide: boolean, reg: number) => 0x40 | (wide ? 8 : 0) | ((reg >> 3) << 2);
  switch (next() % 18) {
    case 0: { // ALU r/m, r  (add or adc sbb and sub xor cmp)
      const op = [0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39][next() % 8];
      return [rex(w, b, a), op, modrmRR(b, a)];
    }
    case 1: { // ALU r, r/m with a memory source
      const op = [0x03, 0x0b, 0x23, 0x2b, 0x33, 0x3b][next() % 6];
      return [memRex(w, a), op, ...mem(a)];
    }
    case 2: { // group 1 with imm8 / imm32
      const sub = next() % 8;
      if (next() % 2) return [rex(w, 0, a), 0x83, 0xc0 | (sub << 3) | (a & 7), next() & 0xff];
      const v = next();
      return [
        rex(w, 0, a),
        0x81,
        0xc0 | (sub << 3) | (a & 7),
        v & 0xff,
        (v >> 8) & 0xff,
        (v >> 16) & 0xff,
        v >>> 24,
      ];
    }
    case 3: // inc / dec
      return [rex(w, 0, a), 0xff, (next() % 2 ? 0xc0 : 0xc8) | (a & 7)];
    case 4: // test r, r
      return [rex(w, b, a), 0x85, modrmRR(b, a)];
    case 5: // mov r, r
      return [rex(w, b, a), 0x89, modrmRR(b, a)];
    case 6: // mov r, [rbx+d]
      return [memRex(w, a), 0x8b, ...mem(a)];
    case 7: // mov [rbx+d], r
      return [memRex(w, a), 0x89, ...mem(a)];
    case 8: // lea r, [r + r*4 + d]
      return [
        0x48 | ((a >> 3) << 2) | ((b >> 3) << 1),
        0x8d,
        0x44 | ((a & 7) << 3),
        0x80 | ((b & 7) << 3) | 3,
        disp,
      ];
    case 9: // movzx r, byte [rbx+d]
      return [memRex(w, a), 0x0f, 0xb6, ...mem(a)];
    case 10: // movsxd r, r
      return [rex(true, a, b), 0x63, modrmRR(a, b)];
    case 11: // cmovcc r, r
      return [rex(w, a, b), 0x0f, 0x40 | (next() % 16), modrmRR(a, b)];
    case 12: { // mov r, imm32 / imm64
      if (w) {
        const lo = next(), hi = next();
        return [
          0x48 | (a >> 3),
          0xb8 | (a & 7),
          ...[lo, hi].flatMap((v) => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24]),
        ];
      }
      const v = next();
      return [
        0x40 | (a >> 3),
        0xb8 | (a & 7),
        v & 0xff,
        (v >> 8) & 0xff,
        (v >> 16) & 0xff,
        v >>> 24,
      ];
    }
    case 13: // push r; pop r
      return [0x40 | (a >> 3), 0x50 | (a & 7), 0x40 | (b >> 3), 0x58 | (b & 7)];
    case 14: // setcc
      return [0x40 | (a >> 3), 0x0f, 0x90 | (next() % 16), 0xc0 | (a & 7)];
    case 15: // movsx r, byte [rbx+d]
      return [memRex(w, a), 0x0f, 0xbe, ...mem(a)];
    case 16: { // ALU [rbx+d], r and group 1 [rbx+d], imm8: memory destinations
      if (next() % 2) {
        return [memRex(w, b), [0x01, 0x09, 0x21, 0x29, 0x31, 0x39][next() % 6], ...mem(b)];
      }
      return [memRex(w, 0), 0x83, 0x40 | ((next() % 8) << 3) | 3, disp, next() & 0xff];
    }
    default: // shl r, 1 (not inlined: a handler call between inlined forms)
      return [rex(w, 0, a), 0xd1, 0xe0 | (a & 7)];
  }
}

/** A random flag-setting instruction: ALU/TEST/INC/DEC on two registers or with an immediate. */
function flagSetter(next: () => number): number[] {
  const a = REGS[next() % REGS.length], b = REGS[next() % REGS.length];
  const w = next() % 2 ? 0x48 : 0x40;
  const rex = w | ((b >> 3) << 2) | (a >> 3);
  const modrm = 0xc0 | ((b & 7) << 3) | (a & 7);
  switch (next() % 4) {
    case 0:
      return [rex, [0x01, 0x09, 0x21, 0x29, 0x31, 0x39, 0x85][next() % 7], modrm];
    case 1:
      return [w | (a >> 3), 0x83, 0xf8 | (a & 7), [0, 1, 0xff, 0x7f, 0x80][next() % 5]]; // cmp a, imm8
    case 2:
      return [w | (a >> 3), 0xff, (next() % 2 ? 0xc0 : 0xc8) | (a & 7)]; // inc/dec
    default:
      return [rex, 0x39, modrm]; // cmp a, b
  }
}

interface Outcome {
  stop: number;
  fault: string;
  regs: number[];
  rip: number;
  flags: number;
  data: Uint8Array;
}

function execute(code: number[], seed: number, jit: boolean): Outcome {
  const mem = new Memory(1 << 20);
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  mem.poke(CODE, new Uint8Array(code));
  mem.map(DATA, 0x1000, PROT_READ | PROT_WRITE);
  mem.map(STACK - 0x8000, 0x10000, PROT_READ | PROT_WRITE);
  const next = rng(seed);
  mem.poke(DATA, new Uint8Array(512).map(() => next() & 0xff));
  const cpu = new Cpu(mem);
  // Values from a small pool half of the time, so that equal operands and edges are common.
  const pool = [0, 1, -1, 0x7fffffff, -0x80000000, 0x80, next() | 0];
  for (let r = 0; r < 16; r++) {
    cpu.lo[r] = next() % 2 ? pool[next() % pool.length] : next() | 0;
    cpu.hi[r] = next() % 2 ? pool[next() % pool.length] : next() | 0;
  }
  cpu.setReg(3, DATA);
  cpu.setReg(4, STACK);
  cpu.rip = CODE;
  const cache = new CodeCache(cpu);
  if (jit) {
    const b = cache.get(CODE);
    b.fn = translate(b.insns);
  }
  const stop = run(cpu, cache, 10);
  return {
    stop,
    fault: stop === STOP_SYSCALL ? "" : `${cpu.faultSignal}/${cpu.faultCode}/${cpu.faultAddr}`,
    regs: [...cpu.lo, ...cpu.hi],
    rip: cpu.rip,
    flags: getRflags(cpu),
    data: mem.read(DATA, 512),
  };
}

Deno.test("translated blocks match the interpreter on 3000 random blocks", () => {
  const next = rng(0x5eed);
  let compared = 0, completed = 0;
  const faults = new Map<string, number>();
  for (let n = 0; n < BLOCKS; n++) {
    const code: number[] = [];
    const count = 1 + (next() % 12);
    for (let k = 0; k < count; k++) code.push(...randomInsn(next));
    // Then a flag-setting instruction, and a conditional branch over one syscall into another,
    // so that rip shows the condition as derived right after it.
    code.push(...flagSetter(next));
    code.push(0x70 | (next() % 16), 0x02, 0x0f, 0x05, 0x0f, 0x05);
    const seed = next();
    const want = execute(code, seed, false), got = execute(code, seed, true);
    const hex = code.map((b) => b.toString(16).padStart(2, "0")).join(" ");
    assert.deepEqual(got, want, `block ${n} differs: ${hex}`);
    compared++;
    if (want.stop === STOP_SYSCALL) completed++;
    else if (Deno.env.get("JIT_TEST_DEBUG")) console.log(want.fault, hex);
    if (want.stop !== STOP_SYSCALL) {
      faults.set(want.fault.split("/")[0], (faults.get(want.fault.split("/")[0]) ?? 0) + 1);
    }
  }
  assert.equal(compared, BLOCKS);
  // Most blocks must run to the end (faults are compared too, but say less).
  assert.ok(completed > BLOCKS * 0.8, `only ${completed} blocks completed; faults ${[...faults]}`);
});
