// CHILDEXIT and the parent-child link: spawning a child host process over stdin/stdout pipes,
// the child's bootstrap from that pipe, exit reports, and deaths without a report.
//
// Owns: the parent's records of its children (worker.children). Invariants:
// - the bootstrap HELLO (run secret, the child's VMID, pid, leader, runtime dir) travels only over
//   the child's private stdin pipe; the child's stdout carries nothing but frames;
// - a child sends CHILDEXIT over that same pipe before it exits, so the parent reads it before EOF;
// - the parent reports each child's exit exactly once: the child's own CHILDEXIT, or, if the pipe
//   drops first, a synthesized one saying it was killed by SIGKILL (Gramine's
//   ipc_child_disconnect_callback).
import { Code, LEADER_VMID, MAX_VMID, SIGKILL, SIGRTMAX } from "./codes.ts";
import { asError, LinkClosedError } from "./errors.ts";
import type { Frame } from "./frame.ts";
import { expectInt, expectRecord, expectString } from "./payload.ts";
import { childChannel, Link, stdioChannel } from "./transport.ts";
import { getNewVmid } from "./vmid.ts";
import { IpcWorker, type ProcessHooks } from "./worker.ts";

/** CHILDEXIT payload (Gramine's libos_ipc_cld_exit). */
export interface ChildExit {
  ppid: number;
  pid: number;
  uid: number;
  exitcode: number;
  term_signal: number;
}

/** The parent's record of one child. */
export class ChildRecord {
  readonly vmid: number;
  readonly pid: number;
  readonly uid: number;
  readonly link: Link;
  /** Resolves once with the child's exit, reported or synthesized. */
  readonly exited: Promise<ChildExit>;
  #worker: IpcWorker;
  #reported = false;
  #resolve!: (exit: ChildExit) => void;

  constructor(worker: IpcWorker, vmid: number, pid: number, uid: number, link: Link) {
    this.#worker = worker;
    this.vmid = vmid;
    this.pid = pid;
    this.uid = uid;
    this.link = link;
    this.exited = new Promise((resolve) => this.#resolve = resolve);
  }

  /** Records the exit once and tells the hooks; later reports are ignored. */
  report(exit: ChildExit): boolean {
    if (this.#reported) return false;
    this.#reported = true;
    this.#resolve(exit);
    this.#worker.hooks.onChildExit?.(exit);
    return true;
  }

  /** The pipe dropped: if no CHILDEXIT came first, the child was killed. */
  onLinkClosed(): void {
    this.report({
      ppid: this.#worker.pid,
      pid: this.pid,
      uid: this.uid,
      exitcode: 0,
      term_signal: SIGKILL,
    });
  }
}

export interface SpawnOptions {
  /** The program to run in guest mode (a module path or URL). */
  module: string | URL;
  args?: string[];
  /** Deno flags before the module (default ["-A"]). */
  denoFlags?: string[];
  /** VMID for the child (default: a new one from the leader). */
  vmid?: number;
  /** Guest pid of the child (default 0: none yet). */
  pid?: number;
  uid?: number;
  cwd?: string;
  env?: Record<string, string>;
  stderr?: "inherit" | "null";
  /** How long the child may take to start and say HELLO (default 20 s). */
  startTimeoutMs?: number;
}

export interface ChildHandle {
  vmid: number;
  pid: number;
  process: Deno.ChildProcess;
  link: Link;
  record: ChildRecord;
}

/** Starts a child host process and links it by pipes; resolves once it said HELLO. */
export async function spawnChild(worker: IpcWorker, options: SpawnOptions): Promise<ChildHandle> {
  const vmid = options.vmid ?? await getNewVmid(worker);
  const pid = options.pid ?? 0;
  const process = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...(options.denoFlags ?? ["-A"]),
      String(options.module),
      ...(options.args ?? []),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: options.stderr ?? "inherit",
    cwd: options.cwd,
    env: options.env,
  }).spawn();
  const link = new Link(childChannel(process), worker, { maxPayload: worker.maxPayload });
  link.expectedVmid = vmid;
  link.peerVmid = vmid;
  const record = new ChildRecord(worker, vmid, pid, options.uid ?? 0, link);
  worker.children.set(vmid, record);
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  worker.attach(link, {
    assign: {
      vmid,
      pid,
      parent: worker.vmid,
      leader: worker.leaderVmid,
      runtimeDir: worker.runtimeDir,
    },
  }, timeoutMs);
  try {
    // Rejects if the child exits, breaks the link, or stays silent past the timeout.
    await link.ready;
  } catch (error) {
    worker.children.delete(vmid);
    await killChild({ process });
    throw new LinkClosedError(
      `Child process ${vmid} did not start: ${asError(error).message}`,
      vmid,
      {
        cause: error,
      },
    );
  }
  return { vmid, pid, process, link, record };
}

