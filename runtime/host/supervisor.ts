// The supervisor side of a multi-process job: the IPC leader, the pool of pre-started guest hosts,
// the process table, and the process-management messages hosts send it. It never runs guest code.
//
// Lifecycle: start() makes the leader and fills the pool; run() gives the root program to a host
// and resolves with the root guest's exit status once every guest process has ended (orphans are
// reaped here, as init does); close() kills whatever hosts remain. A host whose link drops without
// an exit report is reported killed by SIGKILL; when the supervisor dies, hosts see their leader
// link drop and exit (guest_host.ts), so no guest outlives it.
//
// Messages are IPC USER frames whose payload is { op, ... }; OPS below is their one table.

import { Code, LEADER_VMID } from "../../ipc/codes.ts";
import { type Leader, type LeaderSnapshot, startLeader } from "../../ipc/leader.ts";
import {
  BOOT_ENV,
  encodeBoot,
  type HostBoot,
  hostCommand,
  hostEnv,
  JOB_MAX_PAYLOAD,
} from "./boot.ts";
import { borrowHosts, serveSocketPath } from "./serve.ts";
import { libc } from "../../ipc/libc.ts";
import { type PipeRef, PipeTable, type PipeTableSnapshot } from "./pipes.ts";
import { CheckpointError, checkpointTree } from "../../checkpoint/coordinator.ts";
import { hostErrno } from "../kernel/host_errno.ts";
import { type ExitInfo, INIT_PID, type ProcEntry, ProcTable } from "./proc_table.ts";

const SIGKILL = 9;

const EPERM = 1, ESRCH = 3, EIO = 5, EBUSY = 16, EINVAL = 22;

export interface SupervisorOptions {
  /** Idle guest hosts kept ready for fork (default 2). */
  poolSize?: number;
  /** Host stderr; "inherit" in normal use. */
  stderr?: "inherit" | "null";
  /** Start no host: the job comes from a checkpoint (restoreJob), hosts get saved VMIDs. */
  restoring?: boolean;
  /**
   * Where `supervisor serve` lends warm hosts for a restore (default serve.ts serveSocketPath();
   * null: start every host here).
   */
  serveSocket?: string | null;
}

/** The leader's share of a checkpoint: the tree, pipes, shared offsets, ids (checkpoint/). */
export interface SupervisorSnapshot {
  procs: ProcEntry[];
  freePids: number[];
  pipes: PipeTableSnapshot;
  offsets: [number, number][];
  nextOffset: number;
  rootPid: number;
  rootExit?: ExitInfo;
  vforkSent: number[];
  leader: LeaderSnapshot;
  /** Open file descriptions with flock/OFD locks: handle -> VMIDs of the processes holding it. */
  lockHolders?: [number, number[]][];
  nextLockHandle?: number;
}

/** The program the root guest host runs. */
export interface ExecJob {
  kind: "exec";
  program: string;
  argv: string[];
  envp: string[];
  cwd?: string;
  root?: string;
  strace?: boolean;
}

interface Host {
  vmid: number;
  /** The host process: our child, or one lent by `supervisor serve`. */
  pid: number;
  kill: (signal: Deno.Signal) => void;
  ready: Promise<void>;
  markReady: () => void;
  /** Resolves when the host process has ended. */
  status: Promise<unknown>;
  /** Given a job and not yet reported its guest's exit. */
  busy: boolean;
  /** Lent by `supervisor serve`: not our child, and not in our terminal's process group. */
  lent: boolean;
}

type Op = (s: Supervisor, msg: Record<string, unknown>, source: number) => unknown;

