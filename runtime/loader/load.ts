// Loading a program into a fresh address space as Linux's binfmt_elf does: segments mapped with
// their permissions, the program interpreter (PT_INTERP, the guest's own ld.so) loaded beside
// it, the break placed after the data segment, and the initial stack built with argc, argv,
// envp and the auxiliary vector. The address layout is Linux's with randomization off.

import { cpuidFeatures } from "../cpu/ops/misc.ts";
import { ENOENT, ENOEXEC, ERRNO_NAMES } from "../kernel/errno.ts";
import { hostErrno } from "../kernel/host_errno.ts";
import { resolvePath } from "../kernel/paths.ts";
import type { Process } from "../kernel/process.ts";
import type { Memory } from "../memory/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import {
  ElfError,
  type ElfFile,
  ET_DYN,
  parseElf,
  PF_R,
  PF_W,
  PF_X,
  PT_LOAD,
  PT_PHDR,
} from "./elf.ts";

export const PIE_BASE = 0x555555554000;
/** Top of the mmap area (ld.so and mmap without a hint go below it). */
export const MMAP_TOP = 0x7ffff7fff000;
export const STACK_TOP = 0x7ffffffff000;
export const STACK_SIZE = 8 * 1024 * 1024;
const PAGE = 4096;

const AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7;
const AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14;
const AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25;
const AT_HWCAP2 = 26, AT_EXECFN = 31, AT_MINSIGSTKSZ = 51;

/** A program that cannot be started; `errno` is what execve would return. */
export class LoadError extends Error {
  constructor(message: string, readonly errno: number) {
    super(message);
    this.name = "LoadError";
  }
}

const pageDown = (v: number) => Math.floor(v / PAGE) * PAGE;
const pageUp = (v: number) => Math.ceil(v / PAGE) * PAGE;

function protOf(flags: number): number {
  return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
    (flags & PF_X ? PROT_EXEC : 0);
}

/** Maps the PT_LOAD segments of `elf` at `bias`; returns the address of the program headers. */
function mapSegments(
  mem: Memory,
  elf: ElfFile,
  data: Uint8Array,
  bias: number,
  name: string,
): number {
  const mapped: [number, number][] = [];
  for (const ph of elf.phdrs) {
    if (ph.type !== PT_LOAD || ph.memsz === 0) continue;
    const start = pageDown(bias + ph.vaddr), end = pageUp(bias + ph.vaddr + ph.memsz);
    const prot = protOf(ph.flags);
    // A page shared with the previous segment keeps both permissions (as the file mapping would).
    let from = start;
    for (const [s, e] of mapped) {
      if (s < end && from < e) {
        mem.protect(from, Math.min(e, end) - from, (mem.vmas.find(from)?.prot ?? 0) | prot);
        from = Math.min(e, end);
      }
    }
    if (from < end) {
      mem.map(from, end - from, prot, { name, offset: pageDown(ph.offset) + (from - start) });
    }
    mapped.push([start, end]);
    mem.poke(bias + ph.vaddr, data.subarray(ph.offset, ph.offset + ph.filesz));
  }
  const phdr = elf.phdrs.find((ph) => ph.type === PT_PHDR);
  if (phdr) return bias + phdr.vaddr;
  const holder = elf.phdrs.find((ph) =>
    ph.type === PT_LOAD && ph.offset <= elf.phoff &&
    elf.phoff + elf.phnum * 56 <= ph.offset + ph.filesz
  );
  return holder ? bias + holder.vaddr + (elf.phoff - holder.offset) : 0;
}

/** Reads a guest file for loading; throws LoadError with execve's errno. */
export function readGuestFile(
  p: Process,
  path: string,
): { guest: string; host: string; data: Uint8Array } {
  const r = resolvePath(p.fs, path, p.fs.cwd, true, p);
  if (typeof r === "number") {
    throw new LoadError(`${path}: ${ERRNO_NAMES[-r]?.[1] ?? "cannot be resolved"}`, -r);
  }
  let data: Uint8Array;
  try {
    const info = Deno.statSync(r.host);
    if (info.isDirectory) throw new LoadError(`${path}: Permission denied (a directory)`, 13);
    if (!info.isFile) throw new LoadError(`${path}: Permission denied`, 13);
    if (info.mode !== null && (info.mode & 0o111) === 0) {
      throw new LoadError(`${path}: Permission denied`, 13);
    }
    data = Deno.readFileSync(r.host);
  } catch (e) {
    if (e instanceof LoadError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new LoadError(`${path}: No such file or directory`, ENOENT);
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      throw new LoadError(`${path}: Permission denied`, 13);
    }
    const errno = hostErrno(e);
    const text = ERRNO_NAMES[errno]?.[1] ?? (e instanceof Error ? e.message : String(e));
    throw new LoadError(`${path}: ${text}`, errno);
  }
  return { ...r, data };
}

function parseOrThrow(path: string, data: Uint8Array): ElfFile {
  try {
    return parseElf(data);
  } catch (e) {
    if (e instanceof ElfError) throw new LoadError(`${path}: ${e.message}`, ENOEXEC);
    throw e;
  }
}

/**
 * Loads the program at guest path `path` into `p` (whose memory must be empty) and sets up
 * registers and the initial stack. Throws LoadError when the file cannot be run.
 */
export function loadProgram(p: Process, path: string, argv: string[], envp: string[]): void {
  loadPrepared(p, prepareProgram(p, path), argv, envp);
}

