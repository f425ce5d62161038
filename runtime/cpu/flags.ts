// Lazy arithmetic flags: derive CF, PF, AF, ZF, SF, OF from the last flag-setting operation
// recorded in Cpu (see state.ts), and conditions for Jcc/SETcc/CMOVcc.

import {
  AF,
  CF,
  Cpu,
  DF,
  F_ADC,
  F_ADD,
  F_CO,
  F_DEC,
  F_INC,
  F_LOGIC,
  F_NONE,
  F_SBB,
  F_SUB,
  OF,
  PF,
  SF,
  ZF,
} from "./state.ts";

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) {
    p ^= b & 1;
    b >>= 1;
  }
  PARITY[i] = p;
}

/** Unsigned a < b on (lo, hi) pairs. */
function below(alo: number, ahi: number, blo: number, bhi: number): boolean {
  return ahi !== bhi ? (ahi >>> 0) < (bhi >>> 0) : (alo >>> 0) < (blo >>> 0);
}

/** Sign bit (0/1) of a value of `size` bytes given as (lo, hi). */
function signOf(lo: number, hi: number, size: number): number {
  if (size === 8) return hi >>> 31;
  if (size === 4) return lo >>> 31;
  return (lo >>> (size * 8 - 1)) & 1;
}

export function getCF(c: Cpu): number {
  switch (c.fop) {
    case F_NONE:
      return c.fexp & CF;
    case F_ADD:
      return below(c.fr, c.frh, c.fa, c.fah) ? 1 : 0;
    case F_ADC:
      return (c.fcin ? !below(c.fa, c.fah, c.fr, c.frh) : below(c.fr, c.frh, c.fa, c.fah)) ? 1 : 0;
    case F_SUB:
      return below(c.fa, c.fah, c.fb, c.fbh) ? 1 : 0;
    case F_SBB:
      return (c.fcin ? !below(c.fb, c.fbh, c.fa, c.fah) : below(c.fa, c.fah, c.fb, c.fbh)) ? 1 : 0;
    case F_LOGIC:
      return 0;
    default: // INC, DEC, CO
      return c.fcin;
  }
}

export function getZF(c: Cpu): number {
  if (c.fop === F_NONE) return (c.fexp >> 6) & 1;
  return (c.fr | c.frh) === 0 ? 1 : 0;
}

export function getSF(c: Cpu): number {
  if (c.fop === F_NONE) return (c.fexp >> 7) & 1;
  return signOf(c.fr, c.frh, c.fsize);
}

export function getPF(c: Cpu): number {
  if (c.fop === F_NONE) return (c.fexp >> 2) & 1;
  return PARITY[c.fr & 0xff];
}

export function getAF(c: Cpu): number {
  switch (c.fop) {
    case F_NONE:
      return (c.fexp >> 4) & 1;
    case F_LOGIC:
    case F_CO:
      return 0;
    default:
      return ((c.fa ^ c.fb ^ c.fr) >> 4) & 1;
  }
}

export function getOF(c: Cpu): number {
  const s = c.fsize;
  switch (c.fop) {
    case F_NONE:
      return (c.fexp >> 11) & 1;
    case F_ADD:
    case F_ADC:
    case F_INC:
      return signOf((c.fa ^ c.fr) & (c.fb ^ c.fr), (c.fah ^ c.frh) & (c.fbh ^ c.frh), s);
    case F_SUB:
    case F_SBB:
    case F_DEC:
      return signOf((c.fa ^ c.fb) & (c.fa ^ c.fr), (c.fah ^ c.fbh) & (c.fah ^ c.frh), s);
    case F_LOGIC:
      return 0;
    default: // F_CO
      return c.fb;
  }
}

/** The six arithmetic flags as rflags bits. */
export function arithFlags(c: Cpu): number {
  if (c.fop === F_NONE) return c.fexp;
  return getCF(c) | (getPF(c) << 2) | (getAF(c) << 4) | (getZF(c) << 6) | (getSF(c) << 7) |
    (getOF(c) << 11);
}

/** Full rflags as the guest sees it (pushf, signal frames). */
export function getRflags(c: Cpu): number {
  return arithFlags(c) | 0x2 | 0x200 | (c.df ? DF : 0) | c.otherFlags;
}

/** Loads rflags (popf, sigreturn): arithmetic flags become explicit. */
export function setRflags(c: Cpu, v: number): void {
  c.fop = F_NONE;
  c.fexp = v & (CF | PF | AF | ZF | SF | OF);
  c.df = (v & DF) ? 1 : 0;
  c.otherFlags = v & (0x40000 | 0x200000 | 0x100); // AC, ID, TF
}

/** Sets some arithmetic flags explicitly, keeping the others (rotates, BT, etc.). */
export function setSomeFlags(c: Cpu, mask: number, values: number): void {
  const cur = arithFlags(c);
  c.fop = F_NONE;
  c.fexp = (cur & ~mask) | (values & mask);
}

/** Evaluates condition code 0..15 (O NO B AE E NE BE A S NS P NP L GE LE G). */
export function cond(c: Cpu, cc: number): boolean {
  if (c.fop === F_SUB) {
    // Fast paths straight from the compared operands.
    const alo = c.fa, ahi = c.fah, blo = c.fb, bhi = c.fbh;
    switch (cc) {
      case 2:
        return below(alo, ahi, blo, bhi);
      case 3:
        return !below(alo, ahi, blo, bhi);
      case 4:
        return alo === blo && ahi === bhi;
      case 5:
        return alo !== blo || ahi !== bhi;
      case 6:
        return !below(blo, bhi, alo, ahi);
      case 7:
        return below(blo, bhi, alo, ahi);
    }
    if (c.fsize >= 4 && cc >= 12) {
      const lt = c.fsize === 8 ? (ahi !== bhi ? ahi < bhi : (alo >>> 0) < (blo >>> 0)) : alo < blo;
      switch (cc) {
        case 12:
          return lt;
        case 13:
          return !lt;
        case 14:
          return lt || (alo === blo && ahi === bhi);
        case 15:
          return !lt && !(alo === blo && ahi === bhi);
      }
    }
  }
  let r: boolean;
  switch (cc >> 1) {
    case 0:
      r = getOF(c) === 1;
      break;
    case 1:
      r = getCF(c) === 1;
      break;
    case 2:
      r = getZF(c) === 1;
      break;
    case 3:
      r = getCF(c) === 1 || getZF(c) === 1;
      break;
    case 4:
      r = getSF(c) === 1;
      break;
    case 5:
      r = getPF(c) === 1;
      break;
    case 6:
      r = getSF(c) !== getOF(c);
      break;
    default:
      r = getZF(c) === 1 || getSF(c) !== getOF(c);
  }
  return (cc & 1) ? !r : r;
}