export class Supervisor {
  readonly procs: ProcTable;
  /** The job's pipes (their rings are shared with the hosts that hold their ends). */
  readonly pipes: PipeTable;
  /** Offsets of regular-file descriptions shared across processes (fork), by id. */
  readonly offsets = new Map<number, number>();
  private nextOffset = 1;
  /** Descriptions that have taken flock or OFD locks: handle -> VMIDs of processes holding it. */
  private readonly lockHolders = new Map<number, Set<number>>();
  private nextLockHandle = 1;
  private readonly idle: Host[] = [];
  private readonly hosts = new Map<number, Host>();
  private rootPid = 0;
  /** Exited vfork children whose memory went to their parent (see GuestHost.vforkRelease). */
  private readonly vforkSent = new Set<number>();
  /** Guest instructions retired by every process of the job that has exited, and their count. */
  instructions = 0;
  processCount = 0;
  private rootExit: ExitInfo | undefined;
  private allDone = Promise.withResolvers<void>();
  private closing = false;
  /** Spares are kept only once the job has forked (a single-process job needs none). */
  private forked = false;
  /** Set when a checkpoint with --stop ended the job (its processes live on in the image). */
  stoppedByCheckpoint = false;

  private constructor(readonly leader: Leader, private readonly options: SupervisorOptions) {
    this.procs = new ProcTable(leader.services.idRanges);
    this.pipes = new PipeTable({ hostGone: (vmid) => this.hostGone(vmid) });
    leader.worker.hooks = {
      onUserMessage: (payload, source) => this.onMessage(payload, source),
      onPeerLost: (vmid) => this.onHostLost(vmid),
      onError: () => {}, // a broken link is handled as a lost host
    };
  }

  static async start(options: SupervisorOptions = {}): Promise<Supervisor> {
    const s = new Supervisor(await startLeader({ maxPayload: JOB_MAX_PAYLOAD }), options);
    if (!options.restoring) s.idle.push(s.spawnHost()); // for the root guest
    return s;
  }

  get poolSize(): number {
    return this.options.poolSize ?? 2;
  }

  // ---- hosts ------------------------------------------------------------------------------------

  private bootFor(vmid: number): HostBoot {
    return {
      runtimeDir: this.leader.runtimeDir,
      secret: this.leader.worker.secret,
      vmid,
      leader: LEADER_VMID,
    };
  }

  private spawnHost(savedVmid?: number): Host {
    const vmid = savedVmid ?? this.leader.services.vmids.allocate();
    const { command, args } = hostCommand();
    const boot = encodeBoot(this.bootFor(vmid));
    const child = new Deno.Command(command, {
      args,
      env: { [BOOT_ENV]: boot, ...hostEnv() },
      stdin: "inherit",
      stdout: "inherit",
      stderr: this.options.stderr ?? "inherit",
    }).spawn();
    return this.addHost(vmid, child.pid, child.status, (signal) => child.kill(signal), false);
  }

  private addHost(
    vmid: number,
    pid: number,
    status: Promise<unknown>,
    kill: (signal: Deno.Signal) => void,
    lent: boolean,
  ): Host {
    const { promise, resolve } = Promise.withResolvers<void>();
    const host: Host = {
      vmid,
      pid,
      kill,
      ready: promise,
      markReady: resolve,
      status,
      busy: false,
      lent,
    };
    this.hosts.set(vmid, host);
    status.then(() => this.onHostLost(vmid));
    return host;
  }

  /**
   * Hosts for restored processes, with their saved VMIDs: warm ones lent by `supervisor serve`
   * where it runs and has them (given this supervisor's stdio), the rest started here.
   */
  private async restoreHosts(vmids: number[]): Promise<Host[]> {
    const lent = new Map<number, Host>();
    const socket = this.options.serveSocket === undefined
      ? serveSocketPath()
      : this.options.serveSocket;
    const stdio = socket === null ? null : openStdio(this.options.stderr === "null");
    if (stdio) {
      const boots = vmids.map((vmid) => this.bootFor(vmid));
      const loan = await borrowHosts(boots, stdio.fds, socket!).finally(stdio.close);
      if (loan) {
        loan.pids.forEach((pid, i) => {
          const kill = (signal: Deno.Signal) => Deno.kill(pid, signal);
          lent.set(vmids[i], this.addHost(vmids[i], pid, processEnded(pid), kill, true));
        });
        loan.go();
      }
    }
    return vmids.map((vmid) => lent.get(vmid) ?? this.spawnHost(vmid));
  }

