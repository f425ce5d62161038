// Flag producer/consumer pairs: a flag-setting instruction followed by SETcc, Jcc or CMOVcc, so
// the consumer reads flags the interpreter still holds lazily (runtime/cpu/flags.ts, including
// cond()'s fast paths after CMP/SUB) and the block translator inlines together (jit.ts). Only
// producers whose CF ZF SF OF PF are all defined are used; their undefined AF is masked.

import { enc, type Mem, RCX, RDX, sized } from "./asm.ts";
import { AF, type Form, MEM, MEM_FIXED, setLoc } from "./form.ts";
import type { Rec } from "./record.ts";
import type { Rng } from "./values.ts";

const forms: Form[] = [];
const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

interface Producer {
  name: string;
  width: number;
  code: number[];
  undef: number;
  mem?: boolean;
}

/** `op` with ModRM: r/m = rdx (or [rbx+0x10]), reg = rcx, in the given width. */
function rr(op: number, width: number, rm: number | Mem = RDX): number[] {
  const { pfx, w } = sized(width);
  return enc({ pfx, w, op: [width === 8 ? op : op + 1], reg: RCX, rm, byte: width === 8 });
}

// deno-fmt-ignore
const PRODUCERS: Producer[] = [
  { name: "cmp r/m8, r8", width: 8, code: rr(0x38, 8), undef: 0 },
  { name: "cmp r/m16, r16", width: 16, code: rr(0x38, 16), undef: 0 },
  { name: "cmp r/m32, r32", width: 32, code: rr(0x38, 32), undef: 0 },
  { name: "cmp r/m64, r64", width: 64, code: rr(0x38, 64), undef: 0 },
  { name: "cmp r/m64, r64 (mem)", width: 64, code: rr(0x38, 64, MEM), undef: 0, mem: true },
  { name: "sub r/m32, r32", width: 32, code: rr(0x28, 32), undef: 0 },
  { name: "sub r/m64, r64", width: 64, code: rr(0x28, 64), undef: 0 },
  { name: "add r/m8, r8", width: 8, code: rr(0x00, 8), undef: 0 },
  { name: "add r/m64, r64", width: 64, code: rr(0x00, 64), undef: 0 },
  { name: "adc r/m32, r32", width: 32, code: rr(0x10, 32), undef: 0 },
  { name: "sbb r/m64, r64", width: 64, code: rr(0x18, 64), undef: 0 },
  { name: "and r/m32, r32", width: 32, code: rr(0x20, 32), undef: AF },
  { name: "or r/m16, r16", width: 16, code: rr(0x08, 16), undef: AF },
  { name: "xor r/m64, r64", width: 64, code: rr(0x30, 64), undef: AF },
  { name: "test r/m64, r64", width: 64, code: rr(0x84, 64), undef: AF },
  { name: "inc r/m32", width: 32, code: [0xff, 0xc2], undef: 0 },
  { name: "dec r/m64", width: 64, code: [0x48, 0xff, 0xca], undef: 0 },
  { name: "neg r/m32", width: 32, code: [0xf7, 0xda], undef: 0 },
  { name: "shl r/m32, 1", width: 32, code: [0xd1, 0xe2], undef: AF },
  { name: "sar r/m64, 1", width: 64, code: [0x48, 0xd1, 0xfa], undef: AF },
];

/** Makes the operands equal (or one apart) now and then, so that E/BE/LE outcomes vary. */
function shape(p: Producer) {
  return (s: Rec, g: Rng): void => {
    if (!g.chance(0.3)) return;
    const b = s.gpr(RCX) + BigInt(g.below(3) - 1);
    setLoc(s, p.mem ? { mem: 0x80 } : { reg: RDX }, p.width, b);
  };
}

for (const p of PRODUCERS) {
  const fixed = p.mem ? MEM_FIXED : undefined;
  for (let cc = 0; cc < 16; cc++) {
    forms.push({
      name: `${p.name}; set${CC[cc]} r/m8`,
      family: "lazy",
      code: [...p.code, 0x0f, 0x90 + cc, 0xc0],
      width: p.width,
      fixed,
      prep: shape(p),
      undef: p.undef,
    });
  }
}
// Jcc and CMOVcc after the producers the block translator fuses or inlines.
for (const p of PRODUCERS.filter((p) => /^(cmp|sub|add|test|inc|dec|and)/.test(p.name))) {
  const fixed = p.mem ? MEM_FIXED : undefined;
  for (let cc = 0; cc < 16; cc++) {
    forms.push({
      name: `${p.name}; j${CC[cc]} rel8`,
      family: "lazy",
      code: [...p.code, 0x70 + cc, 2, 0xff, 0xc0],
      width: p.width,
      fixed,
      prep: shape(p),
      undef: p.undef,
    });
  }
}
for (const p of PRODUCERS.filter((p) => /^(cmp r\/m(32|64), |test|sub r\/m64)/.test(p.name))) {
  for (let cc = 0; cc < 16; cc++) {
    forms.push({
      name: `${p.name}; cmov${CC[cc]} r64, r/m64`,
      family: "lazy",
      code: [...p.code, 0x4c, 0x0f, 0x40 + cc, 0xc6],
      width: p.width,
      fixed: p.mem ? MEM_FIXED : undefined,
      prep: shape(p),
      undef: p.undef,
    });
  }
}

export const LAZY_FORMS: readonly Form[] = forms;
