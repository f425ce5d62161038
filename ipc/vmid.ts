// GET_NEW_VMID: the leader hands out process identities.
//
// Owns: the VMID counter (leader only). Invariants: VMIDs are handed out in increasing order and
// never twice in a run (nor after restore, since the counter is in the snapshot); the leader's own
// VMID (LEADER_VMID) is never handed out.
import { Code, LEADER_VMID, MAX_VMID } from "./codes.ts";
import { expectInt } from "./payload.ts";
import type { IpcWorker } from "./worker.ts";

export interface VmidSnapshot {
  next: number;
}

/** The leader's VMID counter; plain data. */
export class VmidAllocator {
  #next = LEADER_VMID + 1;

  allocate(): number {
    if (this.#next > MAX_VMID) throw new RangeError("Every VMID has been handed out");
    return this.#next++;
  }

  snapshot(): VmidSnapshot {
    return { next: this.#next };
  }

  restore(snapshot: VmidSnapshot): void {
    this.#next = expectInt(snapshot.next, "VMID snapshot next", LEADER_VMID + 1, MAX_VMID + 1);
  }
}

/** Asks the leader for a fresh VMID (for a child about to be spawned). */
export async function getNewVmid(worker: IpcWorker): Promise<number> {
  if (worker.leader) return worker.leader.vmids.allocate();
  const vmid = await worker.request(worker.leaderVmid, Code.GET_NEW_VMID, null);
  return expectInt(vmid, "GET_NEW_VMID reply", LEADER_VMID + 1, MAX_VMID);
}

/** Leader: GET_NEW_VMID. */
export function handleGetNewVmid(worker: IpcWorker): number {
  return requireLeader(worker, Code.GET_NEW_VMID).vmids.allocate();
}

/** The leader services, or a TypeError naming the message a non-leader was sent. */
export function requireLeader(worker: IpcWorker, code: Code) {
  if (worker.leader === null) {
    throw new TypeError(
      `Process ${worker.vmid} is not the leader and does not serve ${Code[code]}`,
    );
  }
  return worker.leader;
}
