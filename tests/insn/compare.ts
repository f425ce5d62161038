// Comparison of a host result record with an interpreter result record, field by field, and the
// text that shows a failing vector: its input and both outputs where they differ.

import { regName } from "./asm.ts";
import { AF, CF, DF, type Form, OF, PF, SF, X87_FSW, ZF } from "./form.ts";
import { SIG_NO_END } from "./interp.ts";
import {
  CODE_ADDR,
  O_DATA,
  O_FCW,
  O_FSW,
  O_FTW,
  O_LEN,
  O_MXCSR,
  O_RFLAGS,
  O_RIP,
  O_SI_ADDR,
  O_SI_CODE,
  O_X87,
  O_XMM,
  type Rec,
  REC_SIZE,
  WINDOW,
} from "./record.ts";

export interface Diff {
  /** Field name used for the per-form tallies: "signal", "rax", "rflags.CF", "xmm3", "mem"... */
  field: string;
  host: string;
  interp: string;
}

const FLAG_NAMES: [number, string][] = [
  [CF, "CF"],
  [PF, "PF"],
  [AF, "AF"],
  [ZF, "ZF"],
  [SF, "SF"],
  [OF, "OF"],
  [DF, "DF"],
];
const COMPARED_FLAGS = CF | PF | AF | ZF | SF | OF | DF;
const SIGNALS: Record<number, string> = {
  4: "SIGILL",
  5: "SIGTRAP",
  7: "SIGBUS",
  8: "SIGFPE",
  11: "SIGSEGV",
  [SIG_NO_END]: "no end marker reached",
};

const hex = (v: bigint | number, digits = 16) => v.toString(16).padStart(digits, "0");

function bytesHex(b: Uint8Array): string {
  return Array.from(b, (x) => hex(x, 2)).join("");
}

export function flagsText(v: number): string {
  return FLAG_NAMES.filter(([bit]) => v & bit).map(([, n]) => n).join(" ") || "-";
}

function signalText(r: Rec): string {
  const sig = r.u32(O_LEN);
  const rip = Number(r.u64(O_RIP)) - CODE_ADDR;
  if (sig === 0) return "none";
  const name = SIGNALS[sig] ?? `signal ${sig}`;
  return `${name} code ${r.u32(O_SI_CODE)} addr 0x${r.u64(O_SI_ADDR).toString(16)} at +${rip}`;
}

/** Lanes that must agree within RCP/RSQRT's error bound (relative 1.5 * 2^-12 each way). */
function approxEqual(h: Uint8Array, i: Uint8Array, lanes: number): boolean {
  const hv = new DataView(h.buffer, h.byteOffset, 16),
    iv = new DataView(i.buffer, i.byteOffset, 16);
  for (let l = 0; l < 4; l++) {
    const a = hv.getUint32(l * 4, true), b = iv.getUint32(l * 4, true);
    if (a === b) continue;
    if (l >= lanes) return false;
    const x = hv.getFloat32(l * 4, true), y = iv.getFloat32(l * 4, true);
    if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) return false;
    if (Math.abs(x - y) > Math.abs(x) * 2 ** -10.9) return false;
  }
  return true;
}

/** Records identical but for rflags and the x87 status word, which then agree under the masks:
 * the common case, checked on 32-bit words without building any diff. */
function identical(form: Form, undef: number, host: Rec, interp: Rec): boolean {
  const h = host.view, i = interp.view, hb = host.base, ib = interp.base;
  for (let o = 0; o < REC_SIZE; o += 4) {
    if (o === O_FCW || o === O_RFLAGS || o === O_RFLAGS + 4) continue;
    if (h.getInt32(hb + o, true) !== i.getInt32(ib + o, true)) return false;
  }
  if (h.getUint16(hb + O_FCW, true) !== i.getUint16(ib + O_FCW, true)) return false;
  const fsw = h.getUint16(hb + O_FSW, true) ^ i.getUint16(ib + O_FSW, true);
  if (fsw & (form.fswMask ?? X87_FSW)) return false;
  const flags = h.getUint32(hb + O_RFLAGS, true) ^ i.getUint32(ib + O_RFLAGS, true);
  return (flags & COMPARED_FLAGS & ~undef) === 0;
}

