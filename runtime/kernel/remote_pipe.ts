// The client of a pipe of a multi-process job (runtime/host/pipes.ts is the supervisor's side).
// Every process of the job shares one buffer per pipe, a PipeRing (pipe_ring.ts) in memory that
// the supervisor made and that this host maps (pipe_map, once per pipe while it holds an end).
//
// - A read or write that need not wait is done here, in the ring, under its lock: no message.
//   If the supervisor waits on the pipe (the ring's watch flag: a blocked reader or writer, a
//   poll), this host tells it (pipe_kick) so it can answer.
// - Before waiting, a blocking read or write watches the ring for a short while (SPIN_MS): a peer
//   on another core usually acts within it, and no message is needed (poll, which may wait on
//   several files, does not: each would watch in turn). Then it waits in the supervisor: a read
//   as pipe_read with wait (answered as soon as bytes or end of file come; a signal or a
//   checkpoint cancels it with pipe_cancel, and the answer is awaited, so no byte is lost or read
//   twice), a write or poll as pipe_wait.
// - Order with everything else: what the supervisor sent this host before the bytes were written
//   (a signal, a stop) must reach the guest first, as on Linux; and what this host asked of the
//   supervisor before writing (a close of another pipe, a file lock released) must be done before
//   a reader can see the bytes. So the ring is used directly only while no frame from the
//   supervisor is on its way here (the link's lane counts them) and every request this host sent
//   it is answered (GuestHost.pipesInOrder); otherwise the operation goes by request, behind them
//   on the link.
// - Without the mapping (no shared memory) every operation is a request.
// A checkpoint parks every process (never inside an operation: each is synchronous between its
// lock and unlock) before the leader copies the rings, so they hold every byte of the cut.

import { SharedMemory, type SharedMemoryHandle } from "../../ipc/shared_memory.ts";
import { DEFAULT_PIPE_CAPACITY } from "./pipe_buffer.ts";
import { EAGAIN } from "./errno.ts";
import type { PipeBackend, PipeState } from "./pipe.ts";
import { PipeRing } from "./pipe_ring.ts";
import type { Process } from "./process.ts";
import type { GuestHost } from "../host/guest_host.ts";

/** How long a blocking operation watches the ring before it waits in the supervisor. */
export const SPIN_MS = 0.25;
/** Lock attempts before an operation goes by request instead (a holder stuck or dead). */
const LOCK_SPINS = 1 << 16;

interface Mapping {
  /** The ring, null without one (requests only), undefined until known. */
  ring: PipeRing | null | undefined;
  memory: SharedMemory | null;
  ends: number;
  mapping?: Promise<void>;
}

/** The rings a host has mapped, by pipe id, each kept while this host holds an end of it. */
export class PipeRings {
  private readonly byId = new Map<number, Mapping>();

  /** `ends` more ends of pipe `id` here; `handle`: where its ring is, when already known. */
  use(id: number, ends: number, handle?: SharedMemoryHandle | null): void {
    let m = this.byId.get(id);
    if (!m) this.byId.set(id, m = { ring: undefined, memory: null, ends: 0 });
    m.ends += ends;
    if (m.ring === undefined && handle !== undefined) this.map(m, handle);
  }

  /** One end of pipe `id` closed here; the last unmaps its ring. */
  release(id: number): void {
    const m = this.byId.get(id);
    if (!m || --m.ends > 0) return;
    this.byId.delete(id);
    m.memory?.unmap(); // views of it now have length 0 (a ring over it reads as invalid)
  }

  /** The ring of pipe `id`, mapped on first use (`locate` asks the supervisor where it is). */
  async ring(
    id: number,
    locate: () => Promise<SharedMemoryHandle | null>,
  ): Promise<PipeRing | null> {
    const m = this.byId.get(id);
    if (!m) return null;
    if (m.ring === undefined) {
      m.mapping ??= locate().then((h) => this.map(m, h), () => this.map(m, null));
      await m.mapping;
    }
    return m.ring?.valid ? m.ring : null;
  }

  /** The ring of pipe `id` if it is mapped already. */
  mapped(id: number): PipeRing | null {
    const r = this.byId.get(id)?.ring;
    return r?.valid ? r : null;
  }

  private map(m: Mapping, handle: SharedMemoryHandle | null): void {
    if (m.ring !== undefined) return;
    // Released while the supervisor was asked where the ring is: nothing to map any more.
    const memory = handle && m.ends > 0 ? SharedMemory.open(handle) : null;
    const ring = memory ? new PipeRing(memory.bytes) : null;
    if (memory && !ring?.valid) memory.unmap();
    m.memory = ring?.valid ? memory : null;
    m.ring = ring?.valid ? ring : null;
  }
}

