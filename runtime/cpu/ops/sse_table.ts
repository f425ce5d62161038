// SSE/SSE2 (and MMX) opcode rows of the 0F map, keyed by the second opcode byte; each row's `sse`
// array holds the variants for no prefix, 66, F3, F2 (an undefined variant is #UD). SSE3 and later
// (0F 38, 0F 3A, MOVDDUP, LDDQU, HADDPS...) are left out on purpose: CPUID does not report them,
// so they stay SIGILL.

import type { Exec, Insn } from "../insn.ts";
import { IMM_IB, type Row } from "../row.ts";
import {
  cmppd,
  cmpps,
  cmpsd,
  cmpss,
  comisd,
  comiss,
  maxpd,
  maxps,
  maxsd,
  maxss,
  minpd,
  minps,
  minsd,
  minss,
  ucomisd,
  ucomiss,
} from "./sse_compare.ts";
import {
  cvtdq2pd,
  cvtdq2ps,
  cvtpd2dq,
  cvtpd2pi,
  cvtpd2ps,
  cvtpi2pd,
  cvtpi2ps,
  cvtps2dq,
  cvtps2pd,
  cvtps2pi,
  cvtsd2si,
  cvtsd2ss,
  cvtsi2sd,
  cvtsi2ss,
  cvtss2sd,
  cvtss2si,
  cvttpd2dq,
  cvttpd2pi,
  cvttps2dq,
  cvttps2pi,
  cvttsd2si,
  cvttss2si,
} from "./sse_convert.ts";
import {
  addpd,
  addps,
  addsd,
  addss,
  andnps,
  andps,
  divpd,
  divps,
  divsd,
  divss,
  mulpd,
  mulps,
  mulsd,
  mulss,
  orps,
  rcpps,
  rcpss,
  rsqrtps,
  rsqrtss,
  shufpd,
  shufps,
  sqrtpd,
  sqrtps,
  sqrtsd,
  sqrtss,
  subpd,
  subps,
  subsd,
  subss,
  unpckhpd,
  unpckhps,
  unpcklpd,
  unpcklps,
  xorps,
} from "./sse_float.ts";
import { emms, pintMm, pintXmm } from "./sse_int.ts";
import {
  maskmovdqu,
  maskmovq,
  movapsLoad,
  movapsStore,
  movdFromMm,
  movdFromXmm,
  movdq2q,
  movdToMm,
  movdToXmm,
  movhlps,
  movhpsLoad,
  movhpsStore,
  movlhps,
  movlpsLoad,
  movlpsStore,
  movmskpd,
  movmskps,
  movq2dq,
  movqFromMm,
  movqLoadXmm,
  movqStoreXmm,
  movqToMm,
  movsdLoad,
  movsdStore,
  movssLoad,
  movssStore,
  movupsLoad,
  movupsStore,
  pmovmskbMm,
  pmovmskbXmm,
} from "./sse_move.ts";
import {
  pextrwMm,
  pextrwXmm,
  pinsrwMm,
  pinsrwXmm,
  pshiftBytes,
  pshiftImmMm,
  pshiftImmXmm,
  pshufd,
  pshufhw,
  pshuflw,
  pshufw,
} from "./sse_shuffle.ts";

type V = Row | undefined;

/** A variant: mnemonic, handler, extra fields. */
function v(name: string, exec: Exec, extra: Partial<Row> = {}): Row {
  return { name, exec, ...extra };
}

/** A row with variants for no prefix, 66, F3, F2. */
function sse(none: V, p66: V = undefined, f3: V = undefined, f2: V = undefined): Row {
  const name = (none ?? p66 ?? f3 ?? f2)!.name;
  return { name, modrm: true, sse: [none, p66, f3, f2] };
}

const IB = { imm: IMM_IB };
const MEM = { memOnly: true };
const REG = { regOnly: true };

/** 0F 12 and 0F 16 without prefix: MOVLPS/MOVHPS with memory, MOVHLPS/MOVLHPS with registers. */
const split = (mem: Exec, reg: Exec) => (i: Insn): Exec => (i.rm >= 0 ? reg : mem);

/** A packed-integer opcode in its MMX and SSE2 forms (the operation is the opcode byte). */
const pint = (name: string): Row => sse(v(name, pintMm), v(name, pintXmm));

/** Shift-by-imm8 groups 0F 71/72/73: sub-rows by ModRM.reg, register operand only. */
function shiftGroup(names: (string | undefined)[], bytes: boolean): Row {
  const byteShift = (r: number) => bytes && (r === 3 || r === 7);
  const mm: V[] = names.map((n, r) =>
    n === undefined || byteShift(r) ? undefined : v(n, pshiftImmMm)
  );
  const xmm: V[] = names.map((n, r) =>
    n === undefined ? undefined : v(n, byteShift(r) ? pshiftBytes : pshiftImmXmm)
  );
  return sse(
    { name: "grp", group: mm, imm: IMM_IB, regOnly: true },
    { name: "grp", group: xmm, imm: IMM_IB, regOnly: true },
  );
}

