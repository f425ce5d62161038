// The guest host's side of a coordinated checkpoint (the leader's is coordinator.ts), and the
// restore job. The messages of DESIGN.md's protocol arrive as supervisor USER ops (HOST_OPS in
// runtime/host/guest_host.ts):
//   cp_prepare {session}         the tree still runs: a buffer for the memory copy is paged in
//   cp_checkpoint {session, dir} CHECKPOINT: the process parks at its next safepoint (SIGCP),
//                                copies its memory in one piece and answers READY ("ready"), or
//                                "exited" when it is already ending
//   cp_capture {session}         the rest of the image is built in memory (the tree is parked)
//   cp_resume {session}          RESUME: released (after capture)
//   cp_write {session, path}     the captured image written and fsynced; answers DONE
//                                {size, digest}
//   cp_abort {session}           ABORT: released, anything captured dropped
// Invariant: a parked process runs no guest code and changes no shared state, so the images and
// the leader's shared state form one consistent cut. A host whose leader vanishes exits
// (guest_host.ts), so a parked tree never outlives its supervisor; a hold also ends by itself
// after HOLD_LIMIT_MS so that a leader bug cannot freeze a job forever.

import type { GuestHost } from "../runtime/host/guest_host.ts";
import type { Process } from "../runtime/kernel/process.ts";
import {
  capturedMemory,
  captureMemory,
  restoreProcess,
  snapshotProcess,
} from "../runtime/kernel/snapshot.ts";
import { Memory, type MemoryCapture, type MemorySnapshot } from "../runtime/memory/memory.ts";
import { EBUSY } from "../runtime/kernel/errno.ts";
import { CHECKPOINT_RESTORED } from "../runtime/syscalls/sys_supervisor.ts";
import { digest, ImageError, readImageFile, REC_PAGES, writeImageFile } from "./image.ts";
import {
  decodeProcessImage,
  decodeProcessRecords,
  type ProcessImage,
  processRecords,
} from "./process_image.ts";

const HOLD_LIMIT_MS = 600_000;
const WAIT_FOR_PROCESS_MS = 10_000;

interface Session {
  id: string;
  /** The pid that asked for it from inside supervisor_checkpoint (0: the CLI or control). */
  requester: number;
  parked: Promise<void>;
  release: () => void;
  image?: ProcessImage;
  /** The captured address space (the image's memory until cp_write). */
  memory?: MemoryCapture;
}

/** Placeholder memory of a captured image until cp_write fills it in. */
const NO_MEMORY: MemorySnapshot = { vmas: [], pages: [], data: new Uint8Array(0) };

const sessions = new WeakMap<GuestHost, Session>();
/** cp_prepare's buffers: paged in while the tree runs, so that the copy made parked is fast. */
const prepared = new WeakMap<GuestHost, { session: string; buffer: Uint8Array }>();

/**
 * cp_prepare: pages in a buffer for the memory copy made as the process parks, while it
 * still runs (fresh memory costs a page fault per 4 KiB: copying 128 MiB into it takes ~60 ms,
 * into memory already paged in ~10 ms). Returns its size; 0 when there is no process yet.
 */
export function prepare(host: GuestHost, session: string): number {
  const p = host.process;
  if (!p || p.exitStatus) return 0;
  const used = p.mem.poolBytes;
  const size = used + (used >> 3) + (1 << 20); // room for what it maps before it parks
  const buffer = new Uint8Array(size);
  for (let i = 0; i < size; i += 4096) buffer[i] = 1;
  prepared.set(host, { session, buffer });
  return size;
}

async function processOf(host: GuestHost): Promise<Process> {
  const until = performance.now() + WAIT_FOR_PROCESS_MS;
  // A forked child may hear of the checkpoint before its job arrives: wait for the job.
  while (!host.process) {
    if (performance.now() > until) throw new Error("The host has no process to checkpoint");
    await new Promise((r) => setTimeout(r, 5));
  }
  return host.process;
}

/** CHECKPOINT: resolves READY once the process waits at a safepoint, "exited" if it is ending. */
export async function park(
  host: GuestHost,
  session: string,
  requester = 0,
): Promise<"ready" | "exited"> {
  const p = await processOf(host);
  if (p.exitStatus) return "exited";
  const old = sessions.get(host);
  if (old) old.release(); // a stale session (an abort the host never heard) ends here
  const parked = Promise.withResolvers<void>();
  const released = Promise.withResolvers<void>();
  const limit = setTimeout(released.resolve, HOLD_LIMIT_MS);
  const s: Session = {
    id: session,
    requester,
    parked: parked.promise,
    release: () => {
      clearTimeout(limit);
      released.resolve();
    },
  };
  sessions.set(host, s);
  p.requestPark(() => {
    // Parked, its memory cannot change: copied now, while others are still on their way.
    const buffer = prepared.get(host);
    prepared.delete(host);
    s.memory = captureMemory(p, buffer?.session === session ? buffer.buffer : undefined);
    parked.resolve();
    return released.promise;
  });
  // The process may end instead of parking (it was exiting): report that.
  const ended = new Promise<"exited">((resolve) => {
    const poll = setInterval(() => {
      if (p.exitStatus || sessions.get(host) !== s) {
        clearInterval(poll);
        resolve("exited");
      }
    }, 5);
    parked.promise.then(() => clearInterval(poll));
  });
  return await Promise.race([parked.promise.then(() => "ready" as const), ended]);
}

