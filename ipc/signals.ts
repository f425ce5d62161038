// PID_KILL: signals for a thread, a process, a process group, or everyone (Gramine's
// libos_ipc_signal.c).
//
// Owns: routing of kill requests. A guest sends PID_KILL to the leader; the leader forwards it to
// the owner of the target id (thread, process), or to every member (group, all) and collects the
// answers; each member's hooks.onKill delivers to its own processes. Invariants: the result is 0
// if at least one process took the signal, else -ESRCH; kill-all never signals the sender's own
// process (as kill(-1, sig)); a member that does not answer in FORWARD_TIMEOUT_MS counts as absent.
import { Code, Errno, LEADER_VMID, MAX_VMID, SIGRTMAX } from "./codes.ts";
import { PID_MAX } from "./id_ranges.ts";
import { expectInt, expectRecord } from "./payload.ts";
import type { IpcWorker } from "./worker.ts";

/** Gramine's enum kill_type. */
export enum KillKind {
  Thread = 0,
  Process = 1,
  ProcessGroup = 2,
  All = 3,
}

/** PID_KILL payload. `pid` is the thread's process for Thread (else equal to `id`). */
export interface PidKill {
  sender: number;
  kind: KillKind;
  pid: number;
  id: number;
  signum: number;
}

/** How long the leader waits for a member to answer a forwarded request. */
export const FORWARD_TIMEOUT_MS = 5_000;

function parsePidKill(payload: unknown): PidKill {
  const request = expectRecord(payload, "PID_KILL");
  return {
    sender: expectInt(request.sender, "PID_KILL sender", 0, PID_MAX),
    kind: expectInt(request.kind, "PID_KILL kind", KillKind.Thread, KillKind.All),
    pid: expectInt(request.pid, "PID_KILL pid", 0, PID_MAX),
    id: expectInt(request.id, "PID_KILL id", 0, PID_MAX),
    signum: expectInt(request.signum, "PID_KILL signum", 0, SIGRTMAX),
  };
}

async function sendKill(worker: IpcWorker, request: PidKill): Promise<number> {
  const result = worker.leader
    ? await routeKill(worker, request, worker.vmid)
    : await worker.request(worker.leaderVmid, Code.PID_KILL, request);
  return expectInt(result, "PID_KILL reply", -4095, 0);
}

/** Signals thread `tid` of process `pid`; 0 or -ESRCH. */
export function killThread(
  worker: IpcWorker,
  sender: number,
  pid: number,
  tid: number,
  signum: number,
) {
  return sendKill(worker, { sender, kind: KillKind.Thread, pid, id: tid, signum });
}

/** Signals process `pid`; 0 or -ESRCH. */
export function killProcess(worker: IpcWorker, sender: number, pid: number, signum: number) {
  return sendKill(worker, { sender, kind: KillKind.Process, pid, id: pid, signum });
}

/** Signals every process in group `pgid`; 0 if any took it, else -ESRCH. */
export function killProcessGroup(worker: IpcWorker, sender: number, pgid: number, signum: number) {
  return sendKill(worker, { sender, kind: KillKind.ProcessGroup, pid: 0, id: pgid, signum });
}

/** Signals every process except the sender's own; 0 if any took it, else -ESRCH. */
export function killAll(worker: IpcWorker, sender: number, signum: number) {
  return sendKill(worker, { sender, kind: KillKind.All, pid: 0, id: 0, signum });
}

/** Leader: sends the request where it must go, and folds the answers into one errno. */
async function routeKill(worker: IpcWorker, request: PidKill, source: number): Promise<number> {
  const leader = worker.leader!;
  if (request.kind === KillKind.Thread || request.kind === KillKind.Process) {
    const owner = leader.idRanges.getOwner(request.pid);
    if (owner === 0 || owner === LEADER_VMID) return -Errno.ESRCH;
    const result = await worker.request(owner, Code.PID_KILL, request, {
      timeoutMs: FORWARD_TIMEOUT_MS,
    });
    return expectInt(result, "PID_KILL reply", -4095, 0);
  }
  const targets = worker.peers().filter((vmid) =>
    request.kind === KillKind.ProcessGroup || vmid !== source
  );
  const answers = await Promise.allSettled(
    targets.map((vmid) =>
      worker.request(vmid, Code.PID_KILL, request, { timeoutMs: FORWARD_TIMEOUT_MS })
    ),
  );
  return answers.some((answer) => answer.status === "fulfilled" && answer.value === 0)
    ? 0
    : -Errno.ESRCH;
}

/** PID_KILL: the leader routes it; a member delivers it to its own processes. */
export function handlePidKill(
  worker: IpcWorker,
  payload: unknown,
  source: number,
): number | Promise<number> {
  const request = parsePidKill(payload);
  if (worker.leader) return routeKill(worker, request, expectInt(source, "source", 1, MAX_VMID));
  return worker.hooks.onKill?.(request) ?? -Errno.ESRCH;
}
