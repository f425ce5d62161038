// ALLOC_ID_RANGE / RELEASE_ID_RANGE / CHANGE_ID_OWNER / GET_ID_OWNER: who owns which guest ids
// (pids and tids), Gramine's scheme (libos_ipc_pid.c).
//
// Owns: the leader's table of leased id ranges. Invariants: ranges are disjoint and sorted by
// start; each is at most RANGE_SIZE ids, owned by one VMID; leases go out in increasing order from
// just after the last one (wrapping at PID_MAX), so an id is never handed out twice while owned.
// Changing the owner of one id splits its range; every part is then released on its own.
// Only an id's owner (or the leader) may give it away or release it.
import { Code, LEADER_VMID, MAX_VMID } from "./codes.ts";
import { expectInt, expectRecord } from "./payload.ts";
import { requireLeader } from "./vmid.ts";
import type { IpcWorker } from "./worker.ts";

/** Ids per lease (Gramine's MAX_RANGE_SIZE). */
export const RANGE_SIZE = 32;
/** Highest id (Linux's pid_max limit). */
export const PID_MAX = 4_194_304;

/** Ids start..end inclusive, owned by `owner`. */
export interface IdRange {
  start: number;
  end: number;
  owner: number;
}

export interface IdRangeSnapshot {
  lastId: number;
  ranges: IdRange[];
}

/** The leader's id ownership table; plain data. */
export class IdRangeTable {
  #ranges: IdRange[] = [];
  #lastId = 0;

  /** Leases the next free range to `owner`, or returns null when every id is owned. */
  alloc(owner: number): IdRange | null {
    const range = this.#findFree() ?? (this.#lastId = 0, this.#findFree());
    if (range === null) return null;
    const leased = { ...range, owner };
    this.#ranges.splice(this.#lowerBound(leased.start), 0, leased);
    this.#lastId = leased.end;
    return { ...leased };
  }

  /** Releases exactly one whole range (as leased, or as left by an owner change). */
  release(start: number, end: number, requester: number): void {
    const index = this.#indexOf(start);
    const range = this.#ranges[index];
    if (range === undefined || range.start !== start || range.end !== end) {
      throw new RangeError(`Ids ${start}..${end} are not one leased range`);
    }
    checkOwner(range, start, requester);
    this.#ranges.splice(index, 1);
  }

  /** Gives one id to `newOwner`, splitting its range into up to three. */
  changeOwner(id: number, newOwner: number, requester: number): void {
    const index = this.#indexOf(id);
    const range = this.#ranges[index];
    if (range === undefined) throw new RangeError(`Id ${id} is not owned by anyone`);
    checkOwner(range, id, requester);
    const parts: IdRange[] = [];
    if (range.start < id) parts.push({ start: range.start, end: id - 1, owner: range.owner });
    parts.push({ start: id, end: id, owner: newOwner });
    if (id < range.end) parts.push({ start: id + 1, end: range.end, owner: range.owner });
    this.#ranges.splice(index, 1, ...parts);
  }

  /** The VMID owning `id`, or 0. */
  getOwner(id: number): number {
    return this.#ranges[this.#indexOf(id)]?.owner ?? 0;
  }

  /** Every range owned by `owner`, in id order. */
  rangesOf(owner: number): IdRange[] {
    return this.#ranges.filter((range) => range.owner === owner).map((range) => ({ ...range }));
  }

  /** Releases every range of a process that is gone; returns how many. */
  releaseOwner(owner: number): number {
    const before = this.#ranges.length;
    this.#ranges = this.#ranges.filter((range) => range.owner !== owner);
    return before - this.#ranges.length;
  }

  snapshot(): IdRangeSnapshot {
    return { lastId: this.#lastId, ranges: this.#ranges.map((range) => ({ ...range })) };
  }

  restore(snapshot: IdRangeSnapshot): void {
    const ranges = snapshot.ranges.map((range) => ({ ...range }));
    for (let i = 0; i < ranges.length; i++) {
      const { start, end } = ranges[i];
      const previousEnd = i === 0 ? 0 : ranges[i - 1].end;
      if (!(start > previousEnd && start <= end && end <= PID_MAX)) {
        throw new RangeError(`Id range snapshot is not sorted and disjoint at ${start}..${end}`);
      }
    }
    this.#ranges = ranges;
    this.#lastId = expectInt(snapshot.lastId, "id range snapshot lastId", 0, PID_MAX);
  }

  /** Gramine's _find_free_id_range: the first gap at or after lastId + 1, capped at RANGE_SIZE. */
  #findFree(): Omit<IdRange, "owner"> | null {
    let next = this.#lastId + 1 > PID_MAX ? 1 : this.#lastId + 1;
    for (let i = this.#lowerBound(next); i < this.#ranges.length; i++) {
      const range = this.#ranges[i];
      if (next < range.start) {
        return { start: next, end: Math.min(next + RANGE_SIZE - 1, PID_MAX, range.start - 1) };
      }
      if (range.end === PID_MAX) return null;
      next = range.end + 1;
    }
    return { start: next, end: Math.min(next + RANGE_SIZE - 1, PID_MAX) };
  }

