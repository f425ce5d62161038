// x87 FPU state: eight 80-bit registers kept exactly (sign+exponent word, 64-bit significand as two
// 32-bit halves), control/status/tag words and the stack top. The x87 instruction family
// (runtime/cpu/ops/x87*.ts) owns the arithmetic; this file only holds the state and its snapshot.

export class X87 {
  /** Sign bit and 15-bit exponent of physical register i. */
  readonly se = new Uint16Array(8);
  /** Significand of physical register i: low half at [2i], high half at [2i+1]. */
  readonly mant = new Uint32Array(16);
  /** Control word (rounding, precision, exception masks). */
  fcw = 0x037f;
  /** Status word without the TOP field (kept in `top`). */
  fsw = 0;
  /** Abridged tag: bit i set when physical register i holds a value. */
  tags = 0;
  top = 0;
  /** Last instruction/data pointers and opcode, as FXSAVE stores them. */
  fip = 0;
  fdp = 0;
  fop = 0;

  reset(): void {
    this.fcw = 0x037f;
    this.fsw = 0;
    this.tags = 0;
    this.top = 0;
    this.fip = this.fdp = this.fop = 0;
    this.se.fill(0);
    this.mant.fill(0);
  }
}
