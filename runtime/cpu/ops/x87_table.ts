// x87 opcode rows (D8-DF, and 9B FWAIT) and the 0F AE group (FXSAVE FXRSTOR LDMXCSR STMXCSR,
// fences, CLFLUSH). Each D8-DF row selects its handler at decode time from ModRM: memory forms by
// reg, register forms by reg and rm. Names follow Intel's mnemonics; aliases that the processor
// accepts (FCOM2, FXCH4, FSTP1, FFREEP...) run as their documented twins.

import type { Exec, Insn } from "../insn.ts";
import type { Row } from "../table.ts";
import { fence, fxrstor, fxsave, ldmxcsr, stmxcsr } from "./fpstate.ts";
import {
  arithMem,
  arithReg,
  fabs,
  fchs,
  fprem,
  frndint,
  fscale,
  fsqrt,
  fxtract,
  OP_ADD,
  OP_DIV,
  OP_DIVR,
  OP_MUL,
  OP_SUB,
  OP_SUBR,
} from "./x87_arith.ts";
import { fcomi, fcomMem, fcomSt, ftst, fxam } from "./x87_compare.ts";
import {
  fdecstp,
  fincstp,
  fldcw,
  fldenv,
  fnclex,
  fninit,
  fnop,
  fnsave,
  fnstcw,
  fnstenv,
  fnstswAx,
  fnstswM,
  frstor,
  fwait,
} from "./x87_control.ts";
import {
  fbld,
  fildM16,
  fildM32,
  fildM64,
  fldConstant,
  fldM32,
  fldM64,
  fldM80,
  MEM_F32,
  MEM_F64,
  MEM_I16,
  MEM_I32,
  type MemReader,
  readM16int,
  readM32fp,
  readM32int,
  readM64fp,
} from "./x87_load.ts";
import { fbstp, fistM, fstM32, fstM64, fstpM80 } from "./x87_store.ts";
import { fcmov, ffree, ffreep, fldSt, fstSt, fxch } from "./x87_move.ts";
import { f2xm1, fpatan, fyl2x, fyl2xp1 } from "./x87_transcendental.ts";
import { fcos, fptan, fsin, fsincos } from "./x87_trig.ts";

type Entry = [string, Exec] | undefined;

/** The D8/DC/DA/DE memory forms: four operations, two comparisons, with one operand type. */
function arithmeticMemory(p: string, read: MemReader, kind: number): Entry[] {
  return [
    [`${p}add`, arithMem(OP_ADD, read, kind)],
    [`${p}mul`, arithMem(OP_MUL, read, kind)],
    [`${p}com`, fcomMem(read, kind, false)],
    [`${p}comp`, fcomMem(read, kind, true)],
    [`${p}sub`, arithMem(OP_SUB, read, kind)],
    [`${p}subr`, arithMem(OP_SUBR, read, kind)],
    [`${p}div`, arithMem(OP_DIV, read, kind)],
    [`${p}divr`, arithMem(OP_DIVR, read, kind)],
  ];
}

/** One handler for all eight ST(i) of a register form. */
function all(name: string, exec: Exec): Entry[] {
  return new Array(8).fill([name, exec]);
}

/** Only ModRM.rm = `rm` is valid in this register form. */
function only(rm: number, name: string, exec: Exec): Entry[] {
  const row: Entry[] = new Array(8).fill(undefined);
  row[rm] = [name, exec];
  return row;
}

// Register forms by [reg][rm].
const NONE: Entry[] = new Array(8).fill(undefined);

// deno-fmt-ignore
const D9_REG: Entry[][] = [
  all("fld", fldSt),
  all("fxch", fxch),
  only(0, "fnop", fnop),
  all("fstp1", fstSt(true)),
  [["fchs", fchs], ["fabs", fabs], undefined, undefined, ["ftst", ftst], ["fxam", fxam],
    undefined, undefined],
  [["fld1", fldConstant], ["fldl2t", fldConstant], ["fldl2e", fldConstant],
    ["fldpi", fldConstant], ["fldlg2", fldConstant], ["fldln2", fldConstant],
    ["fldz", fldConstant], undefined],
  [["f2xm1", f2xm1], ["fyl2x", fyl2x], ["fptan", fptan], ["fpatan", fpatan],
    ["fxtract", fxtract], ["fprem1", fprem(true)], ["fdecstp", fdecstp], ["fincstp", fincstp]],
  [["fprem", fprem(false)], ["fyl2xp1", fyl2xp1], ["fsqrt", fsqrt], ["fsincos", fsincos],
    ["frndint", frndint], ["fscale", fscale], ["fsin", fsin], ["fcos", fcos]],
];

