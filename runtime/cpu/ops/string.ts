// String instructions: MOVS STOS LODS CMPS SCAS with REP/REPE/REPNE.
//
// Each element is read, then written (or compared), then rSI/rDI step by ±size (DF) and rCX counts
// down, so a fault part-way leaves rCX/rSI/rDI describing the remaining work and the instruction
// restarts where it stopped, as on hardware. With 0x67 the registers are ESI/EDI/ECX and each
// update zero-extends them. The source of MOVS/LODS/CMPS honours a segment override (FS/GS base);
// the destination (rDI) never does. F2 before MOVS/STOS/LODS repeats like F3.
//
// REP MOVS and REP STOS (64-bit addressing, any DF) work a page at a time on the frames: a chunk
// holds the elements that lie entirely within the current source and destination pages, both
// pages are translated (and so checked) before anything is copied, and the registers advance
// per chunk. Elements straddling a page boundary, and chunks whose frames overlap so that an
// element-by-element copy differs from memmove, go through the one-element path. REPE/REPNE
// CMPSB and SCASB (forward, 64-bit addressing) scan the frames a page at a time likewise.

import { type Insn, REP_E, REP_NONE, SEG_FS, SEG_NONE } from "../insn.ts";
import { PROT_READ, PROT_WRITE } from "../../memory/vma.ts";
import { getReg, readMem, setReg, writeMem } from "../operands.ts";
import { type Cpu, RCX, RDI, RSI } from "../state.ts";
import { aluOp, OP_CMP } from "./alu.ts";

const TWO32 = 4294967296;
const PAGE = 4096;

// ---- register helpers ---------------------------------------------------------------------------

function segBase(c: Cpu, i: Insn): number {
  return i.seg === SEG_NONE ? 0 : i.seg === SEG_FS ? c.fsBase : c.gsBase;
}

/** rSI/rDI as an address of `asize` bytes. */
function addrOf(c: Cpu, r: number, asize: number): number {
  return asize === 8 ? c.hi[r] * TWO32 + (c.lo[r] >>> 0) : c.lo[r] >>> 0;
}

/** r += delta (|delta| < 2^31) at `asize`; 32-bit updates zero-extend. */
function advance(c: Cpu, r: number, delta: number, asize: number): void {
  if (asize === 8) {
    const lo = (c.lo[r] >>> 0) + delta;
    c.lo[r] = lo | 0;
    if (lo >= TWO32) c.hi[r] = (c.hi[r] + 1) | 0;
    else if (lo < 0) c.hi[r] = (c.hi[r] - 1) | 0;
  } else {
    c.lo[r] = (c.lo[r] + delta) | 0;
    c.hi[r] = 0;
  }
}

/** rCX as an unsigned number (inexact above 2^53; only used to size chunks). */
function count(c: Cpu, asize: number): number {
  return asize === 8 ? (c.hi[RCX] >>> 0) * TWO32 + (c.lo[RCX] >>> 0) : c.lo[RCX] >>> 0;
}

function countIsZero(c: Cpu, asize: number): boolean {
  return asize === 8 ? (c.lo[RCX] | c.hi[RCX]) === 0 : c.lo[RCX] === 0;
}

// ---- one element each ---------------------------------------------------------------------------

function movsOne(c: Cpu, i: Insn, seg: number): void {
  const size = i.size, asize = i.asize, step = c.df ? -size : size;
  const lo = readMem(c, addrOf(c, RSI, asize) + seg, size);
  writeMem(c, addrOf(c, RDI, asize), size, lo, c.th);
  advance(c, RSI, step, asize);
  advance(c, RDI, step, asize);
}

function stosOne(c: Cpu, i: Insn, lo: number, hi: number): void {
  const size = i.size, asize = i.asize;
  writeMem(c, addrOf(c, RDI, asize), size, lo, hi);
  advance(c, RDI, c.df ? -size : size, asize);
}

// ---- MOVS, STOS ---------------------------------------------------------------------------------

