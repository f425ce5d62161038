// x87 control instructions on hand-assembled code: environment and state images (byte layouts
// checked against a real processor), status and control words, and delayed delivery of unmasked
// exceptions as SIGFPE at the next waiting instruction.

import assert from "node:assert/strict";
import { FPE_FLTDIV, FPE_FLTINV, FPE_FLTOVF, FPE_FLTRES, FPE_FLTUND, SIGFPE } from "../insn.ts";
import { run } from "../run.ts";
import { STOP_FAULT, STOP_SYSCALL } from "../state.ts";
import { x87Machine } from "./x87_testing.ts";

const DATA = 0x10000, CODE = 0x400000;

/** ModRM (reg field r) + SIB + disp32 for the absolute address DATA + offset. */
function at(r: number, offset: number): number[] {
  const a = DATA + offset;
  return [(r << 3) | 4, 0x25, a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >>> 24];
}

const FNINIT = [0xdb, 0xe3], FNCLEX = [0xdb, 0xe2], FWAIT = [0x9b], SYSCALL = [0x0f, 0x05];
const FLD1 = [0xd9, 0xe8], FLDZ = [0xd9, 0xee], FLDPI = [0xd9, 0xeb];
const FDIVP = [0xde, 0xf9], FNSTSW_AX = [0xdf, 0xe0];
const fldcw = (o: number) => [0xd9, ...at(5, o)];
const fnstcw = (o: number) => [0xd9, ...at(7, o)];
const fnstenv = (o: number) => [0xd9, ...at(6, o)];
const fldenv = (o: number) => [0xd9, ...at(4, o)];
const fnsave = (o: number) => [0xdd, ...at(6, o)];
const frstor = (o: number) => [0xdd, ...at(4, o)];

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function runCode(code: number[], setup?: (write16: (o: number, v: number) => void) => void) {
  const m = x87Machine([...code, ...SYSCALL]);
  if (setup) setup((o, v) => m.cpu.mem.write16(DATA + o, v));
  const stop = run(m.cpu, m.cache, 1000);
  return { ...m, stop, read: (o: number, n: number) => m.cpu.mem.read(DATA + o, n) };
}

Deno.test("FNSTENV stores the 28-byte environment with reserved bits set, as the hardware does", () => {
  // fninit; fld1; fldz; fnstenv [0x100]
  const { stop, read, cpu } = runCode([...FNINIT, ...FLD1, ...FLDZ, ...fnstenv(0x100)]);
  assert.equal(stop, STOP_SYSCALL);
  const env = read(0x100, 28);
  // Hardware: 7f03ffff 0030ffff ff1fffff <fip> 0000ee01 00000000 0000ffff (FCS/FDS stored as 0).
  assert.equal(hex(env.subarray(0, 12)), "7f03ffff0030ffffff1fffff");
  assert.equal(new DataView(env.buffer).getUint32(12, true), CODE + 4); // FIP: the FLDZ
  assert.equal(hex(env.subarray(16, 28)), "0000ee01000000000000ffff");
  assert.equal(cpu.x87.fcw, 0x37f); // exceptions were masked already
});

Deno.test("FNSTENV with a 16-bit operand size stores the 14-byte layout", () => {
  const { read } = runCode([...FNINIT, ...FLD1, ...FLDZ, 0x66, ...fnstenv(0x100)]);
  assert.equal(hex(read(0x100, 4)), "7f030030");
  assert.equal(hex(read(0x104, 2)), "ff1f");
  assert.equal(hex(read(0x10a, 4)), "00000000");
});

Deno.test("FNSAVE stores environment and ST(0)..ST(7) in stack order, then reinitializes", () => {
  const { read, cpu } = runCode([...FNINIT, ...FLD1, ...FLDPI, ...FLDZ, ...fnsave(0x100)]);
  const image = read(0x100, 108);
  assert.equal(hex(image.subarray(0, 12)), "7f03ffff0028ffffff07ffff");
  assert.equal(
    hex(image.subarray(28, 58)),
    "00000000000000000000" + "35c26821a2da0fc90040" + "0000000000000080ff3f",
  );
  assert.equal(cpu.x87.tags, 0);
  assert.equal(cpu.x87.top, 0);
});

Deno.test("FRSTOR brings back what FNSAVE stored, registers and tags included", () => {
  const { cpu } = runCode([
    ...FNINIT,
    ...FLD1,
    ...FLDPI,
    ...fnsave(0x100),
    ...FLDZ,
    ...frstor(0x100),
  ]);
  assert.equal(cpu.x87.top, 6);
  assert.equal(cpu.x87.tags, 0xc0);
  assert.equal(cpu.x87.se[6], 0x4000); // pi in ST(0)
  assert.equal(cpu.x87.mant[13] >>> 0, 0xc90fdaa2);
  assert.equal(cpu.x87.se[7], 0x3fff);
});

