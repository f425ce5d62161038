// A tiny x86-64 encoder for the instruction differential test: legacy prefixes, REX, opcode,
// ModRM/SIB/displacement and immediate, enough to spell every tested form with chosen registers.
// Register numbers are the hardware ones (rax=0 ... r15=15); with `byte: true` they name byte
// registers, where 16-19 are AH CH DH BH (which cannot be encoded with a REX prefix).

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R8 = 8, R9 = 9, R10 = 10, R11 = 11, R12 = 12, R13 = 13, R14 = 14, R15 = 15;
export const AH = 16, CH = 17, DH = 18, BH = 19;

export interface Mem {
  base?: number;
  index?: number;
  scale?: 1 | 2 | 4 | 8;
  disp: number;
  /** rip-relative: [rip + disp] */
  rip?: boolean;
}

export type Operand = number | Mem;

export interface Encoding {
  /** Prefixes before REX: 66, 67, F0, F2, F3. */
  pfx?: number[];
  /** REX.W */
  w?: boolean;
  op: number[];
  /** ModRM.reg as a register number... */
  reg?: number;
  /** ...or as an opcode extension /0-/7. */
  ext?: number;
  rm: Operand;
  imm?: number[];
  /** reg and rm register numbers are byte registers. */
  byte?: boolean;
}

/** Little-endian bytes of `v` (number or bigint, two's complement), `n` bytes long. */
export function le(v: number | bigint, n: number): number[] {
  let x = BigInt.asUintN(n * 8, BigInt(v));
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return out;
}

/** Encodes one instruction with a ModRM byte. */
export function enc(e: Encoding): number[] {
  let rex = e.w ? 8 : 0;
  let needRex = false, noRex = false;
  const field = (r: number): number => {
    if (e.byte && r >= 16) {
      noRex = true;
      return r - 12;
    }
    if (e.byte && r >= 4 && r < 8) needRex = true;
    return r & 7;
  };
  const reg = e.reg ?? 0;
  const regField = e.ext ?? field(reg);
  if (e.ext === undefined && reg >= 8 && reg < 16) rex |= 4;
  const tail: number[] = [];
  let modrm: number;
  if (typeof e.rm === "number") {
    modrm = 0xc0 | (regField << 3) | field(e.rm);
    if (e.rm >= 8 && e.rm < 16) rex |= 1;
  } else {
    const m = e.rm;
    if (m.rip) {
      modrm = (regField << 3) | 5;
      tail.push(...le(m.disp, 4));
    } else if (m.base === undefined) {
      const index = m.index ?? RSP;
      if (index >= 8) rex |= 2;
      modrm = (regField << 3) | 4;
      tail.push((scaleBits(m.scale) << 6) | ((index & 7) << 3) | 5, ...le(m.disp, 4));
    } else {
      const b = m.base;
      if (b >= 8) rex |= 1;
      const mod = m.disp === 0 && (b & 7) !== 5 ? 0 : m.disp >= -128 && m.disp < 128 ? 1 : 2;
      if (m.index !== undefined || (b & 7) === 4) {
        const index = m.index ?? RSP;
        if (index === RSP && m.index !== undefined) throw new RangeError("rsp cannot be an index");
        if (index >= 8) rex |= 2;
        modrm = (mod << 6) | (regField << 3) | 4;
        tail.push((scaleBits(m.scale) << 6) | ((index & 7) << 3) | (b & 7));
      } else modrm = (mod << 6) | (regField << 3) | (b & 7);
      if (mod === 1) tail.push(...le(m.disp, 1));
      if (mod === 2) tail.push(...le(m.disp, 4));
    }
  }
  if (noRex && (rex || needRex)) throw new RangeError("AH-BH cannot be encoded with REX");
  const out = [...(e.pfx ?? [])];
  if (rex || needRex) out.push(0x40 | rex);
  out.push(...e.op, modrm, ...tail, ...(e.imm ?? []));
  return out;
}

function scaleBits(scale: number | undefined): number {
  return scale === 8 ? 3 : scale === 4 ? 2 : scale === 2 ? 1 : 0;
}

/** Encodes an instruction without ModRM: prefixes, optional REX, opcode, immediate. */
export function plain(
  op: number[],
  opts: { pfx?: number[]; w?: boolean; b?: boolean; imm?: number[] } = {},
): number[] {
  const rex = (opts.w ? 8 : 0) | (opts.b ? 1 : 0);
  return [...(opts.pfx ?? []), ...(rex ? [0x40 | rex] : []), ...op, ...(opts.imm ?? [])];
}

const R64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"];
const R8L = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"];
const R8H = ["ah", "ch", "dh", "bh"];

/** Name of register `r` at `width` bits (byte registers 16-19 are AH-BH). */
export function regName(r: number, width: number): string {
  if (width === 8) {
    if (r >= 16) return R8H[r - 16];
    return r < 8 ? R8L[r] : `r${r}b`;
  }
  if (r < 8) {
    const n = R64[r];
    return width === 64 ? n : width === 32 ? "e" + n.slice(1) : n.slice(1);
  }
  return width === 64 ? `r${r}` : width === 32 ? `r${r}d` : `r${r}w`;
}

export function xmmName(r: number): string {
  return `xmm${r}`;
}

/** Operand-size prefix and REX.W for an integer operation of `width` bits. */
export function sized(width: number): { pfx: number[]; w: boolean } {
  return { pfx: width === 16 ? [0x66] : [], w: width === 64 };
}