  /** Index of the range holding `id`, or -1. */
  #indexOf(id: number): number {
    const index = this.#lowerBound(id);
    return index < this.#ranges.length && this.#ranges[index].start <= id ? index : -1;
  }

  /** Index of the first range ending at or after `id` (where a range starting there would go). */
  #lowerBound(id: number): number {
    let low = 0;
    let high = this.#ranges.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.#ranges[middle].end < id) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

function checkOwner(range: IdRange, id: number, requester: number): void {
  if (requester !== range.owner && requester !== LEADER_VMID) {
    throw new RangeError(
      `Process ${requester} does not own id ${id} (process ${range.owner} does)`,
    );
  }
}

function idField(value: unknown, what: string): number {
  return expectInt(value, what, 1, PID_MAX);
}

// --- requests -----------------------------------------------------------------------------------

/** Leases a range of ids for this process; null if none are left (Gramine: -EAGAIN). */
export async function allocIdRange(worker: IpcWorker): Promise<IdRange | null> {
  const reply = worker.leader
    ? worker.leader.idRanges.alloc(worker.vmid)
    : expectRecord(await worker.request(worker.leaderVmid, Code.ALLOC_ID_RANGE, null), "reply");
  if (reply === null || reply.start === 0) return null;
  return {
    start: idField(reply.start, "ALLOC_ID_RANGE start"),
    end: idField(reply.end, "ALLOC_ID_RANGE end"),
    owner: worker.vmid,
  };
}

/** Releases one whole range this process owns. */
export async function releaseIdRange(worker: IpcWorker, start: number, end: number): Promise<void> {
  if (worker.leader) return worker.leader.idRanges.release(start, end, worker.vmid);
  await worker.request(worker.leaderVmid, Code.RELEASE_ID_RANGE, { start, end });
}

/** Gives one id this process owns to another process (e.g. a child's pid to the child). */
export async function changeIdOwner(worker: IpcWorker, id: number, owner: number): Promise<void> {
  if (worker.leader) return worker.leader.idRanges.changeOwner(id, owner, worker.vmid);
  await worker.request(worker.leaderVmid, Code.CHANGE_ID_OWNER, { id, owner });
}

/** The VMID owning `id`, or 0 if nobody does. */
export async function getIdOwner(worker: IpcWorker, id: number): Promise<number> {
  if (worker.leader) return worker.leader.idRanges.getOwner(id);
  const owner = await worker.request(worker.leaderVmid, Code.GET_ID_OWNER, { id });
  return expectInt(owner, "GET_ID_OWNER reply", 0, MAX_VMID);
}

// --- handlers (leader) --------------------------------------------------------------------------

export function handleAllocIdRange(worker: IpcWorker, _payload: unknown, source: number) {
  const range = requireLeader(worker, Code.ALLOC_ID_RANGE).idRanges.alloc(source);
  return range === null ? { start: 0, end: 0 } : { start: range.start, end: range.end };
}

export function handleReleaseIdRange(worker: IpcWorker, payload: unknown, source: number): null {
  const leader = requireLeader(worker, Code.RELEASE_ID_RANGE);
  const request = expectRecord(payload, "RELEASE_ID_RANGE");
  leader.idRanges.release(
    idField(request.start, "RELEASE_ID_RANGE start"),
    idField(request.end, "RELEASE_ID_RANGE end"),
    source,
  );
  return null;
}

export function handleChangeIdOwner(worker: IpcWorker, payload: unknown, source: number): null {
  const leader = requireLeader(worker, Code.CHANGE_ID_OWNER);
  const request = expectRecord(payload, "CHANGE_ID_OWNER");
  leader.idRanges.changeOwner(
    idField(request.id, "CHANGE_ID_OWNER id"),
    expectInt(request.owner, "CHANGE_ID_OWNER owner", 1, MAX_VMID),
    source,
  );
  return null;
}

export function handleGetIdOwner(worker: IpcWorker, payload: unknown): number {
  const leader = requireLeader(worker, Code.GET_ID_OWNER);
  return leader.idRanges.getOwner(
    idField(expectRecord(payload, "GET_ID_OWNER").id, "GET_ID_OWNER id"),
  );
}