// deno-fmt-ignore
const ROWS: [number, Row][] = [
  [0x10, sse(v("movups", movupsLoad), v("movupd", movupsLoad), v("movss", movssLoad), v("movsd", movsdLoad))],
  [0x11, sse(v("movups", movupsStore), v("movupd", movupsStore), v("movss", movssStore), v("movsd", movsdStore))],
  [0x12, sse({ name: "movlps", select: split(movlpsLoad, movhlps) }, v("movlpd", movlpsLoad, MEM))],
  [0x13, sse(v("movlps", movlpsStore, MEM), v("movlpd", movlpsStore, MEM))],
  [0x14, sse(v("unpcklps", unpcklps), v("unpcklpd", unpcklpd))],
  [0x15, sse(v("unpckhps", unpckhps), v("unpckhpd", unpckhpd))],
  [0x16, sse({ name: "movhps", select: split(movhpsLoad, movlhps) }, v("movhpd", movhpsLoad, MEM))],
  [0x17, sse(v("movhps", movhpsStore, MEM), v("movhpd", movhpsStore, MEM))],
  [0x28, sse(v("movaps", movapsLoad), v("movapd", movapsLoad))],
  [0x29, sse(v("movaps", movapsStore), v("movapd", movapsStore))],
  [0x2a, sse(v("cvtpi2ps", cvtpi2ps), v("cvtpi2pd", cvtpi2pd), v("cvtsi2ss", cvtsi2ss), v("cvtsi2sd", cvtsi2sd))],
  [0x2b, sse(v("movntps", movapsStore, MEM), v("movntpd", movapsStore, MEM))],
  [0x2c, sse(v("cvttps2pi", cvttps2pi), v("cvttpd2pi", cvttpd2pi), v("cvttss2si", cvttss2si), v("cvttsd2si", cvttsd2si))],
  [0x2d, sse(v("cvtps2pi", cvtps2pi), v("cvtpd2pi", cvtpd2pi), v("cvtss2si", cvtss2si), v("cvtsd2si", cvtsd2si))],
  [0x2e, sse(v("ucomiss", ucomiss), v("ucomisd", ucomisd))],
  [0x2f, sse(v("comiss", comiss), v("comisd", comisd))],
  [0x50, sse(v("movmskps", movmskps, REG), v("movmskpd", movmskpd, REG))],
  [0x51, sse(v("sqrtps", sqrtps), v("sqrtpd", sqrtpd), v("sqrtss", sqrtss), v("sqrtsd", sqrtsd))],
  [0x52, sse(v("rsqrtps", rsqrtps), undefined, v("rsqrtss", rsqrtss))],
  [0x53, sse(v("rcpps", rcpps), undefined, v("rcpss", rcpss))],
  [0x54, sse(v("andps", andps), v("andpd", andps))],
  [0x55, sse(v("andnps", andnps), v("andnpd", andnps))],
  [0x56, sse(v("orps", orps), v("orpd", orps))],
  [0x57, sse(v("xorps", xorps), v("xorpd", xorps))],
  [0x58, sse(v("addps", addps), v("addpd", addpd), v("addss", addss), v("addsd", addsd))],
  [0x59, sse(v("mulps", mulps), v("mulpd", mulpd), v("mulss", mulss), v("mulsd", mulsd))],
  [0x5a, sse(v("cvtps2pd", cvtps2pd), v("cvtpd2ps", cvtpd2ps), v("cvtss2sd", cvtss2sd), v("cvtsd2ss", cvtsd2ss))],
  [0x5b, sse(v("cvtdq2ps", cvtdq2ps), v("cvtps2dq", cvtps2dq), v("cvttps2dq", cvttps2dq))],
  [0x5c, sse(v("subps", subps), v("subpd", subpd), v("subss", subss), v("subsd", subsd))],
  [0x5d, sse(v("minps", minps), v("minpd", minpd), v("minss", minss), v("minsd", minsd))],
  [0x5e, sse(v("divps", divps), v("divpd", divpd), v("divss", divss), v("divsd", divsd))],
  [0x5f, sse(v("maxps", maxps), v("maxpd", maxpd), v("maxss", maxss), v("maxsd", maxsd))],
  [0x60, pint("punpcklbw")],
  [0x61, pint("punpcklwd")],
  [0x62, pint("punpckldq")],
  [0x63, pint("packsswb")],
  [0x64, pint("pcmpgtb")],
  [0x65, pint("pcmpgtw")],
  [0x66, pint("pcmpgtd")],
  [0x67, pint("packuswb")],
  [0x68, pint("punpckhbw")],
  [0x69, pint("punpckhwd")],
  [0x6a, pint("punpckhdq")],
  [0x6b, pint("packssdw")],
  [0x6c, sse(undefined, v("punpcklqdq", pintXmm))],
  [0x6d, sse(undefined, v("punpckhqdq", pintXmm))],
  [0x6e, sse(v("movd", movdToMm), v("movd", movdToXmm))],
  [0x6f, sse(v("movq", movqToMm), v("movdqa", movapsLoad), v("movdqu", movupsLoad))],
  [0x70, sse(v("pshufw", pshufw, IB), v("pshufd", pshufd, IB), v("pshufhw", pshufhw, IB), v("pshuflw", pshuflw, IB))],
  [0x71, shiftGroup([undefined, undefined, "psrlw", undefined, "psraw", undefined, "psllw"], false)],
  [0x72, shiftGroup([undefined, undefined, "psrld", undefined, "psrad", undefined, "pslld"], false)],
  [0x73, shiftGroup([undefined, undefined, "psrlq", "psrldq", undefined, undefined, "psllq", "pslldq"], true)],
  [0x74, pint("pcmpeqb")],
  [0x75, pint("pcmpeqw")],
  [0x76, pint("pcmpeqd")],
  [0x77, { name: "emms", modrm: false, sse: [v("emms", emms)] }],
  [0x7e, sse(v("movd", movdFromMm), v("movd", movdFromXmm), v("movq", movqLoadXmm))],
  [0x7f, sse(v("movq", movqFromMm), v("movdqa", movapsStore), v("movdqu", movupsStore))],
  [0xc2, sse(v("cmpps", cmpps, IB), v("cmppd", cmppd, IB), v("cmpss", cmpss, IB), v("cmpsd", cmpsd, IB))],
  [0xc4, sse(v("pinsrw", pinsrwMm, IB), v("pinsrw", pinsrwXmm, IB))],
  [0xc5, sse(v("pextrw", pextrwMm, { ...IB, ...REG }), v("pextrw", pextrwXmm, { ...IB, ...REG }))],
  [0xc6, sse(v("shufps", shufps, IB), v("shufpd", shufpd, IB))],
  [0xd1, pint("psrlw")],
  [0xd2, pint("psrld")],
  [0xd3, pint("psrlq")],
  [0xd4, pint("paddq")],
  [0xd5, pint("pmullw")],
  [0xd6, sse(undefined, v("movq", movqStoreXmm), v("movq2dq", movq2dq, REG), v("movdq2q", movdq2q, REG))],
  [0xd7, sse(v("pmovmskb", pmovmskbMm, REG), v("pmovmskb", pmovmskbXmm, REG))],
  [0xd8, pint("psubusb")],
  [0xd9, pint("psubusw")],
  [0xda, pint("pminub")],
  [0xdb, pint("pand")],
  [0xdc, pint("paddusb")],
  [0xdd, pint("paddusw")],
  [0xde, pint("pmaxub")],
  [0xdf, pint("pandn")],
  [0xe0, pint("pavgb")],
  [0xe1, pint("psraw")],
  [0xe2, pint("psrad")],
  [0xe3, pint("pavgw")],
  [0xe4, pint("pmulhuw")],
  [0xe5, pint("pmulhw")],
  [0xe6, sse(undefined, v("cvttpd2dq", cvttpd2dq), v("cvtdq2pd", cvtdq2pd), v("cvtpd2dq", cvtpd2dq))],
  [0xe7, sse(v("movntq", movqFromMm, MEM), v("movntdq", movapsStore, MEM))],
  [0xe8, pint("psubsb")],
  [0xe9, pint("psubsw")],
  [0xea, pint("pminsw")],
  [0xeb, pint("por")],
  [0xec, pint("paddsb")],
  [0xed, pint("paddsw")],
  [0xee, pint("pmaxsw")],
  [0xef, pint("pxor")],
  [0xf1, pint("psllw")],
  [0xf2, pint("pslld")],
  [0xf3, pint("psllq")],
  [0xf4, pint("pmuludq")],
  [0xf5, pint("pmaddwd")],
  [0xf6, pint("psadbw")],
  [0xf7, sse(v("maskmovq", maskmovq, REG), v("maskmovdqu", maskmovdqu, REG))],
  [0xf8, pint("psubb")],
  [0xf9, pint("psubw")],
  [0xfa, pint("psubd")],
  [0xfb, pint("psubq")],
  [0xfc, pint("paddb")],
  [0xfd, pint("paddw")],
  [0xfe, pint("paddd")],
];

export const SSE_0F: Record<number, Row> = Object.fromEntries(ROWS);
export const SSE_0F38: Record<number, Row> = {};
export const SSE_0F3A: Record<number, Row> = {};
