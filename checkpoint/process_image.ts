// One process's checkpoint image: a ProcessSnapshot (runtime/kernel/snapshot.ts) plus what its
// guest host knows of the job (children, zombies, stops) laid out as typed records of the image
// container (image.ts). Memory is a page map (REC_MEMORY_MAP, CBOR) plus the raw contents of the
// pages that exist (REC_PAGES, bytes in page-map order), so no page is encoded twice.
//
// Records, in order: CPU_FEATURES, PROCESS (ids, credentials, fs view, exe, brk, tid address,
// robust list, rlimits, job state), REGISTERS (integer registers, rip, rflags, fs/gs base),
// FPSTATE (x87, SSE registers, MXCSR), MEMORY_MAP, PAGES, FILES, SIGNALS (dispositions, masks,
// pending, alternate stack, timers and the parked restartable syscall). Readers skip unknown types.

import type { HostJobState } from "../runtime/host/guest_host.ts";
import type { ProcessSnapshot } from "../runtime/kernel/snapshot.ts";
import {
  cborRecord,
  decodeRecord,
  ImageError,
  type ImageRecord,
  type PiecewiseRecord,
  readImage,
  REC_CPU_FEATURES,
  REC_FILES,
  REC_FPSTATE,
  REC_MEMORY_MAP,
  REC_PAGES,
  REC_PROCESS,
  REC_REGISTERS,
  REC_SIGNALS,
} from "./image.ts";

/** What the interpreter implements: an image restores on any host that runs the same ISA. */
export const CPU_FEATURES = { arch: "x86_64", isa: ["x87", "sse", "sse2"], pageSize: 4096 };

export interface ProcessImage {
  vmid: number;
  snapshot: ProcessSnapshot;
  job: HostJobState;
}

/**
 * The records of a process image; with `pageContents` (views of a memory capture, in page-map
 * order) the page data is given in those pieces (for writeImageFile) instead of mem.data.
 */
export function processRecords(
  image: ProcessImage,
  pageContents?: Uint8Array[],
): (ImageRecord | PiecewiseRecord)[] {
  const s = image.snapshot;
  const { cpu, mem, fds, signals, ...rest } = s;
  const { xmm, mxcsr, x87, ...registers } = cpu;
  return [
    cborRecord(REC_CPU_FEATURES, CPU_FEATURES),
    cborRecord(REC_PROCESS, { vmid: image.vmid, ...rest, job: image.job }),
    cborRecord(REC_REGISTERS, registers),
    cborRecord(REC_FPSTATE, { xmm, mxcsr, x87 }),
    cborRecord(REC_MEMORY_MAP, { vmas: mem.vmas, pages: mem.pages }),
    pageContents
      ? { type: REC_PAGES, pieces: pageContents }
      : { type: REC_PAGES, payload: mem.data },
    cborRecord(REC_FILES, fds),
    cborRecord(REC_SIGNALS, signals),
  ];
}

/** The records of an image by type; a required one missing is an ImageError naming the file. */
function byType(records: ImageRecord[], name: string) {
  const map = new Map<number, ImageRecord>();
  for (const r of records) if (!map.has(r.type)) map.set(r.type, r);
  return (type: number, what: string): ImageRecord => {
    const r = map.get(type);
    if (!r) throw new ImageError(`${name}: no ${what} record (type ${type})`);
    return r;
  };
}

/**
 * Parses and checks a process image; errors name the file and the record. `checkCrc` false
 * trusts bytes whose SHA-256 was checked already (readImage).
 */
export function decodeProcessImage(data: Uint8Array, name: string, checkCrc = true): ProcessImage {
  return decodeProcessRecords(readImage(data, name, checkCrc), name);
}

/** A process image from its records (readImage, readImageFile); errors name `name`. */
export function decodeProcessRecords(records: ImageRecord[], name: string): ProcessImage {
  const get = byType(records, name);
  const features = decodeRecord<typeof CPU_FEATURES>(get(REC_CPU_FEATURES, "CPU features"), name);
  if (features?.arch !== CPU_FEATURES.arch) {
    throw new ImageError(`${name}: CPU features record: image is for '${features?.arch}'`);
  }
  for (const f of features.isa ?? []) {
    if (!CPU_FEATURES.isa.includes(f)) {
      throw new ImageError(`${name}: CPU features record: needs '${f}', not implemented here`);
    }
  }
  const process = decodeRecord<Record<string, unknown>>(get(REC_PROCESS, "process"), name);
  const registers = decodeRecord<Record<string, unknown>>(get(REC_REGISTERS, "registers"), name);
  const fp = decodeRecord<Record<string, unknown>>(get(REC_FPSTATE, "FP state"), name);
  const map = decodeRecord<{ vmas: unknown[]; pages: number[] }>(
    get(REC_MEMORY_MAP, "memory map"),
    name,
  );
  const pages = get(REC_PAGES, "pages").payload;
  if (!Array.isArray(map?.pages) || pages.length !== map.pages.length * 4096) {
    throw new ImageError(
      `${name}: record of type ${REC_PAGES} (pages): ${pages.length} bytes for ${
        map?.pages?.length ?? "?"
      } pages in the memory map`,
    );
  }
  const fds = decodeRecord<ProcessSnapshot["fds"]>(get(REC_FILES, "files"), name);
  const signals = decodeRecord<ProcessSnapshot["signals"]>(get(REC_SIGNALS, "signals"), name);
  const { vmid, job, ...rest } = process;
  if (typeof vmid !== "number" || typeof rest.ids !== "object" || !job) {
    throw new ImageError(`${name}: record of type ${REC_PROCESS} (process): fields missing`);
  }
  const snapshot = {
    ...rest,
    cpu: { ...registers, ...fp },
    mem: { vmas: map.vmas, pages: map.pages, data: pages },
    fds,
    signals,
  } as unknown as ProcessSnapshot;
  return { vmid, snapshot, job: job as HostJobState };
}