/** MOVS (A4, A5): [rDI] = seg:[rSI]. */
export function movs(c: Cpu, i: Insn): void {
  const seg = segBase(c, i);
  if (i.rep === REP_NONE) {
    movsOne(c, i, seg);
    return;
  }
  const asize = i.asize;
  if (asize !== 8) {
    while (!countIsZero(c, asize)) {
      movsOne(c, i, seg);
      advance(c, RCX, -1, asize);
    }
    return;
  }
  const size = i.size, mem = c.mem, back = c.df !== 0;
  for (;;) {
    const left = count(c, 8);
    if (left === 0) return;
    const src = addrOf(c, RSI, 8) + seg, dst = addrOf(c, RDI, 8);
    const n = Math.min(left, fitInPage(src, size, back), fitInPage(dst, size, back));
    if (n === 0) {
      movsOne(c, i, seg);
      advance(c, RCX, -1, 8);
      continue;
    }
    const bytes = n * size;
    const low = back ? bytes - size : 0; // distance from the current address to the chunk start
    // Translating the first element's address reports a fault where hardware would.
    const fs = mem.translate(src, PROT_READ) + ((src - low) & 4095);
    const fd = mem.translate(dst, PROT_WRITE) + ((dst - low) & 4095);
    if (back ? fd < fs && fd + bytes > fs : fd > fs && fd < fs + bytes) {
      // Overlap where element order matters: one element at a time.
      for (let k = 0; k < n; k++) {
        movsOne(c, i, seg);
        advance(c, RCX, -1, 8);
      }
      continue;
    }
    mem.bytes.copyWithin(fd, fs, fs + bytes);
    const delta = back ? -bytes : bytes;
    advance(c, RSI, delta, 8);
    advance(c, RDI, delta, 8);
    subCount(c, n);
  }
}

/** STOS (AA, AB): [rDI] = AL/AX/EAX/RAX. */
export function stos(c: Cpu, i: Insn): void {
  const size = i.size;
  const lo = getReg(c, 0, size), hi = c.th;
  if (i.rep === REP_NONE) {
    stosOne(c, i, lo, hi);
    return;
  }
  const asize = i.asize;
  if (asize !== 8) {
    while (!countIsZero(c, asize)) {
      stosOne(c, i, lo, hi);
      advance(c, RCX, -1, asize);
    }
    return;
  }
  const mem = c.mem, back = c.df !== 0;
  for (;;) {
    const left = count(c, 8);
    if (left === 0) return;
    const dst = addrOf(c, RDI, 8);
    const n = Math.min(left, fitInPage(dst, size, back));
    if (n === 0) {
      stosOne(c, i, lo, hi);
      advance(c, RCX, -1, 8);
      continue;
    }
    const bytes = n * size;
    const start = back ? dst - bytes + size : dst;
    const fd = mem.translate(dst, PROT_WRITE) + (start & 4095);
    fillPattern(c, fd, bytes, size, lo, hi);
    advance(c, RDI, back ? -bytes : bytes, 8);
    subCount(c, n);
  }
}

/**
 * Elements of `size` bytes that fit in the page of `a`, walking up (or down with `back`) from
 * the element at `a`; 0 when that element itself straddles a page boundary.
 */
function fitInPage(a: number, size: number, back: boolean): number {
  const off = a & 4095;
  if (off + size > PAGE) return 0;
  return back ? Math.floor(off / size) + 1 : Math.floor((PAGE - off) / size);
}

/** Fills frame bytes [at, at + bytes) with the little-endian `size`-byte value (lo, hi). */
function fillPattern(
  c: Cpu,
  at: number,
  bytes: number,
  size: number,
  lo: number,
  hi: number,
): void {
  const b = c.mem.bytes;
  if (size === 1) {
    b.fill(lo, at, at + bytes);
    return;
  }
  const view = c.mem.view;
  if (size === 2) view.setUint16(at, lo, true);
  else {
    view.setInt32(at, lo, true);
    if (size === 8) view.setInt32(at + 4, hi, true);
  }
  for (let done = size; done < bytes; done *= 2) {
    b.copyWithin(at + done, at, at + Math.min(done, bytes - done));
  }
}

/** rCX -= n (64-bit). */
function subCount(c: Cpu, n: number): void {
  const lo = (c.lo[RCX] >>> 0) - n;
  c.lo[RCX] = lo | 0;
  if (lo < 0) c.hi[RCX] = (c.hi[RCX] - 1) | 0;
}

// ---- LODS, CMPS, SCAS ---------------------------------------------------------------------------

/** LODS (AC, AD): rAX = seg:[rSI]. */
export function lods(c: Cpu, i: Insn): void {
  const size = i.size, asize = i.asize, seg = segBase(c, i);
  const rep = i.rep !== REP_NONE;
  while (!rep || !countIsZero(c, asize)) {
    const lo = readMem(c, addrOf(c, RSI, asize) + seg, size);
    setReg(c, 0, size, lo, c.th);
    advance(c, RSI, c.df ? -size : size, asize);
    if (!rep) return;
    advance(c, RCX, -1, asize);
  }
}