/** Every difference between the host and interpreter results of one vector. */
export function compare(form: Form, undef: number, host: Rec, interp: Rec): Diff[] {
  if (identical(form, undef, host, interp)) return [];
  const diffs: Diff[] = [];
  const hs = host.u32(O_LEN), is = interp.u32(O_LEN);
  if (hs !== is) return [{ field: "signal", host: signalText(host), interp: signalText(interp) }];
  if (
    hs !== 0 &&
    (host.u32(O_SI_CODE) !== interp.u32(O_SI_CODE) || host.u64(O_RIP) !== interp.u64(O_RIP) ||
      host.u64(O_SI_ADDR) !== interp.u64(O_SI_ADDR))
  ) diffs.push({ field: "fault", host: signalText(host), interp: signalText(interp) });
  const ulps = form.ulps ?? 0;
  // With a tolerance, C1 (the x87 round-up indicator) follows the rounding and may differ too,
  // also where FNSTSW AX copied it.
  const c1 = ulps ? 0x200 : 0;
  for (let r = 0; r < 16; r++) {
    const h = host.gpr(r), i = interp.gpr(r);
    if (r === 0 && ((h ^ i) & ~BigInt(c1)) === 0n) continue;
    if (h !== i) diffs.push({ field: regName(r, 64), host: hex(h), interp: hex(i) });
  }
  const hf = host.u32(O_RFLAGS), jf = interp.u32(O_RFLAGS);
  const flagDiff = (hf ^ jf) & COMPARED_FLAGS & ~undef;
  for (const [bit, n] of FLAG_NAMES) {
    if (flagDiff & bit) {
      diffs.push({
        field: `rflags.${n}`,
        host: flagsText(hf & ~undef),
        interp: flagsText(jf & ~undef),
      });
    }
  }
  for (let x = 0; x < 16; x++) {
    const h = host.slice(O_XMM + x * 16, 16), i = interp.slice(O_XMM + x * 16, 16);
    if (h.every((b, k) => b === i[k])) continue;
    if (form.approx?.reg === x && approxEqual(h, i, form.approx.lanes)) continue;
    diffs.push({ field: `xmm${x}`, host: xmmText(h), interp: xmmText(i) });
  }
  const hm = host.u32(O_MXCSR), im = interp.u32(O_MXCSR);
  if ((hm ^ im) & 0x3f) diffs.push({ field: "mxcsr.flags", host: hex(hm, 4), interp: hex(im, 4) });
  if ((hm ^ im) & ~0x3f) {
    diffs.push({ field: "mxcsr.control", host: hex(hm, 4), interp: hex(im, 4) });
  }
  const hw = host.u16(O_FSW),
    iw = interp.u16(O_FSW),
    fswDiff = (hw ^ iw) & (form.fswMask ?? X87_FSW) & ~c1;
  const fsw = (field: string) => diffs.push({ field, host: hex(hw, 4), interp: hex(iw, 4) });
  if (fswDiff & 0x3800) fsw("fsw.top");
  if (fswDiff & 0x4500) fsw("fsw.c0c2c3");
  if (fswDiff & 0x0200) fsw("fsw.c1");
  if (fswDiff & 0x00ff) fsw("fsw.exceptions");
  if (host.u16(O_FTW) !== interp.u16(O_FTW)) {
    diffs.push({ field: "ftw", host: hex(host.u16(O_FTW), 2), interp: hex(interp.u16(O_FTW), 2) });
  }
  if (host.u16(O_FCW) !== interp.u16(O_FCW)) {
    diffs.push({ field: "fcw", host: hex(host.u16(O_FCW), 4), interp: hex(interp.u16(O_FCW), 4) });
  }
  for (let r = 0; r < 8; r++) {
    const h = host.slice(O_X87 + r * 10, 10), i = interp.slice(O_X87 + r * 10, 10);
    if (h.some((b, k) => b !== i[k]) && !(ulps && near80(h, i, ulps))) {
      diffs.push({ field: `x87.r${r}`, host: x87Text(h), interp: x87Text(i) });
    }
  }
  const hd = host.slice(O_DATA, WINDOW), id = interp.slice(O_DATA, WINDOW);
  const ignored = new Set<number>();
  for (const [at, n] of form.ignoreMem ?? []) for (let k = at; k < at + n; k++) ignored.add(k);
  const same = (k: number) =>
    hd[k] === id[k] || ignored.has(k) || (ulps !== 0 && near64(hd, id, k & ~7, ulps));
  const first = hd.findIndex((_, k) => !same(k));
  if (first >= 0) {
    let last = WINDOW - 1;
    while (same(last)) last--;
    const from = first & ~7, to = Math.min(WINDOW, (last | 7) + 1, from + 32);
    diffs.push({
      field: "mem",
      host: `[+0x${from.toString(16)}] ${bytesHex(hd.subarray(from, to))}`,
      interp: `[+0x${from.toString(16)}] ${bytesHex(id.subarray(from, to))}`,
    });
  }
  return diffs;
}

