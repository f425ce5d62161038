// The execution loop and the decoded-block cache.
//
// A block is a run of decoded instructions ending at a control transfer (or after MAX_BLOCK
// instructions). Blocks are cached by start address and registered under every page their bytes
// came from; a write to such a page (Memory.onCodeWrite) drops them. Each block boundary is a
// safepoint: `run` returns there when a syscall was issued, a fault happened, the time slice is
// over, or cpu.stopRequest is set. The block-translation tier (blocks compiled to JS functions)
// will hang off Block without changing this contract.

import { PageFault } from "../memory/memory.ts";
import { decode, lastDecodePages } from "./decode.ts";
import { CpuException, type Insn, SIGILL, SIGSEGV, SIGTRAP } from "./insn.ts";
import { type BlockFn, translate } from "./jit.ts";
import { type Cpu, STOP_FAULT, STOP_NONE, STOP_SLICE } from "./state.ts";

const MAX_BLOCK = 64;

/**
 * Executions of a block before it is translated to a JS function (jit.ts). SUPERVISOR_JIT=0
 * turns translation off, SUPERVISOR_JIT=eager translates every block on first use (tests).
 */
const JIT_THRESHOLD = (() => {
  let mode: string | undefined;
  try {
    mode = Deno.env.get("SUPERVISOR_JIT");
  } catch { /* no env permission: default */ }
  return mode === "0" ? Infinity : mode === "eager" ? 1 : 40;
})();

export class Block {
  valid = true;
  /** Times executed by the interpreter, and the translated function once hot. */
  hits = 0;
  fn: BlockFn | null = null;
  /** Last successor seen, to skip the cache lookup on the next pass. */
  succ: Block | null = null;
  succ2: Block | null = null;
  constructor(
    readonly start: number,
    readonly end: number,
    readonly insns: Insn[],
  ) {}
}

export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();
  /** Set by the kernel to report internal errors (handler bugs) instead of crashing. */
  onInternalError: (error: unknown, insn: Insn) => void = () => {};

  constructor(readonly cpu: Cpu) {
    cpu.mem.onCodeWrite = (page) => this.dropPage(page);
  }

  get(rip: number): Block {
    const b = this.blocks.get(rip);
    return b !== undefined ? b : this.build(rip);
  }

  private build(rip: number): Block {
    const mem = this.cpu.mem;
    const insns: Insn[] = [];
    const pages = new Set<number>();
    let at = rip;
    for (;;) {
      let i: Insn;
      try {
        i = decode(mem, at);
      } catch (e) {
        // Bytes past the first instruction that cannot be fetched end the block; a fault on
        // the first one is the guest's (delivered at that rip).
        if (insns.length === 0 || !(e instanceof PageFault)) throw e;
        break;
      }
      for (const p of lastDecodePages()) pages.add(p);
      insns.push(i);
      at = i.next;
      if (i.endsBlock || insns.length >= MAX_BLOCK) break;
    }
    const b = new Block(rip, at, insns);
    this.blocks.set(rip, b);
    for (const p of pages) {
      const list = this.byPage.get(p);
      if (list) list.push(b);
      else this.byPage.set(p, [b]);
    }
    return b;
  }

  /** Drops every block decoded from `page`. */
  dropPage(page: number): void {
    const list = this.byPage.get(page);
    if (!list) return;
    this.byPage.delete(page);
    for (const b of list) {
      b.valid = false;
      if (this.blocks.get(b.start) === b) this.blocks.delete(b.start);
    }
  }

  /** Drops everything (execve, munmap of large ranges). */
  clear(): void {
    for (const b of this.blocks.values()) b.valid = false;
    this.blocks.clear();
    this.byPage.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}

/**
 * Runs guest code until a safepoint wants the kernel: a syscall (STOP_SYSCALL), a fault
 * (STOP_FAULT, details in cpu.fault*), cpu.stopRequest, or `budget` blocks executed (STOP_SLICE).
 */
export function run(c: Cpu, cache: CodeCache, budget: number): number {
  c.stopReason = STOP_NONE;
  let prev: Block | null = null;
  while (budget-- > 0) {
    const rip = c.rip;
    let b: Block | null = null;
    if (prev !== null) {
      const s: Block | null = prev.succ;
      if (s !== null && s.start === rip && s.valid) b = s;
      else {
        const s2: Block | null = prev.succ2;
        if (s2 !== null && s2.start === rip && s2.valid) b = s2;
      }
    }
    if (b === null) {
      try {
        b = cache.get(rip);
      } catch (e) {
        return fault(c, cache, e, null, rip);
      }
      if (prev !== null) {
        prev.succ2 = prev.succ;
        prev.succ = b;
      }
    }
    const insns = b.insns;
    const n = insns.length;
    c.rip = b.end;
    const fn = b.fn;
    if (fn !== null) {
      try {
        fn(c, insns);
      } catch (e) {
        const k = c.jitIndex;
        c.icount += k;
        return fault(c, cache, e, insns[k], insns[k].addr);
      }
    } else {
      let k = 0;
      try {
        for (; k < n; k++) {
          const i = insns[k];
          i.exec(c, i);
        }
      } catch (e) {
        c.icount += k;
        return fault(c, cache, e, insns[k], insns[k].addr);
      }
      if (++b.hits >= JIT_THRESHOLD) b.fn = translate(insns);
    }
    c.icount += n;
    if (c.stopReason !== STOP_NONE) return c.stopReason;
    if (c.stopRequest) return STOP_SLICE;
    prev = b;
  }
  return STOP_SLICE;
}

function fault(c: Cpu, cache: CodeCache, e: unknown, insn: Insn | null, rip: number): number {
  if (e instanceof PageFault) {
    c.rip = rip;
    c.faultSignal = SIGSEGV;
    c.faultCode = e.code;
    c.faultAddr = e.address;
  } else if (e instanceof CpuException) {
    if (e.signal !== SIGTRAP) c.rip = rip;
    c.faultSignal = e.signal;
    c.faultCode = e.code;
    c.faultAddr = e.address ?? rip;
  } else {
    if (insn) cache.onInternalError(e, insn);
    c.rip = rip;
    c.faultSignal = SIGILL;
    c.faultCode = 2;
    c.faultAddr = rip;
    if (!insn) throw e;
  }
  return (c.stopReason = STOP_FAULT);
}
