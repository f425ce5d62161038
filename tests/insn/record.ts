// The test-case record shared by the host harness (tests/insn/harness.c, `struct rec`) and the
// interpreter runner: one fixed-size little-endian record per case, the same layout for the input
// state and for the resulting state. Offsets here and in harness.c must agree (the C side checks
// its own with static asserts).

export const CODE_ADDR = 0x10000000;
export const DATA_ADDR = 0x20000000;
export const STACK_ADDR = 0x30000000;
/** rsp during a case: inside the scratch page, never used by the tested forms. */
export const STACK_RSP = STACK_ADDR + 0x800;
export const WINDOW = 256;
export const CODE_MAX = 48;
export const REC_SIZE = 800;

// Offsets of the fields.
export const O_LEN = 0; // in: code length; out: signal (0 none)
export const O_MXCSR = 4;
export const O_FCW = 8;
export const O_FSW = 10;
export const O_FTW = 12;
export const O_CODE = 16;
export const O_SI_CODE = 16; // out
export const O_RIP = 24; // out
export const O_SI_ADDR = 32; // out
export const O_GPR = 64;
export const O_RFLAGS = 192;
export const O_XMM = 208;
export const O_DATA = 464;
/** In: MMX register values (8 bytes + an ignored word each); out: physical x87 registers i=0..7. */
export const O_X87 = 720;

/** A cursor over one record of a batch buffer. */
export class Rec {
  readonly view: DataView;
  base = 0;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  at(index: number): this {
    this.base = index * REC_SIZE;
    return this;
  }

  u8(off: number): number {
    return this.bytes[this.base + off];
  }
  u16(off: number): number {
    return this.view.getUint16(this.base + off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(this.base + off, true);
  }
  u64(off: number): bigint {
    return this.view.getBigUint64(this.base + off, true);
  }
  setU8(off: number, v: number): void {
    this.bytes[this.base + off] = v;
  }
  setU16(off: number, v: number): void {
    this.view.setUint16(this.base + off, v, true);
  }
  setU32(off: number, v: number): void {
    this.view.setUint32(this.base + off, v >>> 0, true);
  }
  setU64(off: number, v: bigint): void {
    this.view.setBigUint64(this.base + off, BigInt.asUintN(64, v), true);
  }

  gpr(r: number): bigint {
    return this.u64(O_GPR + r * 8);
  }
  setGpr(r: number, v: bigint): void {
    this.setU64(O_GPR + r * 8, v);
  }

  /** Byte slice of the record (a view, not a copy). */
  slice(off: number, length: number): Uint8Array {
    return this.bytes.subarray(this.base + off, this.base + off + length);
  }

  code(): Uint8Array {
    return this.slice(O_CODE, this.u32(O_LEN));
  }

  setCode(code: number[]): void {
    if (code.length > CODE_MAX) throw new RangeError(`Code of ${code.length} bytes is too long`);
    this.setU32(O_LEN, code.length);
    this.slice(O_CODE, CODE_MAX).fill(0);
    this.slice(O_CODE, code.length).set(code);
  }
}
