// A guest host: the host process that runs one guest process (the hidden `__guest` mode).
//
// It joins the job over the leader's Unix socket, says it is ready, and waits for a job: "exec"
// (load a program, for the root guest), "fork" (restore a parent's snapshot, returning 0 from
// fork) or "restore" (a checkpoint image, run once the leader releases the whole tree; the
// checkpoint ops cp_* are checkpoint/member.ts). It then runs the guest, serving the job's
// messages to it (signals from other processes, child exits, reparenting), and reports its exit
// to the leader before leaving. If the leader's link drops (the supervisor died, even by SIGKILL)
// the host exits at once: no guest outlives its supervisor.

import { Code } from "../../ipc/codes.ts";
import { IpcWorker } from "../../ipc/worker.ts";
import { handOver } from "../../ipc/frame.ts";
import { HostFile, type SharedOffset } from "../kernel/host_file.ts";
import { PipeEnd } from "../kernel/pipe.ts";
import { PipeRings } from "../kernel/remote_pipe.ts";
import { forwardHostSignals } from "../kernel/signal_host.ts";
import type { ExitStatus, Process } from "../kernel/process.ts";
import {
  memorySnapshot,
  type ProcessSnapshot,
  restoreProcess,
  snapshotProcess,
} from "../kernel/snapshot.ts";
import type { MemorySnapshot } from "../memory/memory.ts";
import type { ForkOptions } from "../syscalls/sys_proc.ts";
import { startProcess } from "../kernel/start.ts";
import { LoadError } from "../loader/load.ts";
import { JOB_MAX_PAYLOAD, takeBoot, WARM_ENV } from "./boot.ts";
import { warmBoot } from "./warm_boot.ts";
import * as member from "../../checkpoint/member.ts";
import type { PipeRef } from "./pipes.ts";
import type { ExitInfo } from "./proc_table.ts";

const SIGCHLD = 17, EAGAIN = 11, SIG_IGN = 1;
const SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2;

/** What the running guest process may ask of the job (fork, wait, kill...). */
export class GuestHost {
  process: Process | undefined;
  /** Exits of children not yet reaped (zombies), with their process group. */
  readonly zombies = new Map<number, { exit: ExitInfo; pgid: number }>();
  /** Live children: pid -> process group. */
  readonly children = new Map<number, number>();
  /** Children's unreported stops (signal) and continues (0), for WUNTRACED / WCONTINUED. */
  readonly stops = new Map<number, number>();
  /** Signal a child's exit raises in this process (clone's exit signal; SIGCHLD by default). */
  private readonly exitSignals = new Map<number, number>();
  private childWaiters = new Set<() => void>();
  /** Set in a vfork child: the parent to release when this process execs or exits. */
  vforkParent = 0;
  private vforkWaiters = new Map<number, (mem: MemorySnapshot | undefined) => void>();

  /** The pipe rings this host has mapped (runtime/kernel/remote_pipe.ts). */
  readonly pipeRings = new PipeRings();

  /** A restored process runs once the leader releases the whole tree (one barrier). */
  readonly released = Promise.withResolvers<void>();

  constructor(readonly worker: IpcWorker) {}

  /** A request to the supervisor; resolves with its reply. */
  ask(message: Record<string, unknown>): Promise<unknown> {
    return this.worker.request(this.worker.leaderVmid, Code.USER, message);
  }

  /**
   * A one-way message to the supervisor (after everything this host sent before it). `owned`:
   * bytes in it that nobody changes any more, sent as they are rather than copied (frame.ts).
   */
  tell(message: Record<string, unknown>, owned?: Uint8Array): void {
    if (owned) handOver(owned);
    this.worker.send(this.worker.leaderVmid, Code.USER, message).catch(() => {});
  }

  /**
   * Whether this host may use pipe rings directly and keep the order of events: every request it
   * sent the supervisor is answered (a close, a lock released: done before bytes written after
   * them can be seen), and no frame the supervisor sent is still on its way (a signal: taken
   * before bytes written after it). See remote_pipe.ts.
   */
  pipesInOrder(): boolean {
    const link = this.worker.linkTo(this.worker.leaderVmid);
    return link !== undefined && link.unanswered === 0 && !link.peerAhead;
  }

  /** Resolves when a child's state changes (for wait4). */
  childChanged(): Promise<void> {
    return new Promise((resolve) => this.childWaiters.add(resolve));
  }

