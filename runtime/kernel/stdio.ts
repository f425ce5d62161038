// The guest's standard streams: descriptors 0, 1, 2 backed by the supervisor's own stdin, stdout
// and stderr. Writes are synchronous so output order across streams is the guest's order.

import { EAGAIN, EIO } from "./errno.ts";
import { O_NONBLOCK, O_RDONLY, O_WRONLY, OpenFile, type StatInfo } from "./files.ts";
import type { Process } from "./process.ts";

export class StdioFile extends OpenFile {
  readonly path: string;
  constructor(readonly hostFd: 0 | 1 | 2) {
    super(hostFd === 0 ? O_RDONLY : O_WRONLY);
    this.path = `/dev/pts/0`;
  }

  override async read(_p: Process, buf: Uint8Array): Promise<number> {
    if (this.hostFd !== 0) return -9;
    if (this.flags & O_NONBLOCK) return -EAGAIN;
    try {
      const n = await Deno.stdin.read(buf);
      return n ?? 0;
    } catch {
      return -EIO;
    }
  }

  override write(_p: Process, data: Uint8Array): number {
    const out = this.hostFd === 2 ? Deno.stderr : this.hostFd === 1 ? Deno.stdout : undefined;
    if (!out) return -9;
    let done = 0;
    try {
      while (done < data.length) done += out.writeSync(data.subarray(done));
    } catch (e) {
      if (e instanceof Deno.errors.BrokenPipe) return done || -32; // EPIPE
      return done || -EIO;
    }
    return done;
  }

  isTerminal(): boolean {
    const s = this.hostFd === 0 ? Deno.stdin : this.hostFd === 1 ? Deno.stdout : Deno.stderr;
    return s.isTerminal();
  }

  stat(_p: Process): StatInfo | number {
    let info: Deno.FileInfo | undefined;
    try {
      info = Deno.statSync(`/proc/self/fd/${this.hostFd}`);
    } catch { /* not Linux, or closed */ }
    const t = BigInt(Date.now()) * 1000000n;
    return {
      dev: info?.dev ?? 0,
      ino: info?.ino ?? 0,
      mode: info?.mode ?? 0o20620,
      nlink: info?.nlink ?? 1,
      uid: info?.uid ?? 0,
      gid: info?.gid ?? 0,
      rdev: info?.rdev ?? 0,
      size: info?.isFile ? info.size : 0,
      blksize: info?.blksize ?? 4096,
      blocks: info?.blocks ?? 0,
      atimeNs: info?.atime ? BigInt(info.atime.getTime()) * 1000000n : t,
      mtimeNs: info?.mtime ? BigInt(info.mtime.getTime()) * 1000000n : t,
      ctimeNs: info?.ctime ? BigInt(info.ctime.getTime()) * 1000000n : t,
    };
  }
}

/** Installs descriptors 0, 1, 2. */
export function installStdio(p: Process): void {
  for (const fd of [0, 1, 2] as const) p.fds.installAt(p, fd, new StdioFile(fd));
}
