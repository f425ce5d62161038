// Pipe ends as open file descriptions. The bytes live in a PipeBuffer in this process for a
// single-process job (LocalPipe), or in a ring the supervisor shares with every process of a
// multi-process job (RemotePipe in remote_pipe.ts; a checkpoint finds all pipe contents in the
// leader). Blocking reads and writes wait for readiness through blockingWait (signals interrupt
// them, nothing is consumed by an interrupted wait), then try again; a remote blocking read
// waits in the supervisor instead and is cancelled when interrupted. A
// write with no reader left gets EPIPE and raises SIGPIPE, as Linux does.

import { EAGAIN, EINVAL, EPIPE } from "./errno.ts";
import {
  blockingWait,
  type FileSnapshot,
  O_NONBLOCK,
  O_RDONLY,
  O_WRONLY,
  OpenFile,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLOUT,
  registerFileKind,
  type StatInfo,
  syntheticStat,
} from "./files.ts";
import { PIPE_BUF, PipeBuffer } from "./pipe_buffer.ts";
import type { Process } from "./process.ts";
import { type PendingRead, RemotePipe } from "./remote_pipe.ts";
import type { SharedMemoryHandle } from "../../ipc/shared_memory.ts";

const S_IFIFO = 0o010000;
const SIGPIPE = 13, SI_USER = 0;
const F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032;
const FIONREAD = 0x541b;

/** A pipe's state: exact where the buffer is in reach, else as last told by the supervisor. */
export interface PipeState {
  length: number;
  capacity: number;
  readers: number;
  writers: number;
}

/** Where a pipe's bytes live. */
export interface PipeBackend {
  readonly id: number;
  /** Bytes (empty at end of file) or -EAGAIN / -errno. */
  read(max: number): Uint8Array | number | Promise<Uint8Array | number>;
  /** A blocking read that waits where the bytes are (when the backend can). */
  readWaiting?(max: number): PendingRead;
  /** Bytes accepted, or -EAGAIN / -EPIPE. */
  write(data: Uint8Array): number | Promise<number>;
  /**
   * Resolves when the `end` may be ready (for `size` bytes when writing). `alone`: the caller
   * waits for this pipe only (a blocking read or write, not poll over several files), so the
   * backend may watch it for a while before it waits.
   */
  waitReady(end: "r" | "w", size: number, alone?: boolean): Promise<void>;
  /** The state as `end` sees it. */
  state(end: "r" | "w"): PipeState;
  /** Fetches the current state when it is kept elsewhere. */
  refresh?(end: "r" | "w"): Promise<void>;
  close(end: "r" | "w"): void;
  setCapacity(size: number): number | Promise<number>;
}

let nextLocalId = 1;

export class LocalPipe implements PipeBackend {
  readonly buffer = new PipeBuffer();
  readonly id = nextLocalId++;
  read(max: number): Uint8Array | number {
    return this.buffer.read(max);
  }
  write(data: Uint8Array): number {
    return this.buffer.write(data);
  }
  waitReady(end: "r" | "w", size: number): Promise<void> {
    const b = this.buffer;
    if (end === "r" ? b.readable() : b.writable(size)) return Promise.resolve();
    return b.changed();
  }
  state(): PipeState {
    const b = this.buffer;
    return { length: b.length, capacity: b.capacity, readers: b.readers, writers: b.writers };
  }
  close(end: "r" | "w"): void {
    this.buffer.close(end);
  }
  setCapacity(size: number): number {
    return this.buffer.setCapacity(size);
  }
}

export class PipeEnd extends OpenFile {
  constructor(readonly pipe: PipeBackend, readonly end: "r" | "w", flags: number) {
    super((end === "r" ? O_RDONLY : O_WRONLY) | (flags & O_NONBLOCK));
  }

  get path(): string {
    return `pipe:[${this.pipe.id}]`;
  }

  override linkTarget(): string {
    return this.path;
  }

  override async read(p: Process, buf: Uint8Array): Promise<number> {
    if (this.end !== "r") return -9;
    if (buf.length === 0) return 0;
    if (this.pipe.readWaiting && !(this.flags & O_NONBLOCK)) {
      const r = await this.readWaiting(p, buf.length);
      if (typeof r === "number") return r;
      buf.set(r);
      return r.length;
    }
    for (;;) {
      const r = await this.pipe.read(buf.length);
      if (typeof r !== "number") {
        buf.set(r);
        return r.length;
      }
      if (r !== -EAGAIN || (this.flags & O_NONBLOCK)) return r;
      const w = await blockingWait(p, this.pipe.waitReady("r", 1, true));
      if (typeof w === "number") return w;
    }
  }