  onChildExit(pid: number, exit: ExitInfo, vforkSent = false): void {
    const pgid = this.children.get(pid) ?? 0;
    this.children.delete(pid);
    this.stops.delete(pid);
    const p0 = this.process;
    const action = p0?.signals.actions[SIGCHLD];
    // SIGCHLD ignored, or SA_NOCLDWAIT: no zombie is left, wait finds nothing (Linux).
    if (action && (action.handler === SIG_IGN || (action.flags & SA_NOCLDWAIT))) {
      this.ask({ op: "reaped", pid }).catch(() => {});
    } else this.zombies.set(pid, { exit, pgid });
    // A vfork child that sent its memory releases its parent with it (vfork_done); one that
    // died without (killed) releases it here.
    if (!vforkSent) this.vforkWaiters.get(pid)?.(undefined);
    const p = this.process;
    const signo = this.exitSignals.get(pid) ?? SIGCHLD;
    this.exitSignals.delete(pid);
    if (p && signo) {
      const code = exit.signal === undefined ? 1 : exit.core ? 3 : 2; // CLD_EXITED/KILLED/DUMPED
      p.signals.post(p, {
        signo,
        errno: 0,
        code,
        pid,
        uid: p.cred.uid,
        status: exit.signal ?? exit.code ?? 0,
      });
    }
    for (const w of this.childWaiters) w();
    this.childWaiters.clear();
  }

  /** This process stopped (signal number) or continued (0): tell the parent through the job. */
  stopChanged(sig: number): void {
    const p = this.process;
    if (p) this.ask({ op: "child_state", pid: p.pid, sig }).catch(() => {});
  }

  /** A child stopped or continued (WUNTRACED / WCONTINUED), with SIGCHLD unless SA_NOCLDSTOP. */
  onChildStop(pid: number, sig: number): void {
    if (!this.children.has(pid)) return;
    this.stops.set(pid, sig);
    const p = this.process;
    const action = p?.signals.actions[SIGCHLD];
    if (p && action && !(action.flags & SA_NOCLDSTOP) && action.handler !== SIG_IGN) {
      p.signals.post(p, {
        signo: SIGCHLD,
        errno: 0,
        code: sig ? 5 : 6, // CLD_STOPPED, CLD_CONTINUED
        pid,
        uid: p.cred.uid,
        status: sig || 18,
      });
    }
    for (const w of this.childWaiters) w();
    this.childWaiters.clear();
  }

  /** wait4 collected a zombie. */
  reap(pid: number): void {
    this.zombies.delete(pid);
    this.ask({ op: "reaped", pid }).catch(() => {});
  }

  /** setpgid on a child changed its group. */
  childGroup(pid: number, pgid: number): void {
    if (this.children.has(pid)) this.children.set(pid, pgid);
  }

  /**
   * fork/vfork/clone: the child is a snapshot of `p` (returning 0) restored in a fresh host.
   * Returns the child's pid, or -errno. A vfork parent waits until the child execs or exits.
   */
  async fork(p: Process, options: ForkOptions): Promise<number> {
    // Regular files become shared descriptions: their offset moves to the supervisor.
    for (const { file } of p.fds.entries.values()) {
      if (file instanceof HostFile && !file.shared) {
        const id = await this.ask({ op: "fpos_new", pos: file.pos }) as number;
        file.shared = this.sharedOffset(id);
      }
    }
    const snap = snapshotProcess(p);
    snap.cpu.lo[0] = snap.cpu.hi[0] = 0; // the child's fork() returns 0
    snap.posixLocks = []; // a process's own record locks are not inherited
    const pipes: PipeRef[] = [];
    const lockHandles: number[] = [];
    const seen = new Set<unknown>();
    for (const { file } of p.fds.entries.values()) {
      if (seen.has(file)) continue;
      seen.add(file);
      if (file instanceof PipeEnd) pipes.push({ id: file.pipe.id, end: file.end });
      if (file.lockHandle !== 0) lockHandles.push(file.lockHandle);
    }
    let child: { pid: number; vmid: number };
    try {
      child = await this.ask({ op: "fork", pid: p.pid, pipes, lockHandles }) as typeof child;
    } catch {
      return -EAGAIN;
    }
    snap.ids = { pid: child.pid, ppid: p.pid, pgid: p.pgid, sid: p.sid, tid: child.pid };
    this.children.set(child.pid, p.pgid);
    this.exitSignals.set(child.pid, options.exitSignal);
    const released = options.vfork
      ? new Promise<MemorySnapshot | undefined>((resolve) =>
        this.vforkWaiters.set(child.pid, resolve)
      )
      : undefined;
    const reply = await this.worker.request(child.vmid, Code.USER, {
      op: "job",
      kind: "fork",
      snapshot: snap,
      options,
      vforkParent: options.vfork ? this.worker.vmid : 0,
      strace: p.strace !== undefined,
    }) as { error?: string };
    if (reply?.error) {
      console.error(`supervisor: fork: ${reply.error}`);
      return -EAGAIN;
    }
    if (released) {
      // vfork shares memory: what the child wrote before exec or exit is the parent's too.
      const mem = await released;
      this.vforkWaiters.delete(child.pid);
      if (mem) {
        p.cache.clear();
        p.mem.restore(mem);
      }
    }
    return child.pid;
  }