export interface JoinOptions {
  hooks?: ProcessHooks;
  maxPayload?: number;
  /** How long to wait for the parent's bootstrap HELLO (default 20 s). */
  timeoutMs?: number;
}

/**
 * In a child: reads the bootstrap HELLO from stdin, then builds this process's worker, listens on
 * its socket, and registers with the leader. Never write to stdout in a child: it is the link.
 */
export async function joinFromParent(options: JoinOptions = {}): Promise<IpcWorker> {
  const early: Frame[] = [];
  const first = Promise.withResolvers<string | null>();
  const link = new Link(stdioChannel(), {
    onFrame: (_link, frame) => (early.push(frame), first.resolve(null)),
    onClose: (_link, error) =>
      first.resolve(`the pipe closed (${error?.message ?? "end of input"})`),
  }, { maxPayload: options.maxPayload });
  link.start();
  const timeoutMs = options.timeoutMs ?? 20_000;
  const timer = setTimeout(() => first.resolve(`timed out after ${timeoutMs} ms`), timeoutMs);
  const failure = await first.promise;
  clearTimeout(timer);
  if (early.length === 0) {
    link.close();
    throw new LinkClosedError(`No bootstrap HELLO from the parent: ${failure}`, 0);
  }
  const hello = expectRecord(early[0].payload, "bootstrap HELLO");
  if (early[0].code !== Code.HELLO) throw new TypeError("The parent's first frame is not HELLO");
  const assign = expectRecord(hello.assign, "bootstrap assignment");
  const runtimeDir = expectString(assign.runtimeDir, "bootstrap runtimeDir");
  if (!runtimeDir.startsWith("/")) throw new TypeError("Bootstrap runtimeDir must be absolute");
  const parentVmid = expectInt(hello.vmid, "bootstrap parent VMID", 1, MAX_VMID);
  const worker = new IpcWorker({
    vmid: expectInt(assign.vmid, "bootstrap VMID", LEADER_VMID + 1, MAX_VMID),
    leaderVmid: expectInt(assign.leader, "bootstrap leader VMID", 1, MAX_VMID),
    parentVmid,
    pid: expectInt(assign.pid, "bootstrap pid", 0, MAX_VMID),
    runtimeDir,
    secret: expectString(hello.secret, "bootstrap secret", 256),
    hooks: options.hooks,
    maxPayload: options.maxPayload,
  });
  await worker.listen();
  // Join the leader over its socket before answering the parent, so that when the parent hears
  // our HELLO the leader already reaches us over the socket (its first link to us, which then
  // carries all its traffic; the pipe stays for CHILDEXIT and bulk streams).
  await worker.request(worker.leaderVmid, Code.ECHO, null, { timeoutMs });
  link.peerVmid = parentVmid;
  link.authenticated = true;
  worker.parentLink = link;
  worker.attach(link);
  for (const frame of early.slice(1)) worker.onFrame(link, frame);
  return worker;
}

/** In a child about to exit: reports to the parent over the pipe and waits until it is written. */
export async function sendChildExit(
  worker: IpcWorker,
  exit: { exitcode: number; term_signal?: number; uid?: number },
): Promise<void> {
  const link = worker.parentLink;
  if (link === null) throw new TypeError(`Process ${worker.vmid} has no parent link to report on`);
  const report: ChildExit = {
    ppid: 0,
    pid: worker.pid,
    uid: exit.uid ?? 0,
    exitcode: exit.exitcode,
    term_signal: exit.term_signal ?? 0,
  };
  link.sendFrame(0, Code.CHILDEXIT, worker.vmid, report);
  await link.flush();
}

/** Parent (leader or guest): CHILDEXIT from one of its children. */
export function handleChildExit(
  worker: IpcWorker,
  payload: unknown,
  source: number,
  link: Link,
): null {
  const child = worker.children.get(source);
  if (child === undefined || child.link !== link) {
    throw new TypeError(`Process ${source} is not a child of process ${worker.vmid}`);
  }
  const exit = expectRecord(payload, "CHILDEXIT");
  child.report({
    ppid: worker.pid,
    pid: child.pid,
    uid: expectInt(exit.uid, "CHILDEXIT uid", 0, 0xffff_ffff),
    exitcode: expectInt(exit.exitcode, "CHILDEXIT exitcode", 0, 255),
    term_signal: expectInt(exit.term_signal, "CHILDEXIT term_signal", 0, SIGRTMAX),
  });
  return null;
}

/** Kills a child host process (if still running) and waits for it to be reaped. */
export async function killChild(child: Pick<ChildHandle, "process">): Promise<Deno.CommandStatus> {
  try {
    child.process.kill("SIGKILL");
  } catch (error) {
    // Deno throws TypeError when the process has already exited; its status is what we want.
    if (!(error instanceof TypeError)) throw error;
  }
  return await child.process.status;
}
