// SYNC_*: handles shared between processes, kept coherent by leases (Gramine's sync engine,
// libos_sync_server.c / libos_sync_client.c, over libos_ipc_sync.c).
//
// Owns: the leader's lease table (SyncServer) and each process's client ends (SyncClient).
// A client asks to upgrade a handle to SHARED or EXCLUSIVE; the leader grants it when no lease
// conflicts, and otherwise asks the holders to downgrade; a holder confirms once no local user is
// inside the handle, handing back the data if it held it EXCLUSIVE; close hands back data the same
// way. Invariants (server): at most one EXCLUSIVE lease per handle, never beside a SHARED one;
// upgrade requests are served in arrival order; the handle's data is the last an EXCLUSIVE holder
// handed back. A dead client's leases are dropped (its unsaved data with them) and the handle
// goes on. Client rule: never ask for EXCLUSIVE while holding a use of the same handle.
import { Code } from "./codes.ts";
import { expectBytesOrNull, expectInt, expectRecord } from "./payload.ts";
import { requireLeader } from "./vmid.ts";
import type { IpcWorker } from "./worker.ts";

export enum SyncState {
  Invalid = 0,
  Shared = 1,
  Exclusive = 2,
}

/** "No request outstanding" in a lease. */
const NONE = -1;

export interface SyncLease {
  vmid: number;
  current: SyncState;
  /** What the client asked for (above current), or -1. */
  clientWants: number;
  /** What the leader asked the client to drop to (below current), or -1. */
  serverWants: number;
}

export interface SyncSnapshot {
  handles: { id: number; data: Uint8Array | null; leases: SyncLease[] }[];
}

type SendToClient = (vmid: number, code: Code, payload: unknown) => void;

/** The leader's side: leases per handle; plain data plus a way to message clients. */
export class SyncServer {
  #handles = new Map<number, { data: Uint8Array | null; leases: SyncLease[] }>();
  readonly #send: SendToClient;

  constructor(send: SendToClient) {
    this.#send = send;
  }

  requestUpgrade(vmid: number, id: number, state: SyncState): void {
    if (state === SyncState.Invalid) {
      throw new RangeError("A sync upgrade must ask for SHARED or EXCLUSIVE");
    }
    const handle = this.#handle(id);
    const lease = this.#lease(handle, vmid);
    if (lease.current >= state) return;
    lease.clientWants = state;
    // Re-queue at the tail so upgrades are served in arrival order.
    handle.leases.splice(handle.leases.indexOf(lease), 1);
    handle.leases.push(lease);
    this.#process(id);
  }

  confirmDowngrade(vmid: number, id: number, state: SyncState, data: Uint8Array | null): void {
    const handle = this.#handle(id);
    const lease = this.#lease(handle, vmid);
    if (state >= lease.current) return;
    if (lease.current === SyncState.Exclusive) handle.data = data;
    lease.current = state;
    if (state <= lease.serverWants) lease.serverWants = NONE;
    this.#process(id);
  }

  requestClose(vmid: number, id: number, state: SyncState, data: Uint8Array | null): void {
    const handle = this.#handles.get(id);
    const lease = handle?.leases.find((candidate) => candidate.vmid === vmid);
    if (handle !== undefined && lease !== undefined) {
      if (lease.current === SyncState.Exclusive && state === SyncState.Exclusive) {
        handle.data = data;
      }
      handle.leases.splice(handle.leases.indexOf(lease), 1);
    }
    this.#send(vmid, Code.SYNC_CONFIRM_CLOSE, { id });
    if (handle !== undefined && handle.leases.length === 0) this.#handles.delete(id);
    else if (handle !== undefined) this.#process(id);
  }

  /** A client's process is gone: its leases go, and waiting clients may now be served. */
  dropClient(vmid: number): void {
    for (const [id, handle] of [...this.#handles]) {
      const before = handle.leases.length;
      handle.leases = handle.leases.filter((lease) => lease.vmid !== vmid);
      if (handle.leases.length === before) continue;
      if (handle.leases.length === 0) this.#handles.delete(id);
      else this.#process(id);
    }
  }

  leases(id: number): SyncLease[] {
    return (this.#handles.get(id)?.leases ?? []).map((lease) => ({ ...lease }));
  }

  snapshot(): SyncSnapshot {
    return {
      handles: [...this.#handles].map(([id, handle]) => ({
        id,
        data: handle.data?.slice() ?? null,
        leases: handle.leases.map((lease) => ({ ...lease })),
      })),
    };
  }

