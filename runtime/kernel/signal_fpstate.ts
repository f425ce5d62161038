// The 512-byte FXSAVE image of the x87 and SSE state that signal frames carry.
// Interim copy: runtime/cpu/ops/fpstate.ts (owned by the CPU engineers) will provide
// saveFpState/restoreFpState; when it lands this file re-exports theirs.

import type { Cpu } from "../cpu/state.ts";

const MXCSR_MASK = 0xffff;

/** The FXSAVE image of `cpu`'s x87 and SSE state. */
export function saveFpState(cpu: Cpu): Uint8Array {
  const out = new Uint8Array(512);
  const v = new DataView(out.buffer);
  const x = cpu.x87;
  v.setUint16(0, x.fcw, true);
  v.setUint16(2, (x.fsw & ~0x3800) | ((x.top & 7) << 11), true);
  out[4] = x.tags & 0xff;
  v.setUint16(6, x.fop, true);
  v.setUint32(8, x.fip >>> 0, true);
  v.setUint32(16, x.fdp >>> 0, true);
  v.setUint32(24, cpu.mxcsr, true);
  v.setUint32(28, MXCSR_MASK, true);
  for (let i = 0; i < 8; i++) {
    const phys = (x.top + i) & 7;
    v.setUint32(32 + 16 * i, x.mant[2 * phys], true);
    v.setUint32(36 + 16 * i, x.mant[2 * phys + 1], true);
    v.setUint16(40 + 16 * i, x.se[phys], true);
  }
  out.set(cpu.xmmU8, 160);
  return out;
}

/** Loads an FXSAVE image into `cpu` (reserved MXCSR bits are dropped rather than faulting). */
export function restoreFpState(cpu: Cpu, image: Uint8Array): void {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const x = cpu.x87;
  x.fcw = v.getUint16(0, true);
  const fsw = v.getUint16(2, true);
  x.top = (fsw >> 11) & 7;
  x.fsw = fsw & ~0x3800;
  x.tags = image[4];
  x.fop = v.getUint16(6, true) & 0x7ff;
  x.fip = v.getUint32(8, true);
  x.fdp = v.getUint32(16, true);
  cpu.mxcsr = v.getUint32(24, true) & MXCSR_MASK;
  for (let i = 0; i < 8; i++) {
    const phys = (x.top + i) & 7;
    x.mant[2 * phys] = v.getUint32(32 + 16 * i, true);
    x.mant[2 * phys + 1] = v.getUint32(36 + 16 * i, true);
    x.se[phys] = v.getUint16(40 + 16 * i, true);
  }
  cpu.xmmU8.set(image.subarray(160, 416));
}
