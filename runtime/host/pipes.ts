// The supervisor's pipes: one PipeBuffer per pipe of the job, served to every process over IPC
// (runtime/kernel/remote_pipe.ts is the client, and explains the protocol). End counts are kept
// per host (VMID), so a host that dies releases exactly the ends it held, and a fork copies the
// parent's ends to the child before the child runs (no moment where a pipe looks closed to its
// reader).
//
// Credit: while exactly one host holds write ends of a pipe (and a reader is left), every byte
// of free room is promised to it (`reserved` in the buffer) and granted with a one-way
// pipe_grant; its pushes fill that room. After any change (bytes read, an end closed, the
// capacity set) settle() answers the reads waiting here, then grants new room. A fork that gives
// the write end to a second host takes the credit back (inherit); the parent does the same on
// the fork reply. Reads that wait here (pipe_read with wait) are answered in arrival order.
//
// Every reply carries the pipe's state so that clients can answer poll() from it.

import { handOver } from "../../ipc/frame.ts";
import { PipeBuffer } from "../kernel/pipe_buffer.ts";
import type { PipeState } from "../kernel/pipe.ts";

const EBADF = 9, EAGAIN = 11;

export interface PipeRef {
  id: number;
  end: "r" | "w";
}

/** A one-way message to a host (the supervisor's tell). */
export type Notify = (vmid: number, message: Record<string, unknown>) => void;

type Reply<T> = { result: T; state: PipeState };

interface WaitingRead {
  vmid: number;
  ticket: number;
  max: number;
  answer: (reply: Reply<Uint8Array | number>) => void;
}

/** The leader's bookkeeping of one pipe beside its buffer. */
interface PipeEntry {
  buffer: PipeBuffer;
  /** The host granted credit (0: none), and the reader count it was last told. */
  holder: number;
  /** Per host: how many times it gave its credit up, as far as seen here (remote_pipe.ts). */
  generations: Map<number, number>;
  toldReaders: number;
  reads: WaitingRead[];
}

/** Bytes read out of a buffer are nobody else's: the reply may send them without a copy. */
const taken = (r: Uint8Array | number) => typeof r === "number" ? r : handOver(r);

const NO_STATE: PipeState = { length: 0, capacity: 0, readers: 0, writers: 0 };

export class PipeTable {
  private readonly pipes = new Map<number, PipeEntry>();
  /** VMID -> "id:end" -> count of that host's open descriptions of the end. */
  private readonly held = new Map<number, Map<string, number>>();
  private nextId = 1;

  constructor(private readonly notify: Notify = () => {}) {}

