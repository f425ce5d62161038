// Restore: a fresh supervisor rebuilds a committed checkpoint's tree. Everything that can be
// checked before a guest runs is checked first: the manifest (the commit point), the shared state
// (size, SHA-256, records) and every image's size. Then the leader state comes back (tree, pipes
// with their contents, offsets, id ranges and VMIDs), one host per process is started with its
// saved VMID and reads its own image (its SHA-256 checked against the manifest's, then its records
// by CRC; every host file it had open must still exist, else the error names it), and all are
// released at one barrier. The guests' stdio is the restoring supervisor's. A directory without a
// committed manifest is refused. Hosts come warm from `supervisor serve` where one runs for this
// user (runtime/host/serve.ts), else they are started here.

import { Supervisor } from "../runtime/host/supervisor.ts";
import type { ExitInfo } from "../runtime/host/proc_table.ts";
import { ImageError } from "./image.ts";
import { readManifest, readShared } from "./manifest.ts";

export interface RestoreOptions {
  /**
   * Called once every process is restored and released: how long after the restore began the
   * last process was let go by its host (its first guest instruction), in ms.
   */
  onReleased?: (ms: number) => void;
  stderr?: "inherit" | "null";
  /** Where to borrow warm hosts (SupervisorOptions.serveSocket: default the user's daemon). */
  serveSocket?: string | null;
}

/** Restores the checkpoint in `dir` and runs it to the end; resolves with the root's exit. */
export async function restoreTree(dir: string, options: RestoreOptions = {}): Promise<ExitInfo> {
  const started = performance.timeOrigin + performance.now();
  const manifest = await readManifest(dir);
  const shared = await readShared(dir, manifest.shared);
  const images = new Map<number, { path: string; digest: string }>();
  for (const p of manifest.processes) {
    const path = `${dir}/${p.file}`;
    let size: number;
    try {
      size = (await Deno.stat(path)).size;
    } catch {
      throw new ImageError(`${path}: missing (the manifest lists it)`);
    }
    if (size !== p.size) {
      throw new ImageError(
        `${path}: ${size} bytes, the manifest says ${p.size} (truncated or replaced)`,
      );
    }
    images.set(p.vmid, { path, digest: p.digest });
  }
  const running = shared.procs.filter((e) => e.state === "running");
  for (const e of running) {
    if (!images.has(e.vmid)) {
      throw new ImageError(`${dir}: the manifest has no image for process ${e.pid}`);
    }
  }
  const supervisor = await Supervisor.start({
    restoring: true,
    stderr: options.stderr,
    serveSocket: options.serveSocket,
  });
  const stopSignals = supervisor.handleHostSignals();
  try {
    return await supervisor.restoreJob(
      shared,
      images,
      (last) => options.onReleased?.(last - started),
    );
  } finally {
    stopSignals();
    await supervisor.close();
  }
}
