// supervisor's command line (main.ts loads it for every command but a guest host's): a thin layer
// over mod.ts. `supervisor run [options] PROGRAM [ARGS...]` runs an x86-64 Linux program under the
// interpreter and exits with its status (128+N if killed by signal N). Errors go to stderr
// prefixed "supervisor:".

import { LoadError } from "./mod.ts";
import { findProgram } from "./runtime/kernel/start.ts";
import { Supervisor } from "./runtime/host/supervisor.ts";
import { saveTerminal } from "./runtime/kernel/host_tty.ts";
import { callControl, checkName, serveControl } from "./checkpoint/control.ts";
import { checkpointTree } from "./checkpoint/coordinator.ts";
import { restoreTree } from "./checkpoint/restore.ts";
import { inspectPath } from "./checkpoint/inspect.ts";
import { ImageError } from "./checkpoint/image.ts";
import { commandServe } from "./cli_serve.ts";
import { SERVE_ENV } from "./runtime/host/serve.ts";

const VERSION = "0.1.0";

const MAIN_HELP = `usage: supervisor COMMAND [OPTIONS]

Runs unmodified x86-64 Linux programs under its own interpreter.

commands:
  run PROGRAM [ARGS...]   run a program in the foreground (see: supervisor run --help)
  checkpoint NAME --dir DIR [--stop]
                          checkpoint the running job NAME (started with run --name) into DIR
  restore DIR             restore the checkpoint in DIR in the foreground
  inspect PATH            print a checkpoint image or directory as JSON
  serve [--hosts N]       keep guest hosts warm for restores (see: supervisor serve --help)
  help                    show this help
  version                 print the version

options:
  -h, --help              show this help
  -V, --version           print the version`;

const RUN_HELP = `usage: supervisor run [OPTIONS] PROGRAM [ARGS...]

Runs PROGRAM (a static or dynamically linked x86-64 Linux executable) as a guest. Its stdin,
stdout and stderr are the supervisor's; the supervisor exits with the guest's exit status, or
128+N when the guest was killed by signal N. Options end at PROGRAM (or at "--").

options:
  --root DIR       make DIR the guest's "/" (default: the host's "/")
  --cwd DIR        guest working directory (default: the current directory, or "/" with --root)
  --env K=V        set an environment variable (repeatable)
  --unset K        remove an environment variable (repeatable)
  --clear-env      start from an empty environment instead of the supervisor's
  --strace         print every syscall to stderr as strace does
  --stats          print instructions retired, time and MIPS to stderr at exit
  --pool N         idle guest hosts kept ready for fork, from the first fork on (default 2;
                   0: start one per fork)
  --name NAME      make the job addressable by 'supervisor checkpoint NAME' (a control socket
                   in $XDG_RUNTIME_DIR/supervisor or /tmp/supervisor-UID; names are unique)
  -h, --help       show this help

environment:
  SUPERVISOR_SHARED_MEMORY=0  no memory shared between processes: every pipe operation and
                              large IPC payload goes through the supervisor (slower)
  SUPERVISOR_JIT=0|eager      never translate guest code to JavaScript, or translate every block

exit status:
  the guest's status; 128+N if it died of signal N; 126 if PROGRAM cannot be executed
  (not an x86-64 ELF, malformed, permission denied); 127 if it was not found; 2 on bad usage.`;

class UsageError extends Error {}

interface RunOptions {
  root?: string;
  cwd?: string;
  env: Map<string, string>;
  strace: boolean;
  stats: boolean;
  /** Pre-started guest hosts kept for fork (undefined: the supervisor's default). */
  pool?: number;
  name?: string;
  program: string;
  args: string[];
}

