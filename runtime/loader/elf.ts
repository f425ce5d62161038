// ELF64 parsing and validation for x86-64 executables: the header, program headers, and the
// program interpreter path. Everything is checked before anything is mapped, so a malformed file
// gets one clear ElfError instead of a half-loaded guest.

export const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551, PT_TLS = 7;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const ET_EXEC = 2, ET_DYN = 3;
const EM_X86_64 = 62;
const ADDRESS_LIMIT = 2 ** 47;

/** A file that cannot be loaded; the message says why, in one line. */
export class ElfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ElfError";
  }
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface ElfFile {
  type: number;
  entry: number;
  phoff: number;
  phnum: number;
  phdrs: ProgramHeader[];
  /** PT_INTERP path, if any. */
  interp?: string;
  /** Lowest and highest (exclusive) virtual address of the PT_LOAD segments. */
  minVaddr: number;
  maxVaddr: number;
  /** Whether PT_GNU_STACK asks for an executable stack. */
  execStack: boolean;
}

const MACHINES: Record<number, string> = {
  3: "i386",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  40: "ARM",
  43: "SPARC V9",
  183: "AArch64",
  243: "RISC-V",
  258: "LoongArch",
};

/** Parses and validates an x86-64 ELF executable or shared object held in `data`. */
export function parseElf(data: Uint8Array): ElfFile {
  if (
    data.length < 4 || data[0] !== 0x7f || data[1] !== 0x45 || data[2] !== 0x4c || data[3] !== 0x46
  ) {
    throw new ElfError("not an ELF executable (bad magic)");
  }
  if (data.length < 64) throw new ElfError(`truncated ELF header (${data.length} of 64 bytes)`);
  if (data[4] === 1) throw new ElfError("not an x86-64 program: 32-bit ELF (ELFCLASS32)");
  if (data[4] !== 2) throw new ElfError(`invalid ELF class ${data[4]}`);
  if (data[5] !== 1) throw new ElfError("not a little-endian ELF file");
  if (data[6] !== 1) throw new ElfError(`unsupported ELF version ${data[6]}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u64 = (o: number) => {
    const hi = v.getUint32(o + 4, true);
    if (hi >= 0x200000) return Infinity; // beyond 2^53: only ever invalid here
    return hi * 4294967296 + v.getUint32(o, true);
  };
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  if (machine !== EM_X86_64) {
    const name = MACHINES[machine] ?? `machine ${machine}`;
    throw new ElfError(`not an x86-64 program (${name})`);
  }
  if (type !== ET_EXEC && type !== ET_DYN) {
    const kinds: Record<number, string> = {
      0: "no file type",
      1: "a relocatable object",
      4: "a core file",
    };
    throw new ElfError(`not an executable: ELF type is ${kinds[type] ?? type}`);
  }
  const entry = u64(24);
  const phoff = u64(32);
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  if (phentsize !== 56) {
    throw new ElfError(`bad program header entry size ${phentsize} (expected 56)`);
  }
  if (phnum === 0) throw new ElfError("no program headers");
  if (phnum > 1024) throw new ElfError(`too many program headers (${phnum})`);
  if (phoff + phnum * 56 > data.length) {
    throw new ElfError(
      `truncated: program headers at ${phoff}+${
        phnum * 56
      } run past the end of the file (${data.length} bytes)`,
    );
  }
  const phdrs: ProgramHeader[] = [];
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * 56;
    phdrs.push({
      type: v.getUint32(o, true),
      flags: v.getUint32(o + 4, true),
      offset: u64(o + 8),
      vaddr: u64(o + 16),
      filesz: u64(o + 32),
      memsz: u64(o + 40),
      align: u64(o + 48),
    });
  }
  let minVaddr = Infinity, maxVaddr = 0, loads = 0, interp: string | undefined, execStack = false;
  const ranges: [number, number][] = [];
  for (const [k, ph] of phdrs.entries()) {
    if (ph.type === PT_GNU_STACK) execStack = (ph.flags & PF_X) !== 0;
    if (ph.type === PT_INTERP) {
      if (ph.offset + ph.filesz > data.length || ph.filesz === 0 || ph.filesz > 4096) {
        throw new ElfError("bad PT_INTERP segment (outside the file or empty)");
      }
      const bytes = data.subarray(ph.offset, ph.offset + ph.filesz);
      const nul = bytes.indexOf(0);
      if (nul <= 0) throw new ElfError("bad PT_INTERP: interpreter path is not NUL-terminated");
      interp = new TextDecoder().decode(bytes.subarray(0, nul));
    }
    if (ph.type !== PT_LOAD) continue;
    loads++;
    const where = `segment ${k}`;
    if (ph.filesz > ph.memsz) throw new ElfError(`${where}: file size exceeds memory size`);
    if (ph.offset + ph.filesz > data.length) {
      throw new ElfError(
        `truncated: ${where} needs bytes up to ${ph.offset + ph.filesz}, file has ${data.length}`,
      );
    }
    if (ph.vaddr % 4096 !== ph.offset % 4096) {
      throw new ElfError(`${where}: address and file offset disagree modulo the page size`);
    }
    if (ph.vaddr + ph.memsz > ADDRESS_LIMIT || ph.memsz > 2 ** 40) {
      throw new ElfError(`${where}: does not fit in the 47-bit user address space`);
    }
    const start = ph.vaddr, end = ph.vaddr + ph.memsz;
    for (const [s, e] of ranges) {
      if (start < e && s < end) throw new ElfError(`${where}: overlaps another segment`);
    }
    ranges.push([start, end]);
    minVaddr = Math.min(minVaddr, ph.vaddr);
    maxVaddr = Math.max(maxVaddr, end);
  }
  if (loads === 0) throw new ElfError("no loadable segments");
  if (type === ET_EXEC && minVaddr < 4096) throw new ElfError("segment mapped at address 0");
  return { type, entry, phoff, phnum, phdrs, interp, minVaddr, maxVaddr, execStack };
}
