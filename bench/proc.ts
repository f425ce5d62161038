// Multi-process speed: fork+_exit+waitpid latency (timed after FORK_WARMUP untimed forks: the
// supervisor's pool of hosts, --pool, fills during a job's first forks), a busybox shell loop
// spawning 200 processes, and pipe throughput between two guest processes; each natively, under
// qemu-x86_64 (when installed) and under the supervisor in the same run; medians of a few
// repetitions.
//
// Figures: `native`, `qemu`, `supervisor` in the row's `unit`; x_native, x_qemu and qemu_x_native
// are how many times slower (for throughput too: native MB/s over supervisor MB/s), as in cpu.ts.
// A runner that fails (the supervisor may not support processes yet) does not stop the suite: its
// figure is null and `note` says what happened, with the first line of its stderr. Every run is
// bounded; past its time the whole process group is killed.
//
// qemu-user runs a program's own forks emulated, but hands execve to the host kernel, so in the
// shell loop its exec'd children run natively: that row's qemu figure is mostly native work.
import type { BenchOptions, BenchRow } from "./main.ts";
import { buildGuest } from "./build.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const BUSYBOX = "/bin/busybox";
const LOOP_SCRIPT = "i=0; while [ $i -lt 200 ]; do /bin/busybox true; i=$((i+1)); done; echo done";
const PIPE_MIB = 256;
const FORK_WARMUP = 10;
const NATIVE_TIMEOUT_MS = 120_000;
const EMULATED_TIMEOUT_MS = 600_000;
/** Time for a killed run to be collected before it is abandoned. */
const COLLECT_GRACE_MS = 10_000;

type Runner = "native" | "qemu" | "supervisor";

interface Outcome {
  ok: boolean;
  ms: number;
  stdout: string;
  /** Why it failed: the first line of stderr, else of stdout, else the status. */
  error: string;
}

/** How one runner runs a command line (PROGRAM ARGS...). */
function commandFor(runner: Runner, argv: string[]): string[] {
  if (runner === "native") return argv;
  if (runner === "qemu") return ["qemu-x86_64", ...argv];
  return [
    Deno.execPath(),
    "run",
    "-A",
    `${ROOT}main.ts`,
    "run",
    "--clear-env",
    "--env",
    "PATH=/bin:/usr/bin",
    "--env",
    "LC_ALL=C",
    ...argv,
  ];
}

async function runOnce(runner: Runner, argv: string[]): Promise<Outcome> {
  const [program, ...args] = commandFor(runner, argv);
  const timeoutMs = runner === "native" ? NATIVE_TIMEOUT_MS : EMULATED_TIMEOUT_MS;
  const started = performance.now();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args,
      cwd: ROOT,
      // The guest environment is small and fixed; the supervisor itself keeps the host's.
      env: runner === "supervisor" ? undefined : { PATH: "/bin:/usr/bin", LC_ALL: "C" },
      clearEnv: runner !== "supervisor",
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      detached: true,
    }).spawn();
  } catch (error) {
    return { ok: false, ms: 0, stdout: "", error: `cannot start ${program}: ${error}` };
  }
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, timeoutMs);
  let abandon: ReturnType<typeof setTimeout> | undefined;
  const abandoned = new Promise<null>((resolve) => {
    abandon = setTimeout(() => resolve(null), timeoutMs + COLLECT_GRACE_MS);
  });
  try {
    const output = await Promise.race([child.output(), abandoned]);
    const ms = performance.now() - started;
    if (output === null) {
      return { ok: false, ms, stdout: "", error: "output never closed after the run was killed" };
    }
    const decoder = new TextDecoder();
    const stdout = decoder.decode(output.stdout);
    const stderr = decoder.decode(output.stderr);
    if (timedOut) {
      return { ok: false, ms, stdout, error: `timed out after ${timeoutMs / 1000} s` };
    }
    if (!output.success) {
      const how = output.signal ? `killed by ${output.signal}` : `exit status ${output.code}`;
      const line = firstLine(stderr) || firstLine(stdout);
      return { ok: false, ms, stdout, error: line ? `${how}: ${line}` : how };
    }
    return { ok: true, ms, stdout, error: "" };
  } finally {
    clearTimeout(killer);
    clearTimeout(abandon);
  }
}