/** A program read and checked, ready to be mapped (execve commits only after this succeeds). */
export interface PreparedProgram {
  path: string;
  file: { guest: string; host: string; data: Uint8Array };
  elf: ElfFile;
  interp?: { elf: ElfFile; data: Uint8Array; guest: string };
}

/** Reads and validates a program and its interpreter; throws LoadError, changes nothing. */
export function prepareProgram(p: Process, path: string): PreparedProgram {
  const file = readGuestFile(p, path);
  const elf = parseOrThrow(path, file.data);
  let interp: { elf: ElfFile; data: Uint8Array; guest: string } | undefined;
  if (elf.interp) {
    let f;
    try {
      f = readGuestFile(p, elf.interp);
    } catch (e) {
      if (e instanceof LoadError) {
        throw new LoadError(
          `${path}: program interpreter ${elf.interp} not found or not readable`,
          ENOENT,
        );
      }
      throw e;
    }
    const ielf = parseOrThrow(elf.interp, f.data);
    if (ielf.type !== ET_DYN) {
      throw new LoadError(`${elf.interp}: interpreter is not a shared object`, ENOEXEC);
    }
    interp = { elf: ielf, data: f.data, guest: f.guest };
  }
  return { path, file, elf, interp };
}

/** Maps a prepared program into `p` (whose memory must be empty) and sets up its stack. */
export function loadPrepared(
  p: Process,
  prepared: PreparedProgram,
  argv: string[],
  envp: string[],
): void {
  const { file, elf, interp } = prepared;
  const mem = p.mem;
  const bias = elf.type === ET_DYN ? PIE_BASE - pageDown(elf.minVaddr) : 0;
  const phdrAddr = mapSegments(mem, elf, file.data, bias, file.guest);
  let entry = bias + elf.entry;
  let interpBase = 0;
  if (interp) {
    const span = pageUp(interp.elf.maxVaddr) - pageDown(interp.elf.minVaddr);
    interpBase = mem.vmas.findFreeTopDown(span, MMAP_TOP, 0x10000) - pageDown(interp.elf.minVaddr);
    mapSegments(mem, interp.elf, interp.data, interpBase, interp.guest);
    entry = interpBase + interp.elf.entry;
  }
  p.brkStart = p.brk = pageUp(bias + elf.maxVaddr);

  const stackProt = PROT_READ | PROT_WRITE | (elf.execStack ? PROT_EXEC : 0);
  mem.map(STACK_TOP - STACK_SIZE, STACK_SIZE, stackProt, { name: "[stack]" });
  const rsp = buildStack(p, file.guest, argv, envp, [
    [AT_PHDR, phdrAddr],
    [AT_PHENT, 56],
    [AT_PHNUM, elf.phnum],
    [AT_PAGESZ, PAGE],
    [AT_BASE, interpBase],
    [AT_FLAGS, 0],
    [AT_ENTRY, bias + elf.entry],
    [AT_UID, p.cred.uid],
    [AT_EUID, p.cred.euid],
    [AT_GID, p.cred.gid],
    [AT_EGID, p.cred.egid],
    [AT_SECURE, 0],
    [AT_HWCAP, cpuidFeatures.leaf1Edx >>> 0],
    [AT_HWCAP2, 0],
    [AT_CLKTCK, 100],
    [AT_MINSIGSTKSZ, 2048],
  ]);

  const cpu = p.cpu;
  cpu.lo.fill(0);
  cpu.hi.fill(0);
  cpu.setReg(4, rsp);
  cpu.rip = entry;
  cpu.fsBase = cpu.gsBase = 0;
  p.exePath = file.guest;
  p.hostExePath = file.host;
  p.argv = argv;
  p.comm = (file.guest.split("/").pop() ?? "").slice(0, 15);
}

/** Builds the initial stack below STACK_TOP; returns the initial rsp (pointing at argc). */
function buildStack(
  p: Process,
  execfn: string,
  argv: string[],
  envp: string[],
  aux: [number, number][],
): number {
  const enc = new TextEncoder();
  const mem = p.mem;
  let sp = STACK_TOP - 8; // a NULL word at the very top, as Linux leaves it
  const putString = (s: string): number => {
    const bytes = enc.encode(s + "\0");
    sp -= bytes.length;
    mem.poke(sp, bytes);
    return sp;
  };
  const execfnAddr = putString(execfn);
  const envAddrs = envp.map(putString);
  const argAddrs = argv.map(putString);
  const platform = putString("x86_64");
  sp = Math.floor(sp / 16) * 16 - 16;
  const random = sp;
  mem.poke(random, crypto.getRandomValues(new Uint8Array(16)));
  const auxv: [number, number][] = [
    ...aux,
    [AT_RANDOM, random],
    [AT_EXECFN, execfnAddr],
    [AT_PLATFORM, platform],
    [AT_NULL, 0],
  ];
  const words = 1 + argAddrs.length + 1 + envAddrs.length + 1 + auxv.length * 2;
  sp -= words * 8;
  sp = Math.floor(sp / 16) * 16; // rsp 16-byte aligned at entry, pointing at argc
  let at = sp;
  const put = (v: number) => {
    mem.write64(at, v);
    at += 8;
  };
  put(argv.length);
  for (const a of argAddrs) put(a);
  put(0);
  for (const e of envAddrs) put(e);
  put(0);
  for (const [k, v] of auxv) {
    put(k);
    put(v);
  }
  return sp;
}