  private state(b: PipeBuffer): PipeState {
    return { length: b.length, capacity: b.capacity, readers: b.readers, writers: b.writers };
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

  create(vmid: number): number {
    const id = this.nextId++;
    const b = new PipeBuffer();
    b.open("r");
    b.open("w");
    const e: PipeEntry = {
      buffer: b,
      holder: 0,
      generations: new Map(),
      toldReaders: 1,
      reads: [],
    };
    this.pipes.set(id, e);
    this.hold(vmid, id, "r", 1);
    this.hold(vmid, id, "w", 1);
    this.settle(id, e);
    return id;
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
    const b = e.buffer;
    if (wait && b.length === 0 && b.writers > 0) {
      return new Promise((answer) => e.reads.push({ vmid, ticket, max, answer }));
    }
    const result = taken(b.read(max));
    this.settle(id, e);
    return { result, state: this.state(b) };
  }

  /** Drops a waiting read: it is answered EAGAIN (unless bytes already answered it). */
  cancel(vmid: number, id: number, ticket: number): void {
    const e = this.pipes.get(id);
    if (!e) return;
    const k = e.reads.findIndex((r) => r.vmid === vmid && r.ticket === ticket);
    if (k < 0) return;
    const [r] = e.reads.splice(k, 1);
    r.answer({ result: -EAGAIN, state: this.state(e.buffer) });
  }

  /** A host gave its credit up (a close, a request), counting `generation`: take it back. */
  private yieldCredit(e: PipeEntry, vmid: number, generation: number): void {
    e.generations.set(vmid, generation);
    if (e.holder === vmid) this.takeBack(e);
  }

  /**
   * An operation by request from a host that gave its credit up first (`generation`): the credit
   * comes back before `act` runs on the buffer, and the pipe is settled after it.
   */
  private afterYield(
    vmid: number,
    id: number,
    generation: number,
    act: (b: PipeBuffer) => number,
  ): Reply<number> {
    const e = this.entry(id);
    this.yieldCredit(e, vmid, generation);
    const result = act(e.buffer);
    this.settle(id, e);
    return { result, state: this.state(e.buffer) };
  }

  /** A write by request, from a host that gave its credit up first (`generation`). */
  write(vmid: number, id: number, data: Uint8Array, generation = 0): Reply<number> {
    return this.afterYield(vmid, id, generation, (b) => b.write(data));
  }

  /** Bytes written into credit the host was granted (its write already returned). */
  push(vmid: number, id: number, data: Uint8Array): void {
    const e = this.pipes.get(id);
    if (!e) return; // a pipe nobody can read any more
    e.buffer.accept(data, e.holder === vmid);
    this.settle(id, e);
  }

  /**
   * Resolves (with the state) once the end is ready: readable, or room for `size` bytes, or the
   * room became `vmid`'s credit (the host then waits for grants; this wait must not linger).
   */
  async wait(vmid: number, id: number, end: "r" | "w", size: number): Promise<Reply<0>> {
    const e = this.entry(id);
    const b = e.buffer;
    const ready = () =>
      end === "r" ? b.readable() : b.writable(size) || (e.holder === vmid && vmid !== 0);
    while (!ready()) await b.changed();
    return { result: 0, state: this.state(b) };
  }

  current(id: number): Reply<0> {
    return { result: 0, state: this.state(this.entry(id).buffer) };
  }

  setCapacity(vmid: number, id: number, size: number, generation = 0): Reply<number> {
    return this.afterYield(vmid, id, generation, (b) => b.setCapacity(size));
  }

  /** An end closed; `generation` is the closing host's count after giving its credit up. */
  close(vmid: number, id: number, end: "r" | "w", generation = 0): void {
    const e = this.pipes.get(id);
    if (!e) return;
    this.hold(vmid, id, end, -1);
    e.buffer.close(end);
    // The host gave its credit up when it closed; new credit follows if it still writes alone,
    // telling it whether a reader is left.
    this.yieldCredit(e, vmid, generation);
    this.settle(id, e);
  }

  /** A fork: the child host holds one more of each end the parent passes on. */
  inherit(childVmid: number, refs: PipeRef[], parentVmid = 0): void {
    for (const { id, end } of refs) {
      const e = this.pipes.get(id);
      if (!e) continue;
      // Two hosts write now: the parent's credit comes back (it gives it up on the fork reply).
      if (end === "w") {
        e.generations.set(parentVmid, (e.generations.get(parentVmid) ?? 0) + 1);
        if (e.holder === parentVmid) this.takeBack(e);
      }
      e.generations.delete(childVmid); // a new guest on that host: its count starts again
      e.buffer.open(end);
      this.hold(childVmid, id, end, 1);
      this.settle(id, e);
    }
  }

  /** A host is gone: close every end it held. */
  dropHost(vmid: number): void {
    const m = this.held.get(vmid);
    this.held.delete(vmid);
    for (const [id, e] of this.pipes) {
      e.reads = e.reads.filter((r) => r.vmid !== vmid);
      e.generations.delete(vmid);
      if (e.holder === vmid) this.takeBack(e);
      const counts = [m?.get(`${id}:r`) ?? 0, m?.get(`${id}:w`) ?? 0];
      if (counts[0]) e.buffer.close("r", counts[0]);
      if (counts[1]) e.buffer.close("w", counts[1]);
      this.settle(id, e);
    }
  }

  private takeBack(e: PipeEntry): void {
    e.holder = 0;
    e.buffer.reserved = 0;
  }

  /** The only host with write ends of `id`, or 0. */
  private soleWriter(id: number): number {
    const key = `${id}:w`;
    let found = 0;
    for (const [vmid, m] of this.held) {
      if (!m.has(key)) continue;
      if (found) return 0;
      found = vmid;
    }
    return found;
  }

  /** Answers waiting reads, grants free room to a sole writer, and forgets dead pipes. */
  private settle(id: number, e: PipeEntry): void {
    const b = e.buffer;
    while (e.reads.length > 0 && (b.length > 0 || b.writers === 0)) {
      const r = e.reads.shift()!;
      r.answer({ result: taken(b.read(r.max)), state: this.state(b) });
    }
    if (b.readers === 0 && b.writers === 0) {
      for (const r of e.reads) r.answer({ result: new Uint8Array(0), state: this.state(b) });
      this.pipes.delete(id);
      return;
    }
    const writer = e.holder || this.soleWriter(id);
    if (!writer) return;
    const room = b.room;
    const readersChanged = (b.readers === 0) !== (e.toldReaders === 0);
    if (e.holder === writer && (room <= 0 || b.readers === 0) && !readersChanged) return;
    const n = b.readers > 0 ? Math.max(0, room) : 0;
    b.reserved += n;
    e.holder = writer;
    e.toldReaders = b.readers;
    this.notify(writer, {
      op: "pipe_grant",
      id,
      generation: e.generations.get(writer) ?? 0,
      n,
      readers: b.readers,
      capacity: b.capacity,
    });
  }

  get size(): number {
    return this.pipes.size;
  }

  /** Every pipe's contents and which host holds which ends (checkpoints). Credit is not kept. */
  snapshot(): PipeTableSnapshot {
    return {
      nextId: this.nextId,
      pipes: [...this.pipes].map(([id, e]) => ({ id, ...e.buffer.snapshot() })),
      held: [...this.held].map(([vmid, m]) => [vmid, [...m]]),
    };
  }

  restore(s: PipeTableSnapshot): void {
    this.pipes.clear();
    this.held.clear();
    this.nextId = s.nextId;
    for (const { id, ...state } of s.pipes) {
      const b = new PipeBuffer();
      b.restore(state);
      this.pipes.set(id, {
        buffer: b,
        holder: 0,
        generations: new Map(),
        toldReaders: b.readers,
        reads: [],
      });
    }
    for (const [vmid, entries] of s.held) this.held.set(vmid, new Map(entries));
  }
}

export interface PipeTableSnapshot {
  nextId: number;
  pipes: { id: number; data: Uint8Array; capacity: number; readers: number; writers: number }[];
  held: [number, [string, number][]][];
}
