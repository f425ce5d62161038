// Stack and control-transfer forms of the differential test: PUSH/POP in every encoding,
// PUSHF/POPF, ENTER/LEAVE, Jcc (all 16 conditions, rel8 and rel32), JMP, CALL, RET, LOOP/LOOPcc,
// JRCXZ. For these forms rsp points into the data window (offset 0xc0), so the pushed and popped
// words are compared. A branch skips a 2-byte `inc` filler when taken, so both outcomes end at
// the same address (the end of the bytes) and the filler's register tells which one happened.

import { enc, le, RBP, RCX, RDX, RSP } from "./asm.ts";
import { ARITH, DF, type Form, MEM, MEM_FIXED, MEM_OFFSET } from "./form.ts";
import { CODE_ADDR, DATA_ADDR, O_DATA, type Rec } from "./record.ts";
import type { Rng } from "./values.ts";

const forms: Form[] = [];
const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const RSP_AT = 0xc0;
const STACK: [number, bigint][] = [[RSP, BigInt(DATA_ADDR + RSP_AT)]];
const STACK_MEM: [number, bigint][] = [...STACK, ...MEM_FIXED];
const INC_EAX = [0xff, 0xc0];

function add(name: string, family: string, code: Form["code"], extra: Partial<Form> = {}): void {
  forms.push({ name, family, code, fixed: STACK, ...extra });
}

/** Writes a 64-bit word into the window. */
function poke64(s: Rec, at: number, v: bigint): void {
  s.setU64(O_DATA + at, v);
}

// ---- PUSH POP -----------------------------------------------------------------------------------

// deno-fmt-ignore
const PUSH_POP: [string, number[], [number, bigint][]?][] = [
  ["push r64 (50+r)", [0x51]], ["push r64 (REX.B 50+r: r13)", [0x41, 0x55]], ["push r16 (66 50+r)", [0x66, 0x52]],
  ["push rsp", [0x54]], ["push r/m64 (reg)", [0xff, 0xf6]], ["push r/m64 (mem)", enc({ op: [0xff], ext: 6, rm: MEM }), STACK_MEM],
  ["push r/m16 (mem)", enc({ pfx: [0x66], op: [0xff], ext: 6, rm: MEM }), STACK_MEM],
  ["pop r64 (58+r)", [0x5a]], ["pop r64 (REX.B 58+r: r14)", [0x41, 0x5e]], ["pop r16 (66 58+r)", [0x66, 0x59]],
  ["pop rsp", [0x5c]], ["pop r/m64 (reg)", [0x8f, 0xc7]], ["pop r/m64 (mem)", enc({ op: [0x8f], ext: 0, rm: MEM }), STACK_MEM],
  ["pop r/m64 (mem [rsp+8])", enc({ op: [0x8f], ext: 0, rm: { base: RSP, disp: 8 } })],
  ["pop r/m16 (mem)", enc({ pfx: [0x66], op: [0x8f], ext: 0, rm: MEM }), STACK_MEM],
];
for (const [name, code, fixed] of PUSH_POP) add(name, "stack", code, { fixed: fixed ?? STACK });
for (const [name, op, width] of [["push imm8", 0x6a, 8], ["push imm32", 0x68, 32]] as const) {
  add(name, "stack", (g) => [op, ...le(BigInt(g.u32()), width / 8)]);
}
add("push imm16 (66 68)", "stack", (g) => [0x66, 0x68, ...le(g.u32(), 2)]);

/** Random rflags images for POPF: arithmetic flags, DF, ID, and bits POPF must ignore in user
 * mode (IF, IOPL, RF, VM, VIF, VIP); never TF, NT or AC, which would disturb the harness. */
function flagsImage(g: Rng): bigint {
  let v = g.u32() &
    (ARITH | DF | 0x200 | 0x3000 | 0x10000 | 0x20000 | 0x80000 | 0x100000 | 0x200000);
  v |= 0x2;
  return BigInt(v >>> 0) | (g.chance(0.2) ? BigInt(g.u32()) << 32n : 0n);
}
add("pushf", "stack", [0x9c]);
add("pushf (66: 16-bit)", "stack", [0x66, 0x9c]);
add("popf", "stack", [0x9d], { prep: (s, g) => poke64(s, RSP_AT, flagsImage(g)) });
add("popf (66: 16-bit)", "stack", [0x66, 0x9d], {
  prep: (s, g) => poke64(s, RSP_AT, flagsImage(g)),
});
add("popf; pushf", "stack", [0x9d, 0x9c], { prep: (s, g) => poke64(s, RSP_AT, flagsImage(g)) });

