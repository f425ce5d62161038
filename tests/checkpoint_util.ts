// Helpers for the checkpoint tests: a named job started in the background with its output
// collected, the checkpoint and restore commands, and the checkpoint guests built once per run.
// Every child is bounded by a timeout and killed at the end; temporary directories are removed by
// the caller (withTempDir).

import { REPO_ROOT } from "./supervisor.ts";

const MAIN = `${REPO_ROOT}/main.ts`;
const GUESTS = `${REPO_ROOT}/tests/checkpoint_guests`;

/** Runs `fn` with a fresh temporary directory, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "supervisor-cp-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const built = new Map<string, Promise<string>>();

/** Builds tests/checkpoint_guests/NAME.c (static, -O2) into a temporary directory, once. */
export function checkpointGuest(name: string): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      const dir = await Deno.makeTempDir({ prefix: "supervisor-cp-bin-" });
      const out = `${dir}/${name}`;
      const r = await new Deno.Command("gcc", {
        args: ["-static", "-O2", "-o", out, `${GUESTS}/${name}.c`],
      }).output();
      if (!r.success) throw new Error(`gcc ${name}.c: ${new TextDecoder().decode(r.stderr)}`);
      globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
      return out;
    })();
    built.set(name, p);
  }
  return p;
}

export function uniqueName(tag: string): string {
  return `test-${tag}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A supervisor running in the background: its output so far, and how it ended. */
export class Job {
  stdout = "";
  stderr = "";
  readonly status: Promise<Deno.CommandStatus>;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(readonly child: Deno.ChildProcess, timeoutMs = 120_000) {
    this.timer = setTimeout(() => this.kill(), timeoutMs);
    const collect = async (s: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
      for await (const chunk of s.pipeThrough(new TextDecoderStream())) this[key] += chunk;
    };
    const out = collect(child.stdout, "stdout");
    const err = collect(child.stderr, "stderr");
    this.status = Promise.all([child.status, out, err]).then(([s]) => {
      clearTimeout(this.timer);
      return s;
    });
  }

  kill(signal: Deno.Signal = "SIGKILL"): void {
    try {
      this.child.kill(signal);
    } catch { /* gone */ }
  }

  /** Resolves once stdout holds `lines` lines (or the job ended). */
  async waitLines(lines: number, timeoutMs = 90_000): Promise<void> {
    const until = performance.now() + timeoutMs;
    let ended = false;
    this.status.then(() => ended = true);
    while (this.stdout.split("\n").length - 1 < lines && !ended) {
      if (performance.now() > until) throw new Error(`No ${lines} lines in time: ${this.stdout}`);
      await delay(10);
    }
  }
}

function supervisor(args: string[], cwd?: string, stdin: "null" | "piped" = "null") {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd,
    stdin,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** `supervisor run --name NAME PROGRAM ARGS...` in the background. */
export function startNamed(name: string, program: string, args: string[], cwd?: string): Job {
  return new Job(supervisor(["run", "--name", name, program, ...args], cwd));
}

/** `supervisor restore DIR` in the background (from `cwd`). */
export function startRestore(dir: string, cwd?: string): Job {
  return new Job(supervisor(["restore", dir], cwd));
}

/** Runs a supervisor command to its end. */
export async function supervisorCommand(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const job = new Job(supervisor(args, cwd));
  const s = await job.status;
  return { code: s.code, stdout: job.stdout, stderr: job.stderr };
}

/** `supervisor checkpoint NAME --dir DIR [--stop]`. */
export function checkpoint(name: string, dir: string, stop = false) {
  return supervisorCommand(["checkpoint", name, "--dir", dir, ...(stop ? ["--stop"] : [])]);
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Once `ready` resolves, checkpoints the running job `name` into `dir`; then, whatever happened,
 * kills the job (its supervisor dies, its hosts follow) and waits for its end.
 */
export async function checkpointThenKill(
  job: Job,
  name: string,
  dir: string,
  ready: () => Promise<unknown>,
) {
  try {
    await ready();
    return await checkpoint(name, dir);
  } finally {
    job.kill();
    await job.status;
  }
}
