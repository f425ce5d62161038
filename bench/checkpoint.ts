// Checkpoint and restore speed (bench/guests/cp_tree.c): an 8-process tree holding 256 MiB of
// touched memory in total is checkpointed while running, three times (median time frozen, time
// until all parked, total time, image size), checkpointed again with --stop, then restored in
// this process three times in turn with hosts it starts, and three times with warm hosts lent by
// `supervisor serve` (median time until the last process of the tree is let go to run its first
// instruction; the restored guests end by their own deadline, on CLOCK_MONOTONIC, so the first
// restore runs out the tree's time and the others end at once); then single processes of growing
// size: checkpoint time against image size. Aims (DESIGN.md): frozen <= 150 ms, restore to first instruction <= 300 ms.
// Every job is bounded and killed at the end.
import type { BenchOptions, BenchRow } from "./main.ts";
import { buildGuest } from "./build.ts";
import { callControl } from "../checkpoint/control.ts";
import { restoreTree } from "../checkpoint/restore.ts";
import { serveStatus } from "../runtime/host/serve.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const MIB = 1 << 20;

interface Started {
  child: Deno.ChildProcess;
  name: string;
}

async function startTree(program: string, n: number, mib: number, seconds: number) {
  const name = `bench-cp-${crypto.randomUUID().slice(0, 8)}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}main.ts`,
      "run",
      "--name",
      name,
      program,
      `${n}`,
      `${mib}`,
      `${seconds}`,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // Ready once every process has touched its memory.
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const until = performance.now() + 120_000;
  while ((text.match(/ready/g) ?? []).length < n) {
    if (performance.now() > until) throw new Error("cp_tree did not get ready");
    const { value, done } = await reader.read();
    if (done) throw new Error(`cp_tree ended early: ${text}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
  return { child, name } as Started;
}

async function checkpointOf(s: Started, dir: string, stop: boolean) {
  const r = await callControl(s.name, { op: "checkpoint", dir, stop });
  return {
    frozenMs: Number(r.frozenMs),
    parkMs: Number(r.parkMs),
    totalMs: Number(r.totalMs),
    bytes: Number(r.bytes),
  };
}

/** `supervisor serve --hosts N` in a runtime directory of its own, once all N hosts are warm. */
async function startServe(xdg: string, hosts: number) {
  Deno.mkdirSync(xdg, { mode: 0o700 });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}main.ts`, "serve", "--hosts", `${hosts}`],
    env: { XDG_RUNTIME_DIR: xdg },
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const socket = `${xdg}/supervisor/@serve.sock`;
  await waitWarm(socket, hosts);
  return { child, socket };
}

async function waitWarm(socket: string, hosts: number): Promise<void> {
  const until = performance.now() + 60_000;
  while ((await serveStatus(socket))?.warm !== hosts) {
    if (performance.now() > until) throw new Error("supervisor serve: hosts never warm");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function end(s: Started): Promise<void> {
  try {
    s.child.kill("SIGKILL");
  } catch { /* gone */ }
  await s.child.status;
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const program = await buildGuest("cp_tree");
  const rows: BenchRow[] = [];
  const tmp = await Deno.makeTempDir({ prefix: "supervisor-bench-cp-" });
  const log = (m: string) => options.verbose && console.error(`bench checkpoint: ${m}`);
  try {
    const n = 8, mib = options.quick ? 8 : 32;
    log(`tree of ${n} x ${mib} MiB`);
    const tree = await startTree(program, n, mib, 20);
    try {
      // Three checkpoints of the running tree (each replaces the last): the median by frozen time.
      const runs = [];
      for (let k = 0; k < 3; k++) runs.push(await checkpointOf(tree, `${tmp}/live`, false));
      const live = runs.sort((a, b) => a.frozenMs - b.frozenMs)[1];
      rows.push({
        suite: "checkpoint",
        name: `tree ${n}x${mib}MiB running (median of 3)`,
        frozen_ms: live.frozenMs,
        park_ms: live.parkMs,
        total_ms: live.totalMs,
        image_mib: live.bytes / MIB,
      });
      const stopped = await checkpointOf(tree, `${tmp}/stop`, true);
      rows.push({
        suite: "checkpoint",
        name: `tree ${n}x${mib}MiB --stop`,
        frozen_ms: stopped.frozenMs,
        park_ms: stopped.parkMs,
        total_ms: stopped.totalMs,
        image_mib: stopped.bytes / MIB,
      });
    } finally {
      await end(tree);
    }
    // Hosts started by the restore, then hosts lent warm by `supervisor serve`.
    const restores: number[] = [], served: number[] = [];
    for (let k = 0; k < 3; k++) {
      log(`restore ${k + 1} of 3`);
      await restoreTree(`${tmp}/stop`, {
        serveSocket: null,
        onReleased: (ms) => restores.push(ms),
      });
    }
    log(`restores released after ${restores.map((ms) => ms.toFixed(0)).join(", ")} ms`);
    const daemon = await startServe(`${tmp}/xdg`, n);
    try {
      for (let k = 0; k < 3; k++) {
        await waitWarm(daemon.socket, n); // the daemon has replaced the hosts lent last time
        log(`restore with supervisor serve ${k + 1} of 3`);
        await restoreTree(`${tmp}/stop`, {
          serveSocket: daemon.socket,
          onReleased: (ms) => served.push(ms),
        });
      }
    } finally {
      daemon.child.kill("SIGTERM");
      await daemon.child.status;
    }
    log(`restores with serve released after ${served.map((ms) => ms.toFixed(0)).join(", ")} ms`);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
    rows.push({
      suite: "checkpoint",
      name: `tree ${n}x${mib}MiB restore (median of 3)`,
      first_insn_ms: median(restores),
    });
    rows.push({
      suite: "checkpoint",
      name: `tree ${n}x${mib}MiB restore, warm hosts of serve (median of 3)`,
      first_insn_ms: median(served),
    });
    for (const size of options.quick ? [4, 16] : [16, 64, 128]) {
      log(`single process ${size} MiB`);
      const one = await startTree(program, 1, size, 30);
      try {
        const r = await checkpointOf(one, `${tmp}/one${size}`, false);
        rows.push({
          suite: "checkpoint",
          name: `1 process ${size}MiB`,
          frozen_ms: r.frozenMs,
          park_ms: r.parkMs,
          total_ms: r.totalMs,
          image_mib: r.bytes / MIB,
          mib_per_s: r.bytes / MIB / (r.totalMs / 1000),
        });
      } finally {
        await end(one);
      }
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  return rows;
}
