// Region translation: hot decoded blocks become one generated JS function, so V8 compiles the
// instructions together, with register numbers, displacements and immediates as constants, and
// control stays inside the function while it moves between the region's blocks.
//
// A region is a set of blocks (run.ts picks a hot block and the blocks it was seen to lead to).
// Its function is a loop over `switch (rip)` with one case per block (a block branching to its
// own start loops inside its case, without the switch); it returns to run() when
// rip leaves the region, when a block it would enter was dropped (self-modifying code), after a
// block that called a handler when that handler asked the kernel for something (stopReason,
// stopRequest), or after `budget` blocks. Every transition between blocks is a safepoint as in
// the interpreter: nothing is left half done there.
//
// Instructions are translated by the templates of jit_int.ts and jit_sse.ts (a table from handler
// to template); every other instruction, and every case a template leaves to it, calls its
// interpreter handler, so the two tiers share semantics by construction. A faulting instruction
// leaves itself in cpu.jitFault, with cpu.icount counting the instructions retired before it.

import { cond, getCF } from "./flags.ts";
import type { Exec, Insn } from "./insn.ts";
import { FLAGS, Gen } from "./jit_gen.ts";
import { INT_TEMPLATES, type Template } from "./jit_int.ts";
import { scratchF64, scratchI32, SSE_TEMPLATES } from "./jit_sse.ts";
import { aluOp } from "./ops/alu.ts";
import { imulTrunc } from "./ops/muldiv.ts";
import { shiftOp } from "./ops/shift.ts";
import { checkAligned16 } from "./ops/sse_state.ts";
import { jcc, jmpRel } from "./ops/branch.ts";
import { ea, readMem, writeMem } from "./operands.ts";
import type { Cpu } from "./state.ts";

/** Runs translated code from c.rip; returns the number of blocks executed (rip and icount
 * updated). Throws what an instruction threw, with cpu.jitFault set. */
export type BlockFn = (c: Cpu, budget: number) => number;

/** What translation needs of a block (run.ts Block). */
export interface Translatable {
  readonly start: number;
  readonly end: number;
  readonly insns: Insn[];
  readonly valid: boolean;
}

const TEMPLATES = new Map<Exec, Template>([...INT_TEMPLATES, ...SSE_TEMPLATES]);

/** Functions and objects the generated code calls, by name. */
const helpers = {
  cond,
  getCF,
  ea,
  readMem,
  writeMem,
  aluOp,
  shiftOp,
  imulTrunc,
  checkAligned16,
  SF: scratchF64,
  SI: scratchI32,
};

/**
 * The `case` of block j. Lazy-flag records of register-only instructions are held back while the
 * following instructions can neither fault nor read the flags from the Cpu, so that a record
 * overwritten by the next one is never written; anything else writes the pending record first.
 */
function blockCode(g: Gen, b: Translatable, j: number): string {
  const n = b.insns.length;
  const end = b.insns[n - 1];
  // A block branching to itself loops in place, without going through the switch.
  const self = (end.exec === jcc || end.exec === jmpRel) && end.target === b.start;
  const lines = [
    `case ${b.start}: {`,
    `j = ${j};`,
    ...(self ? ["for (;;) {"] : []),
    `if (!${g.blockRef(j)}.valid) break loop;`,
  ];
  let calls = false, ripSet = false, pending = "";
  const flush = () => {
    if (pending !== "") lines.push(pending);
    pending = "";
  };
  g.last = null;
  for (let k = 0; k < n; k++) {
    const i = b.insns[k];
    g.begin(j, k);
    const before: Gen["last"] = g.last;
    const template = TEMPLATES.get(i.exec);
    let code = template === undefined ? undefined : template(g, i);
    if (code === undefined) {
      g.last = null;
      g.safe = g.neutral = false;
      calls = true;
      // A handler at the end of the block may set rip (branches, syscall, traps).
      code = k === n - 1 ? `c.rip = ${b.end}; ${g.call()} rip = c.rip;` : g.call();
      ripSet = k === n - 1;
    } else {
      if (!g.neutral && g.last === before) g.last = null;
      if (k === n - 1) ripSet = g.setsRip;
    }
    if (code.includes(FLAGS)) {
      if (g.safe && !g.readsFlags) {
        pending = g.record; // the earlier pending record is overwritten unseen
        code = code.replace(FLAGS, "");
      } else {
        flush();
        code = code.replace(FLAGS, g.record);
      }
    } else if (!g.safe || !g.neutral || g.readsFlags) flush();
    if (!g.safe) lines.push(`k = ${k};`);
    lines.push(code);
  }
  flush();
  if (!ripSet) lines.push(`rip = ${b.end};`);
  lines.push(`n += ${n};`);
  if (calls) lines.push("if (c.stopReason !== 0 || c.stopRequest) { blocks++; break loop; }");
  if (self) {
    lines.push(`if (rip !== ${b.start}) break;`, "if (++blocks >= budget) break loop;", "}");
  }
  lines.push("break; }");
  return lines.join("\n");
}

/** Translates a region; its function may be entered at the start of any of its blocks. */
export function translateRegion(blocks: Translatable[]): BlockFn {
  const g = new Gen();
  const cases = blocks.map((b, j) => blockCode(g, b, j));
  const src = `${g.decls.join("\n")}
return function region(c, budget) {
  const L = c.lo, H = c.hi, M = c.mem, X = c.xmm32, XF = c.xmmF64;
  const RT = M.rTag, RO = M.rOff, WT = M.wTag, WO = M.wOff, DV = M.view, U8 = M.bytes;
  const RH = M.rTagHi, RL = M.rTagLo, RI = M.rOffI, WH = M.wTagHi, WL = M.wTagLo, WI = M.wOffI;
  let rip = c.rip, j = 0, k = 0, n = 0, blocks = 0;
  let a0 = 0, a1 = 0, b0 = 0, b1 = 0, r0 = 0, r1 = 0, t = 0, cf = 0, of = 0;
  try {
    loop: for (;;) {
      switch (rip) {
${cases.join("\n")}
        default: break loop;
      }
      if (++blocks >= budget) break;
    }
  } catch (e) {
    c.jitFault = B[j].insns[k];
    c.icount += n + k;
    throw e;
  }
  c.rip = rip;
  c.icount += n;
  return blocks;
};`;
  const names = Object.keys(helpers).join(", ");
  const make = new Function("B", "h", `const { ${names} } = h;\n${src}`);
  return make(blocks, helpers) as BlockFn;
}

/** Translates one block on its own (tests). */
export function translate(insns: Insn[]): BlockFn {
  const start = insns[0].addr, end = insns[insns.length - 1].next;
  return translateRegion([{ start, end, insns, valid: true }]);
}
