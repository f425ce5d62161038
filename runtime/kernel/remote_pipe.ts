// The client of a pipe whose buffer the supervisor keeps (runtime/host/pipes.ts): every process of
// a multi-process job shares that one buffer, and a checkpoint finds all pipe contents there.
//
// Two things keep bytes moving without a round trip per operation:
// - Write credit. While one host holds every write end of a pipe, the supervisor promises it the
//   pipe's free room (pipe_grant, one-way). A write that fits the credit completes here at once
//   and its bytes follow as a one-way pipe_push; a write that does not fit blocks here until
//   more credit arrives (the reader freed room), or returns EAGAIN when nonblocking, which is
//   exactly when Linux would block: credit is room the buffer really has. The supervisor counts
//   pushed-but-unread bytes against its capacity from the moment it grants them. Grants are
//   deltas in one direction and pushes in the other, on one ordered link, so both sides agree
//   once the link is quiet; a fork (which gives a second host the write end) takes the credit
//   back on both sides at the fork reply, after every earlier grant has arrived.
// - Waiting reads. A blocking read that finds the pipe empty waits in the supervisor
//   (pipe_read with wait), which answers as soon as bytes or end of file come; a signal or a
//   checkpoint cancels it (pipe_cancel), and the answer (bytes that were already on their way,
//   or EAGAIN) is awaited, so no byte is lost or read twice.
// A checkpoint parks every process before the leader copies its pipes: pushes sent before the
// park are ahead of the READY on the same link, and no read waits in the leader, so the leader's
// buffers hold every byte of the cut. Credit is not saved: after a restore it starts at zero and
// the first write goes by request (pipe_write), whose handling grants credit again.

import { EAGAIN, EPIPE } from "./errno.ts";
import { DEFAULT_PIPE_CAPACITY, PIPE_BUF } from "./pipe_buffer.ts";
import type { PipeBackend, PipeState } from "./pipe.ts";
import type { Process } from "./process.ts";

/**
 * A host's view of its write credit on one pipe (shared by that host's ends of it). The host
 * gives its credit up whole when it closes an end of the pipe (its own close may leave the pipe
 * without a reader, which only the supervisor can tell), when it writes or resizes by request
 * (the request may use all the room there is), and on a fork reply; each time it counts a
 * generation, which the close or request carries (a fork counts on both sides). The supervisor takes the
 * credit back when it sees the close or the fork, and stamps every grant with the generation it
 * has seen: a grant of an older generation was sent before it took the credit back, so it is
 * ignored, as the supervisor no longer counts it as promised. Until a grant of the current
 * generation comes, writes go by request, behind the close.
 */
export class WriteCredit {
  /** Bytes this host may still write without asking (room the supervisor promised it). */
  credit = 0;
  /** Set while this host holds the pipe's credit (it is the only host with a write end). */
  holder = false;
  /** Times this host gave its credit up. */
  generation = 0;
  readers = 1;
  capacity = DEFAULT_PIPE_CAPACITY;
  private waiters: (() => void)[] = [];

  /** pipe_grant from the supervisor. */
  grant(generation: number, n: number, readers: number, capacity: number): void {
    if (generation !== this.generation) return;
    this.holder = true;
    this.credit += n;
    this.readers = readers;
    this.capacity = capacity;
    this.wake();
  }

  /** Gives the credit up (a close of an end of the pipe by this host, or a fork reply). */
  revoke(): void {
    this.holder = false;
    this.credit = 0;
    this.generation++;
    this.wake();
  }

  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/**
 * A guest host's credits, by guest pid and pipe id. The pid keeps apart grants still on their way
 * to a guest that has exited from those of the next guest the host runs; a fork child's grants
 * may come before its image, so records are made by whichever comes first.
 */
export class WriteCredits {
  private readonly byKey = new Map<string, WriteCredit>();

  get(pid: number, id: number): WriteCredit | undefined {
    return this.byKey.get(`${pid}:${id}`);
  }

