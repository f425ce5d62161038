// Runs a program natively or under the supervisor and captures what a differential test compares:
// stdout, stderr and one exit status (a death by signal N becomes 128+N on both sides).
//
// The supervisor under test is `deno run -A main.ts run [options] PROGRAM [ARGS...]` from this
// repository. SUPERVISOR_CMD replaces it with a stand-in command line (split on whitespace, e.g.
// `SUPERVISOR_CMD=qemu-x86_64`) that is given `PROGRAM ARGS...` and the guest environment as its own
// environment; that is for checking the harness itself, and supervisor options are refused there.
// Every run is bounded: past its timeout the whole process group is killed and the run throws.

/** The repository root (this file lives in tests/). */
export const REPO_ROOT: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The environment every guest sees unless a test says otherwise: small, fixed, locale-neutral. */
export const GUEST_ENV: Readonly<Record<string, string>> = Object.freeze({
  PATH: "/usr/local/bin:/usr/bin:/bin",
  HOME: "/tmp",
  LC_ALL: "C",
  TZ: "UTC",
});

/** Default bound on one run, native or supervised. */
export const DEFAULT_TIMEOUT_MS = 60_000;

export interface RunOptions {
  /** Arguments after the program path (argv[1..]). */
  args?: string[];
  /** Bytes fed to the program's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: Uint8Array | string;
  /** The program's complete environment; defaults to GUEST_ENV. */
  env?: Readonly<Record<string, string>>;
  /** Working directory of the program; defaults to the repository root. */
  cwd?: string;
  /** Kill the run and throw after this many milliseconds; defaults to DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
  /**
   * Run in a new pseudo-terminal (util-linux `script`) as stdin, stdout and stderr, after this
   * shell command has set it up (e.g. "stty cols 100"); stdout is then all the terminal showed.
   */
  terminal?: string;
}

export interface SupervisorRunOptions extends RunOptions {
  /** Variables added to the supervisor's own environment (not the guest's). */
  supervisorEnv?: Record<string, string>;
  /** Extra supervisor options placed before PROGRAM (e.g. ["--strace"]). */
  supervisorOptions?: string[];
}

export interface RunResult {
  /** The command line that ran, for messages. */
  command: string[];
  stdout: Uint8Array;
  stderr: Uint8Array;
  /** Exit code, or 128+N when the process died from signal N. */
  status: number;
  /** Name of the killing signal, if the process died from one. */
  signal: Deno.Signal | null;
  /** Wall time in milliseconds. */
  elapsedMs: number;
}

/** Thrown when a run exceeds its time bound; the process group has been killed. */
export class TimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

// deno-fmt-ignore
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGSTKFLT: 16, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22,
  SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29,
  SIGPWR: 30, SIGSYS: 31,
};

/** Linux signal number for a signal name, e.g. 6 for "SIGABRT". */
export function signalNumber(name: string): number {
  const n = SIGNAL_NUMBERS[name];
  if (n === undefined) throw new RangeError(`Unknown signal name: ${name}`);
  return n;
}

/** The command prefix that stands for the supervisor, from SUPERVISOR_CMD; null for the real one. */
export function standInCommand(): string[] | null {
  const raw = Deno.env.get("SUPERVISOR_CMD")?.trim();
  return raw ? raw.split(/\s+/) : null;
}

/** A short description of what runs as "the supervisor", for test names and messages. */
export function supervisorLabel(): string {
  return standInCommand()?.join(" ") ?? "supervisor";
}

/** Runs PROGRAM natively, with exactly the given environment. */
export function runNative(program: string, options: RunOptions = {}): Promise<RunResult> {
  return run([program, ...(options.args ?? [])], options.env ?? GUEST_ENV, true, options);
}

/** `supervisor run` from this repository, before its options and PROGRAM. */
export const SUPERVISOR_RUN: readonly string[] = [
  Deno.execPath(),
  "run",
  "-A",
  "--quiet",
  `${REPO_ROOT}/main.ts`,
  "run",
];

/** WORDS as one POSIX shell command line, each single-quoted. */
export function shellQuote(words: readonly string[]): string {
  return words.map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
}

/** Runs PROGRAM under the supervisor (or the SUPERVISOR_CMD stand-in). */
export function runSupervisor(
  program: string,
  options: SupervisorRunOptions = {},
): Promise<RunResult> {
  const guestEnv = options.env ?? GUEST_ENV;
  const args = options.args ?? [];
  const standIn = standInCommand();
  if (standIn) {
    if (options.supervisorOptions?.length) {
      throw new TypeError(
        `Supervisor options ${options.supervisorOptions.join(" ")} need the real supervisor, ` +
          `not the SUPERVISOR_CMD stand-in`,
      );
    }
    return run([...standIn, program, ...args], guestEnv, true, options);
  }
  const envOptions = Object.entries(guestEnv).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  const command = [
    ...SUPERVISOR_RUN,
    "--clear-env",
    ...envOptions,
    ...(options.supervisorOptions ?? []),
    program,
    ...args,
  ];
  // The supervisor itself runs in the host environment (Deno needs it); the guest gets guestEnv.
  return run(command, { ...Deno.env.toObject(), ...options.supervisorEnv }, false, options);
}

async function run(
  program: string[],
  env: Readonly<Record<string, string>>,
  clearEnv: boolean,
  options: RunOptions,
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const stdinBytes = typeof options.stdin === "string"
    ? new TextEncoder().encode(options.stdin)
    : options.stdin;
  const command = options.terminal === undefined ? program : inTerminal(program, options.terminal);
  const started = performance.now();
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    env: { ...env },
    clearEnv,
    cwd: options.cwd ?? REPO_ROOT,
    // A terminal's input stays open (no data, no EOF) until the program is done: `script` would
    // type an EOF character into the terminal when its own stdin ends.
    stdin: stdinBytes || options.terminal !== undefined ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    // Its own process group, so a timeout can kill everything it started.
    detached: true,
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone: nothing left to kill.
    }
  }, timeoutMs);
  try {
    const feeding = stdinBytes ? feed(child.stdin, stdinBytes) : Promise.resolve();
    const [output] = await Promise.all([child.output(), feeding]);
    if (!stdinBytes && options.terminal !== undefined) await child.stdin.close().catch(() => {});
    if (timedOut) {
      throw new TimeoutError(
        `Timed out after ${timeoutMs / 1000} s (killed): ${command.join(" ")}`,
      );
    }
    return {
      command,
      stdout: output.stdout,
      stderr: output.stderr,
      status: output.signal ? 128 + signalNumber(output.signal) : output.code,
      signal: output.signal,
      elapsedMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** COMMAND run by util-linux `script` in a new pseudo-terminal, after the shell command SETUP. */
function inTerminal(command: string[], setup: string): string[] {
  const line = `${setup}; exec ${shellQuote(command)}`;
  return ["script", "--quiet", "--return", "--command", line, "/dev/null"];
}

async function feed(stream: WritableStream<Uint8Array>, bytes: Uint8Array): Promise<void> {
  const writer = stream.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch (error) {
    // A program may exit without reading all of its input; that is its business, not an error.
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}
