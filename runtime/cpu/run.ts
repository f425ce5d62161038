// The execution loop and the decoded-block cache.
//
// A block is a run of decoded instructions ending at a control transfer (or after MAX_BLOCK
// instructions). Blocks are cached by start address and registered under every page their bytes
// came from; a write to such a page (Memory.onCodeWrite) drops them. Each block boundary is a
// safepoint: `run` returns there when a syscall was issued, a fault happened, the time slice is
// over, or cpu.stopRequest is set.
//
// Blocks start in the interpreter. A block executed JIT_THRESHOLD times seeds a region: it and
// the blocks it was seen to lead to (statically or by observed successors), translated together
// by jit.ts into one function that keeps control while rip stays among them. Translated code
// keeps the same safepoint contract.

import { PageFault } from "../memory/memory.ts";
import { decode, lastDecodePages } from "./decode.ts";
import { CpuException, type Insn, SIGILL, SIGSEGV, SIGTRAP } from "./insn.ts";
import { type BlockFn, translateRegion } from "./jit.ts";
import { callE, callRel, jcc, jmpRel } from "./ops/branch.ts";
import { type Cpu, STOP_FAULT, STOP_NONE, STOP_SLICE } from "./state.ts";

const MAX_BLOCK = 64;
/** Bounds of a region (blocks, instructions): V8 compiles large functions slowly (a second and
 * more for a thousand instructions), and recompiles them after each deoptimization. */
const MAX_REGION_BLOCKS = 16, MAX_REGION_INSNS = 256;
/** Executions before a block joins a region other than its own: code that has barely run would
 * compile to speculative paths that deoptimize when they first run. */
const MIN_MEMBER_HITS = 10;
/** Direct-mapped table in front of the block map (entries, a power of two). */
const TABLE_SIZE = 4096;
/** Successor addresses remembered per block for region formation. */
const MAX_EXITS = 16;

/**
 * Executions of a block before it is translated to a JS function (jit.ts). SUPERVISOR_JIT=0
 * turns translation off, SUPERVISOR_JIT=eager translates every block on first use (tests).
 * High, because V8 compiling a region costs as much as interpreting it thousands of times: at 40,
 * `python3 -c 'import json'` took 14.6 s (24 s of CPU on compiler threads), at 10000 3.5 s, while
 * the CPU benchmarks' hot loops run the same either way.
 */
const JIT_THRESHOLD = (() => {
  let mode: string | undefined;
  try {
    mode = Deno.env.get("SUPERVISOR_JIT");
  } catch { /* no env permission: default */ }
  return mode === "0" ? Infinity : mode === "eager" ? 1 : 10000;
})();

export class Block {
  valid = true;
  /** Times executed by the interpreter, and the translated function once hot. */
  hits = 0;
  fn: BlockFn | null = null;
  /** Last successor seen, to skip the cache lookup on the next pass. */
  succ: Block | null = null;
  succ2: Block | null = null;
  /** Start addresses of successors seen (at most MAX_EXITS), for region formation. */
  readonly exits: number[] = [];
  constructor(
    readonly start: number,
    readonly end: number,
    readonly insns: Insn[],
  ) {}
}

export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  private readonly byPage = new Map<number, Block[]>();
  private readonly table: (Block | null)[] = new Array(TABLE_SIZE).fill(null);
  /** Set by the kernel to report internal errors (handler bugs) instead of crashing. */
  onInternalError: (error: unknown, insn: Insn) => void = () => {};

  constructor(readonly cpu: Cpu) {
    cpu.mem.onCodeWrite = (page) => this.dropPage(page);
  }

  get(rip: number): Block {
    const slot = rip & (TABLE_SIZE - 1);
    const hit = this.table[slot];
    if (hit !== null && hit.start === rip && hit.valid) return hit;
    const b = this.blocks.get(rip) ?? this.build(rip);
    this.table[slot] = b;
    return b;
  }

  /** Translates the region seeded by hot block `seed`: the blocks reachable from it through
   * successors that have been executed, breadth first, within the region bounds. */
  compile(seed: Block): void {
    const members = [seed], seen = new Set([seed.start]);
    let insns = seed.insns.length;
    for (let q = 0; q < members.length && members.length < MAX_REGION_BLOCKS; q++) {
      for (const t of successors(members[q])) {
        if (seen.has(t)) continue;
        seen.add(t);
        const b = this.blocks.get(t);
        if (b === undefined || !b.valid || (b.hits < MIN_MEMBER_HITS && b.fn === null)) continue;
        if (insns + b.insns.length > MAX_REGION_INSNS) continue;
        insns += b.insns.length;
        members.push(b);
        if (members.length >= MAX_REGION_BLOCKS) break;
      }
    }
    const fn = translateRegion(members);
    for (const b of members) if (b.fn === null || b === seed) b.fn = fn;
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
    this.table.fill(null);
  }

  get size(): number {
    return this.blocks.size;
  }
}

/** Start addresses a block may continue at: its branch targets and fall-through, and the
 * successors seen at run time (indirect branches, returns). */
function successors(b: Block): number[] {
  const last = b.insns[b.insns.length - 1];
  const out: number[] = [];
  const f = last.exec;
  if (f === jcc) out.push(last.target, last.next);
  else if (f === jmpRel) out.push(last.target);
  else if (f === callRel) out.push(last.target, last.next);
  else if (f === callE) out.push(last.next);
  else if (!last.endsBlock) out.push(b.end);
  for (const t of b.exits) if (!out.includes(t)) out.push(t);
  return out;
}

/**
 * Runs guest code until a safepoint wants the kernel: a syscall (STOP_SYSCALL), a fault
 * (STOP_FAULT, details in cpu.fault*), cpu.stopRequest, or `budget` blocks executed (STOP_SLICE).
 */
export function run(c: Cpu, cache: CodeCache, budget: number): number {
  c.stopReason = STOP_NONE;
  let prev: Block | null = null;
  while (budget > 0) {
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
        const exits = prev.exits;
        if (exits.length < MAX_EXITS && !exits.includes(rip)) exits.push(rip);
      }
    }
    const fn: BlockFn | null = b.fn;
    if (fn !== null) {
      let ran = 0;
      try {
        ran = fn(c, budget);
      } catch (e) {
        const i = c.jitFault!;
        c.jitFault = null;
        return fault(c, cache, e, i, i.addr);
      }
      budget -= ran > 0 ? ran : 1;
      prev = null;
    } else {
      const insns = b.insns;
      const n = insns.length;
      c.rip = b.end;
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
      c.icount += n;
      budget--;
      if (++b.hits >= JIT_THRESHOLD) cache.compile(b);
      prev = b;
    }
    if (c.stopReason !== STOP_NONE) return c.stopReason;
    if (c.stopRequest) return STOP_SLICE;
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
