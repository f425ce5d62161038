// The supervisor's pipes: every pipe of a multi-process job is a PipeRing (runtime/kernel/
// pipe_ring.ts) in a shared memory region that the supervisor creates and keeps, and that each
// host holding an end of the pipe maps (pipe_map). A read or write that need not wait is done by
// the guest's host in the region; what waits, and what only the supervisor knows, comes here
// (runtime/kernel/remote_pipe.ts is the client, and explains the protocol):
// - the end counts, per host (VMID), so that a host that dies releases exactly the ends it held,
//   and a fork copies the parent's ends to the child before the child runs (no moment where a
//   pipe looks closed to its reader); the job-wide counts are the ring's header, written here only;
// - waiting: blocking reads (answered in arrival order) and waits for readiness (poll, blocked
//   writers). While any wait here, the ring's watch flag is set, and a host that changes the
//   ring tells the supervisor (pipe_kick), which answers and wakes what can go on;
// - requests from hosts that cannot map the region (no shared memory): the same operations on
//   the same ring, which then lives in the supervisor's memory alone;
// - checkpoints: every process is parked, so the rings hold every byte of the cut.
// Every reply carries the pipe's state so that clients without a mapping can answer poll().

import { handOver } from "../../ipc/frame.ts";
import { SharedMemory, type SharedMemoryHandle } from "../../ipc/shared_memory.ts";
import type { PipeState } from "../kernel/pipe.ts";
import { DEFAULT_PIPE_CAPACITY, pipeCapacity } from "../kernel/pipe_buffer.ts";
import { PIPE_RING_BYTES, PipeRing, SUPERVISOR_TAG } from "../kernel/pipe_ring.ts";

const EBADF = 9, EAGAIN = 11, EBUSY = 16;

export interface PipeRef {
  id: number;
  end: "r" | "w";
}

type Reply<T> = { result: T; state: PipeState };

interface WaitingRead {
  vmid: number;
  ticket: number;
  max: number;
  answer: (reply: Reply<Uint8Array | number>) => void;
}

/** The leader's bookkeeping of one pipe beside its ring. */
interface PipeEntry {
  ring: PipeRing;
  /** The shared region under the ring, or null when it lives here only. */
  memory: SharedMemory | null;
  reads: WaitingRead[];
  waiters: (() => void)[];
}

export interface PipeTableOptions {
  /** Put rings in shared memory that hosts map (default true; false: every operation asks). */
  shared?: boolean;
  /** Whether the host with this VMID is dead (a lock it holds is then freed). */
  hostGone?: (vmid: number) => boolean;
}

/** Bytes read out of a ring are nobody else's: the reply may send them without a copy. */
const taken = (r: Uint8Array | number) => typeof r === "number" ? r : handOver(r);

const NO_STATE: PipeState = { length: 0, capacity: 0, readers: 0, writers: 0 };

export class PipeTable {
  private readonly pipes = new Map<number, PipeEntry>();
  /** VMID -> "id:end" -> count of that host's open descriptions of the end. */
  private readonly held = new Map<number, Map<string, number>>();
  private nextId = 1;
  private readonly shared: boolean;
  private readonly hostGone: (vmid: number) => boolean;

  constructor(options: PipeTableOptions = {}) {
    this.shared = options.shared ?? true;
    this.hostGone = options.hostGone ?? (() => false);
  }

  private state(e: PipeEntry): PipeState {
    const r = e.ring;
    return { length: r.length, capacity: r.capacity, readers: r.readers, writers: r.writers };
  }

  private hold(vmid: number, id: number, end: "r" | "w", delta: number): void {
    let m = this.held.get(vmid);
    if (!m) this.held.set(vmid, m = new Map());
    const key = `${id}:${end}`;
    const n = (m.get(key) ?? 0) + delta;
    if (n > 0) m.set(key, n);
    else m.delete(key);
  }

  private entry(id: number): PipeEntry {
    const e = this.pipes.get(id);
    if (!e) throw new RangeError(`No pipe ${id}`);
    return e;
  }

  private newEntry(capacity: number, readers: number, writers: number): PipeEntry {
    const memory = this.shared ? SharedMemory.create(PIPE_RING_BYTES) : null;
    const ring = new PipeRing(memory?.bytes ?? new ArrayBuffer(PIPE_RING_BYTES), { capacity });
    ring.setCounts(readers, writers);
    return { ring, memory, reads: [], waiters: [] };
  }