  restore(snapshot: SyncSnapshot): void {
    this.#handles = new Map(
      snapshot.handles.map((handle) => [handle.id, {
        data: handle.data?.slice() ?? null,
        leases: handle.leases.map((lease) => ({ ...lease })),
      }]),
    );
  }

  #handle(id: number) {
    let handle = this.#handles.get(id);
    if (handle === undefined) this.#handles.set(id, handle = { data: null, leases: [] });
    return handle;
  }

  #lease(handle: { leases: SyncLease[] }, vmid: number): SyncLease {
    let lease = handle.leases.find((candidate) => candidate.vmid === vmid);
    if (lease === undefined) {
      lease = { vmid, current: SyncState.Invalid, clientWants: NONE, serverWants: NONE };
      handle.leases.push(lease);
    }
    return lease;
  }

  /** Gramine's process_handle: grant what can be granted, then ask holders to step down. */
  #process(id: number): void {
    const handle = this.#handles.get(id)!;
    const count = (state: SyncState, field: "current" | "clientWants") =>
      handle.leases.filter((lease) => lease[field] === state).length;
    let shared = count(SyncState.Shared, "current");
    let exclusive = count(SyncState.Exclusive, "current");
    let wantShared = count(SyncState.Shared, "clientWants");
    let wantExclusive = count(SyncState.Exclusive, "clientWants");
    for (const lease of handle.leases) {
      const grantShared = lease.clientWants === SyncState.Shared && exclusive === 0;
      const grantExclusive = lease.clientWants === SyncState.Exclusive && exclusive === 0 &&
        (shared === 0 || (shared === 1 && lease.current === SyncState.Shared));
      if (!grantShared && !grantExclusive) continue;
      if (lease.current === SyncState.Shared) shared--;
      lease.current = lease.clientWants;
      lease.clientWants = NONE;
      if (grantShared) (shared++, wantShared--);
      else (exclusive++, wantExclusive--);
      this.#send(lease.vmid, Code.SYNC_CONFIRM_UPGRADE, {
        id,
        state: lease.current,
        data: handle.data,
      });
    }
    const target = wantExclusive > 0 ? SyncState.Invalid : wantShared > 0 ? SyncState.Shared : NONE;
    if (target === NONE) return;
    for (const lease of handle.leases) {
      if (lease.current <= target || (lease.serverWants !== NONE && lease.serverWants <= target)) {
        continue;
      }
      lease.serverWants = target;
      this.#send(lease.vmid, Code.SYNC_REQUEST_DOWNGRADE, { id, state: target });
    }
  }
}

interface ClientHandle {
  state: SyncState;
  data: Uint8Array | null;
  users: number;
  /** The state an upgrade request is outstanding for, or -1. */
  requested: number;
  downgradeTo: number;
  changed: PromiseWithResolvers<void>;
}

/** A process's side: local users of each handle, and the lease protocol with the leader. */
export class SyncClient {
  readonly #worker: IpcWorker;
  readonly #handles = new Map<number, ClientHandle>();
  readonly #closing = new Map<number, PromiseWithResolvers<void>>();

  constructor(worker: IpcWorker) {
    if (worker.isLeader) {
      throw new TypeError("The leader holds shared objects itself, not through sync");
    }
    this.#worker = worker;
  }

  /** The client end of `worker` (created on first use). */
  static of(worker: IpcWorker): SyncClient {
    return worker.syncClient ??= new SyncClient(worker);
  }

  stateOf(id: number): SyncState {
    return this.#handles.get(id)?.state ?? SyncState.Invalid;
  }

  /** Enters the handle at `state` or above; resolves with its data. Pair with release(). */
  async acquire(
    id: number,
    state: SyncState.Shared | SyncState.Exclusive,
  ): Promise<Uint8Array | null> {
    let handle = this.#handles.get(id);
    if (handle === undefined) {
      handle = {
        state: SyncState.Invalid,
        data: null,
        users: 0,
        requested: NONE,
        downgradeTo: NONE,
        changed: Promise.withResolvers(),
      };
      this.#handles.set(id, handle);
    }
    while (handle.state < state || handle.downgradeTo !== NONE) {
      const changed = handle.changed.promise;
      if (handle.downgradeTo === NONE && handle.requested < state) {
        handle.requested = state;
        await this.#worker.send(this.#worker.leaderVmid, Code.SYNC_REQUEST_UPGRADE, { id, state });
      }
      await changed;
    }
    handle.users++;
    return handle.data;
  }

  /** Leaves the handle; an EXCLUSIVE user may pass the new data. */
  release(id: number, data?: Uint8Array | null): void {
    const handle = this.#handles.get(id);
    if (handle === undefined || handle.users === 0) {
      throw new TypeError(`Sync handle ${id} is not in use`);
    }
    if (data !== undefined) {
      if (handle.state !== SyncState.Exclusive) {
        throw new TypeError(`Sync handle ${id} is not held EXCLUSIVE`);
      }
      handle.data = data;
    }
    handle.users--;
    if (handle.users === 0 && handle.downgradeTo !== NONE) this.#downgrade(id, handle);
  }

