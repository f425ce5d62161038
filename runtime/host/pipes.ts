// The supervisor's pipes: one PipeBuffer per pipe of the job, served to every process over IPC
// (runtime/kernel/pipe.ts RemotePipe is the client). End counts are kept per host (VMID), so a
// host that dies releases exactly the ends it held, and a fork copies the parent's ends to the
// child before the child runs (no moment where a pipe looks closed to its reader).
//
// Every reply carries the pipe's state so that clients can answer poll() from it.

import { PipeBuffer } from "../kernel/pipe_buffer.ts";
import type { PipeState } from "../kernel/pipe.ts";

const EBADF = 9;

export interface PipeRef {
  id: number;
  end: "r" | "w";
}

export class PipeTable {
  private readonly pipes = new Map<number, PipeBuffer>();
  /** VMID -> "id:end" -> count of that host's open descriptions of the end. */
  private readonly held = new Map<number, Map<string, number>>();
  private nextId = 1;

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

  private pipe(id: number): PipeBuffer {
    const b = this.pipes.get(id);
    if (!b) throw new RangeError(`No pipe ${id}`);
    return b;
  }

  create(vmid: number): number {
    const id = this.nextId++;
    const b = new PipeBuffer();
    b.open("r");
    b.open("w");
    this.pipes.set(id, b);
    this.hold(vmid, id, "r", 1);
    this.hold(vmid, id, "w", 1);
    return id;
  }

  read(id: number, max: number): { result: Uint8Array | number; state: PipeState } {
    const b = this.pipes.get(id);
    if (!b) return { result: -EBADF, state: { length: 0, capacity: 0, readers: 0, writers: 0 } };
    return { result: b.read(max), state: this.state(b) };
  }

  write(id: number, data: Uint8Array): { result: number; state: PipeState } {
    const b = this.pipe(id);
    return { result: b.write(data), state: this.state(b) };
  }

  /** Resolves (with the state) once the end is ready: readable, or room for `size` bytes. */
  async wait(id: number, end: "r" | "w", size: number): Promise<{ result: 0; state: PipeState }> {
    const b = this.pipe(id);
    while (!(end === "r" ? b.readable() : b.writable(size))) await b.changed();
    return { result: 0, state: this.state(b) };
  }

  current(id: number): { result: 0; state: PipeState } {
    return { result: 0, state: this.state(this.pipe(id)) };
  }

  setCapacity(id: number, size: number): { result: number; state: PipeState } {
    const b = this.pipe(id);
    return { result: b.setCapacity(size), state: this.state(b) };
  }

  close(vmid: number, id: number, end: "r" | "w"): void {
    const b = this.pipes.get(id);
    if (!b) return;
    this.hold(vmid, id, end, -1);
    b.close(end);
    this.collect(id, b);
  }

  /** A fork: the child host holds one more of each end the parent passes on. */
  inherit(childVmid: number, refs: PipeRef[]): void {
    for (const { id, end } of refs) {
      const b = this.pipes.get(id);
      if (!b) continue;
      b.open(end);
      this.hold(childVmid, id, end, 1);
    }
  }

  /** A host is gone: close every end it held. */
  dropHost(vmid: number): void {
    const m = this.held.get(vmid);
    this.held.delete(vmid);
    if (!m) return;
    for (const [key, count] of m) {
      const [idText, end] = key.split(":");
      const id = Number(idText);
      const b = this.pipes.get(id);
      if (!b) continue;
      b.close(end as "r" | "w", count);
      this.collect(id, b);
    }
  }

  private collect(id: number, b: PipeBuffer): void {
    if (b.readers === 0 && b.writers === 0) this.pipes.delete(id);
  }

  get size(): number {
    return this.pipes.size;
  }

  /** Every pipe's contents and which host holds which ends (checkpoints). */
  snapshot(): PipeTableSnapshot {
    return {
      nextId: this.nextId,
      pipes: [...this.pipes].map(([id, b]) => ({ id, ...b.snapshot() })),
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
      this.pipes.set(id, b);
    }
    for (const [vmid, entries] of s.held) this.held.set(vmid, new Map(entries));
  }
}

export interface PipeTableSnapshot {
  nextId: number;
  pipes: { id: number; data: Uint8Array; capacity: number; readers: number; writers: number }[];
  held: [number, [string, number][]][];
}