  /**
   * Runs `op` (a ring operation that takes the lock itself, null if it could not) until it gets
   * the lock. A host holds it only for a copy; one that died holding it has it freed here.
   */
  private locked<T>(e: PipeEntry, op: (spins: number) => T | null): T {
    for (;;) {
      const result = op(1 << 14);
      if (result !== null) return result;
      const holder = e.ring.holder;
      if (holder > 0 && this.hostGone(holder)) e.ring.breakLockOf(holder);
    }
  }

  /** Changes the ring's header under its lock. */
  private withLock(e: PipeEntry, change: () => void): void {
    this.locked(e, (spins) => {
      if (!e.ring.tryLock(SUPERVISOR_TAG, spins)) return null;
      try {
        change();
      } finally {
        e.ring.unlock();
      }
      return true;
    });
  }

  create(vmid: number): { id: number; ring: SharedMemoryHandle | null } {
    const id = this.nextId++;
    const e = this.newEntry(DEFAULT_PIPE_CAPACITY, 1, 1);
    this.pipes.set(id, e);
    this.hold(vmid, id, "r", 1);
    this.hold(vmid, id, "w", 1);
    return { id, ring: e.memory?.handle ?? null };
  }

  /** Where a host maps the ring of pipe `id` (null: it asks for every operation). */
  map(id: number): SharedMemoryHandle | null {
    return this.pipes.get(id)?.memory?.handle ?? null;
  }

  /** A read; with `wait`, an empty pipe with writers answers once bytes or end of file come. */
  read(
    vmid: number,
    id: number,
    max: number,
    wait = false,
    ticket = 0,
  ): Reply<Uint8Array | number> | Promise<Reply<Uint8Array | number>> {
    const e = this.pipes.get(id);
    if (!e) return { result: -EBADF, state: NO_STATE };
    if (wait) {
      const answered = new Promise<Reply<Uint8Array | number>>((answer) =>
        e.reads.push({ vmid, ticket, max, answer })
      );
      this.settle(id, e); // answers it at once if the pipe is readable (also after a kick)
      return answered;
    }
    const result = taken(this.locked(e, (spins) => e.ring.read(SUPERVISOR_TAG, max, spins)));
    this.settle(id, e);
    return { result, state: this.state(e) };
  }

  /** Drops a waiting read: it is answered EAGAIN (unless bytes already answered it). */
  cancel(vmid: number, id: number, ticket: number): void {
    const e = this.pipes.get(id);
    if (!e) return;
    const k = e.reads.findIndex((r) => r.vmid === vmid && r.ticket === ticket);
    if (k < 0) return;
    const [r] = e.reads.splice(k, 1);
    r.answer({ result: -EAGAIN, state: this.state(e) });
    this.settle(id, e);
  }

  /** A write by request (from a host without the mapping, or one that must keep its order). */
  write(id: number, data: Uint8Array): Reply<number> {
    const e = this.entry(id);
    const result = this.locked(e, (spins) => e.ring.write(SUPERVISOR_TAG, data, spins));
    this.settle(id, e);
    return { result, state: this.state(e) };
  }

  /** A host changed the ring while the watch flag was up. */
  kick(id: number): void {
    const e = this.pipes.get(id);
    if (e) this.settle(id, e);
  }

  /** Resolves (with the state) once the end is ready: readable, or room for `size` bytes. */
  async wait(id: number, end: "r" | "w", size: number): Promise<Reply<0>> {
    const e = this.entry(id);
    const ready = () => end === "r" ? e.ring.readable() : e.ring.writable(size);
    while (!ready()) {
      await new Promise<void>((resolve) => {
        e.waiters.push(resolve);
        this.watch(e);
        // A change made before the flag went up was not told: look again.
        if (ready()) this.wake(e);
      });
    }
    return { result: 0, state: this.state(e) };
  }

  current(id: number): Reply<0> {
    return { result: 0, state: this.state(this.entry(id)) };
  }

  /** F_SETPIPE_SZ (pipeCapacity); EBUSY if the bytes buffered would not fit. */
  setCapacity(id: number, size: number): Reply<number> {
    const e = this.entry(id);
    const cap = pipeCapacity(size);
    let result = cap;
    if (cap > 0) {
      this.withLock(e, () => {
        if (cap < e.ring.length) result = -EBUSY;
        else e.ring.refill(e.ring.contents(), cap);
      });
    }
    this.settle(id, e);
    return { result, state: this.state(e) };
  }

  /** An end closed. */
  close(vmid: number, id: number, end: "r" | "w"): void {
    const e = this.pipes.get(id);
    if (!e) return;
    this.hold(vmid, id, end, -1);
    this.count(e, end, -1);
    this.settle(id, e);
  }

