// A whole process as plain data, built from each object's own snapshot() (CPU, memory,
// descriptors, signals) plus the process's identity and filesystem view. fork streams one to a
// fresh guest host; checkpoints write them to images. Both restore through restoreProcess.

import type { CpuSnapshot } from "../cpu/state.ts";
import type { GuestHost } from "../host/guest_host.ts";
import { Memory, type MemoryCapture, type MemorySnapshot } from "../memory/memory.ts";
import type { Vma } from "../memory/vma.ts";
import type { FdTableSnapshot } from "./files.ts";
import { lockedFiles, renamedLocks } from "./locks.ts";
import { type Credentials, type FsState, Process, type ProcessOptions } from "./process.ts";
import type { SignalSnapshot } from "./signals.ts";

export interface ProcessSnapshot {
  ids: { pid: number; ppid: number; pgid: number; sid: number; tid: number };
  cpu: CpuSnapshot;
  mem: MemorySnapshot;
  fds: FdTableSnapshot;
  signals: SignalSnapshot;
  fs: FsState;
  cred: Credentials;
  exePath: string;
  hostExePath: string;
  argv: string[];
  brkStart: number;
  brk: number;
  clearChildTid: number;
  robustList: number;
  robustListLen: number;
  rlimits: [number, number][];
  comm: string;
  /** Process.posixLocks (absent in images written before it). */
  posixLocks?: string[];
  /** Lock keys of locked files, with a descriptor of each: a restore elsewhere renames them. */
  lockFiles?: [string, number][];
}

/** VMA fields that are plain data; references to open files stay with the process. */
const VMA_FIELDS = [
  "start",
  "end",
  "prot",
  "shared",
  "name",
  "offset",
  "dev",
  "inode",
  "anonymous",
  "growsDown",
  "maxProt",
];

function plainVma(v: Vma): Vma {
  const out: Record<string, unknown> = {};
  for (const k of VMA_FIELDS) {
    const value = (v as unknown as Record<string, unknown>)[k];
    if (value !== undefined) out[k] = value;
  }
  return out as unknown as Vma;
}

/** The address space as plain data (VMAs without references to open files). */
export function memorySnapshot(p: Process): MemorySnapshot {
  const mem = p.mem.snapshot();
  mem.vmas = mem.vmas.map(plainVma);
  return mem;
}

/**
 * The address space captured as fast as possible (one copy of the frame pool, into `into` when
 * it is large enough) while the process is parked for a checkpoint; `capturedMemory` lays it
 * out later.
 */
export function captureMemory(p: Process, into?: Uint8Array): MemoryCapture {
  const c = p.mem.capture(into);
  c.vmas = c.vmas.map(plainVma);
  return c;
}

/**
 * A capture as a snapshot whose page data is left out (empty `data`), with the page contents as
 * views of the captured pool, in page-map order: a checkpoint writes them straight to its image.
 */
export function capturedMemory(c: MemoryCapture): { mem: MemorySnapshot; contents: Uint8Array[] } {
  const { pages, contents } = Memory.pagesOf(c);
  return { mem: { vmas: c.vmas, pages, data: new Uint8Array(0) }, contents };
}

/** The whole process as data; `mem` (default: a snapshot made now) is its address space. */
export function snapshotProcess(p: Process, mem = memorySnapshot(p)): ProcessSnapshot {
  return {
    ids: { pid: p.pid, ppid: p.ppid, pgid: p.pgid, sid: p.sid, tid: p.tid },
    cpu: p.cpu.snapshot(),
    mem,
    fds: p.fds.snapshot(),
    signals: p.signals.snapshot(),
    fs: { ...p.fs },
    cred: { ...p.cred, groups: [...p.cred.groups] },
    exePath: p.exePath,
    hostExePath: p.hostExePath,
    argv: [...p.argv],
    brkStart: p.brkStart,
    brk: p.brk,
    clearChildTid: p.clearChildTid,
    robustList: p.robustList,
    robustListLen: p.robustListLen,
    rlimits: p.rlimits.map(([a, b]) => [a, b]),
    comm: p.comm,
    posixLocks: [...p.posixLocks],
    lockFiles: lockedFiles(p),
  };
}

/** A new process holding a snapshot's state, ready to run from the saved rip. */
export function restoreProcess(
  s: ProcessSnapshot,
  options: ProcessOptions = {},
  host?: GuestHost,
): Process {
  const p = new Process({ ...options, root: s.fs.root });
  // (options.memory may already hold the page data in place: Memory.restore then copies nothing.)
  p.host = host; // descriptors shared through the job reattach to it as they are reopened
  p.mem.restore(s.mem);
  p.cpu.restore(s.cpu);
  p.fs = { ...s.fs };
  p.cred = { ...s.cred, groups: [...s.cred.groups] };
  ({ pid: p.pid, ppid: p.ppid, pgid: p.pgid, sid: p.sid, tid: p.tid } = s.ids);
  p.exePath = s.exePath;
  p.hostExePath = s.hostExePath;
  p.argv = [...s.argv];
  p.brkStart = s.brkStart;
  p.brk = s.brk;
  p.clearChildTid = s.clearChildTid;
  p.robustList = s.robustList;
  p.robustListLen = s.robustListLen;
  p.rlimits = s.rlimits.map(([a, b]) => [a, b]);
  p.comm = s.comm;
  p.posixLocks = new Set(s.posixLocks ?? []);
  p.signals.restore(s.signals);
  p.fds.restore(p, s.fds);
  p.lockRenames = renamedLocks(p, s.lockFiles ?? []);
  return p;
}
