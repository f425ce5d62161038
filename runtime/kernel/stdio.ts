// The guest's standard streams: descriptors 0, 1, 2 backed by the supervisor's own stdin, stdout
// and stderr, and /dev/tty when stdin is a terminal. Writes are synchronous so output order
// across streams is the guest's order.
//
// Reading stdin goes through one read-ahead buffer per host process (`hostStdin`): a pending
// Deno.stdin.read whose bytes are kept until the guest reads them. poll/select wait on it, and a
// read interrupted by a signal abandons only its wait, never the bytes (they stay buffered).

import { EAGAIN, EBADF, EINVAL, ENOTTY, EPIPE, ESPIPE } from "./errno.ts";
import {
  blockingWait,
  type FileSnapshot,
  O_ACCMODE,
  O_CLOEXEC,
  O_LARGEFILE,
  O_NONBLOCK,
  O_RDONLY,
  O_WRONLY,
  OpenFile,
  POLLHUP,
  POLLIN,
  POLLOUT,
  POLLRDNORM,
  POLLWRNORM,
  S_IFCHR,
  type StatInfo,
  syntheticStat,
} from "./files.ts";
import { hostErrno } from "./host_errno.ts";
import { controllingTty, hostTty } from "./host_tty.ts";
import { hostFileStat } from "./host_file.ts";
import type { Process } from "./process.ts";
import { terminal, terminalIoctl } from "./termios.ts";

/** The host's stdin with its read-ahead buffer. */
class HostStdin {
  private readonly chunk = new Uint8Array(65536);
  private data: Uint8Array = new Uint8Array(0);
  private at = 0;
  private eof = false;
  private error = 0;
  private pending: Promise<void> | undefined;
  private kind: "pipe" | "file" | "other" | undefined;

  /** Bytes buffered and not yet read. */
  get available(): number {
    return this.data.length - this.at;
  }

  /** A read would not block. */
  ready(): boolean {
    return this.available > 0 || this.eof || this.error !== 0 || this.hostKind() === "file";
  }

  /** At end of a pipe: poll reports POLLHUP. */
  hungUp(): boolean {
    return this.eof && this.available === 0 && this.hostKind() === "pipe";
  }

  private hostKind(): "pipe" | "file" | "other" {
    if (this.kind === undefined) {
      try {
        const info = Deno.statSync("/proc/self/fd/0");
        this.kind = info.isFifo || info.isSocket ? "pipe" : info.isFile ? "file" : "other";
      } catch {
        this.kind = "other";
      }
    }
    return this.kind;
  }