/** CMPS (A6, A7): compare seg:[rSI] with [rDI]; REPE/REPNE stop on mismatch/match. */
export function cmps(c: Cpu, i: Insn): void {
  const size = i.size, asize = i.asize, seg = segBase(c, i);
  const step = c.df ? -size : size;
  const rep = i.rep;
  if (size === 1 && asize === 8 && c.df === 0 && rep !== REP_NONE) {
    cmpsBytes(c, seg, rep === REP_E);
    return;
  }
  while (rep === REP_NONE || !countIsZero(c, asize)) {
    const alo = readMem(c, addrOf(c, RSI, asize) + seg, size), ahi = c.th;
    const blo = readMem(c, addrOf(c, RDI, asize), size), bhi = c.th;
    aluOp(c, OP_CMP, size, alo, ahi, blo, bhi);
    advance(c, RSI, step, asize);
    advance(c, RDI, step, asize);
    if (rep === REP_NONE) return;
    advance(c, RCX, -1, asize);
    if ((alo === blo && ahi === bhi) !== (rep === REP_E)) return;
  }
}

/** SCAS (AE, AF): compare rAX with [rDI]; REPE/REPNE stop on mismatch/match. */
export function scas(c: Cpu, i: Insn): void {
  const size = i.size, asize = i.asize;
  const step = c.df ? -size : size;
  const rep = i.rep;
  const alo = getReg(c, 0, size), ahi = c.th;
  if (size === 1 && asize === 8 && c.df === 0 && rep !== REP_NONE) {
    scasBytes(c, alo, rep === REP_E);
    return;
  }
  while (rep === REP_NONE || !countIsZero(c, asize)) {
    const blo = readMem(c, addrOf(c, RDI, asize), size), bhi = c.th;
    aluOp(c, OP_CMP, size, alo, ahi, blo, bhi);
    advance(c, RDI, step, asize);
    if (rep === REP_NONE) return;
    advance(c, RCX, -1, asize);
    if ((alo === blo && ahi === bhi) !== (rep === REP_E)) return;
  }
}

// ---- REPE/REPNE CMPSB and SCASB, forward: a page at a time on the frames ------------------------
// Only the last comparison sets the flags, so each chunk scans its bytes for the one that ends the
// repetition and records the flags of the last byte compared before the registers move on.

/** REPE (equal) or REPNE CMPSB with DF = 0 and 64-bit addressing. */
function cmpsBytes(c: Cpu, seg: number, whileEqual: boolean): void {
  const mem = c.mem, b = mem.bytes;
  for (;;) {
    const left = count(c, 8);
    if (left === 0) return;
    const src = addrOf(c, RSI, 8) + seg, dst = addrOf(c, RDI, 8);
    const n = Math.min(left, PAGE - (src & 4095), PAGE - (dst & 4095));
    const fs = mem.translate(src, PROT_READ) + (src & 4095);
    const fd = mem.translate(dst, PROT_READ) + (dst & 4095);
    let k = 0;
    if (whileEqual) { while (k < n - 1 && b[fs + k] === b[fd + k]) k++; }
    else while (k < n - 1 && b[fs + k] !== b[fd + k]) k++;
    // k is the last element compared in this chunk.
    const x = b[fs + k], y = b[fd + k];
    aluOp(c, OP_CMP, 1, x, 0, y, 0);
    advance(c, RSI, k + 1, 8);
    advance(c, RDI, k + 1, 8);
    subCount(c, k + 1);
    if ((x === y) !== whileEqual) return;
  }
}

/** REPE (equal) or REPNE SCASB with DF = 0 and 64-bit addressing. */
function scasBytes(c: Cpu, al: number, whileEqual: boolean): void {
  const mem = c.mem, b = mem.bytes;
  for (;;) {
    const left = count(c, 8);
    if (left === 0) return;
    const dst = addrOf(c, RDI, 8);
    const n = Math.min(left, PAGE - (dst & 4095));
    const fd = mem.translate(dst, PROT_READ) + (dst & 4095);
    let k = 0;
    if (whileEqual) { while (k < n - 1 && b[fd + k] === al) k++; }
    else while (k < n - 1 && b[fd + k] !== al) k++;
    const y = b[fd + k];
    aluOp(c, OP_CMP, 1, al, 0, y, 0);
    advance(c, RDI, k + 1, 8);
    subCount(c, k + 1);
    if ((al === y) !== whileEqual) return;
  }
}