Deno.test("FLDCW keeps only defined bits (bit 6 reads as 1)", () => {
  const { read } = runCode(
    [...fldcw(0x10), ...fnstcw(0x12), ...fldcw(0x14), ...fnstcw(0x16)],
    (w) => {
      w(0x10, 0);
      w(0x14, 0xffff);
    },
  );
  assert.equal(hex(read(0x12, 2)), "4000");
  assert.equal(hex(read(0x16, 2)), "7f1f");
});

Deno.test("an unmasked exception is delivered as SIGFPE at the next waiting instruction", () => {
  // fninit; fldcw ZE unmasked; fld1; fldz; fdivp (1/0: ZE pending); fnstsw ax (no wait); fwait
  const code = [...FNINIT, ...fldcw(0x10), ...FLD1, ...FLDZ, ...FDIVP, ...FNSTSW_AX, ...FWAIT];
  const { cpu, cache, stop } = runCode(code, (w) => w(0x10, 0x37b));
  assert.equal(stop, STOP_FAULT);
  assert.equal(cpu.faultSignal, SIGFPE);
  assert.equal(cpu.faultCode, FPE_FLTDIV);
  const fwaitAddress = CODE + code.length - 1;
  assert.equal(cpu.rip, fwaitAddress);
  assert.equal(cpu.faultAddr, fwaitAddress);
  assert.equal(cpu.lo[0] & 0xffff, 0xb084); // B, ES, ZE; TOP 6: the stopped FDIVP did not pop
  // A handler that clears the flags lets the instruction complete.
  cpu.x87.fsw &= ~0x80ff;
  assert.equal(run(cpu, cache, 100), STOP_SYSCALL);
});

Deno.test("the SIGFPE code names the unmasked exception (Linux's order IE, ZE, OE, UE/DE, PE)", () => {
  const cases: [string, number, number[], number][] = [
    ["invalid", 0x37e, [...FLD1, 0xd9, 0xe0, 0xd9, 0xfa], FPE_FLTINV], // fld1; fchs; fsqrt
    ["overflow", 0x377, [...pushPower(), 0xd8, 0xc8], FPE_FLTOVF], // 2^16000 * 2^16000
    ["underflow", 0x36f, [...FLD1, ...pushPower(), ...FDIVP, 0xd8, 0xc8], FPE_FLTUND], // (2^-16000)^2
    ["precision", 0x35f, [...FLD1, ...FLDPI, ...FDIVP], FPE_FLTRES], // 1/pi
  ];
  for (const [what, cw, ops, code] of cases) {
    const { cpu, stop } = runCode([...FNINIT, ...fldcw(0x10), ...ops, ...FWAIT], (w) => {
      w(0x10, cw);
      w(0x20, 16000);
    });
    assert.equal(stop, STOP_FAULT, what);
    assert.equal(cpu.faultSignal, SIGFPE, what);
    assert.equal(cpu.faultCode, code, what);
  }
});

/** Pushes 2^16000: fild word [DATA+0x20] (16000); fld1; fscale; fstp st(1). */
function pushPower(): number[] {
  return [0xdf, ...at(0, 0x20), ...FLD1, 0xd9, 0xfd, 0xdd, 0xd9];
}

Deno.test("FLDENV with a flag its control word unmasks raises it at the next FWAIT", () => {
  // glibc's feraiseexcept(FE_OVERFLOW): fnstenv; set OE in the image; fldenv; fwait
  const { cpu, stop } = runCode([
    ...FNINIT,
    ...fldcw(0x10),
    ...fnstenv(0x100),
    0x66,
    0x81,
    0x0c,
    0x25,
    ...le32(DATA + 0x104),
    0x08,
    0x00, // or word [DATA+0x104], 8
    ...fldenv(0x100),
    ...FWAIT,
  ], (w) => w(0x10, 0x377));
  assert.equal(stop, STOP_FAULT);
  assert.equal(cpu.faultCode, FPE_FLTOVF);
});

function le32(v: number): number[] {
  return [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24];
}

Deno.test("FNCLEX clears flags, ES and B so that nothing is delivered", () => {
  const { cpu, stop } = runCode(
    [...FNINIT, ...fldcw(0x10), ...FLD1, ...FLDZ, ...FDIVP, ...FNCLEX, ...FWAIT, ...FNSTSW_AX],
    (w) => w(0x10, 0x37b),
  );
  assert.equal(stop, STOP_SYSCALL);
  assert.equal(cpu.lo[0] & 0xffff, 0x3000);
});

Deno.test("FINCSTP and FDECSTP rotate TOP without changing tags; FNINIT empties the stack", () => {
  const { cpu } = runCode([...FNINIT, ...FLD1, 0xd9, 0xf7, 0xd9, 0xf7, 0xd9, 0xf6, ...FNSTSW_AX]);
  assert.equal((cpu.lo[0] >> 11) & 7, 0);
  assert.equal(cpu.x87.tags, 0x80);
  const again = runCode([...FLD1, ...FNINIT]);
  assert.equal(again.cpu.x87.tags, 0);
  assert.equal(again.cpu.x87.fcw, 0x37f);
});
