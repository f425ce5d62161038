// The leader's side of a coordinated checkpoint of a whole guest tree (member.ts is the hosts').
//
//   0. cp_prepare: each process pages in a buffer for the copy of its memory, the tree running.
//   1. CHECKPOINT: every running process is asked to park (cp_checkpoint); each parks at its
//      next safepoint, a blocking syscall rewound for restart, and answers READY ("ready").
//      Processes forked or ended meanwhile are taken in until the member set is stable (a parked
//      process can neither fork nor exit, so this ends).
//   2. Quiet: no guest runs; the leader copies its shared state (tree, pipes, offsets, ids) and
//      every member copies the rest of its state (cp_capture; its memory was copied as it parked).
//   3. Unless --stop, RESUME (cp_resume) now: the frozen time ends here; images are written after.
//   4. Each member writes its image (cp_write) and reports DONE with size and SHA-256; the leader
//      writes shared.img, then the manifest atomically: the commit point.
//   5. --stop: the job ends after the commit. Any failure or timeout before the commit: ABORT
//      (cp_abort: members released, captured state dropped, the session directory removed) and
//      the tree runs on unharmed.
// These messages are supervisor USER ops (the host's table is HOST_OPS in guest_host.ts).
// Every wait is bounded. One checkpoint at a time per supervisor.

import type { Supervisor } from "../runtime/host/supervisor.ts";
import { withDeadline } from "../ipc/deadline.ts";
import {
  commitManifest,
  type Manifest,
  type ManifestProcess,
  removeOtherSessions,
  writeShared,
} from "./manifest.ts";

export interface CheckpointOptions {
  /** End the job after a committed checkpoint. */
  stop?: boolean;
  /** The pid of a guest that asked for this checkpoint from inside supervisor_checkpoint. */
  requester?: number;
  /** Bound on parking every process (ms). */
  parkTimeoutMs?: number;
  /** Bound on capturing and writing the images (ms). */
  writeTimeoutMs?: number;
}

export interface CheckpointResult {
  dir: string;
  session: string;
  processes: number;
  bytes: number;
  /** Time from the first park request to the release of the tree (to the commit with --stop). */
  frozenMs: number;
  /** Of frozenMs: until every process was parked (each parks at its next safepoint). */
  parkMs: number;
  totalMs: number;
}

/** A checkpoint that did not happen; the tree was left running. */
export class CheckpointError extends Error {
  /** `busy`: another checkpoint of the job was under way (nothing was attempted). */
  constructor(message: string, readonly busy = false) {
    super(message);
    this.name = "CheckpointError";
  }
}

const busy = new WeakSet<Supervisor>();

function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(work, ms, () => new CheckpointError(`${what}: timed out after ${ms} ms`));
}