function firstLine(text: string): string {
  return text.split("\n").map((l) => l.trim()).find((l) => l !== "")?.slice(0, 200) ?? "";
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function hasQemu(): Promise<boolean> {
  try {
    await new Deno.Command("qemu-x86_64", { args: ["--version"], stdout: "null" }).output();
    return true;
  } catch {
    return false;
  }
}

/** One benchmark: how to run it under a runner, and how to read its figure from a success. */
interface Measure {
  name: string;
  unit: string;
  /** Larger is better (throughput) rather than smaller (time). */
  higherIsBetter: boolean;
  argv(runner: Runner): string[];
  /** The figure from a successful run, or a message saying why the output is not right. */
  figure(outcome: Outcome): number | string;
}

interface Measured {
  value: number | null;
  error: string;
}

async function measure(
  m: Measure,
  runner: Runner,
  reps: number,
  verbose: boolean,
): Promise<Measured> {
  const values: number[] = [];
  for (let k = 0; k < reps; k++) {
    const outcome = await runOnce(runner, m.argv(runner));
    const figure = outcome.ok ? m.figure(outcome) : outcome.error;
    if (typeof figure === "string") {
      if (verbose) console.error(`proc: ${m.name} under ${runner} failed: ${figure}`);
      return { value: null, error: figure };
    }
    values.push(figure);
  }
  const value = median(values);
  if (verbose) console.error(`proc: ${m.name} ${runner} ${value.toPrecision(4)} ${m.unit}`);
  return { value, error: "" };
}

/** Times slower B is than A. */
function slowdown(m: Measure, a: number | null, b: number | null): number | null {
  if (a === null || b === null || a <= 0 || b <= 0) return null;
  return m.higherIsBetter ? a / b : b / a;
}

function parseFigure(pattern: RegExp, what: string): (outcome: Outcome) => number | string {
  return (outcome) => {
    const match = pattern.exec(outcome.stdout);
    return match ? Number(match[1]) : `no ${what} in its output: ${firstLine(outcome.stdout)}`;
  };
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const reps = options.quick ? 1 : 5;
  const emulatedReps = options.quick ? 1 : 3;
  const qemu = await hasQemu();
  const forkBinary = await buildGuest("proc_fork");
  const pipeBinary = await buildGuest("proc_pipe");
  const forkIterations: Record<Runner, number> = options.quick
    ? { native: 500, qemu: 100, supervisor: 20 }
    : { native: 2000, qemu: 300, supervisor: 100 };

  const measures: Measure[] = [
    {
      name: "fork_exit_wait",
      unit: "us/iter",
      higherIsBetter: false,
      argv: (runner) => [forkBinary, String(forkIterations[runner]), String(FORK_WARMUP)],
      figure: (outcome) => {
        const ns = parseFigure(/ns_per_iteration=(\d+)/, "ns_per_iteration")(outcome);
        return typeof ns === "number" ? ns / 1000 : ns;
      },
    },
    {
      name: "shell_loop_200_processes",
      unit: "ms",
      higherIsBetter: false,
      argv: () => [BUSYBOX, "sh", "-c", LOOP_SCRIPT],
      figure: (outcome) =>
        outcome.stdout.trim() === "done"
          ? outcome.ms
          : `printed ${JSON.stringify(firstLine(outcome.stdout))}, not "done"`,
    },
    {
      name: `pipe_${PIPE_MIB}MiB_64KiB_chunks`,
      unit: "MB/s",
      higherIsBetter: true,
      argv: () => [pipeBinary, String(PIPE_MIB)],
      figure: parseFigure(/mb_per_s=([\d.]+)/, "mb_per_s"),
    },
  ];

  const rows: BenchRow[] = [];
  for (const m of measures) {
    const native = await measure(m, "native", reps, options.verbose);
    if (native.value === null) {
      throw new Error(
        `proc: ${m.name} fails natively, so the benchmark is broken: ${native.error}`,
      );
    }
    const emulated = qemu
      ? await measure(m, "qemu", emulatedReps, options.verbose)
      : { value: null, error: "qemu-x86_64 not installed" };
    const supervised = await measure(m, "supervisor", emulatedReps, options.verbose);
    const notes = [];
    if (supervised.value === null) notes.push(`supervisor failed: ${supervised.error}`);
    if (emulated.value === null) notes.push(`qemu: ${emulated.error}`);
    rows.push({
      suite: "proc",
      name: m.name,
      unit: m.unit,
      native: native.value,
      qemu: emulated.value,
      supervisor: supervised.value,
      x_native: slowdown(m, native.value, supervised.value),
      x_qemu: slowdown(m, emulated.value, supervised.value),
      qemu_x_native: slowdown(m, native.value, emulated.value),
      note: notes.join("; ") || null,
    });
  }
  return rows;
}