  of(pid: number, id: number): WriteCredit {
    const key = `${pid}:${id}`;
    let c = this.byKey.get(key);
    if (!c) this.byKey.set(key, c = new WriteCredit());
    return c;
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

/** A pipe whose buffer the supervisor keeps. */
export class RemotePipe implements PipeBackend {
  private last: PipeState = {
    length: 0,
    capacity: DEFAULT_PIPE_CAPACITY,
    readers: 1,
    writers: 1,
  };
  constructor(private readonly p: Process, readonly id: number) {}

  private get credits(): WriteCredit {
    return this.p.host!.pipeCredits.of(this.p.pid, this.id);
  }

  private async ask(message: Record<string, unknown>): Promise<unknown> {
    const reply = await this.p.host!.ask({ ...message, id: this.id }) as {
      result: unknown;
      state: PipeState;
    };
    this.last = reply.state;
    return reply.result;
  }

  async read(max: number): Promise<Uint8Array | number> {
    return await this.ask({ op: "pipe_read", max }) as Uint8Array | number;
  }

  readWaiting(max: number): PendingRead {
    const ticket = nextTicket++;
    const done = this.ask({ op: "pipe_read", max, wait: true, ticket }) as Promise<
      Uint8Array | number
    >;
    return {
      done,
      cancel: () => this.p.host!.tell({ op: "pipe_cancel", id: this.id, ticket }),
    };
  }

  write(data: Uint8Array): number | Promise<number> {
    const c = this.credits;
    if (!c.holder) return this.writeByRequest(data, c);
    if (c.readers === 0) return -EPIPE;
    const n = data.length;
    if (n === 0) return 0;
    // Up to PIPE_BUF bytes go whole or wait; a larger write takes what the credit allows.
    if (c.credit <= 0 || (n <= PIPE_BUF && c.credit < n)) return -EAGAIN;
    const k = Math.min(n, c.credit);
    c.credit -= k;
    // The bytes are the syscall's own copy (OpenFile.write), so they go out uncopied.
    const bytes = k === n ? data : data.subarray(0, k);
    this.p.host!.tell({ op: "pipe_push", id: this.id, data: bytes }, bytes);
    return k;
  }

  private async writeByRequest(data: Uint8Array, c: WriteCredit): Promise<number> {
    c.revoke(); // a request uses all the room there is: credit left here goes back with it
    return await this.ask({ op: "pipe_write", data, generation: c.generation }) as number;
  }

  async waitReady(end: "r" | "w", size: number): Promise<void> {
    if (end === "r") {
      await this.ask({ op: "pipe_wait", end, size });
      return;
    }
    const c = this.credits;
    if (c.holder) {
      const need = Math.min(size, PIPE_BUF);
      while (c.holder && c.readers > 0 && c.credit < need) await c.changed();
      return;
    }
    // Room the supervisor finds may go to this host as credit instead (it became the only
    // writer meanwhile), which its wait would never see: either ends the wait.
    await Promise.race([this.ask({ op: "pipe_wait", end, size }), c.changed()]);
  }

  state(end: "r" | "w"): PipeState {
    const c = this.p.host!.pipeCredits.get(this.p.pid, this.id);
    if (end === "w" && c?.holder) {
      // All the room there is was promised to this host: its credit is the pipe's free room.
      return {
        length: c.capacity - c.credit,
        capacity: c.capacity,
        readers: c.readers,
        writers: this.last.writers,
      };
    }
    return this.last;
  }

  async refresh(end: "r" | "w"): Promise<void> {
    if (end === "w" && this.p.host!.pipeCredits.get(this.p.pid, this.id)?.holder) return;
    await this.ask({ op: "pipe_state" });
  }

  close(end: "r" | "w"): void {
    // The supervisor takes this host's credit back when it sees the close (see WriteCredit).
    const c = this.credits;
    c.revoke();
    this.p.host!.ask({ op: "pipe_close", id: this.id, end, generation: c.generation }).catch(
      () => {},
    );
  }

  async setCapacity(size: number): Promise<number> {
    const c = this.credits;
    c.revoke();
    return await this.ask({ op: "pipe_setsize", size, generation: c.generation }) as number;
  }
}