function newSession(): string {
  const t = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  return `cp-${t}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Checkpoints the supervisor's whole tree into `dir` (absolute); see the module comment. */
export async function checkpointTree(
  s: Supervisor,
  dir: string,
  options: CheckpointOptions = {},
): Promise<CheckpointResult> {
  if (busy.has(s)) {
    throw new CheckpointError("A checkpoint of this job is already in progress", true);
  }
  busy.add(s);
  try {
    return await checkpointOnce(s, dir, options);
  } finally {
    busy.delete(s);
  }
}

async function checkpointOnce(
  s: Supervisor,
  dir: string,
  o: CheckpointOptions,
): Promise<CheckpointResult> {
  const parkLimitMs = o.parkTimeoutMs ?? 10_000, writeMs = o.writeTimeoutMs ?? 120_000;
  const started = performance.now();
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const session = newSession();
  await Deno.mkdir(`${dir}/${session}`, { mode: 0o700 });
  const parked = new Set<number>(); // vmids
  const prepared = new Set<number>(); // vmids
  let released = false;
  const tellParked = (op: "cp_resume" | "cp_abort") =>
    Promise.allSettled(
      [...(op === "cp_abort" ? new Set([...parked, ...prepared]) : parked)].map((vmid) =>
        bounded(s.ask(vmid, { op, session }), 5000, op)
      ),
    );
  const resume = async () => {
    if (released) return;
    released = true;
    await tellParked("cp_resume");
  };
  let frozenMs = 0, parkMs = 0;
  let freezing = 0;
  try {
    // 0. While the tree runs, each process pages in a buffer for its memory copy (best effort).
    await bounded(
      Promise.allSettled(
        s.members().map(async (e) => {
          prepared.add(e.vmid);
          await s.ask(e.vmid, { op: "cp_prepare", session });
        }),
      ),
      parkLimitMs,
      "preparing",
    );
    freezing = performance.now(); // nothing is held before the first park request
    // 1. Park everyone, until the member set is stable.
    const deadline = performance.now() + parkLimitMs;
    for (let round = 0;; round++) {
      const todo = s.members().filter((e) => !parked.has(e.vmid));
      if (todo.length === 0) break;
      if (performance.now() > deadline) throw new CheckpointError("the tree did not settle");
      const left = Math.max(1, deadline - performance.now());
      const answers = await Promise.all(todo.map(async (e) => {
        const answer = await bounded(
          s.ask(e.vmid, { op: "cp_checkpoint", session, dir, requester: o.requester ?? 0 }),
          left,
          `process ${e.pid} (VMID ${e.vmid}) parking`,
        ).catch((error) => {
          if (error instanceof CheckpointError) throw error;
          // Its host failed the request: it went away with a process that was ending, or the
          // process could not park. Below, the exit is awaited; else this is the reason.
          return `could not park: ${error?.message ?? error}`;
        });
        if (answer === "ready") parked.add(e.vmid);
        return { e, answer };
      }));
      // A process that was ending reports its exit to the leader: wait for that report.
      for (const { e, answer } of answers) {
        if (answer === "ready") continue;
        while (s.procs.get(e.pid)?.state === "running") {
          if (performance.now() > deadline) {
            throw new CheckpointError(
              `process ${e.pid} ${answer === "exited" ? "neither parked nor exited" : answer}`,
            );
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      if (round > 1000) throw new CheckpointError("the tree did not settle");
    }
    parkMs = performance.now() - freezing;
    // 2. Quiet: copy the shared state and each process's state.
    const shared = s.snapshot();
    const members = s.members();
    if (members.length === 0) throw new CheckpointError("no process left to checkpoint");
    await bounded(
      Promise.all(members.map((e) => s.ask(e.vmid, { op: "cp_capture", session }))),
      writeMs,
      "capturing process state",
    );
    // 3. Resume now unless the job is to stop after the commit.
    if (!o.stop) {
      await resume();
      frozenMs = performance.now() - freezing;
    }
    // 4. Images, shared state, then the manifest (the commit point).
    const done = await bounded(
      Promise.all(members.map(async (e): Promise<ManifestProcess> => {
        const file = `${session}/${e.vmid}.img`;
        const r = await s.ask(e.vmid, { op: "cp_write", session, path: `${dir}/${file}` }) as {
          size: number;
          digest: string;
        };
        return { vmid: e.vmid, pid: e.pid, ppid: e.ppid, pgid: e.pgid, sid: e.sid, file, ...r };
      })),
      writeMs,
      "writing images",
    );
    const sharedEntry = await writeShared(dir, session, shared);
    if (o.stop) frozenMs = performance.now() - freezing;
    const manifest: Manifest = {
      format: 1,
      session,
      created: new Date().toISOString(),
      rootPid: shared.rootPid,
      processes: done.sort((a, b) => a.pid - b.pid),
      shared: sharedEntry,
      frozenMs,
    };
    await commitManifest(dir, manifest);
    await removeOtherSessions(dir, session);
    if (o.stop) {
      released = true;
      s.stopJob();
    }
    return {
      dir,
      session,
      processes: done.length,
      bytes: done.reduce((n, p) => n + p.size, sharedEntry.size),
      frozenMs,
      parkMs,
      totalMs: performance.now() - started,
    };
  } catch (e) {
    released = true;
    await tellParked("cp_abort");
    await Deno.remove(`${dir}/${session}`, { recursive: true }).catch(() => {});
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(e instanceof Error ? e.message : String(e));
  }
}