  private fillPool(): void {
    if (!this.forked) return;
    while (!this.closing && this.idle.length < this.poolSize) this.idle.push(this.spawnHost());
  }

  /** An idle host, ready to take a job. */
  private async takeHost(): Promise<Host> {
    const host = this.idle.shift() ?? this.spawnHost();
    host.busy = true;
    this.fillPool();
    await host.ready;
    return host;
  }

  /** Whether a host has died, even if its link has not been seen to close yet. */
  private hostGone(vmid: number): boolean {
    const host = this.hosts.get(vmid);
    return !host || processGone(host.pid);
  }

  private onHostLost(vmid: number): void {
    const host = this.hosts.get(vmid);
    if (!host) return;
    this.hosts.delete(vmid);
    this.pipes.dropHost(vmid);
    const i = this.idle.indexOf(host);
    if (i >= 0) this.idle.splice(i, 1);
    const entry = this.procs.byVmid(vmid);
    if (entry) this.processExited(entry.pid, { signal: SIGKILL });
    this.checkDone();
  }

  // ---- running the job --------------------------------------------------------------------------

  /** Runs the root program; resolves with its exit once every guest process has ended. */
  async run(job: ExecJob): Promise<ExitInfo> {
    const host = await this.takeHost();
    const pid = this.procs.allocPid(host.vmid);
    this.rootPid = pid;
    this.procs.add({ pid, ppid: INIT_PID, pgid: pid, sid: pid, vmid: host.vmid, state: "running" });
    const reply = await this.leader.worker.request(host.vmid, Code.USER, {
      op: "job",
      ...job,
      pid,
      ppid: INIT_PID,
      pgid: pid,
      sid: pid,
    }) as { error?: string; errno?: number };
    if (reply?.error) {
      this.procs.exited(pid, { code: reply.errno === 2 ? 127 : 126 });
      throw Object.assign(new Error(reply.error), { errno: reply.errno });
    }
    await this.allDone.promise;
    return this.rootExit ?? { code: 0 };
  }

  // ---- checkpoint and restore (checkpoint/coordinator.ts, checkpoint/restore.ts) ---------------

  /** Running guest processes (the members a checkpoint must park). */
  members(): ProcEntry[] {
    return [...this.procs.entries.values()].filter((e) => e.state === "running");
  }

  /** A request to one guest host; rejects if its link fails. */
  ask(vmid: number, message: Record<string, unknown>): Promise<unknown> {
    return this.leader.worker.request(vmid, Code.USER, message);
  }

  /** The leader's shared state, copied (call only while every member is parked). */
  snapshot(): SupervisorSnapshot {
    return {
      procs: this.procs.snapshot(),
      freePids: this.procs.freePids(),
      pipes: this.pipes.snapshot(),
      offsets: [...this.offsets],
      nextOffset: this.nextOffset,
      rootPid: this.rootPid,
      rootExit: this.rootExit,
      vforkSent: [...this.vforkSent],
      leader: this.leader.services.snapshot(),
      lockHolders: [...this.lockHolders].map(([handle, vmids]) => [handle, [...vmids]]),
      nextLockHandle: this.nextLockHandle,
    };
  }

