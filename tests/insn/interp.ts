// Interpreter side of the instruction differential test: runs each record of a batch in-process
// through Memory/Cpu/CodeCache/run with the same addresses as the host harness, the instruction
// bytes followed by `ud2` as the end marker (not `syscall`, which would clobber rcx and r11), and
// writes the resulting state in the record layout. Tier "jit" translates the block (runtime/cpu/jit.ts) before running it.

import { getRflags, setRflags } from "../../runtime/cpu/flags.ts";
import { translate } from "../../runtime/cpu/jit.ts";
import { CodeCache, run } from "../../runtime/cpu/run.ts";
import { SIGILL } from "../../runtime/cpu/insn.ts";
import { Cpu, STOP_FAULT } from "../../runtime/cpu/state.ts";
import { Memory, PAGE_SIZE } from "../../runtime/memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../../runtime/memory/vma.ts";
import {
  CODE_ADDR,
  CODE_MAX,
  DATA_ADDR,
  O_DATA,
  O_FCW,
  O_FSW,
  O_FTW,
  O_GPR,
  O_LEN,
  O_MXCSR,
  O_RFLAGS,
  O_RIP,
  O_SI_ADDR,
  O_SI_CODE,
  O_X87,
  O_XMM,
  Rec,
  REC_SIZE,
  STACK_ADDR,
  WINDOW,
} from "./record.ts";

/** Signal number reported when the interpreter stopped without reaching the end marker. */
export const SIG_NO_END = 255;

export type Tier = "interp" | "jit";

/**
 * Runs `count` records of `input`; returns the output records. Internal errors (exceptions other
 * than guest faults) are noted by record index in `notes`.
 */
export function runInterpreter(
  input: Uint8Array,
  count: number,
  tier: Tier,
  notes: Map<number, string>,
): Uint8Array {
  const output = new Uint8Array(count * REC_SIZE);
  const mem = new Memory(1 << 20);
  mem.map(CODE_ADDR, PAGE_SIZE, PROT_READ | PROT_EXEC);
  mem.map(DATA_ADDR, PAGE_SIZE, PROT_READ | PROT_WRITE);
  mem.map(STACK_ADDR, PAGE_SIZE, PROT_READ | PROT_WRITE);
  const codeBuf = new Uint8Array(CODE_MAX + 16);
  const page = new Uint8Array(PAGE_SIZE);
  const inRec = new Rec(input), outRec = new Rec(output);
  for (let k = 0; k < count; k++) {
    inRec.at(k);
    outRec.at(k);
    output.set(input.subarray(k * REC_SIZE, (k + 1) * REC_SIZE), k * REC_SIZE);
    const len = inRec.u32(O_LEN);
    codeBuf.fill(0);
    codeBuf.set(inRec.code());
    codeBuf[len] = 0x0f;
    codeBuf[len + 1] = 0x0b;
    mem.poke(CODE_ADDR, codeBuf);
    page.fill(0);
    page.set(inRec.slice(O_DATA, WINDOW));
    mem.poke(DATA_ADDR, page);

    const cpu = new Cpu(mem);
    const cache = new CodeCache(cpu);
    cache.onInternalError = (e, insn) => {
      notes.set(k, `internal error in ${insn.name}: ${e instanceof Error ? e.stack : e}`);
    };
    for (let r = 0; r < 16; r++) {
      cpu.lo[r] = inRec.view.getInt32(inRec.base + O_GPR + r * 8, true);
      cpu.hi[r] = inRec.view.getInt32(inRec.base + O_GPR + r * 8 + 4, true);
    }
    setRflags(cpu, inRec.u32(O_RFLAGS));
    cpu.xmmU8.set(inRec.slice(O_XMM, 256));
    cpu.mxcsr = inRec.u32(O_MXCSR);
    // As the harness leaves it: MOVQ into every MMX register, then EMMS, then FLDCW.
    for (let r = 0; r < 8; r++) {
      cpu.x87.mant[2 * r] = inRec.u32(O_X87 + r * 10);
      cpu.x87.mant[2 * r + 1] = inRec.u32(O_X87 + r * 10 + 4);
      cpu.x87.se[r] = 0xffff;
    }
    cpu.x87.fcw = inRec.u16(O_FCW);
    cpu.rip = CODE_ADDR;

    let stop = -1;
    try {
      if (tier === "jit") {
        const block = cache.get(CODE_ADDR);
        block.fn = translate(block.insns);
      }
      stop = run(cpu, cache, 4);
    } catch (e) {
      notes.set(k, `run() threw: ${e instanceof Error ? e.stack : e}`);
    }

    outRec.slice(16, 48).fill(0);
    const end = CODE_ADDR + len;
    if (stop === STOP_FAULT && cpu.faultSignal === SIGILL && cpu.rip === end) {
      outRec.setU32(O_LEN, 0);
      outRec.setU64(O_RIP, BigInt(end));
    } else if (stop === STOP_FAULT) {
      outRec.setU32(O_LEN, cpu.faultSignal);
      outRec.setU32(O_SI_CODE, cpu.faultCode);
      outRec.setU64(O_RIP, BigInt(cpu.rip));
      outRec.setU64(O_SI_ADDR, BigInt(cpu.faultAddr));
    } else {
      outRec.setU32(O_LEN, SIG_NO_END);
      outRec.setU64(O_RIP, BigInt(cpu.rip));
    }
    for (let r = 0; r < 16; r++) {
      outRec.view.setInt32(outRec.base + O_GPR + r * 8, cpu.lo[r], true);
      outRec.view.setInt32(outRec.base + O_GPR + r * 8 + 4, cpu.hi[r], true);
    }
    outRec.setU64(O_RFLAGS, BigInt(getRflags(cpu) >>> 0));
    outRec.slice(O_XMM, 256).set(cpu.xmmU8);
    outRec.setU32(O_MXCSR, cpu.mxcsr);
    const x = cpu.x87;
    outRec.setU16(O_FCW, x.fcw);
    outRec.setU16(O_FSW, (x.fsw & ~0x3800) | ((x.top & 7) << 11));
    outRec.setU16(O_FTW, x.tags & 0xff);
    for (let r = 0; r < 8; r++) {
      outRec.setU32(O_X87 + r * 10, x.mant[2 * r]);
      outRec.setU32(O_X87 + r * 10 + 4, x.mant[2 * r + 1]);
      outRec.setU16(O_X87 + r * 10 + 8, x.se[r]);
    }
    outRec.slice(O_DATA, WINDOW).set(mem.read(DATA_ADDR, WINDOW));
  }
  return output;
}