  /** A fork: the child host holds one more of each end the parent passes on. */
  inherit(childVmid: number, refs: PipeRef[]): void {
    for (const { id, end } of refs) {
      const e = this.pipes.get(id);
      if (!e) continue;
      this.hold(childVmid, id, end, 1);
      this.count(e, end, 1);
      this.settle(id, e);
    }
  }

  /** A host is gone: close every end it held, and free a lock it died holding. */
  dropHost(vmid: number): void {
    const m = this.held.get(vmid);
    this.held.delete(vmid);
    for (const [id, e] of this.pipes) {
      e.ring.breakLockOf(vmid);
      e.reads = e.reads.filter((r) => r.vmid !== vmid);
      const counts = [m?.get(`${id}:r`) ?? 0, m?.get(`${id}:w`) ?? 0];
      if (counts[0]) this.count(e, "r", -counts[0]);
      if (counts[1]) this.count(e, "w", -counts[1]);
      this.settle(id, e);
    }
  }

  private count(e: PipeEntry, end: "r" | "w", delta: number): void {
    this.withLock(e, () => {
      const r = e.ring;
      const [readers, writers] = end === "r"
        ? [r.readers + delta, r.writers]
        : [r.readers, r.writers + delta];
      r.setCounts(Math.max(0, readers), Math.max(0, writers));
    });
  }

  /** Raises or lowers the ring's watch flag as waits here come and go. */
  private watch(e: PipeEntry): void {
    const on = e.reads.length > 0 || e.waiters.length > 0;
    if (on !== e.ring.watched) this.withLock(e, () => e.ring.setWatch(on));
  }

  private wake(e: PipeEntry): void {
    const w = e.waiters;
    e.waiters = [];
    for (const f of w) f();
  }

  /**
   * Answers waiting reads, wakes waits (they look again), raises or lowers the watch flag, and
   * forgets dead pipes. A host's change made before the flag went up was not told: after raising
   * it, the ring is looked at again.
   */
  private settle(id: number, e: PipeEntry): void {
    for (;;) {
      while (e.reads.length > 0 && e.ring.readable()) {
        const r = e.reads[0];
        const got = this.locked(e, (spins) => e.ring.read(SUPERVISOR_TAG, r.max, spins));
        if (got === -EAGAIN) break; // a host read it first: wait on
        e.reads.shift();
        r.answer({ result: taken(got), state: this.state(e) });
      }
      if (e.ring.readers === 0 && e.ring.writers === 0) {
        for (const r of e.reads) r.answer({ result: new Uint8Array(0), state: this.state(e) });
        e.reads = [];
        this.wake(e);
        this.pipes.delete(id);
        e.memory?.unmap(); // hosts' own mappings stay valid until they drop them
        return;
      }
      this.wake(e);
      this.watch(e);
      if (e.reads.length === 0 || !e.ring.readable()) return;
    }
  }

  get size(): number {
    return this.pipes.size;
  }

  /** Every pipe's contents and which host holds which ends (checkpoints). */
  snapshot(): PipeTableSnapshot {
    return {
      nextId: this.nextId,
      pipes: [...this.pipes].map(([id, e]) => {
        let data: Uint8Array = new Uint8Array(0);
        this.withLock(e, () => data = e.ring.contents());
        const { capacity, readers, writers } = e.ring;
        return { id, data, capacity, readers, writers };
      }),
      held: [...this.held].map(([vmid, m]) => [vmid, [...m]]),
    };
  }

  restore(s: PipeTableSnapshot): void {
    for (const e of this.pipes.values()) e.memory?.unmap();
    this.pipes.clear();
    this.held.clear();
    this.nextId = s.nextId;
    for (const { id, data, capacity, readers, writers } of s.pipes) {
      if (pipeCapacity(capacity) !== capacity) {
        throw new RangeError(`Pipe ${id}: ${capacity} is not a pipe capacity`);
      }
      if (data.length > capacity) {
        throw new RangeError(`Pipe ${id}: ${data.length} bytes over its capacity of ${capacity}`);
      }
      const e = this.newEntry(capacity, readers, writers);
      e.ring.refill(data, capacity);
      this.pipes.set(id, e);
    }
    for (const [vmid, entries] of s.held) this.held.set(vmid, new Map(entries));
  }

  /** Unmaps every ring (the job is over). */
  closeAll(): void {
    for (const e of this.pipes.values()) e.memory?.unmap();
    this.pipes.clear();
  }
}

export interface PipeTableSnapshot {
  nextId: number;
  pipes: { id: number; data: Uint8Array; capacity: number; readers: number; writers: number }[];
  held: [number, [string, number][]][];
}
