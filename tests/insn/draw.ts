// Draws the random input state of one vector of a form into a record.

import { DF, type Form } from "./form.ts";
import {
  O_DATA,
  O_FCW,
  O_MXCSR,
  O_RFLAGS,
  O_X87,
  O_XMM,
  type Rec,
  STACK_RSP,
  WINDOW,
} from "./record.ts";
import { fillLanes, gprValue, type Lanes, type Rng } from "./values.ts";

function intLanes(width: number): Lanes {
  return width === 8 ? "i8" : width === 16 ? "i16" : width === 32 ? "i32" : "i64";
}

/** Draws the input of one vector into `s`; returns the rflags bits left undefined. */
export function draw(form: Form, s: Rec, g: Rng): number {
  const width = form.width ?? 64;
  for (let r = 0; r < 16; r++) s.setGpr(r, gprValue(g, width));
  s.setGpr(4, BigInt(STACK_RSP));
  let flags = 0x2;
  for (const bit of [0x1, 0x4, 0x10, 0x40, 0x80, 0x800]) if (g.chance(0.5)) flags |= bit;
  if (g.chance(0.25)) flags |= DF;
  s.setU64(O_RFLAGS, BigInt(flags));
  fillLanes(g, s.slice(O_XMM, 256), form.lanes ?? "bytes");
  const mm = new Uint8Array(64);
  fillLanes(g, mm, form.lanes ?? "bytes");
  for (let r = 0; r < 8; r++) {
    s.slice(O_X87 + r * 10, 8).set(mm.subarray(r * 8, r * 8 + 8));
    s.setU16(O_X87 + r * 10 + 8, 0xffff);
  }
  s.setU32(
    O_MXCSR,
    form.mxcsr ? form.mxcsr(g) : 0x1f80 | (g.below(4) << 13) | (g.u32() & g.u32() & 0x3f),
  );
  s.setU16(O_FCW, 0x037f | (g.below(4) << 10));
  fillLanes(g, s.slice(O_DATA, WINDOW), form.dataLanes ?? form.lanes ?? intLanes(width));
  s.setCode(typeof form.code === "function" ? form.code(g, s) : form.code);
  for (const [r, v] of form.fixed ?? []) s.setGpr(r, v);
  form.prep?.(s, g);
  return typeof form.undef === "function" ? form.undef(s, s.code()) : form.undef ?? 0;
}