// deno-fmt-ignore
const ROWS: Record<number, { mem: Entry[]; reg: Entry[][] }> = {
  0xd8: {
    mem: arithmeticMemory("f", readM32fp, MEM_F32),
    reg: [all("fadd", arithReg(OP_ADD, false, false)), all("fmul", arithReg(OP_MUL, false, false)),
      all("fcom", fcomSt(false, 0)), all("fcomp", fcomSt(false, 1)),
      all("fsub", arithReg(OP_SUB, false, false)), all("fsubr", arithReg(OP_SUBR, false, false)),
      all("fdiv", arithReg(OP_DIV, false, false)), all("fdivr", arithReg(OP_DIVR, false, false))],
  },
  0xd9: {
    mem: [["fld", fldM32], undefined, ["fst", fstM32(false)], ["fstp", fstM32(true)],
      ["fldenv", fldenv], ["fldcw", fldcw], ["fnstenv", fnstenv], ["fnstcw", fnstcw]],
    reg: D9_REG,
  },
  0xda: {
    mem: arithmeticMemory("fi", readM32int, MEM_I32),
    reg: [all("fcmovb", fcmov), all("fcmove", fcmov), all("fcmovbe", fcmov), all("fcmovu", fcmov),
      NONE, only(1, "fucompp", fcomSt(true, 2)), NONE, NONE],
  },
  0xdb: {
    mem: [["fild", fildM32], ["fisttp", fistM(4, true, true)], ["fist", fistM(4, false, false)],
      ["fistp", fistM(4, true, false)], undefined, ["fld", fldM80], undefined,
      ["fstp", fstpM80]],
    reg: [all("fcmovnb", fcmov), all("fcmovne", fcmov), all("fcmovnbe", fcmov),
      all("fcmovnu", fcmov),
      [["feni", fnop], ["fdisi", fnop], ["fnclex", fnclex], ["fninit", fninit],
        ["fsetpm", fnop], undefined, undefined, undefined],
      all("fucomi", fcomi(true, false)), all("fcomi", fcomi(false, false)), NONE],
  },
  0xdc: {
    mem: arithmeticMemory("f", readM64fp, MEM_F64),
    reg: [all("fadd", arithReg(OP_ADD, true, false)), all("fmul", arithReg(OP_MUL, true, false)),
      all("fcom2", fcomSt(false, 0)), all("fcomp3", fcomSt(false, 1)),
      all("fsubr", arithReg(OP_SUBR, true, false)), all("fsub", arithReg(OP_SUB, true, false)),
      all("fdivr", arithReg(OP_DIVR, true, false)), all("fdiv", arithReg(OP_DIV, true, false))],
  },
  0xdd: {
    mem: [["fld", fldM64], ["fisttp", fistM(8, true, true)], ["fst", fstM64(false)],
      ["fstp", fstM64(true)], ["frstor", frstor], undefined, ["fnsave", fnsave],
      ["fnstsw", fnstswM]],
    reg: [all("ffree", ffree), all("fxch4", fxch), all("fst", fstSt(false)),
      all("fstp", fstSt(true)), all("fucom", fcomSt(true, 0)), all("fucomp", fcomSt(true, 1)),
      NONE, NONE],
  },
  0xde: {
    mem: arithmeticMemory("fi", readM16int, MEM_I16),
    reg: [all("faddp", arithReg(OP_ADD, true, true)), all("fmulp", arithReg(OP_MUL, true, true)),
      all("fcomp5", fcomSt(false, 1)), only(1, "fcompp", fcomSt(false, 2)),
      all("fsubrp", arithReg(OP_SUBR, true, true)), all("fsubp", arithReg(OP_SUB, true, true)),
      all("fdivrp", arithReg(OP_DIVR, true, true)), all("fdivp", arithReg(OP_DIV, true, true))],
  },
  0xdf: {
    mem: [["fild", fildM16], ["fisttp", fistM(2, true, true)], ["fist", fistM(2, false, false)],
      ["fistp", fistM(2, true, false)], ["fbld", fbld], ["fild", fildM64], ["fbstp", fbstp],
      ["fistp", fistM(8, true, false)]],
    reg: [all("ffreep", ffreep), all("fxch7", fxch), all("fstp8", fstSt(true)),
      all("fstp9", fstSt(true)), only(0, "fnstsw", fnstswAx), all("fucomip", fcomi(true, true)),
      all("fcomip", fcomi(false, true)), NONE],
  },
};

function selector(op: number): (i: Insn) => Exec | undefined {
  const { mem, reg } = ROWS[op];
  return (i) => {
    const r = (i.modrm >> 3) & 7;
    const entry = i.modrm >= 0xc0 ? reg[r][i.modrm & 7] : mem[r];
    if (!entry) return undefined;
    i.name = entry[0];
    return entry[1];
  };
}

export const X87_ONE: Record<number, Row> = { 0x9b: { name: "fwait", modrm: false, exec: fwait } };
for (let op = 0xd8; op <= 0xdf; op++) {
  X87_ONE[op] = { name: "x87", modrm: true, select: selector(op) };
}

/** 0F AE /7: SFENCE with a register operand, CLFLUSH with memory; both no-ops here. */
function sfenceOrClflush(i: Insn): Exec {
  if (i.rm < 0) i.name = "clflush";
  return fence;
}

/** 0F AE: FXSAVE FXRSTOR LDMXCSR STMXCSR (memory), LFENCE MFENCE SFENCE (register), CLFLUSH. */
export const GROUP_0FAE: Row = {
  name: "grp15",
  modrm: true,
  group: [
    { name: "fxsave", exec: fxsave, memOnly: true },
    { name: "fxrstor", exec: fxrstor, memOnly: true },
    { name: "ldmxcsr", exec: ldmxcsr, memOnly: true },
    { name: "stmxcsr", exec: stmxcsr, memOnly: true },
    undefined,
    { name: "lfence", exec: fence, regOnly: true },
    { name: "mfence", exec: fence, regOnly: true },
    { name: "sfence", select: sfenceOrClflush },
  ],
};
