// The leader's process table: every guest process of the job with its pid, parent, process group,
// session, the VMID of the host running it, and its state. Pids are virtual: the leader leases id
// ranges to itself (ipc/id_ranges.ts) and hands them out in order, giving each pid's ownership to
// the host that runs it so PID_KILL routing finds it. Pid 1 is the supervisor itself (the job's
// init): orphans are reparented to it and it reaps them.
//
// Plain data with snapshot()/restore(): a checkpoint captures the tree from here.

import type { IdRangeTable } from "../../ipc/id_ranges.ts";
import { LEADER_VMID } from "../../ipc/codes.ts";

export const INIT_PID = 1;

export interface ExitInfo {
  code?: number;
  signal?: number;
  core?: boolean;
}

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  vmid: number;
  state: "running" | "zombie";
  exit?: ExitInfo;
}

export class ProcTable {
  readonly entries = new Map<number, ProcEntry>();
  private free: number[] = [];

  constructor(private readonly ids: IdRangeTable) {}

  /** A new pid, owned by `vmid`. Throws RangeError when every id is taken. */
  allocPid(vmid: number): number {
    if (this.free.length === 0) {
      const range = this.ids.alloc(LEADER_VMID);
      if (range === null) throw new RangeError("No pids left");
      for (let id = range.start; id <= range.end; id++) if (id !== INIT_PID) this.free.push(id);
    }
    let pid = this.free.shift()!;
    // A pid still in the table (a zombie, or a process whose host's ranges were released) is
    // never handed out again until reaped.
    while (this.entries.has(pid)) {
      if (this.free.length === 0) return this.allocPid(vmid);
      pid = this.free.shift()!;
    }
    this.ids.changeOwner(pid, vmid, LEADER_VMID);
    return pid;
  }

  add(entry: ProcEntry): void {
    this.entries.set(entry.pid, entry);
  }

  get(pid: number): ProcEntry | undefined {
    return this.entries.get(pid);
  }

  byVmid(vmid: number): ProcEntry | undefined {
    for (const e of this.entries.values()) if (e.vmid === vmid && e.state === "running") return e;
    return undefined;
  }

  children(pid: number): ProcEntry[] {
    return [...this.entries.values()].filter((e) => e.ppid === pid);
  }

  group(pgid: number): ProcEntry[] {
    return [...this.entries.values()].filter((e) => e.pgid === pgid && e.state === "running");
  }

  /** Marks `pid` exited; returns its running children, which the caller reparents to init. */
  exited(pid: number, exit: ExitInfo): ProcEntry[] {
    const e = this.entries.get(pid);
    if (!e) return [];
    e.state = "zombie";
    e.exit = exit;
    const orphans = this.children(pid);
    for (const child of orphans) child.ppid = INIT_PID;
    return orphans;
  }

  /** Removes a reaped zombie; its pid goes back to the leader. */
  reap(pid: number): void {
    const e = this.entries.get(pid);
    if (!e || e.state !== "zombie") return;
    this.entries.delete(pid);
    try {
      this.ids.changeOwner(pid, LEADER_VMID, LEADER_VMID);
    } catch { /* released with its host already */ }
  }

  snapshot(): ProcEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }

  restore(entries: ProcEntry[], free?: number[]): void {
    this.entries.clear();
    for (const e of entries) this.entries.set(e.pid, { ...e });
    if (free) this.free = [...free];
  }

  /** Pids leased but not yet handed out, in the order allocPid would hand them out. */
  freePids(): number[] {
    return [...this.free];
  }
}