  /**
   * Rebuilds a checkpointed job: leader state first, then one host per process with its saved
   * VMID, each given its image ("restore" job); all are released at one barrier. Resolves with
   * the root guest's exit once every process has ended. `onReleased` runs at the barrier, given
   * when (epoch ms, performance.timeOrigin + now()) the last process was let go by its host.
   */
  async restoreJob(
    s: SupervisorSnapshot,
    images: Map<number, { path: string; digest: string }>,
    onReleased?: (lastEpochMs: number) => void,
  ): Promise<ExitInfo> {
    this.leader.services.restore(s.leader);
    this.procs.restore(s.procs, s.freePids);
    this.pipes.restore(s.pipes);
    for (const [id, pos] of s.offsets) this.offsets.set(id, pos);
    this.nextOffset = s.nextOffset;
    this.rootPid = s.rootPid;
    this.rootExit = s.rootExit;
    for (const pid of s.vforkSent) this.vforkSent.add(pid);
    for (const [handle, vmids] of s.lockHolders ?? []) this.lockHolders.set(handle, new Set(vmids));
    this.nextLockHandle = s.nextLockHandle ?? 1;
    const running = this.members();
    if (running.length > 1) this.forked = true;
    const hosts = await this.restoreHosts(running.map((e) => e.vmid));
    for (const h of hosts) h.busy = true; // each runs a restored guest, not a pool job
    // Each host reads its image as soon as it is up, while others are still starting.
    const replies = await Promise.all(
      hosts.map((h) =>
        Promise.race([
          h.ready,
          h.status.then(() => {
            throw new Error(
              `the host for process ${this.procs.byVmid(h.vmid)?.pid} ended at start`,
            );
          }),
        ]).then(() => this.ask(h.vmid, { op: "job", kind: "restore", ...images.get(h.vmid) }))
          .catch((error) => ({ error: error instanceof Error ? error.message : String(error) }))
      ),
    ) as { error?: string }[];
    const failed = replies.find((r) => r?.error);
    if (failed) throw new Error(failed.error);
    const at = await Promise.all(running.map((e) => this.ask(e.vmid, { op: "release" })));
    const now = performance.timeOrigin + performance.now();
    onReleased?.(Math.max(...at.map((t) => typeof t === "number" && t <= now ? t : now)));
    this.fillPool();
    this.checkDone();
    await this.allDone.promise;
    return this.rootExit ?? { code: 0 };
  }

  /**
   * A guest asked for a checkpoint of its own tree (supervisor_checkpoint, sys_supervisor.ts):
   * resolves with 0 once it is committed, or -errno. A failure's reason goes to stderr, as the
   * guest only sees EIO.
   */
  async checkpointForGuest(pid: number, dir: string, stop: boolean): Promise<number> {
    try {
      await checkpointTree(this, dir, { stop, requester: pid });
      return 0;
    } catch (e) {
      if (!(e instanceof CheckpointError)) return -hostErrno(e); // the directory
      if (e.busy) return -EBUSY;
      console.error(`supervisor: checkpoint asked by process ${pid}: ${e.message}`);
      return -EIO;
    }
  }