  /** Starts a read-ahead if none is running; resolves when data, EOF or an error is there. */
  fill(): Promise<void> {
    if (this.available > 0 || this.eof || this.error !== 0) return Promise.resolve();
    this.pending ??= Deno.stdin.read(this.chunk).then(
      (n) => {
        if (n === null) this.eof = true;
        else {
          this.data = this.chunk.slice(0, n);
          this.at = 0;
          if (terminal.raw) this.typed();
        }
      },
      (e) => {
        this.error = hostErrno(e);
      },
    ).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /**
   * A regular file as stdin is read exactly as asked, without read-ahead, so the offset it shares
   * with the parent (`(head -n1; cat) < file`) moves as much as the guest read.
   */
  isFile(): boolean {
    return this.available === 0 && this.hostKind() === "file";
  }

  readFile(buf: Uint8Array): number {
    try {
      return Deno.stdin.readSync(buf) ?? 0;
    } catch (e) {
      return -hostErrno(e);
    }
  }

  /** FIONREAD: buffered bytes, or what is left of a regular file. */
  readable(): number {
    if (this.hostKind() !== "file") return this.available;
    try {
      const pos = /pos:\s*(\d+)/.exec(Deno.readTextFileSync("/proc/self/fdinfo/0"));
      return Math.max(0, Deno.statSync("/proc/self/fd/0").size - Number(pos?.[1] ?? 0));
    } catch {
      return 0;
    }
  }

  /** Takes buffered bytes: a count, 0 at EOF (reported once), -errno, or -EAGAIN if empty. */
  take(buf: Uint8Array): number {
    const n = Math.min(buf.length, this.available);
    if (n > 0) {
      buf.set(this.data.subarray(this.at, this.at + n));
      this.at += n;
      return n;
    }
    if (buf.length === 0) return 0;
    if (this.error !== 0) {
      const e = this.error;
      this.error = 0;
      return -e;
    }
    if (this.eof) {
      this.eof = false;
      return 0;
    }
    return -EAGAIN;
  }

  /** Line discipline work the host's raw mode leaves to us: CR to NL, and echo. */
  private typed(): void {
    this.data = terminal.input(this.data);
    if (terminal.cooking) {
      const { data, eof } = terminal.cook(this.data);
      this.data = data;
      if (eof) this.eof = true;
    }
    const shown = terminal.echo(this.data);
    if (!shown) return;
    const out = Deno.stdout.isTerminal() ? Deno.stdout : Deno.stderr;
    try {
      out.writeSync(shown);
    } catch { /* the terminal went away */ }
  }

  /** Discards unread input (TCFLSH, TCSETSF). */
  flush(): void {
    this.data = new Uint8Array(0);
    this.at = 0;
  }
}

export const hostStdin = new HostStdin();

/** Reads the host stdin for a guest descriptor, waiting unless it is non-blocking. */
function readStdin(p: Process, f: OpenFile, buf: Uint8Array): number | Promise<number> {
  if (hostStdin.isFile()) return hostStdin.readFile(buf);
  const n = hostStdin.take(buf);
  if (n !== -EAGAIN) return n;
  if (f.flags & O_NONBLOCK) {
    hostStdin.fill();
    return -EAGAIN;
  }
  return (async () => {
    for (;;) {
      const w = await blockingWait(p, hostStdin.fill());
      if (typeof w === "number") return w;
      const got = hostStdin.take(buf);
      if (got !== -EAGAIN) return got;
    }
  })();
}

/** Writes all of `data` to a host stream. */
function writeAll(out: { writeSync(b: Uint8Array): number }, data: Uint8Array): number {
  let done = 0;
  try {
    while (done < data.length) done += out.writeSync(data.subarray(done));
  } catch (e) {
    return done || -(e instanceof Deno.errors.BrokenPipe ? EPIPE : hostErrno(e));
  }
  return done;
}

/** Status flags of a host descriptor as the shell opened it (/proc/self/fdinfo). */
function hostFlags(fd: number, fallback: number): number {
  try {
    const m = /flags:\s*([0-7]+)/.exec(Deno.readTextFileSync(`/proc/self/fdinfo/${fd}`));
    if (m) return parseInt(m[1], 8) & ~(O_CLOEXEC | O_NONBLOCK);
  } catch { /* not Linux */ }
  return fallback;
}

export class StdioFile extends OpenFile {
  readonly path: string;
  constructor(readonly hostFd: 0 | 1 | 2, flags?: number) {
    super(flags ?? hostFlags(hostFd, hostFd === 0 ? O_RDONLY : O_WRONLY | O_LARGEFILE));
    this.path = `/dev/pts/0`;
  }

  private host(): typeof Deno.stdin | typeof Deno.stdout {
    return this.hostFd === 0 ? Deno.stdin : this.hostFd === 1 ? Deno.stdout : Deno.stderr;
  }

  isTerminal(): boolean {
    return this.host().isTerminal();
  }

  override read(p: Process, buf: Uint8Array): number | Promise<number> {
    // A terminal opened read-write answers on any of its descriptors.
    if (this.hostFd !== 0 && !(this.isTerminal() && Deno.stdin.isTerminal())) return -EBADF;
    return readStdin(p, this, buf);
  }

  override write(_p: Process, data: Uint8Array): number {
    if (this.hostFd !== 0) return writeAll(this.hostFd === 1 ? Deno.stdout : Deno.stderr, data);
    if (Deno.stdin.isTerminal() && Deno.stderr.isTerminal()) return writeAll(Deno.stderr, data);
    return -EBADF;
  }

  override seek(): number {
    return -ESPIPE;
  }

