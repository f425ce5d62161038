// One guest process: its CPU, memory, code cache and kernel state (descriptors, filesystem view,
// signals, credentials, identity), and the loop that runs guest code and serves its syscalls.
//
// The loop runs the interpreter until a safepoint (runtime/cpu/run.ts), then: serves a syscall,
// turns a CPU fault into its signal, fires timers, delivers pending signals, and now and then
// yields to the host event loop so asynchronous work (stdin, IPC, timers) can progress.

import type { GuestHost } from "../host/guest_host.ts";
import { CodeCache, run } from "../cpu/run.ts";
import { Cpu, STOP_FAULT, STOP_SYSCALL } from "../cpu/state.ts";
import { Memory, PageFault } from "../memory/memory.ts";
import { Args, type SyscallRow, SYSCALLS } from "../syscalls/table.ts";
import { EFAULT, EIO, ENOSYS } from "./errno.ts";
import { FdTable, type OpenFile } from "./files.ts";
import { fileClosed } from "./locks.ts";
import { releaseMappings } from "./mm.ts";
import { exitTraceLine, SignalState } from "./signals.ts";
import { Strace } from "./strace.ts";

/** How a process ended: an exit code, or the signal that killed it. */
export interface ExitStatus {
  code?: number;
  signal?: number;
  core?: boolean;
}

/** The guest's view of the filesystem. */
export interface FsState {
  /** Host directory that is the guest's `/` (absolute, no trailing slash except for "/"). */
  root: string;
  /** Guest working directory (absolute guest path). */
  cwd: string;
  umask: number;
}

export interface Credentials {
  uid: number;
  euid: number;
  suid: number;
  gid: number;
  egid: number;
  sgid: number;
  groups: number[];
}

/** Options a process is started with (the CLI's `run` options, minus the program). */
export interface ProcessOptions {
  root?: string;
  strace?: boolean | ((line: string) => void);
  /** The address space to use (a restore fills one before the process exists); default fresh. */
  memory?: Memory;
}

const SLICE_BLOCKS = 4096;
const YIELD_MS = 40;
/** The same while the host has work of its own in flight (a checkpoint image being written). */
const BACKGROUND_YIELD_MS = 1;

export class Process {
  readonly mem: Memory;
  readonly cpu: Cpu;
  readonly cache: CodeCache;
  readonly args: Args;
  fds = new FdTable();
  signals = new SignalState();
  fs: FsState;
  cred: Credentials;
  // Virtual ids: pid 1 is the supervisor (the job's init), so the first guest is 2 (host/).
  pid = 2;
  ppid = 1;
  pgid = 2;
  sid = 2;
  tid = 2;
  /** Guest path of the running executable (/proc/self/exe), argv and envp as loaded. */
  exePath = "";
  hostExePath = "";
  argv: string[] = [];
  /** Program break: start (end of the data segment) and current value. */
  brkStart = 0;
  brk = 0;
  /** clear_child_tid address (set_tid_address) and robust list head. */
  clearChildTid = 0;
  robustList = 0;
  robustListLen = 0;
  /** Resource limits: [soft, hard] by RLIMIT_* number (Infinity for RLIM_INFINITY). */
  rlimits: [number, number][] = [];
  /** Set when the process has ended. */
  exitStatus: ExitStatus | undefined;
  strace: Strace | undefined;
  /** Process start time (ms, performance.now()) for times(), /proc. */
  readonly startTime = performance.now();
  /** The job this process belongs to when it runs in a guest host (fork, wait, kill...). */
  host: GuestHost | undefined;
  /** Guest-visible name (prctl PR_SET_NAME, /proc/self/comm). */
  comm = "";
  /** Files (lock keys) on which this process may hold POSIX record locks of its own. */
  posixLocks = new Set<string>();
  /** Lock keys that changed in a restore ([old, new]), for the job's lock table. */
  lockRenames: [string, string][] = [];
  /**
   * A checkpoint's stop request (SIGCP): the loop awaits it at the next safepoint, after any
   * interrupted blocking syscall has been rewound for restart (checkpoint/member.ts).
   */
  private parkHold: (() => Promise<void>) | undefined;

  constructor(options: ProcessOptions = {}) {
    this.mem = options.memory ?? new Memory();
    this.cpu = new Cpu(this.mem);
    this.cache = new CodeCache(this.cpu);
    this.cache.onInternalError = (e, insn) => {
      const what = e instanceof Error ? e.stack ?? e.message : String(e);
      console.error(
        `supervisor: internal error executing '${insn.name}' at 0x${
          insn.addr.toString(16)
        }: ${what}`,
      );
    };
    this.args = new Args(this);
    this.fs = { root: options.root ?? "/", cwd: "/", umask: 0o022 };
    let uid = 0, gid = 0;
    try {
      uid = Deno.uid() ?? 0;
      gid = Deno.gid() ?? 0;
    } catch { /* not available on this host */ }
    this.cred = { uid, euid: uid, suid: uid, gid, egid: gid, sgid: gid, groups: [gid] };
    if (options.strace) {
      this.strace = new Strace(typeof options.strace === "function" ? options.strace : undefined);
    }
  }