  /** A checkpoint with --stop committed: the job ends here, its processes with it. */
  stopJob(): void {
    this.stoppedByCheckpoint = true;
    this.closing = true;
    for (const host of this.hosts.values()) {
      try {
        host.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    this.allDone.resolve();
  }

  private checkDone(): void {
    const running = [...this.procs.entries.values()].some((e) => e.state === "running");
    if (this.rootPid && !running) this.allDone.resolve();
  }

  /**
   * Signals sent to the supervisor itself: SIGTERM and SIGHUP go on to every guest process (as
   * init passes on a shutdown); SIGINT and SIGQUIT come from the terminal, which sends them to
   * the guest hosts too, so the supervisor only survives them and lets the guests decide.
   * Returns a function that removes the listeners.
   */
  handleHostSignals(): () => void {
    const removers: (() => void)[] = [];
    const listen = (name: Deno.Signal, fn: () => void) => {
      try {
        Deno.addSignalListener(name, fn);
        removers.push(() => Deno.removeSignalListener(name, fn));
      } catch { /* not on this host */ }
    };
    listen("SIGTERM", () => this.kill(INIT_PID, -1, 15));
    listen("SIGHUP", () => this.kill(INIT_PID, -1, 1));
    // Hosts lent by `supervisor serve` are not in our terminal's process group: what the
    // terminal sends to the group goes on to them.
    const toLent = (name: Deno.Signal) => () => {
      for (const h of this.hosts.values()) {
        try {
          if (h.lent) h.kill(name);
        } catch { /* gone */ }
      }
    };
    listen("SIGINT", toLent("SIGINT"));
    listen("SIGQUIT", toLent("SIGQUIT"));
    listen("SIGWINCH", toLent("SIGWINCH"));
    return () => removers.forEach((r) => r());
  }

  /** Kills every host still alive and closes the leader. */
  async close(): Promise<void> {
    this.closing = true;
    for (const host of this.hosts.values()) {
      try {
        host.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    await Promise.allSettled([...this.hosts.values()].map((h) => h.status));
    this.pipes.closeAll();
    await this.leader.close();
  }

  // ---- process management -----------------------------------------------------------------------

  private processExited(pid: number, exit: ExitInfo): void {
    const e = this.procs.get(pid);
    if (!e || e.state !== "running") return;
    this.leader.services.locks.clearPid(pid);
    for (const handle of [...this.lockHolders.keys()]) this.dropLockHandle(handle, e.vmid);
    const orphans = this.procs.exited(pid, exit);
    if (pid === this.rootPid) this.rootExit = exit;
    for (const orphan of orphans) {
      if (orphan.state === "zombie") this.procs.reap(orphan.pid);
      else this.tell(orphan.vmid, { op: "reparent", ppid: INIT_PID });
    }
    const parent = this.procs.get(e.ppid);
    if (e.ppid === INIT_PID || !parent || parent.state !== "running") this.procs.reap(pid);
    else this.tell(parent.vmid, { op: "child", pid, exit, vforkSent: this.vforkSent.delete(pid) });
    this.checkDone();
  }

  private tell(vmid: number, message: Record<string, unknown>): void {
    this.leader.worker.send(vmid, Code.USER, message).catch(() => {/* host gone: handled */});
  }

  private onMessage(payload: unknown, source: number): unknown {
    if (typeof payload !== "object" || payload === null) throw new TypeError("Bad message");
    const msg = payload as Record<string, unknown>;
    const op = OPS[String(msg.op)];
    if (!op) throw new TypeError(`Unknown supervisor op '${msg.op}'`);
    return op(this, msg, source);
  }

  /** Delivers a signal to processes selected as kill(2) selects them; returns 0 or -errno. */
  kill(senderPid: number, target: number, signal: number): number {
    const sender = this.procs.get(senderPid);
    let targets: ProcEntry[];
    if (target > 0) {
      const e = this.procs.get(target);
      targets = e ? [e] : [];
    } else if (target === 0) targets = sender ? this.procs.group(sender.pgid) : [];
    else if (target === -1) {
      targets = [...this.procs.entries.values()].filter((e) =>
        e.state === "running" && e.pid !== senderPid
      );
    } else targets = this.procs.group(-target);
    if (targets.length === 0) return -ESRCH;
    if (signal < 0 || signal > 64) return -EINVAL;
    for (const t of targets) {
      if (t.state === "running" && signal !== 0) {
        this.tell(t.vmid, { op: "signal", signal, sender: senderPid, pid: t.pid });
      }
    }
    return 0;
  }

  // Used by OPS.
  async forkHost(
    parentPid: number,
    pipes: PipeRef[],
    lockHandles: number[],
  ): Promise<{ pid: number; vmid: number }> {
    const parent = this.procs.get(parentPid);
    if (!parent) throw new RangeError(`Fork from unknown pid ${parentPid}`);
    this.forked = true;
    const host = await this.takeHost();
    const pid = this.procs.allocPid(host.vmid);
    this.procs.add({
      pid,
      ppid: parentPid,
      pgid: parent.pgid,
      sid: parent.sid,
      vmid: host.vmid,
      state: "running",
    });
    this.pipes.inherit(host.vmid, pipes);
    for (const handle of lockHandles) this.lockHolders.get(handle)?.add(host.vmid);
    return { pid, vmid: host.vmid };
  }

  /** A description's first flock or OFD lock: its handle, held by process `vmid`. */
  newLockHandle(vmid: number): number {
    const handle = this.nextLockHandle++;
    this.lockHolders.set(handle, new Set([vmid]));
    return handle;
  }

  /** Restored processes found locked files under another device and inode: [old, new] keys. */
  renameLocks(pairs: unknown): void {
    if (!Array.isArray(pairs)) throw new TypeError("Bad lock_rename pairs");
    for (const pair of pairs) {
      if (!Array.isArray(pair) || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
        throw new TypeError("Bad lock_rename pair");
      }
      this.leader.services.locks.rename(pair[0], pair[1]);
    }
  }

  /** Process `vmid` closed description `handle`; when nobody holds it, its locks go. */
  dropLockHandle(handle: number, vmid: number): void {
    const holders = this.lockHolders.get(handle);
    if (!holders?.delete(vmid) || holders.size > 0) return;
    this.lockHolders.delete(handle);
    this.leader.services.locks.clearHandle(handle);
  }

  newOffset(pos: number): number {
    const id = this.nextOffset++;
    this.offsets.set(id, pos);
    return id;
  }

  addOffset(id: number, n: number): number {
    const old = this.offsets.get(id) ?? 0;
    this.offsets.set(id, old + n);
    return old;
  }

  /** A process stopped or continued: its parent hears of it (for WUNTRACED / WCONTINUED). */
  childState(pid: number, sig: number): void {
    const e = this.procs.get(pid);
    const parent = e && this.procs.get(e.ppid);
    if (parent && parent.state === "running") {
      this.tell(parent.vmid, { op: "child_stop", pid, sig });
    }
  }

  exitReported(pid: number, exit: ExitInfo, icount: number, vforkSent: boolean): void {
    const entry = this.procs.get(pid);
    const host = entry && this.hosts.get(entry.vmid);
    if (host) host.busy = false; // its "ready" follows: it goes back to the pool
    this.instructions += icount;
    this.processCount++;
    this.vforkSent.add(pid);
    if (!vforkSent) this.vforkSent.delete(pid);
    this.processExited(pid, exit);
  }

  /**
   * A host is ready for a job: a new one, or one whose guest has exited (hosts are reused, so a
   * fork rarely pays for starting a host). Hosts beyond what the pool keeps are sent away.
   */
  hostReady(vmid: number): void {
    const host = this.hosts.get(vmid);
    if (!host) return;
    host.markReady();
    if (host.busy || this.idle.includes(host)) return;
    // Up to twice the pool size idle: a returning host must not be sent away while spares are
    // started to replace it (that churn made every fork pay a host start-up after all).
    if (!this.closing && this.idle.length < Math.max(2 * this.poolSize, 1)) this.idle.push(host);
    else this.tell(vmid, { op: "quit" });
  }

  setpgid(caller: number, pid: number, pgid: number): number {
    const target = this.procs.get(pid || caller);
    const self = this.procs.get(caller);
    if (!target || !self) return -ESRCH;
    if (target.pid !== caller && target.ppid !== caller) return -ESRCH;
    if (target.sid !== self.sid) return -EPERM;
    if (target.pid === target.sid) return -EPERM; // a session leader
    const group = pgid || target.pid;
    if (group < 0) return -EINVAL;
    if (group !== target.pid && !this.procs.group(group).some((e) => e.sid === self.sid)) {
      return -EPERM;
    }
    target.pgid = group;
    return 0;
  }

  setsid(caller: number): number {
    const e = this.procs.get(caller);
    if (!e) return -ESRCH;
    if (this.procs.group(caller).length > 0 && e.pgid === caller) return -EPERM;
    if ([...this.procs.entries.values()].some((o) => o.pgid === caller && o.pid !== caller)) {
      return -EPERM;
    }
    e.sid = e.pgid = caller;
    return caller;
  }
}

/** Whether process `pid` has ended (or is a zombie): by /proc, as it may not be our child. */
function processGone(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat[stat.lastIndexOf(")") + 2] === "Z";
  } catch {
    return true;
  }
}

/** Resolves once process `pid` (not our child) has ended. */
function processEnded(pid: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (!processGone(pid)) return;
      clearInterval(timer);
      resolve();
    }, 50);
  });
}

