// A corpus of programs the supervisor must refuse to load, generated from a real static x86-64
// binary: truncations at several lengths, corrupted ELF header fields, impossible program headers,
// and things that are not ELF programs at all. Each entry writes itself into a directory and says
// which exit status a refusal must have: 126 (cannot execute), or 127 (not found), as shells do.

/** One malformed input. */
export interface CorpusEntry {
  /** What is wrong with it, for the test name. */
  name: string;
  expectStatus: 126 | 127;
  /** Creates the input under DIR from the valid binary BASE; returns the path to run. */
  make(dir: string, base: Uint8Array): Promise<string>;
}

// ELF64 header field offsets (System V gABI).
const EI_CLASS = 4;
const EI_DATA = 5;
const E_TYPE = 0x10;
const E_MACHINE = 0x12;
const E_PHOFF = 0x20;
const E_PHENTSIZE = 0x36;
const E_PHNUM = 0x38;
// ELF64 program header field offsets.
const P_TYPE = 0x00;
const P_OFFSET = 0x08;
const P_VADDR = 0x10;
const P_FILESZ = 0x20;
const P_MEMSZ = 0x28;
const PT_NULL = 0;
const PT_LOAD = 1;
const EM_AARCH64 = 183;
const ET_REL = 1;

interface ProgramHeader {
  /** File offset of this header. */
  at: number;
  type: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The program headers of a well-formed ELF64 little-endian file. */
export function programHeaders(bytes: Uint8Array): ProgramHeader[] {
  const v = view(bytes);
  const phoff = Number(v.getBigUint64(E_PHOFF, true));
  const size = v.getUint16(E_PHENTSIZE, true);
  const count = v.getUint16(E_PHNUM, true);
  return Array.from({ length: count }, (_, i) => {
    const at = phoff + i * size;
    return {
      at,
      type: v.getUint32(at + P_TYPE, true),
      offset: v.getBigUint64(at + P_OFFSET, true),
      vaddr: v.getBigUint64(at + P_VADDR, true),
      filesz: v.getBigUint64(at + P_FILESZ, true),
      memsz: v.getBigUint64(at + P_MEMSZ, true),
    };
  });
}

function loads(bytes: Uint8Array): ProgramHeader[] {
  const found = programHeaders(bytes).filter((h) => h.type === PT_LOAD);
  if (found.length < 2) throw new RangeError("The base binary needs at least two PT_LOAD segments");
  return found;
}

/** An entry made by editing a copy of the base binary. */
function edited(name: string, edit: (bytes: Uint8Array, v: DataView) => void): CorpusEntry {
  return {
    name,
    expectStatus: 126,
    async make(dir, base) {
      const bytes = base.slice();
      edit(bytes, view(bytes));
      return await writeProgram(dir, bytes);
    },
  };
}

/** An entry holding the first LENGTH bytes of the base binary (LENGTH may depend on it). */
function truncated(name: string, length: (base: Uint8Array) => number): CorpusEntry {
  return {
    name,
    expectStatus: 126,
    make: (dir, base) => writeProgram(dir, base.slice(0, length(base))),
  };
}

async function writeProgram(dir: string, bytes: Uint8Array, mode = 0o755): Promise<string> {
  const path = `${dir}/program`;
  await Deno.writeFile(path, bytes);
  await Deno.chmod(path, mode);
  return path;
}

export const CORPUS: readonly CorpusEntry[] = [
  truncated("an empty file", () => 0),
  truncated("truncated to 3 bytes", () => 3),
  truncated("truncated to 16 bytes", () => 16),
  truncated("truncated to 63 bytes", () => 63),
  truncated("truncated just after the ELF header", () => 64 + 5),
  truncated("truncated in the middle of the program headers", (base) => {
    const v = view(base);
    return Number(v.getBigUint64(E_PHOFF, true)) + 2 * v.getUint16(E_PHENTSIZE, true) + 20;
  }),
  truncated("truncated in the middle of a segment", (base) => {
    const biggest = loads(base).reduce((a, b) => (b.filesz > a.filesz ? b : a));
    return Number(biggest.offset + biggest.filesz / 2n);
  }),
  edited("bad magic", (bytes) => {
    bytes[3] = 0x47; // "\x7fELG"
  }),
  edited("ELFCLASS32", (bytes) => {
    bytes[EI_CLASS] = 1;
  }),
  edited("big-endian data encoding", (bytes) => {
    bytes[EI_DATA] = 2;
  }),
  edited("e_machine aarch64", (_, v) => v.setUint16(E_MACHINE, EM_AARCH64, true)),
  edited("e_type ET_REL (an object file)", (_, v) => v.setUint16(E_TYPE, ET_REL, true)),
  edited("bad e_phentsize", (_, v) => v.setUint16(E_PHENTSIZE, 0x20, true)),
  edited("e_phoff beyond the end of the file", (bytes, v) => {
    v.setBigUint64(E_PHOFF, BigInt(bytes.length + 4096), true);
  }),
  edited("program headers running past the end of the file", (_, v) => {
    v.setUint16(E_PHNUM, 0x7fff, true);
  }),
  edited("no program headers (e_phnum 0)", (_, v) => v.setUint16(E_PHNUM, 0, true)),
  edited("p_filesz beyond the end of the file", (bytes, v) => {
    const last = loads(bytes).at(-1)!;
    const size = BigInt(bytes.length) * 2n;
    v.setBigUint64(last.at + P_FILESZ, size, true);
    v.setBigUint64(last.at + P_MEMSZ, size, true);
  }),
  edited("p_offset beyond the end of the file", (bytes, v) => {
    v.setBigUint64(loads(bytes)[1].at + P_OFFSET, 1n << 40n, true);
  }),
  edited("p_memsz smaller than p_filesz", (bytes, v) => {
    const segment = loads(bytes)[1];
    v.setBigUint64(segment.at + P_MEMSZ, segment.filesz / 2n, true);
  }),
  edited("overlapping PT_LOAD segments", (bytes, v) => {
    const [first, second] = loads(bytes);
    v.setBigUint64(second.at + P_VADDR, first.vaddr, true);
  }),
  edited("a segment beyond the user address space", (bytes, v) => {
    const last = loads(bytes).at(-1)!;
    v.setBigUint64(last.at + P_VADDR, 0x7fff_ffff_f000n + (last.vaddr & 0xfffn), true);
    v.setBigUint64(last.at + P_MEMSZ, 0x100_0000n, true);
  }),
  edited("a huge p_memsz that wraps the address space", (bytes, v) => {
    const last = loads(bytes).at(-1)!;
    v.setBigUint64(last.at + P_MEMSZ, 0xffff_ffff_ffff_0000n, true);
  }),
  edited("p_offset and p_vaddr not congruent modulo the page size", (bytes, v) => {
    const segment = loads(bytes)[1];
    v.setBigUint64(segment.at + P_OFFSET, segment.offset + 1n, true);
  }),
  edited("no PT_LOAD segment", (bytes, v) => {
    for (const header of loads(bytes)) v.setUint32(header.at + P_TYPE, PT_NULL, true);
  }),
  {
    name: "a text file",
    expectStatus: 126,
    make: (dir) => writeProgram(dir, new TextEncoder().encode("this is not a program\nat all\n")),
  },
  {
    name: "a directory",
    expectStatus: 126,
    async make(dir) {
      await Deno.mkdir(`${dir}/directory`);
      return `${dir}/directory`;
    },
  },
  {
    name: "a valid binary without execute permission",
    expectStatus: 126,
    make: (dir, base) => writeProgram(dir, base, 0o644),
  },
  {
    name: "a nonexistent path",
    expectStatus: 127,
    make: (dir) => Promise.resolve(`${dir}/does-not-exist`),
  },
];