function parseRun(argv: string[]): RunOptions | "help" {
  const env = new Map<string, string>();
  for (const [k, v] of Object.entries(Deno.env.toObject())) env.set(k, v);
  const o: RunOptions = { env, strace: false, stats: false, program: "", args: [] };
  let k = 0;
  const value = (name: string): string => {
    const v = argv[++k];
    if (v === undefined) throw new UsageError(`option ${name} needs a value`);
    return v;
  };
  for (; k < argv.length; k++) {
    let a = argv[k];
    let inline: string | undefined;
    if (a.startsWith("--") && a.includes("=")) {
      inline = a.slice(a.indexOf("=") + 1);
      a = a.slice(0, a.indexOf("="));
    }
    const val = (name: string) => inline ?? value(name);
    if (a === "--") {
      k++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    switch (a) {
      case "-h":
      case "--help":
        return "help";
      case "--root":
        o.root = val(a);
        break;
      case "--cwd":
        o.cwd = val(a);
        break;
      case "--env": {
        const kv = val(a);
        const eq = kv.indexOf("=");
        if (eq <= 0) throw new UsageError(`--env takes K=V, got '${kv}'`);
        env.set(kv.slice(0, eq), kv.slice(eq + 1));
        break;
      }
      case "--unset":
        env.delete(val(a));
        break;
      case "--clear-env":
        env.clear();
        break;
      case "--strace":
        o.strace = true;
        break;
      case "--pool": {
        const n = Number(val(a));
        if (!Number.isInteger(n) || n < 0 || n > 64) {
          throw new UsageError("--pool takes a whole number from 0 to 64");
        }
        o.pool = n;
        break;
      }
      case "--stats":
        o.stats = true;
        break;
      case "--name":
        o.name = val(a);
        try {
          checkName(o.name);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
        break;
      default:
        throw new UsageError(`unknown option '${argv[k]}' (see: supervisor run --help)`);
    }
  }
  if (k >= argv.length) throw new UsageError("run needs a PROGRAM (see: supervisor run --help)");
  o.program = argv[k];
  o.args = argv.slice(k + 1);
  return o;
}

async function commandRun(argv: string[]): Promise<number> {
  const o = parseRun(argv);
  if (o === "help") {
    console.log(RUN_HELP);
    return 0;
  }
  if (o.root !== undefined) {
    try {
      if (!Deno.statSync(o.root).isDirectory) {
        throw new UsageError(`--root ${o.root}: not a directory`);
      }
      o.root = Deno.realPathSync(o.root);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--root ${o.root}: no such directory`);
    }
  }
  return await runJob(o);
}

/** Runs the job with the supervisor as IPC leader and every guest process in a host of its own. */
async function runJob(o: RunOptions): Promise<number> {
  const envp = [...o.env].map(([k, v]) => `${k}=${v}`);
  const program = findProgram(o.program, envp, o.root ?? "/");
  const started = performance.now();
  const restoreTerminal = saveTerminal();
  const supervisor = await Supervisor.start({ poolSize: o.pool });
  const stopSignals = supervisor.handleHostSignals();
  let control: { close(): void } | undefined;
  try {
    if (o.name !== undefined) {
      control = await serveControl(o.name, async (request) => {
        if (request.op !== "checkpoint") throw new TypeError(`Unknown request '${request.op}'`);
        const r = await checkpointTree(supervisor, String(request.dir), {
          stop: request.stop === true,
        });
        return { ...r };
      }).catch((e) => {
        throw new UsageError((e as Error).message);
      });
    }
    const exit = await supervisor.run({
      kind: "exec",
      program,
      argv: [o.program, ...o.args],
      envp,
      root: o.root,
      cwd: o.cwd,
      strace: o.strace,
    });
    if (o.stats) {
      const seconds = (performance.now() - started) / 1000;
      const n = supervisor.instructions;
      console.error(
        `supervisor: stats: instructions=${n} seconds=${seconds.toFixed(3)} mips=${
          (n / seconds / 1e6).toFixed(1)
        } processes=${supervisor.processCount}`,
      );
    }
    if (supervisor.stoppedByCheckpoint) {
      const job = o.name === undefined ? "job" : `job '${o.name}'`;
      console.error(`supervisor: ${job} stopped after a committed checkpoint`);
      return 0;
    }
    return exit.signal !== undefined ? 128 + exit.signal : exit.code ?? 0;
  } catch (e) {
    const errno = (e as { errno?: number }).errno;
    if (errno !== undefined) throw new LoadError((e as Error).message, errno);
    throw e;
  } finally {
    control?.close();
    stopSignals();
    await supervisor.close();
    restoreTerminal();
  }
}

const CHECKPOINT_HELP = `usage: supervisor checkpoint NAME --dir DIR [--stop]

Checkpoints every process of the running job NAME (started with 'supervisor run --name NAME')
into DIR, consistently: the tree is parked, images and shared state are written, and the
manifest DIR/manifest.img is committed last, atomically. A checkpoint exists whole or not at
all; on any failure the job runs on unharmed and the previous checkpoint in DIR stays valid.

options:
  --dir DIR    where the checkpoint goes (created if absent)
  --stop       end the job once the checkpoint is committed
  -h, --help   show this help`;

const RESTORE_HELP = `usage: supervisor restore DIR

Restores the committed checkpoint in DIR and runs it in the foreground, with stdin, stdout and
stderr attached to this terminal; exits with the root guest's status (128+N if killed by signal
N). Host files the guests had open must still exist. A damaged checkpoint is refused (status 1)
with an error naming the file and record. When 'supervisor serve' runs for this user, its warm
hosts are used instead of starting new ones (${SERVE_ENV}=0 turns that off).`;

const INSPECT_HELP = `usage: supervisor inspect PATH

Prints a checkpoint image (PATH a .img file) or a whole checkpoint directory as JSON.`;

async function commandCheckpoint(argv: string[]): Promise<number> {
  let name: string | undefined, dir: string | undefined, stop = false;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === "-h" || a === "--help") {
      console.log(CHECKPOINT_HELP);
      return 0;
    } else if (a === "--stop") stop = true;
    else if (a === "--dir") dir = argv[++k];
    else if (a.startsWith("--dir=")) dir = a.slice(6);
    else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'`);
    else if (name === undefined) name = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (!name || !dir) throw new UsageError("usage: supervisor checkpoint NAME --dir DIR [--stop]");
  const abs = dir.startsWith("/") ? dir : `${Deno.cwd()}/${dir}`;
  try {
    const r = await callControl(name, { op: "checkpoint", dir: abs, stop });
    console.error(
      `supervisor: checkpoint of '${name}' committed in ${abs}: ${r.processes} processes, ${r.bytes} bytes, frozen ${
        Number(r.frozenMs).toFixed(1)
      } ms${stop ? "; job stopped" : ""}`,
    );
    return 0;
  } catch (e) {
    console.error(`supervisor: checkpoint: ${(e as Error).message}`);
    return 1;
  }
}

async function commandRestore(argv: string[]): Promise<number> {
  if (argv[0] === "-h" || argv[0] === "--help") {
    console.log(RESTORE_HELP);
    return 0;
  }
  if (argv.length !== 1) throw new UsageError("usage: supervisor restore DIR");
  const restoreTerminal = saveTerminal();
  try {
    const exit = await restoreTree(argv[0].replace(/\/+$/, "") || "/").finally(restoreTerminal);
    return exit.signal !== undefined ? 128 + exit.signal : exit.code ?? 0;
  } catch (e) {
    console.error(`supervisor: restore: ${(e as Error).message}`);
    return 1;
  }
}

async function commandInspect(argv: string[]): Promise<number> {
  if (argv[0] === "-h" || argv[0] === "--help") {
    console.log(INSPECT_HELP);
    return 0;
  }
  if (argv.length !== 1) throw new UsageError("usage: supervisor inspect PATH");
  try {
    console.log(JSON.stringify(await inspectPath(argv[0].replace(/\/+$/, "") || "/"), null, 2));
    return 0;
  } catch (e) {
    if (!(e instanceof ImageError) && !(e instanceof Deno.errors.NotFound)) throw e;
    console.error(`supervisor: inspect: ${e.message}`);
    return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "run":
      return await commandRun(rest);
    case "checkpoint":
      return await commandCheckpoint(rest);
    case "restore":
      return await commandRestore(rest);
    case "inspect":
      return await commandInspect(rest);
    case "serve":
      return await commandServe(rest, (m) => new UsageError(m));
    case undefined:
    case "help":
    case "-h":
    case "--help":
      console.log(MAIN_HELP);
      return command === undefined ? 2 : 0;
    case "version":
    case "-V":
    case "--version":
      console.log(`supervisor ${VERSION}`);
      return 0;
    default:
      throw new UsageError(`unknown command '${command}' (see: supervisor --help)`);
  }
}

/** Runs the command line `argv`; resolves with the supervisor's exit status. */
export async function cli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`supervisor: ${e.message}`);
      return 2;
    }
    if (e instanceof LoadError) {
      console.error(`supervisor: ${e.message}`);
      return e.errno === 2 ? 127 : 126;
    }
    console.error(`supervisor: internal error: ${e instanceof Error ? e.stack : e}`);
    return 70;
  }
}