  /**
   * supervisor_checkpoint: the leader checkpoints the whole tree into `dir` (a host path) while
   * this process waits inside the call; resolves with 0 or -errno (sys_supervisor.ts).
   */
  async checkpointTree(p: Process, dir: string, stop: boolean): Promise<number> {
    p.inCheckpointCall = true;
    try {
      return await this.ask({ op: "checkpoint", pid: p.pid, dir, stop }) as number;
    } finally {
      p.inCheckpointCall = false;
    }
  }

  /** A file offset the supervisor keeps for descriptions shared across processes. */
  sharedOffset(id: number): SharedOffset {
    return {
      id,
      get: async () => await this.ask({ op: "fpos_get", id }) as number,
      add: async (n) => await this.ask({ op: "fpos_add", id, n }) as number,
      set: async (pos) => {
        await this.ask({ op: "fpos_set", id, pos });
      },
    };
  }

  /**
   * A vfork child is about to exec or exit: its parent goes on, with the memory the two share
   * (the child's, as it is now: a vfork child runs in its parent's memory).
   */
  vforkRelease(p: Process): Promise<boolean> {
    if (!this.vforkParent) return Promise.resolve(false);
    const parent = this.vforkParent;
    this.vforkParent = 0;
    // A request, not a one-way message: its reply proves delivery before this host may exit.
    return this.worker.request(parent, Code.USER, {
      op: "vfork_done",
      pid: p.pid,
      mem: memorySnapshot(p),
    }).then(() => true, () => false);
  }

  onVforkDone(pid: number, mem: MemorySnapshot | undefined): void {
    this.vforkWaiters.get(pid)?.(mem);
  }

  /** What this host knows of the process's children, as plain data (checkpoints). */
  jobState(): HostJobState {
    return {
      zombies: [...this.zombies].map(([pid, z]) => ({ pid, exit: { ...z.exit }, pgid: z.pgid })),
      children: [...this.children],
      stops: [...this.stops],
      exitSignals: [...this.exitSignals],
    };
  }

  restoreJobState(s: HostJobState): void {
    for (const z of s.zombies) this.zombies.set(z.pid, { exit: { ...z.exit }, pgid: z.pgid });
    for (const [pid, pgid] of s.children) this.children.set(pid, pgid);
    for (const [pid, sig] of s.stops) this.stops.set(pid, sig);
    for (const [pid, sig] of s.exitSignals) this.exitSignals.set(pid, sig);
  }
}

/** GuestHost's per-job state about children, as saved in a checkpoint image. */
export interface HostJobState {
  zombies: { pid: number; exit: ExitInfo; pgid: number }[];
  children: [number, number][];
  stops: [number, number][];
  exitSignals: [number, number][];
}

type HostOp = (h: GuestHost, msg: Record<string, unknown>) => unknown;

// deno-fmt-ignore
const HOST_OPS: Record<string, HostOp> = {
  signal:   (h, m) => {
    const p = h.process;
    // The pid check drops a signal that raced with this host's guest exiting (hosts are reused).
    if (p && (m.pid === undefined || Number(m.pid) === p.pid)) p.signals.post(p, { signo: Number(m.signal), errno: 0, code: 0, pid: Number(m.sender), uid: p.cred.uid });
    return 0;
  },
  child:    (h, m) => h.onChildExit(Number(m.pid), m.exit as ExitInfo, m.vforkSent === true),
  vfork_done: (h, m) => h.onVforkDone(Number(m.pid), m.mem as MemorySnapshot | undefined),
  child_stop: (h, m) => h.onChildStop(Number(m.pid), Number(m.sig)),
  reparent: (h, m) => { if (h.process) h.process.ppid = Number(m.ppid); },
  // Checkpoint (checkpoint/member.ts) and the restore barrier.
  cp_prepare:    (h, m) => member.prepare(h, String(m.session)),
  cp_checkpoint: (h, m) => member.park(h, String(m.session), Number(m.requester) || 0),
  cp_capture:    (h, m) => member.capture(h, String(m.session)),
  cp_resume:     (h, m) => member.resume(h, String(m.session)),
  cp_write:      (h, m) => member.writeCaptured(h, String(m.session), String(m.path)),
  cp_abort:      (h, m) => member.abort(h, String(m.session)),
  release:    (h) => { h.released.resolve(); return performance.timeOrigin + performance.now(); },
};

function exitInfo(s: ExitStatus): ExitInfo {
  return s.signal !== undefined ? { signal: s.signal, core: s.core } : { code: s.code ?? 0 };
}