function current(host: GuestHost, session: string): Session {
  const s = sessions.get(host);
  if (!s || s.id !== session) throw new RangeError(`No checkpoint session '${session}' here`);
  return s;
}

/**
 * cp_capture: the process's state as it is, parked, every process of the tree parked too (its
 * memory was copied in one piece as it parked; the page-ordered snapshot of it is made by
 * cp_write, after the process is resumed).
 */
export async function capture(host: GuestHost, session: string): Promise<number> {
  const s = current(host, session);
  await s.parked;
  const p = host.process!;
  if (!s.memory) throw new RangeError(`Session '${session}': memory not captured`);
  const snapshot = snapshotProcess(p, NO_MEMORY);
  if (p.inCheckpointCall) {
    // Parked inside its own supervisor_checkpoint: restored, the call returns CHECKPOINT_RESTORED
    // if this is the checkpoint it asked for; else the leader refused it as EBUSY, as it does
    // in the running original.
    const result = s.requester === p.pid ? CHECKPOINT_RESTORED : -EBUSY;
    snapshot.cpu.lo[0] = result;
    snapshot.cpu.hi[0] = result < 0 ? -1 : 0;
  }
  s.image = { vmid: host.worker.vmid, snapshot, job: host.jobState() };
  return s.memory.pool.length;
}

/** RESUME: releases the process. */
export function resume(host: GuestHost, session: string): number {
  const s = sessions.get(host);
  if (s && s.id === session) s.release();
  return 0;
}

/** ABORT: releases the process and drops what was captured (the checkpoint will not commit). */
export function abort(host: GuestHost, session: string): number {
  if (prepared.get(host)?.session === session) prepared.delete(host);
  const s = sessions.get(host);
  if (s && s.id === session) {
    s.release();
    sessions.delete(host);
  }
  return 0;
}

/**
 * cp_write: writes the captured image to `path` (write, fsync), the page contents straight from
 * the memory capture; returns its size and digest.
 */
export async function writeCaptured(
  host: GuestHost,
  session: string,
  path: string,
): Promise<{ size: number; digest: string }> {
  const s = current(host, session);
  if (!s.image || !s.memory) throw new RangeError(`Session '${session}': nothing captured`);
  const { mem, contents } = capturedMemory(s.memory);
  const image = s.image;
  image.snapshot.mem = mem;
  s.image = s.memory = undefined;
  sessions.delete(host);
  const p = host.process;
  if (p) p.backgroundJobs++; // the guest runs on meanwhile, yielding often so the write goes on
  try {
    return await writeImageFile(path, processRecords(image, contents));
  } finally {
    if (p) p.backgroundJobs--;
  }
}

/**
 * Reads a process image whose SHA-256 must be `expected`. The page data is read straight into a
 * fresh guest address space (returned with the image, to restore in place) while the file is
 * hashed. If that fails or the digest differs, the file is read again whole and checked record
 * by record, so that the error names the damaged record, else the digest mismatch.
 */
async function readProcessImage(
  path: string,
  expected: string,
): Promise<{ image: ProcessImage; memory?: Memory }> {
  try {
    const memory = Memory.fresh();
    const read = await readImageFile(
      path,
      (type, length) => type === REC_PAGES ? memory.pagesInPlace(length) : undefined,
    );
    if (read.digest === expected) {
      return { image: decodeProcessRecords(read.records, path), memory };
    }
  } catch { /* the careful reading below says what is wrong */ }
  const data = await Deno.readFile(path);
  if (await digest(data) !== expected) {
    decodeProcessImage(data, path); // names the damaged record when a record check catches it
    throw new ImageError(`${path}: SHA-256 differs from the manifest's (damaged or replaced)`);
  }
  return { image: decodeProcessImage(data, path, false) };
}

/**
 * The restore job: reads the image, refuses it unless its SHA-256 is the manifest's `expected`
 * digest, and rebuilds the process and its host's job state; it runs once the leader releases the
 * whole tree.
 */
export async function restoreFromImage(
  host: GuestHost,
  path: string,
  expected: string,
  options: { strace?: boolean },
): Promise<Process> {
  const { image, memory } = await readProcessImage(path, expected);
  if (image.vmid !== host.worker.vmid) {
    throw new RangeError(`${path}: image of VMID ${image.vmid} given to host ${host.worker.vmid}`);
  }
  const missing: string[] = [];
  const fds = image.snapshot.fds;
  fds.files.forEach((f, k) => {
    if (f.kind !== "host" && f.kind !== "hostdir") return;
    try {
      Deno.statSync(String(f.state.hostPath));
    } catch {
      const numbers = fds.fds.filter((d) => d.file === k).map((d) => d.fd).join(", ");
      missing.push(`${f.state.hostPath} (guest path ${f.path}, fd ${numbers})`);
    }
  });
  if (missing.length) {
    throw new Error(
      `process ${image.snapshot.ids.pid}: host file${missing.length > 1 ? "s" : ""} it had open ${
        missing.length > 1 ? "are" : "is"
      } missing: ${missing.join("; ")}`,
    );
  }
  const p = restoreProcess(image.snapshot, { ...options, memory }, host);
  host.restoreJobState(image.job);
  return p;
}
