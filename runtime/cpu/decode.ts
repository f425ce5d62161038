// Instruction decoder: prefixes, REX, opcode maps, ModRM/SIB, displacement and immediates, driven
// by the rows of table.ts. Produces an Insn whose handler is chosen once, here; an opcode with no
// row decodes to `invalidOpcode` so that SIGILL is raised only if it is actually executed.

import { type Memory, PAGE_SIZE } from "../memory/memory.ts";
import { Insn, invalidOpcode, REP_E, REP_NE, SEG_FS, SEG_GS } from "./insn.ts";
import {
  IMM_IB,
  IMM_IBS,
  IMM_IV,
  IMM_IW,
  IMM_IWIB,
  IMM_IZ,
  IMM_JB,
  IMM_JZ,
  IMM_MOFFS,
  MAP_0F,
  MAP_0F38,
  MAP_0F3A,
  MAP_ONE,
  type Row,
  SZ_B,
  SZ_D64,
  SZ_F64,
  SZ_V,
} from "./table.ts";

/** Reads code bytes through the memory's exec permission check; tracks which pages were used. */
class CodeReader {
  mem!: Memory;
  pos = 0;
  frame = 0;
  page = -1;
  pages: number[] = [];

  start(mem: Memory, addr: number): void {
    this.mem = mem;
    this.pos = addr;
    this.page = -1;
    this.pages = [];
  }

  byte(): number {
    const page = Math.floor(this.pos / PAGE_SIZE);
    if (page !== this.page) {
      this.frame = this.mem.fetchPage(this.pos);
      this.page = page;
      this.pages.push(page);
    }
    const b = this.mem.bytes[this.frame + (this.pos & 4095)];
    this.pos++;
    return b;
  }

  s8(): number {
    return (this.byte() << 24) >> 24;
  }

  u16(): number {
    return this.byte() | (this.byte() << 8);
  }

  s32(): number {
    return this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24);
  }
}

const reader = new CodeReader();

/** Pages touched by the last decode (for code-cache invalidation). */
export function lastDecodePages(): number[] {
  return reader.pages;
}