/** The root guest: a program loaded afresh. */
function execRoot(j: Record<string, unknown>): Process {
  const p = startProcess(String(j.program), j.argv as string[], j.envp as string[], {
    root: j.root as string | undefined,
    cwd: j.cwd as string | undefined,
    strace: Boolean(j.strace),
  });
  p.pid = p.tid = Number(j.pid);
  p.ppid = Number(j.ppid);
  p.pgid = Number(j.pgid);
  p.sid = Number(j.sid);
  return p;
}

/** A forked child: the parent's snapshot, with the clone options applied. */
function forkChild(host: GuestHost, j: Record<string, unknown>): Process {
  const p = restoreProcess(j.snapshot as ProcessSnapshot, { strace: Boolean(j.strace) }, host);
  const o = j.options as ForkOptions;
  p.signals.forkChild();
  if (o.tls !== undefined) p.cpu.fsBase = o.tls;
  if (o.childClearTid !== undefined) p.clearChildTid = o.childClearTid;
  if (o.childSetTid !== undefined) p.mem.write32(o.childSetTid, p.pid);
  host.vforkParent = Number(j.vforkParent) || 0;
  return p;
}

/** Entry point of `__guest`: returns the host process's exit code. */
export async function guestHostMain(): Promise<number> {
  const boot = Deno.env.get(WARM_ENV) === undefined ? takeBoot() : await warmBoot();
  if (boot === null) return 0; // a warm host whose daemon has gone
  let job = Promise.withResolvers<Record<string, unknown>>();
  let started = Promise.withResolvers<unknown>();
  const ref: { host?: GuestHost } = {};
  const worker = new IpcWorker({
    vmid: boot.vmid,
    leaderVmid: boot.leader,
    runtimeDir: boot.runtimeDir,
    secret: boot.secret,
    maxPayload: JOB_MAX_PAYLOAD,
    hooks: {
      onUserMessage: (payload) => {
        const msg = payload as Record<string, unknown>;
        if (msg?.op === "job") {
          job.resolve(msg);
          return started.promise; // the reply says whether the program could start
        }
        if (msg?.op === "quit") {
          job.resolve({ kind: "quit" });
          return 0;
        }
        const op = HOST_OPS[String(msg?.op)];
        if (!op) throw new TypeError(`Unknown host op '${msg?.op}'`);
        return op(ref.host!, msg);
      },
      onPeerLost: (vmid) => {
        if (vmid === boot.leader) Deno.exit(137); // the supervisor is gone: so are we
      },
      onError: () => {},
    },
  });
  await worker.listen();
  await worker.request(boot.leader, Code.ECHO, null); // joins the leader

  // One guest after another: when a guest exits, this host offers itself for the next job.
  for (;;) {
    const host = ref.host = new GuestHost(worker);
    await host.ask({ op: "ready" });
    const j = await job.promise;
    if (j.kind === "quit") break;
    const code = await runJob(worker, host, j, started);
    if (code !== undefined) return code;
    job = Promise.withResolvers();
    started = Promise.withResolvers();
  }
  await worker.close();
  return 0;
}

/** Runs one job; returns an exit code when this host must end, undefined when it may go on. */
async function runJob(
  worker: IpcWorker,
  host: GuestHost,
  j: Record<string, unknown>,
  started: PromiseWithResolvers<unknown>,
): Promise<number | undefined> {
  let p: Process;
  try {
    p = j.kind === "fork"
      ? forkChild(host, j)
      : j.kind === "restore"
      ? await member.restoreFromImage(host, String(j.path), String(j.digest), {
        strace: Boolean(j.strace),
      })
      : execRoot(j);
  } catch (e) {
    const load = e instanceof LoadError;
    started.resolve(
      load ? { error: e.message, errno: e.errno } : {
        error: e instanceof Error ? e.message : String(e),
      },
    );
    await new Promise((r) => setTimeout(r, 10)); // let the reply go out
    await worker.close();
    return load ? 0 : 1;
  }
  p.host = host;
  host.process = p;
  // Locked files reopened with another device or inode: the lock table follows before release.
  if (p.lockRenames.length > 0) await host.ask({ op: "lock_rename", pairs: p.lockRenames });
  started.resolve({ ok: true });
  // Signals from the terminal or kill(1) reach every host of the job: pass them to the guest.
  const stopForwarding = forwardHostSignals(p);
  if (j.kind === "restore") await host.released.promise;
  const status = await p.runUntilExit();
  stopForwarding();
  const vforkSent = await host.vforkRelease(p); // a vfork parent waits for exec or exit
  await host.ask({
    op: "exit",
    pid: p.pid,
    exit: exitInfo(status),
    icount: p.cpu.icount,
    vforkSent,
  });
  return undefined;
}