/**
 * Descriptors for a lent host's stdin, stdout and stderr: ours, or /dev/null for stderr when
 * hosts' stderr is discarded. Null without FFI (then nothing can be lent anyway).
 */
function openStdio(nullStderr: boolean): { fds: number[]; close: () => void } | null {
  const lib = libc();
  if (lib === null) return null;
  const devNull = nullStderr
    ? lib.open(new TextEncoder().encode("/dev/null\0"), O_WRONLY_CLOEXEC)
    : 2;
  if (devNull < 0) return null;
  return { fds: [0, 1, devNull], close: () => void (devNull !== 2 && lib.close(devNull)) };
}

const O_WRONLY_CLOEXEC = 0o2000001;

const num = (v: unknown, name: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`Bad ${name}`);
  return v;
};

const bytes = (v: unknown): Uint8Array => {
  if (!(v instanceof Uint8Array)) throw new TypeError("Bad data");
  return v;
};

// deno-fmt-ignore
const OPS: Record<string, Op> = {
  ready:   (s, _m, source) => s.hostReady(source),
  fork:    (s, m) => s.forkHost(num(m.pid, "pid"), (m.pipes ?? []) as PipeRef[], (m.lockHandles ?? []) as number[]),
  exit:    (s, m) => s.exitReported(num(m.pid, "pid"), m.exit as ExitInfo, Number(m.icount) || 0, m.vforkSent === true),
  reaped:  (s, m) => s.procs.reap(num(m.pid, "pid")),
  kill:    (s, m) => s.kill(num(m.sender, "sender"), num(m.pid, "pid"), num(m.signal, "signal")),
  setpgid: (s, m) => s.setpgid(num(m.caller, "caller"), num(m.pid, "pid"), num(m.pgid, "pgid")),
  setsid:  (s, m) => s.setsid(num(m.caller, "caller")),
  getpgid: (s, m) => s.procs.get(num(m.pid, "pid"))?.pgid ?? -ESRCH,
  getsid:  (s, m) => s.procs.get(num(m.pid, "pid"))?.sid ?? -ESRCH,
  getppid: (s, m) => s.procs.get(num(m.pid, "pid"))?.ppid ?? -ESRCH,
  child_state: (s, m) => s.childState(num(m.pid, "pid"), num(m.sig, "sig")),
  fpos_new:    (s, m) => s.newOffset(num(m.pos, "pos")),
  fpos_get:    (s, m) => s.offsets.get(num(m.id, "id")) ?? 0,
  fpos_add:    (s, m) => s.addOffset(num(m.id, "id"), num(m.n, "n")),
  fpos_set:    (s, m) => void s.offsets.set(num(m.id, "id"), num(m.pos, "pos")),
  lock_handle:  (s, _m, source) => s.newLockHandle(source),
  lock_drop:    (s, m, source) => s.dropLockHandle(num(m.handle, "handle"), source),
  lock_rename:  (s, m) => s.renameLocks(m.pairs),
  pipe_create:  (s, _m, source) => s.pipes.create(source),
  pipe_read:    (s, m, source) => s.pipes.read(source, num(m.id, "id"), num(m.max, "max"), m.wait === true, Number(m.ticket) || 0),
  pipe_cancel:  (s, m, source) => s.pipes.cancel(source, num(m.id, "id"), num(m.ticket, "ticket")),
  pipe_write:   (s, m) => s.pipes.write(num(m.id, "id"), bytes(m.data)),
  pipe_kick:    (s, m) => s.pipes.kick(num(m.id, "id")),
  pipe_map:     (s, m) => s.pipes.map(num(m.id, "id")),
  pipe_wait:    (s, m) => s.pipes.wait(num(m.id, "id"), m.end === "r" ? "r" : "w", num(m.size, "size")),
  pipe_close:   (s, m, source) => s.pipes.close(source, num(m.id, "id"), m.end === "r" ? "r" : "w"),
  pipe_state:   (s, m) => s.pipes.current(num(m.id, "id")),
  checkpoint:   (s, m) => s.checkpointForGuest(num(m.pid, "pid"), String(m.dir), m.stop === true),
  pipe_setsize: (s, m) => s.pipes.setCapacity(num(m.id, "id"), num(m.size, "size")),
};
