// The leader: the supervisor process's worker plus the state behind the leader services, and what
// happens when a member dies.
//
// Owns: the runtime directory (created 0700; only `<vmid>.sock` files live in it), the run secret,
// the member list (every process with a link to the leader), and the leader services' state
// (VMIDs, id ranges, file locks, sync leases) with one snapshot()/restore() over all of it.
// Invariants: the leader is never a guest and never a broadcast target; when a member's last link
// drops, its locks and lock waits, sync leases and id ranges are released, except its own pid,
// which passes to its parent (a zombie keeps its pid until reaped). A member's relayed broadcast
// may carry only USER messages, so no guest can speak for the leader.
import { Code, LEADER_VMID, MAX_VMID } from "./codes.ts";
import { asError } from "./errors.ts";
import { type FileLockSnapshot, FileLockTable } from "./file_locks.ts";
import { type IdRangeSnapshot, IdRangeTable, PID_MAX } from "./id_ranges.ts";
import { newSecret, prepareRuntimeDir } from "./auth.ts";
import { expectInt, expectRecord } from "./payload.ts";
import { SyncServer, type SyncSnapshot } from "./sync.ts";
import { VmidAllocator, type VmidSnapshot } from "./vmid.ts";
import { IpcWorker, type ProcessHooks } from "./worker.ts";

export interface Member {
  vmid: number;
  pid: number;
  parent: number;
}

export interface LeaderSnapshot {
  vmids: VmidSnapshot;
  idRanges: IdRangeSnapshot;
  locks: FileLockSnapshot;
  sync: SyncSnapshot;
}

/** State of the leader services; attached to the leader's worker as `worker.leader`. */
export class LeaderServices {
  readonly vmids = new VmidAllocator();
  readonly idRanges = new IdRangeTable();
  readonly locks = new FileLockTable();
  readonly sync: SyncServer;
  readonly members = new Map<number, Member>();

  constructor(worker: IpcWorker) {
    this.sync = new SyncServer((vmid, code, payload) => {
      worker.send(vmid, code, payload).catch((error) => worker.report(asError(error), vmid));
    });
  }

  /** A peer said HELLO: it is a member; remember its pid and parent for when it dies. */
  onHello(vmid: number, hello: Record<string, unknown>): void {
    if (this.members.has(vmid)) return;
    this.members.set(vmid, {
      vmid,
      pid: expectInt(hello.pid ?? 0, "HELLO pid", 0, PID_MAX),
      parent: expectInt(hello.parent ?? 0, "HELLO parent", 0, MAX_VMID),
    });
  }

  /** The member's last link dropped: its process is gone. */
  onMemberLost(vmid: number): void {
    const member = this.members.get(vmid);
    this.members.delete(vmid);
    this.locks.clearVmid(vmid);
    this.sync.dropClient(vmid);
    if (member !== undefined && member.pid !== 0 && this.idRanges.getOwner(member.pid) === vmid) {
      this.idRanges.changeOwner(member.pid, member.parent || LEADER_VMID, LEADER_VMID);
    }
    this.idRanges.releaseOwner(vmid);
  }

  snapshot(): LeaderSnapshot {
    return {
      vmids: this.vmids.snapshot(),
      idRanges: this.idRanges.snapshot(),
      locks: this.locks.snapshot(),
      sync: this.sync.snapshot(),
    };
  }

  restore(snapshot: LeaderSnapshot): void {
    this.vmids.restore(snapshot.vmids);
    this.idRanges.restore(snapshot.idRanges);
    this.locks.restore(snapshot.locks);
    this.sync.restore(snapshot.sync);
  }
}

export interface LeaderOptions {
  /** Where sockets go (created 0700 if absent); default: a fresh temporary directory. */
  runtimeDir?: string;
  hooks?: ProcessHooks;
  maxPayload?: number;
  helloTimeoutMs?: number;
}

/** A running leader: its worker, services and runtime directory. */
export class Leader {
  readonly worker: IpcWorker;
  readonly services: LeaderServices;
  readonly #ownsDir: boolean;

  constructor(worker: IpcWorker, ownsDir: boolean) {
    this.worker = worker;
    this.services = worker.leader!;
    this.#ownsDir = ownsDir;
  }

  get runtimeDir(): string {
    return this.worker.runtimeDir;
  }

  /** Closes every link; removes the runtime directory if the leader created it. */
  async close(): Promise<void> {
    await this.worker.close();
    if (this.#ownsDir) await Deno.remove(this.runtimeDir, { recursive: true });
  }
}

/** Starts the leader: runtime dir (0700), a fresh secret, the listening socket (0600). */
export async function startLeader(options: LeaderOptions = {}): Promise<Leader> {
  const ownsDir = options.runtimeDir === undefined;
  const runtimeDir = await prepareRuntimeDir(options.runtimeDir);
  const secret = newSecret();
  const worker = new IpcWorker({
    vmid: LEADER_VMID,
    leaderVmid: LEADER_VMID,
    runtimeDir,
    secret,
    hooks: options.hooks,
    maxPayload: options.maxPayload,
    helloTimeoutMs: options.helloTimeoutMs,
  });
  worker.leader = new LeaderServices(worker);
  await worker.listen();
  return new Leader(worker, ownsDir);
}

/** Leader: BROADCAST relays a member's USER message to every member except `except`. */
export function handleBroadcast(worker: IpcWorker, payload: unknown): Promise<number> {
  if (!worker.isLeader) throw new TypeError(`Process ${worker.vmid} is not the leader`);
  const request = expectRecord(payload, "BROADCAST");
  if (request.code !== Code.USER) throw new TypeError("Members may broadcast USER messages only");
  return worker.broadcast(
    Code.USER,
    request.payload,
    expectInt(request.except, "BROADCAST except", 0, MAX_VMID),
  );
}