  stat(_p: Process): StatInfo | number {
    try {
      return hostFileStat(Deno.statSync(`/proc/self/fd/${this.hostFd}`));
    } catch {
      return syntheticStat(S_IFCHR | 0o620, 3, { rdev: 0x8800 });
    }
  }

  override ioctl(p: Process, request: number, arg: number): number {
    if (this.isTerminal()) {
      const r = terminalIoctl(p, request, arg, () => hostStdin.flush(), hostTty(this.hostFd));
      if (r !== undefined) return r;
    }
    return super.ioctl(p, request, arg) as number;
  }

  override readable(): number | undefined {
    if (this.hostFd === 0 || this.isTerminal()) return hostStdin.readable();
    return undefined;
  }

  override poll(_events: number): number {
    const out = this.hostFd === 0 && (this.flags & O_ACCMODE) === O_RDONLY
      ? 0
      : POLLOUT | POLLWRNORM;
    if (this.hostFd !== 0 && !this.isTerminal()) return out;
    if (hostStdin.hungUp()) return out | POLLHUP;
    return out | (hostStdin.ready() ? POLLIN | POLLRDNORM : 0);
  }

  override waitReady(events: number): Promise<void> | undefined {
    if (!(events & POLLIN) || (this.hostFd !== 0 && !this.isTerminal())) return undefined;
    return hostStdin.fill();
  }

  override sync(): number {
    try {
      return Deno.statSync(`/proc/self/fd/${this.hostFd}`).isFile ? 0 : -EINVAL;
    } catch {
      return -EINVAL;
    }
  }

  override linkTarget(_p: Process): string {
    try {
      return Deno.readLinkSync(`/proc/self/fd/${this.hostFd}`);
    } catch {
      return this.path;
    }
  }

  override reopen(_p: Process, flags: number): OpenFile | number {
    return new StdioFile(this.hostFd, flags | O_LARGEFILE);
  }

  override snapshot(): FileSnapshot {
    return { kind: "stdio", flags: this.flags, path: this.path, state: { hostFd: this.hostFd } };
  }

  override release(_p: Process): void {
    if (this.hostFd === 0) terminal.restore();
  }
}

/** /dev/tty: the controlling terminal, when stdin is one. */
export class TtyFile extends OpenFile {
  readonly path = "/dev/tty";
  private out: Deno.FsFile | undefined;

  override read(p: Process, buf: Uint8Array): number | Promise<number> {
    return readStdin(p, this, buf);
  }

  override write(_p: Process, data: Uint8Array): number {
    if (!this.out) {
      try {
        this.out = Deno.openSync("/dev/tty", { write: true });
      } catch {
        return writeAll(Deno.stderr, data);
      }
    }
    return writeAll(this.out, data);
  }

  stat(_p: Process): StatInfo {
    return syntheticStat(S_IFCHR | 0o666, 11, { dev: 5, rdev: 0x500, gid: 5 });
  }

  override ioctl(p: Process, request: number, arg: number): number {
    return terminalIoctl(p, request, arg, () => hostStdin.flush(), controllingTty()) ?? -ENOTTY;
  }

  override readable(): number {
    return hostStdin.readable();
  }

  override poll(_events: number): number {
    return POLLOUT | POLLWRNORM | (hostStdin.ready() ? POLLIN | POLLRDNORM : 0);
  }

  override waitReady(events: number): Promise<void> | undefined {
    return events & POLLIN ? hostStdin.fill() : undefined;
  }

  override snapshot(): FileSnapshot {
    return { kind: "tty", flags: this.flags, path: this.path, state: {} };
  }

  override release(_p: Process): void {
    try {
      this.out?.close();
    } catch { /* closed */ }
  }
}

/** Opens /dev/tty, or undefined when there is no controlling terminal (ENXIO). */
export function openTerminal(flags: number): OpenFile | undefined {
  if (!Deno.stdin.isTerminal()) return undefined;
  return new TtyFile(flags | O_LARGEFILE);
}

/** Installs descriptors 0, 1, 2. */
export function installStdio(p: Process): void {
  for (const fd of [0, 1, 2] as const) p.fds.installAt(p, fd, new StdioFile(fd));
}