/** A read waiting in the supervisor: its answer, and how to give up on it. */
export interface PendingRead {
  /** Bytes (empty at end of file), or -errno; -EAGAIN when cancelled before any came. */
  done: Promise<Uint8Array | number>;
  /** Asks the supervisor to drop the wait; `done` then settles with what it had. */
  cancel(): void;
}

let nextTicket = 1;

/** A pipe of a multi-process job, its buffer shared with the supervisor. */
export class RemotePipe implements PipeBackend {
  private last: PipeState = {
    length: 0,
    capacity: DEFAULT_PIPE_CAPACITY,
    readers: 1,
    writers: 1,
  };

  /** `ends` of the pipe use this backend; `handle`: its ring, when the creation said. */
  constructor(
    private readonly p: Process,
    readonly id: number,
    ends: number,
    handle?: SharedMemoryHandle | null,
  ) {
    this.host.pipeRings.use(id, ends, handle);
  }

  private get host(): GuestHost {
    return this.p.host!;
  }

  private async ask(message: Record<string, unknown>): Promise<unknown> {
    const reply = await this.host.ask({ ...message, id: this.id }) as {
      result: unknown;
      state: PipeState;
    };
    this.last = reply.state;
    return reply.result;
  }

  /** The ring, when it may be used directly now (see the top of this file). */
  private async direct(): Promise<PipeRing | null> {
    const ring = await this.host.pipeRings.ring(
      this.id,
      () => this.host.ask({ op: "pipe_map", id: this.id }) as Promise<SharedMemoryHandle | null>,
    );
    return ring && this.host.pipesInOrder() ? ring : null;
  }

  private told(ring: PipeRing): void {
    if (ring.kick) this.host.tell({ op: "pipe_kick", id: this.id });
  }

  /** Watches `ready` for up to SPIN_MS while the ring may still be used directly. */
  private spinUntil(ready: () => boolean): boolean {
    if (ready()) return true;
    const deadline = performance.now() + SPIN_MS;
    while (performance.now() < deadline) {
      if (!this.host.pipesInOrder()) return false;
      for (let k = 0; k < 64; k++) if (ready()) return true;
    }
    return ready();
  }

  async read(max: number): Promise<Uint8Array | number> {
    const ring = await this.direct();
    const r = ring?.read(this.host.worker.vmid, max, LOCK_SPINS) ?? null;
    if (r !== null) {
      this.told(ring!);
      return r;
    }
    return await this.ask({ op: "pipe_read", max }) as Uint8Array | number;
  }

  readWaiting(max: number): PendingRead {
    let cancelled = false, ticket = 0;
    const done = (async () => {
      const ring = await this.direct();
      if (ring && this.spinUntil(() => ring.readable()) && this.host.pipesInOrder()) {
        const r = ring.read(this.host.worker.vmid, max, LOCK_SPINS);
        if (r !== null && r !== -EAGAIN) {
          this.told(ring);
          return r;
        }
      }
      if (cancelled) return -EAGAIN;
      ticket = nextTicket++;
      return await this.ask({ op: "pipe_read", max, wait: true, ticket }) as Uint8Array | number;
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        if (ticket) this.host.tell({ op: "pipe_cancel", id: this.id, ticket });
      },
    };
  }

  async write(data: Uint8Array): Promise<number> {
    const ring = await this.direct();
    const r = ring?.write(this.host.worker.vmid, data, LOCK_SPINS) ?? null;
    if (r !== null) {
      this.told(ring!);
      return r;
    }
    return await this.ask({ op: "pipe_write", data }) as number;
  }

  async waitReady(end: "r" | "w", size: number, alone = false): Promise<void> {
    const ring = await this.direct();
    if (ring && alone) {
      const ready = end === "r" ? () => ring.readable() : () => ring.writable(size);
      if (this.spinUntil(ready)) return;
    }
    await this.ask({ op: "pipe_wait", end, size });
  }

  /** The ring's state while it may be used directly, else the last the supervisor told. */
  state(_end: "r" | "w"): PipeState {
    const ring = this.host.pipeRings.mapped(this.id);
    if (!ring || !this.host.pipesInOrder()) return this.last;
    return {
      length: ring.length,
      capacity: ring.capacity,
      readers: ring.readers,
      writers: ring.writers,
    };
  }

  async refresh(_end: "r" | "w"): Promise<void> {
    if (await this.direct()) return; // state() reads the ring itself
    await this.ask({ op: "pipe_state" });
  }

  close(end: "r" | "w"): void {
    this.host.ask({ op: "pipe_close", id: this.id, end }).catch(() => {});
    this.host.pipeRings.release(this.id);
  }

  async setCapacity(size: number): Promise<number> {
    return await this.ask({ op: "pipe_setsize", size }) as number;
  }
}