// ---- ENTER LEAVE --------------------------------------------------------------------------------

// The frame size stays small: the host CPU touches the new stack top, which must be mapped.
const FRAME: [number, bigint][] = [...STACK, [RBP, BigInt(DATA_ADDR + 0xe0)]];
for (const level of [0, 1, 2, 3]) {
  add(`enter imm16, ${level}`, "stack", (g) => [0xc8, ...le(g.below(0x80), 2), level], {
    fixed: FRAME,
  });
}
add("enter imm16, imm8 (66: 16-bit)", "stack", (g) => [0x66, 0xc8, ...le(g.below(0x80), 2), 2], {
  fixed: FRAME,
});
add("leave", "stack", [0xc9], { fixed: [[RBP, BigInt(DATA_ADDR + 0xd0)]] });
add("leave (66: 16-bit)", "stack", [0x66, 0xc9], { fixed: [[RBP, BigInt(DATA_ADDR + 0xd0)]] });

// ---- Jcc JMP CALL RET LOOP JRCXZ ----------------------------------------------------------------

for (let cc = 0; cc < 16; cc++) {
  add(`j${CC[cc]} rel8`, "branch", [0x70 + cc, 2, ...INC_EAX]);
  add(`j${CC[cc]} rel32`, "branch", [0x0f, 0x80 + cc, ...le(2, 4), ...INC_EAX]);
}
add("jmp rel8", "branch", [0xeb, 2, ...INC_EAX]);
add("jmp rel32", "branch", [0xe9, ...le(2, 4), ...INC_EAX]);
add("jmp r/m64 (reg)", "branch", [0xff, 0xe1, ...INC_EAX], {
  fixed: [...STACK, [RCX, BigInt(CODE_ADDR + 4)]],
});
add("jmp r/m64 (mem)", "branch", [...enc({ op: [0xff], ext: 4, rm: MEM }), ...INC_EAX], {
  fixed: STACK_MEM,
  prep: (s) => poke64(s, MEM_OFFSET, BigInt(CODE_ADDR + 5)),
});
add("call rel32", "branch", [0xe8, ...le(2, 4), ...INC_EAX]);
add("call r/m64 (reg)", "branch", [0xff, 0xd2, ...INC_EAX], {
  fixed: [...STACK, [RDX, BigInt(CODE_ADDR + 4)]],
});
add("call r/m64 (mem)", "branch", [...enc({ op: [0xff], ext: 2, rm: MEM }), ...INC_EAX], {
  fixed: STACK_MEM,
  prep: (s) => poke64(s, MEM_OFFSET, BigInt(CODE_ADDR + 5)),
});
add("ret", "branch", [0xc3, ...INC_EAX], {
  prep: (s) => poke64(s, RSP_AT, BigInt(CODE_ADDR + 3)),
});
add("ret imm16", "branch", (g) => [0xc2, ...le(g.below(0x10000), 2), ...INC_EAX], {
  prep: (s) => poke64(s, RSP_AT, BigInt(CODE_ADDR + 5)),
});

/** rcx: often 0, 1 or 2 (the edges of LOOP and JRCXZ), sometimes with random upper bits. */
function shapeCount(s: Rec, g: Rng): void {
  const low = BigInt(g.pick([0, 0, 1, 1, 2, 3, 0xffffffff]));
  s.setGpr(RCX, g.chance(0.5) ? low : (g.u64() & ~0xffffffffn) | low);
}
// deno-fmt-ignore
const LOOPS: [string, number[]][] = [
  ["loop rel8", [0xe2]], ["loope rel8", [0xe1]], ["loopne rel8", [0xe0]], ["jrcxz rel8", [0xe3]],
  ["loop rel8 (67: ecx)", [0x67, 0xe2]], ["loope rel8 (67: ecx)", [0x67, 0xe1]], ["jecxz rel8 (67)", [0x67, 0xe3]],
];
for (const [name, op] of LOOPS) add(name, "branch", [...op, 2, ...INC_EAX], { prep: shapeCount });

// ---- misc ---------------------------------------------------------------------------------------

add("fwait", "misc", [0x9b]);
add("int imm8 (0x10: #GP)", "misc", [0xcd, 0x10]);

export const FLOW_FORMS: readonly Form[] = forms;
