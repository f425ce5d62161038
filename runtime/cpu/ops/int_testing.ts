// Shared harness of the integer-family tests (bit, shift, atomic, muldiv): runs hand-assembled
// bytes followed by int3 on a fresh CPU and compares registers and flags with host-measured values.
import assert from "node:assert/strict";
import { Memory } from "../../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../memory/vma.ts";
import { getRflags, setRflags } from "../flags.ts";
import { SIGTRAP } from "../insn.ts";
import { CodeCache, run } from "../run.ts";
import { Cpu } from "../state.ts";

export const CODE = 0x400000, DATA = 0x10000000;
export const REGS = { rax: 0, rcx: 1, rdx: 2, rbx: 3, rsp: 4, rbp: 5, rsi: 6, rdi: 7 } as const;
export type Regs = Partial<Record<keyof typeof REGS, bigint>>;

/** Runs the hex bytes, then int3, with `regs` and `flags`; DATA holds two read-write pages. */
export function exec(hex: string, regs: Regs, flags = 0x2, data?: Uint8Array): Cpu {
  const mem = new Memory(1 << 22);
  mem.map(CODE, 0x1000, PROT_READ | PROT_EXEC);
  mem.poke(CODE, Uint8Array.from([...hex.split(" ").map((b) => parseInt(b, 16)), 0xcc]));
  mem.map(DATA, 0x2000, PROT_READ | PROT_WRITE);
  if (data) mem.poke(DATA, data);
  const cpu = new Cpu(mem);
  for (const [name, v] of Object.entries(regs)) cpu.setRegBig(REGS[name as keyof Regs], v);
  setRflags(cpu, flags);
  cpu.rip = CODE;
  run(cpu, new CodeCache(cpu), 100);
  return cpu;
}

export function reg(cpu: Cpu, name: keyof Regs): bigint {
  return BigInt.asUintN(64, cpu.regBig(REGS[name]));
}

/**
 * Runs each case and compares the registers named in its result and the flags in `mask`; a case
 * whose result is a signal name expects that signal at the instruction instead.
 */
export function check(cases: Case[], mask: number): void {
  for (const [name, hex, regs, flags, want, wantFlags] of cases) {
    const cpu = exec(hex, regs, flags);
    if (typeof want === "string") {
      assert.equal(`SIG${cpu.faultSignal}`, want, name);
      assert.equal(cpu.rip, CODE, `${name}: rip`);
      for (const [r, v] of Object.entries(regs)) {
        assert.equal(reg(cpu, r as keyof Regs), v, `${name}: ${r} unchanged`);
      }
      continue;
    }
    assert.equal(cpu.faultSignal, SIGTRAP, `${name}: stopped with signal ${cpu.faultSignal}`);
    for (const [r, v] of Object.entries(want)) {
      assert.equal(reg(cpu, r as keyof Regs).toString(16), v.toString(16), `${name}: ${r}`);
    }
    assert.equal((getRflags(cpu) & mask).toString(16), wantFlags.toString(16), `${name}: flags`);
  }
}
/**
 * Name, code bytes, registers in, rflags in, registers out (or the signal raised), rflags out.
 */
export type Case = [string, string, Regs, number, Regs | string, number];