  /** Gives the lease back (with the data, if held EXCLUSIVE); resolves once the leader confirms. */
  async close(id: number): Promise<void> {
    const handle = this.#handles.get(id);
    if (handle === undefined) return;
    if (handle.users > 0) throw new TypeError(`Sync handle ${id} is still in use`);
    const confirmed = Promise.withResolvers<void>();
    this.#closing.set(id, confirmed);
    this.#handles.delete(id);
    await this.#worker.send(this.#worker.leaderVmid, Code.SYNC_REQUEST_CLOSE, {
      id,
      state: handle.state,
      data: handle.state === SyncState.Exclusive ? handle.data : null,
    });
    await confirmed.promise;
  }

  onConfirmUpgrade(id: number, state: SyncState, data: Uint8Array | null): void {
    const handle = this.#handles.get(id);
    if (handle === undefined) return;
    handle.state = state;
    handle.data = data;
    if (handle.requested <= state) handle.requested = NONE;
    this.#changed(handle);
  }

  onRequestDowngrade(id: number, state: SyncState): void {
    const handle = this.#handles.get(id);
    if (handle === undefined || handle.state <= state) return;
    handle.downgradeTo = handle.downgradeTo === NONE ? state : Math.min(handle.downgradeTo, state);
    if (handle.users === 0) this.#downgrade(id, handle);
  }

  onConfirmClose(id: number): void {
    this.#closing.get(id)?.resolve();
    this.#closing.delete(id);
  }

  #downgrade(id: number, handle: ClientHandle): void {
    const data = handle.state === SyncState.Exclusive ? handle.data : null;
    handle.state = handle.downgradeTo;
    handle.downgradeTo = NONE;
    this.#worker.send(this.#worker.leaderVmid, Code.SYNC_CONFIRM_DOWNGRADE, {
      id,
      state: handle.state,
      data,
    })
      .catch((error) => this.#worker.report(error, this.#worker.leaderVmid));
    this.#changed(handle);
  }

  #changed(handle: ClientHandle): void {
    const changed = handle.changed;
    handle.changed = Promise.withResolvers();
    changed.resolve();
  }
}

function parseSync(payload: unknown, what: string) {
  const message = expectRecord(payload, what);
  return {
    id: expectInt(message.id, `${what} id`),
    state: expectInt(message.state ?? 0, `${what} state`, SyncState.Invalid, SyncState.Exclusive),
    data: expectBytesOrNull(message.data, `${what} data`),
  };
}

// --- handlers: leader side ----------------------------------------------------------------------

export function handleSyncRequestUpgrade(
  worker: IpcWorker,
  payload: unknown,
  source: number,
): null {
  const { id, state } = parseSync(payload, "SYNC_REQUEST_UPGRADE");
  requireLeader(worker, Code.SYNC_REQUEST_UPGRADE).sync.requestUpgrade(source, id, state);
  return null;
}

export function handleSyncConfirmDowngrade(
  worker: IpcWorker,
  payload: unknown,
  source: number,
): null {
  const { id, state, data } = parseSync(payload, "SYNC_CONFIRM_DOWNGRADE");
  requireLeader(worker, Code.SYNC_CONFIRM_DOWNGRADE).sync.confirmDowngrade(source, id, state, data);
  return null;
}

export function handleSyncRequestClose(worker: IpcWorker, payload: unknown, source: number): null {
  const { id, state, data } = parseSync(payload, "SYNC_REQUEST_CLOSE");
  requireLeader(worker, Code.SYNC_REQUEST_CLOSE).sync.requestClose(source, id, state, data);
  return null;
}

// --- handlers: client side (messages come from the leader only) ---------------------------------

function clientOf(worker: IpcWorker, source: number, code: Code): SyncClient {
  if (source !== worker.leaderVmid) throw new TypeError(`${Code[code]} must come from the leader`);
  return SyncClient.of(worker);
}

export function handleSyncConfirmUpgrade(
  worker: IpcWorker,
  payload: unknown,
  source: number,
): null {
  const { id, state, data } = parseSync(payload, "SYNC_CONFIRM_UPGRADE");
  clientOf(worker, source, Code.SYNC_CONFIRM_UPGRADE).onConfirmUpgrade(id, state, data);
  return null;
}

export function handleSyncRequestDowngrade(
  worker: IpcWorker,
  payload: unknown,
  source: number,
): null {
  const { id, state } = parseSync(payload, "SYNC_REQUEST_DOWNGRADE");
  clientOf(worker, source, Code.SYNC_REQUEST_DOWNGRADE).onRequestDowngrade(id, state);
  return null;
}

export function handleSyncConfirmClose(worker: IpcWorker, payload: unknown, source: number): null {
  const { id } = parseSync(payload, "SYNC_CONFIRM_CLOSE");
  clientOf(worker, source, Code.SYNC_CONFIRM_CLOSE).onConfirmClose(id);
  return null;
}