  /** A descriptor of `file` was closed; `last`: the process's last one of that description. */
  fileClosed(file: OpenFile, last: boolean): void {
    fileClosed(this, file, last);
  }

  /** Ends the process (exit_group, or a fatal signal). */
  exit(status: ExitStatus): void {
    if (this.exitStatus) return;
    this.exitStatus = status;
    this.cpu.stopRequest = true;
    releaseMappings(this); // MAP_SHARED pages back to their files, file references dropped
    this.fds.closeAll(this);
  }

  /**
   * Parks the process at its next safepoint until `hold` settles: the CPU stops at the next block
   * boundary and a blocking syscall is woken like a signal would wake it, returning ERESTART* so
   * that it is re-issued afterwards (rip back on the SYSCALL, rax = its number).
   */
  requestPark(hold: () => Promise<void>): void {
    if (this.inCheckpointCall) {
      // It asked for this checkpoint and waits in that call: it parks where it stands.
      this.parked = true;
      hold().finally(() => this.parked = false);
      return;
    }
    this.parkHold = hold;
    this.cpu.stopRequest = true;
    this.signals.wakeForCheckpoint();
  }

  /** Whether the loop is waiting at a safepoint for a park request to settle. */
  parked = false;
  /**
   * Inside its own supervisor_checkpoint call (sys_supervisor.ts): the process parks there, and
   * its image returns from the call with CHECKPOINT_RESTORED.
   */
  inCheckpointCall = false;
  /**
   * Host work in flight beside the guest (checkpoint/member.ts writing an image after the
   * release): the loop then lets the event loop turn every BACKGROUND_YIELD_MS, not YIELD_MS, or
   * each of that work's awaits would wait for a whole time slice of the guest.
   */
  backgroundJobs = 0;

  /** Runs the guest until it exits; returns how it ended. */
  async runUntilExit(): Promise<ExitStatus> {
    const cpu = this.cpu;
    let lastYield = performance.now();
    while (this.exitStatus === undefined) {
      const why = run(cpu, this.cache, SLICE_BLOCKS);
      if (why === STOP_SYSCALL) {
        const r = this.syscall();
        if (r !== undefined) await r;
      } else if (why === STOP_FAULT) {
        this.signals.fault(this, cpu.faultSignal, cpu.faultCode, cpu.faultAddr);
      }
      if (this.exitStatus !== undefined) break;
      const stopped = this.signals.safepoint(this);
      if (stopped) await stopped;
      if (this.parkHold && this.exitStatus === undefined) {
        const hold = this.parkHold;
        this.parkHold = undefined;
        this.cpu.stopRequest = false;
        this.parked = true;
        try {
          await hold();
        } finally {
          this.parked = false;
          this.signals.checkpointDone();
        }
        lastYield = performance.now();
      }
      const now = performance.now();
      if (now - lastYield > (this.backgroundJobs > 0 ? BACKGROUND_YIELD_MS : YIELD_MS)) {
        lastYield = now;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    this.strace?.event(exitTraceLine(this.exitStatus!));
    return this.exitStatus!;
  }

  /** Serves the syscall the guest just issued (number in rax). */
  syscall(): Promise<void> | undefined {
    const cpu = this.cpu;
    const nr = cpu.lo[0] >>> 0;
    const row = cpu.hi[0] === 0 ? SYSCALLS[nr] : undefined;
    cpu.setReg(11, 0x202 | (cpu.df ? 0x400 : 0)); // r11 = rflags, as SYSCALL leaves it
    if (!row) {
      this.strace?.unknown(this, nr);
      cpu.setReg(0, -ENOSYS);
      return undefined;
    }
    this.strace?.enter(this, row);
    let result;
    try {
      result = row.handler(this, this.args);
    } catch (e) {
      result = this.handlerError(e, row.name);
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => this.finishSyscall(row, r),
        (e) => this.finishSyscall(row, this.handlerError(e, row.name)),
      );
    }
    this.finishSyscall(row, result);
    return undefined;
  }

  private finishSyscall(row: SyscallRow, result: number | undefined): void {
    if (result !== undefined) {
      this.cpu.setReg(0, result);
      // -ERESTARTSYS..-ERESTART_RESTARTBLOCK: restarted or turned into EINTR at the safepoint.
      if (result <= -512 && result >= -516) this.signals.syscallInterrupted(row.nr, -result);
    }
    this.strace?.leave(this, row.name, result);
  }

  /** Turns an exception out of a handler into an errno: guest memory faults are EFAULT. */
  private handlerError(e: unknown, name: string): number {
    if (e instanceof PageFault) return -EFAULT;
    console.error(
      `supervisor: internal error in syscall ${name}: ${e instanceof Error ? e.stack : e}`,
    );
    return -EIO;
  }
}
