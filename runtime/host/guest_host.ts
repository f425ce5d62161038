// A guest host: the host process that runs one guest process (the hidden `__guest` mode).
//
// It joins the job over the leader's Unix socket, says it is ready, and waits for a job: "exec"
// (load a program, for the root guest) or "fork" (restore a parent's snapshot, returning 0 from
// fork). It then runs the guest, serving the job's messages to it (signals from other processes,
// child exits, reparenting), and reports its exit to the leader before leaving. If the leader's
// link drops (the supervisor died, even by SIGKILL) the host exits at once: no guest outlives its
// supervisor.

import { Code } from "../../ipc/codes.ts";
import { IpcWorker } from "../../ipc/worker.ts";
import type { ExitStatus, Process } from "../kernel/process.ts";
import { startProcess } from "../kernel/start.ts";
import { LoadError } from "../loader/load.ts";
import { takeBoot } from "./boot.ts";
import type { ExitInfo } from "./proc_table.ts";

/** What the running guest process may ask of the job (fork, wait, kill...). */
export class GuestHost {
  process: Process | undefined;
  /** Exits of children not yet reaped, by pid (zombies). */
  readonly zombies = new Map<number, ExitInfo>();
  /** Live children, by pid. */
  readonly children = new Set<number>();
  private childWaiters = new Set<() => void>();

  constructor(readonly worker: IpcWorker) {}

  /** A request to the supervisor; resolves with its reply. */
  ask(message: Record<string, unknown>): Promise<unknown> {
    return this.worker.request(this.worker.leaderVmid, Code.USER, message);
  }

  /** Resolves when a child's state changes (for wait4). */
  childChanged(): Promise<void> {
    return new Promise((resolve) => this.childWaiters.add(resolve));
  }

  onChildExit(pid: number, exit: ExitInfo): void {
    this.children.delete(pid);
    this.zombies.set(pid, exit);
    for (const w of this.childWaiters) w();
    this.childWaiters.clear();
  }
}

type HostOp = (h: GuestHost, msg: Record<string, unknown>) => unknown;

// deno-fmt-ignore
const HOST_OPS: Record<string, HostOp> = {
  signal:   (h, m) => {
    const p = h.process;
    if (p) p.signals.post(p, { signo: Number(m.signal), errno: 0, code: 0, pid: Number(m.sender), uid: p.cred.uid });
    return 0;
  },
  child:    (h, m) => h.onChildExit(Number(m.pid), m.exit as ExitInfo),
  reparent: (h, m) => { if (h.process) h.process.ppid = Number(m.ppid); },
};

function exitInfo(s: ExitStatus): ExitInfo {
  return s.signal !== undefined ? { signal: s.signal, core: s.core } : { code: s.code ?? 0 };
}

/** Entry point of `__guest`: returns the host process's exit code. */
export async function guestHostMain(): Promise<number> {
  const boot = takeBoot();
  const job = Promise.withResolvers<Record<string, unknown>>();
  const started = Promise.withResolvers<unknown>();
  const ref: { host?: GuestHost } = {};
  const worker = new IpcWorker({
    vmid: boot.vmid,
    leaderVmid: boot.leader,
    runtimeDir: boot.runtimeDir,
    secret: boot.secret,
    hooks: {
      onUserMessage: (payload) => {
        const msg = payload as Record<string, unknown>;
        if (msg?.op === "job") {
          job.resolve(msg);
          return started.promise; // the reply says whether the program could start
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
  const host = ref.host = new GuestHost(worker);
  await worker.listen();
  await worker.request(boot.leader, Code.ECHO, null); // joins the leader
  await host.ask({ op: "ready" });

  const j = await job.promise;
  let p: Process;
  try {
    p = startProcess(String(j.program), j.argv as string[], j.envp as string[], {
      root: j.root as string | undefined,
      cwd: j.cwd as string | undefined,
      strace: Boolean(j.strace),
    });
  } catch (e) {
    if (e instanceof LoadError) {
      started.resolve({ error: e.message, errno: e.errno });
      await new Promise((r) => setTimeout(r, 10)); // let the reply go out
      await worker.close();
      return 0;
    }
    throw e;
  }
  p.pid = p.tid = Number(j.pid);
  p.ppid = Number(j.ppid);
  p.pgid = Number(j.pgid);
  p.sid = Number(j.sid);
  p.host = host;
  host.process = p;
  started.resolve({ ok: true });
  const status = await p.runUntilExit();
  await host.ask({ op: "exit", pid: p.pid, exit: exitInfo(status) });
  await worker.close();
  return 0;
}