  /** The bytes as they came (sys_rw.ts copies them straight into guest memory). */
  override async readBytes(p: Process, max: number): Promise<Uint8Array | number> {
    if (this.end !== "r") return -9;
    if (!this.pipe.readWaiting || (this.flags & O_NONBLOCK)) {
      const buf = new Uint8Array(max);
      const n = await this.read(p, buf);
      return n < 0 ? n : buf.subarray(0, n);
    }
    return await this.readWaiting(p, max);
  }

  /** A blocking read that waits in the supervisor; interrupted, it is cancelled there. */
  private async readWaiting(p: Process, max: number): Promise<Uint8Array | number> {
    const pending = this.pipe.readWaiting!(max);
    const w = await blockingWait(p, pending.done.then((r) => ({ r })));
    if (typeof w !== "number") return w.r;
    // Interrupted: bytes the supervisor already sent are still this read's.
    pending.cancel();
    const r = await pending.done;
    return typeof r === "number" ? w : r;
  }

  override async write(p: Process, data: Uint8Array): Promise<number> {
    if (this.end !== "w") return -9;
    let done = 0;
    while (done < data.length || data.length === 0) {
      const rest = data.subarray(done);
      const r = await this.pipe.write(rest);
      if (r === -EPIPE) {
        p.signals.post(p, { signo: SIGPIPE, errno: 0, code: SI_USER, pid: p.pid, uid: p.cred.uid });
        return done || -EPIPE;
      }
      if (r >= 0) {
        done += r;
        if (data.length === 0) return 0;
        continue;
      }
      if (r !== -EAGAIN) return done || r;
      if (this.flags & O_NONBLOCK) return done || -EAGAIN;
      // Wait for room: the whole rest when it is atomic-sized, else any.
      const w = await blockingWait(
        p,
        this.pipe.waitReady("w", rest.length <= PIPE_BUF ? rest.length : 1, true),
      );
      if (typeof w === "number") return done || w;
    }
    return done;
  }

  override poll(_events: number): number {
    const s = this.pipe.state(this.end);
    if (this.end === "r") {
      return (s.length > 0 ? POLLIN : 0) | (s.writers === 0 ? POLLHUP : 0);
    }
    if (s.readers === 0) return POLLERR | POLLOUT;
    return s.capacity - s.length >= PIPE_BUF ? POLLOUT : 0;
  }

  override refresh(): Promise<void> | undefined {
    return this.pipe.refresh?.(this.end);
  }

  override waitReady(_events: number): Promise<void> {
    return this.pipe.waitReady(this.end, this.end === "w" ? PIPE_BUF : 1);
  }

  override readable(): number {
    return this.pipe.state(this.end).length;
  }

  override async ioctl(p: Process, request: number, arg: number): Promise<number> {
    if (request === FIONREAD) {
      await this.pipe.refresh?.(this.end);
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, this.end === "r" ? this.pipe.state("r").length : 0, true);
      p.mem.write(arg, b);
      return 0;
    }
    return -25; // ENOTTY
  }

  override fileControl(
    _p: Process,
    cmd: number,
    arg: number,
  ): number | Promise<number> | undefined {
    if (cmd === F_GETPIPE_SZ) {
      const pending = this.pipe.refresh?.("r");
      const capacity = () => this.pipe.state("r").capacity;
      return pending ? pending.then(capacity) : capacity();
    }
    if (cmd === F_SETPIPE_SZ) {
      if (arg < 0 || arg > 0x7fffffff) return -EINVAL;
      return this.pipe.setCapacity(arg);
    }
    return undefined;
  }

  stat(p: Process): StatInfo {
    return syntheticStat(S_IFIFO | 0o600, this.pipe.id, {
      uid: p.cred.euid,
      gid: p.cred.egid,
      size: 0,
      blksize: 4096,
    });
  }

  override snapshot(): FileSnapshot | undefined {
    if (!(this.pipe instanceof RemotePipe)) return undefined;
    return {
      kind: "pipe",
      flags: this.flags,
      path: this.path,
      state: { id: this.pipe.id, end: this.end },
    };
  }

  override release(_p: Process): void {
    this.pipe.close(this.end);
  }
}

// A forked child's pipe ends: the supervisor already counted them when the parent forked.
registerFileKind(
  "pipe",
  (p, s) =>
    new PipeEnd(new RemotePipe(p, Number(s.state.id), 1), s.state.end === "r" ? "r" : "w", s.flags),
);

/** Creates a pipe: its read and write ends (in the supervisor when the process has a host). */
export async function createPipe(p: Process, flags: number): Promise<[PipeEnd, PipeEnd]> {
  let backend: PipeBackend;
  if (p.host) {
    const made = await p.host.ask({ op: "pipe_create" }) as {
      id: number;
      ring: SharedMemoryHandle | null;
    };
    backend = new RemotePipe(p, made.id, 2, made.ring);
  } else {
    const local = new LocalPipe();
    local.buffer.open("r");
    local.buffer.open("w");
    backend = local;
  }
  return [new PipeEnd(backend, "r", flags), new PipeEnd(backend, "w", flags)];
}
