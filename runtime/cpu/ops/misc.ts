// Miscellaneous: NOP forms, CPUID, RDTSC, SYSCALL, flag instructions (CLC STC CMC CLD STD LAHF
// SAHF), INT3, INT n, UD2, HLT, PAUSE.
//
// CPUID reports exactly what this core implements, so libc chooses code paths we run: the x86-64
// baseline (FPU TSC CX8 CMOV MMX FXSR SSE SSE2, SYSCALL, NX, LM, LAHF in long mode). Feature bits
// are added here only together with the instructions behind them.

import { arithFlags, getCF, setSomeFlags } from "../flags.ts";
import { CpuException, generalProtection, type Insn, SI_KERNEL, SIGTRAP } from "../insn.ts";
import { AF, CF, type Cpu, PF, SF, STOP_SYSCALL, ZF } from "../state.ts";

export function nop(_c: Cpu, _i: Insn): void {}

/** Extra CPUID feature bits, set by instruction families as they are implemented. */
export const cpuidFeatures = {
  leaf1Ecx: 1 << 13, // CX16 (CMPXCHG16B)
  leaf1Edx: (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) |
    (1 << 25) | (1 << 26),
};

function ascii4(s: string, at: number): number {
  let v = 0;
  for (let k = 3; k >= 0; k--) v = (v << 8) | (s.charCodeAt(at + k) || 0);
  return v;
}

const BRAND = "supervisor x86-64 interpreter".padEnd(48, "\0");

/** CPUID (0F A2): eax = leaf, ecx = subleaf. */
export function cpuid(c: Cpu, _i: Insn): void {
  const leaf = c.lo[0] >>> 0, sub = c.lo[1] >>> 0;
  let a = 0, b = 0, cx = 0, d = 0;
  switch (leaf) {
    case 0:
      a = 7;
      b = ascii4("GenuineIntel", 0);
      d = ascii4("GenuineIntel", 4);
      cx = ascii4("GenuineIntel", 8);
      break;
    case 1:
      a = 0x000306a9; // family 6, model 0x3a, stepping 9
      b = (8 << 8) | (1 << 16); // clflush line 64 bytes, 1 logical processor
      cx = cpuidFeatures.leaf1Ecx;
      d = cpuidFeatures.leaf1Edx;
      break;
    case 2:
      a = 0x0000ff01; // one iteration; descriptor 0xff: use leaf 4
      break;
    case 4: {
      // Deterministic cache parameters: L1d 32K, L1i 32K, L2 256K, L3 8M; 64-byte lines.
      const caches = [
        [1, 1, 8, 64], // type data, level 1, 8 ways, 64 sets
        [2, 1, 8, 64],
        [3, 2, 8, 512],
        [3, 3, 16, 8192],
      ];
      const e = caches[sub];
      if (e) {
        a = e[0] | (e[1] << 5) | (1 << 8);
        b = 63 | (0 << 12) | ((e[2] - 1) << 22);
        cx = e[3] - 1;
      }
      break;
    }
    case 0x80000000:
      a = 0x80000008;
      break;
    case 0x80000001:
      cx = 1; // LAHF/SAHF in long mode
      d = (1 << 11) | (1 << 20) | (1 << 29); // SYSCALL, NX, LM
      break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const at = (leaf - 0x80000002) * 16;
      a = ascii4(BRAND, at);
      b = ascii4(BRAND, at + 4);
      cx = ascii4(BRAND, at + 8);
      d = ascii4(BRAND, at + 12);
      break;
    }
    case 0x80000006:
      cx = (256 << 16) | (8 << 12) | 64; // L2: 256K, 8-way, 64-byte lines
      break;
    case 0x80000008:
      a = 0x3030; // 48-bit physical and linear addresses
      break;
  }
  c.lo[0] = a;
  c.lo[3] = b;
  c.lo[1] = cx;
  c.lo[2] = d;
  c.hi[0] =
    c.hi[3] =
    c.hi[1] =
    c.hi[2] =
      0;
}

const tscStart = performance.now();

/** RDTSC (0F 31): a 1 GHz counter from the host's monotonic clock. */
export function rdtsc(c: Cpu, _i: Insn): void {
  const t = Math.floor((performance.now() - tscStart) * 1e6) + 1e9;
  c.lo[0] = t % 4294967296 | 0;
  c.hi[0] = 0;
  c.lo[2] = Math.floor(t / 4294967296) | 0;
  c.hi[2] = 0;
}

/** SYSCALL (0F 05): rcx = return rip, r11 = rflags; the kernel takes over after this block. */
export function syscall(c: Cpu, i: Insn): void {
  c.setReg(1, i.next);
  c.stopReason = STOP_SYSCALL;
  c.rip = i.next;
}

export function clc(c: Cpu, _i: Insn): void {
  setSomeFlags(c, CF, 0);
}

export function stc(c: Cpu, _i: Insn): void {
  setSomeFlags(c, CF, CF);
}

export function cmc(c: Cpu, _i: Insn): void {
  setSomeFlags(c, CF, getCF(c) ? 0 : CF);
}

export function cld(c: Cpu, _i: Insn): void {
  c.df = 0;
}

export function std(c: Cpu, _i: Insn): void {
  c.df = 1;
}

/** LAHF (9F): AH = SF ZF 0 AF 0 PF 1 CF. */
export function lahf(c: Cpu, _i: Insn): void {
  const f = (arithFlags(c) & (SF | ZF | AF | PF | CF)) | 2;
  c.lo[0] = (c.lo[0] & ~0xff00) | (f << 8);
}

/** SAHF (9E). */
export function sahf(c: Cpu, _i: Insn): void {
  setSomeFlags(c, SF | ZF | AF | PF | CF, (c.lo[0] >> 8) & 0xff);
}

/** INT3 (CC): SIGTRAP with the rip after the instruction, as Linux reports it. */
export function int3(c: Cpu, i: Insn): void {
  c.rip = i.next;
  throw new CpuException(SIGTRAP, SI_KERNEL, 0);
}

/** INT n (CD), HLT (F4), and other privileged instructions: #GP, SIGSEGV. */
export function privileged(_c: Cpu, _i: Insn): void {
  throw generalProtection();
}