/** Decodes the instruction at `addr`. Throws PageFault when the bytes cannot be fetched. */
export function decode(mem: Memory, addr: number): Insn {
  const r = reader;
  r.start(mem, addr);
  const i = new Insn();
  i.addr = addr;
  let opsize16 = false, rexW = false, rex = 0, last66 = false, lastRep = 0;
  let b = 0;
  // Prefixes (at most 14 before the opcode; the 15-byte limit is checked at the end).
  for (let n = 0;; n++) {
    b = r.byte();
    if (n >= 15) return invalid(i, addr, r.pos);
    if (b === 0x66) {
      opsize16 = true;
      last66 = true;
    } else if (b === 0x67) i.asize = 4;
    else if (b === 0xf0) i.lock = true;
    else if (b === 0xf3) lastRep = REP_E;
    else if (b === 0xf2) lastRep = REP_NE;
    else if (b === 0x64) i.seg = SEG_FS;
    else if (b === 0x65) i.seg = SEG_GS;
    else if (b === 0x2e || b === 0x36 || b === 0x3e || b === 0x26) { /* null segments */ }
    else if ((b & 0xf0) === 0x40) {
      rex = b;
      b = r.byte();
      if (
        b === 0x66 || b === 0x67 || b === 0xf0 || b === 0xf2 || b === 0xf3 ||
        (b & 0xf0) === 0x40 || b === 0x64 || b === 0x65 || b === 0x2e || b === 0x36 ||
        b === 0x3e || b === 0x26
      ) {
        // A REX not immediately before the opcode is ignored.
        r.pos--;
        rex = 0;
        continue;
      }
      break;
    } else break;
    rex = 0;
  }
  i.rex = rex;
  rexW = (rex & 8) !== 0;
  i.rep = lastRep;

  // Opcode map.
  let map = MAP_ONE;
  let op = b;
  if (b === 0x0f) {
    const b2 = r.byte();
    if (b2 === 0x38) {
      map = MAP_0F38;
      op = r.byte();
      i.opcode = 0x200 | op;
    } else if (b2 === 0x3a) {
      map = MAP_0F3A;
      op = r.byte();
      i.opcode = 0x300 | op;
    } else {
      map = MAP_0F;
      op = b2;
      i.opcode = 0x100 | op;
    }
  } else i.opcode = op;
  let row: Row | undefined = map[op];
  if (!row) return invalid(i, addr, r.pos);

  // Mandatory prefix (SSE): F2/F3 win over 66.
  if (row.sse) {
    i.pfx = lastRep === REP_E ? 2 : lastRep === REP_NE ? 3 : last66 ? 1 : 0;
    const chosen: Row | undefined = row.sse[i.pfx];
    if (!chosen) return invalid(i, addr, r.pos);
    if (i.pfx === 1) opsize16 = false;
    if (i.pfx >= 2) i.rep = 0;
    row = { ...row, ...chosen, sse: undefined };
  }

  // ModRM, SIB, displacement.
  if (row.modrm) {
    const m = r.byte();
    i.modrm = m;
    const mod = m >> 6;
    const regField = (m >> 3) & 7;
    i.reg = regField | ((rex & 4) << 1);
    i.reg8 = rex || regField < 4 ? i.reg : 16 + (regField - 4);
    const rmField = m & 7;
    if (mod === 3) {
      i.rm = rmField | ((rex & 1) << 3);
      i.rm8 = rex || rmField < 4 ? i.rm : 16 + (rmField - 4);
    } else {
      i.rm = -1;
      if (rmField === 4) {
        const sib = r.byte();
        const scale = sib >> 6, idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        const base = sib & 7;
        i.scale = 1 << scale;
        i.index = idx === 4 ? -1 : idx;
        if (base === 5 && mod === 0) {
          i.base = -1;
          i.disp = r.s32();
        } else i.base = base | ((rex & 1) << 3);
      } else if (rmField === 5 && mod === 0) {
        i.base = -1;
        i.disp = r.s32();
        i.base = -2; // rip-relative: resolved below, once the length is known
      } else i.base = rmField | ((rex & 1) << 3);
      if (mod === 1) i.disp = r.s8();
      else if (mod === 2) i.disp = r.s32();
    }
    if (row.group) {
      const sub: Row | undefined = row.group[regField];
      if (!sub) return invalid(i, addr, r.pos);
      row = { ...row, ...sub, group: undefined };
    }
    if (mod === 3 ? row.memOnly : row.regOnly) return invalid(i, addr, r.pos);
  }

  if (!row.modrm) {
    // Register in the opcode's low bits (push, pop, xchg, bswap, mov r, imm).
    i.reg = (op & 7) | ((rex & 1) << 3);
    i.reg8 = rex || (op & 7) < 4 ? i.reg : 16 + (op & 7) - 4;
  }

  // Operand size.
  switch (row.size) {
    case SZ_B:
      i.size = 1;
      break;
    case SZ_V:
      i.size = rexW ? 8 : opsize16 ? 2 : 4;
      break;
    case SZ_D64:
      i.size = opsize16 ? 2 : 8;
      break;
    case SZ_F64:
      i.size = 8;
      break;
    default:
      i.size = rexW ? 8 : opsize16 ? 2 : 4;
  }

  // Immediates.
  switch (row.imm) {
    case IMM_IB:
      i.imm = r.byte();
      break;
    case IMM_IBS:
      i.imm = r.s8();
      i.immHi = i.imm >> 31;
      break;
    case IMM_IW:
      i.imm = r.u16();
      break;
    case IMM_IZ:
      if (i.size === 2) i.imm = (r.u16() << 16) >> 16;
      else i.imm = r.s32();
      i.immHi = i.imm >> 31;
      break;
    case IMM_IV:
      if (i.size === 2) i.imm = r.u16();
      else if (i.size === 4) i.imm = r.s32();
      else {
        i.imm = r.s32();
        i.immHi = r.s32();
      }
      break;
    case IMM_JB: {
      const rel = r.s8();
      i.target = r.pos + rel;
      break;
    }
    case IMM_JZ: {
      const rel = r.s32();
      i.target = r.pos + rel;
      break;
    }
    case IMM_IWIB:
      i.imm = r.u16();
      i.imm2 = r.byte();
      break;
    case IMM_MOFFS:
      if (i.asize === 8) {
        const lo = r.s32() >>> 0, hi = r.s32();
        i.disp = hi * 4294967296 + lo;
      } else i.disp = r.s32() >>> 0;
      i.rm = -1;
      i.base = -1;
      i.reg = 0;
      i.reg8 = 0;
      break;
  }

  const length = r.pos - addr;
  if (length > 15) return invalid(i, addr, r.pos);
  i.next = r.pos;
  if (i.base === -2) {
    i.base = -1;
    i.disp = i.next + i.disp;
    if (i.asize === 4) i.disp = i.disp >>> 0;
  }
  i.name = row.name;
  i.endsBlock = row.ends === true;
  if (i.lock && (!row.lockable || i.rm >= 0)) return invalid(i, addr, r.pos);
  const exec = row.select ? row.select(i) : row.exec;
  i.exec = exec ?? invalidOpcode;
  if (!exec) i.endsBlock = true;
  return i;
}

function invalid(i: Insn, addr: number, pos: number): Insn {
  i.exec = invalidOpcode;
  i.name = "(bad)";
  i.endsBlock = true;
  i.next = Math.max(pos, addr + 1);
  return i;
}