/** 80-bit values of the same sign at most `ulps` apart (significands compared across exponents). */
function near80(h: Uint8Array, i: Uint8Array, ulps: number): boolean {
  const hv = new DataView(h.buffer, h.byteOffset, 10),
    iv = new DataView(i.buffer, i.byteOffset, 10);
  const hs = hv.getUint16(8, true), is = iv.getUint16(8, true);
  if ((hs ^ is) & 0x8000) return false;
  const low = (1n << 63n) - 1n;
  const linear = (se: number, m: bigint) => (BigInt(se & 0x7fff) << 63n) | (m & low);
  const d = linear(hs, hv.getBigUint64(0, true)) - linear(is, iv.getBigUint64(0, true));
  return d <= BigInt(ulps) && d >= -BigInt(ulps);
}

/** The float64 words at `at` have the same sign and are at most `ulps` apart. */
function near64(h: Uint8Array, i: Uint8Array, at: number, ulps: number): boolean {
  const a = new DataView(h.buffer, h.byteOffset + at, 8).getBigUint64(0, true);
  const b = new DataView(i.buffer, i.byteOffset + at, 8).getBigUint64(0, true);
  if ((a ^ b) >> 63n) return false;
  const d = a - b;
  return d <= BigInt(ulps) && d >= -BigInt(ulps);
}

function x87Text(b: Uint8Array): string {
  const v = new DataView(b.buffer, b.byteOffset, 10);
  return `${hex(v.getUint16(8, true), 4)}:${hex(v.getBigUint64(0, true))}`;
}

function xmmText(b: Uint8Array): string {
  const v = new DataView(b.buffer, b.byteOffset, 16);
  return `${hex(v.getBigUint64(8, true))}:${hex(v.getBigUint64(0, true))}`;
}

/** The input state of a vector, in the detail a reader needs for this form. */
export function inputText(form: Form, s: Rec): string {
  const lines = [`code ${bytesHex(s.code())}`];
  const regs: string[] = [];
  for (let r = 0; r < 16; r++) regs.push(`${regName(r, 64)}=${hex(s.gpr(r))}`);
  lines.push(regs.slice(0, 8).join(" "), regs.slice(8).join(" "));
  const f = s.u32(O_RFLAGS);
  lines.push(
    `rflags=${hex(f, 3)} (${flagsText(f)}) mxcsr=${hex(s.u32(O_MXCSR), 4)} fcw=${
      hex(s.u16(O_FCW), 4)
    }`,
  );
  if (form.family === "sse" || form.family === "x87" || form.lanes) {
    const x: string[] = [];
    for (let r = 0; r < 16; r++) x.push(`xmm${r}=${xmmText(s.slice(O_XMM + r * 16, 16))}`);
    for (let r = 0; r < 16; r += 2) lines.push(`${x[r]} ${x[r + 1]}`);
    const mm: string[] = [];
    for (let r = 0; r < 8; r++) mm.push(`mm${r}=${hex(s.u64(O_X87 + r * 10))}`);
    lines.push(mm.join(" "));
  }
  lines.push(`data[0x40..0xe0]=${bytesHex(s.slice(O_DATA + 0x40, 0xa0))}`);
  return lines.join("\n");
}
