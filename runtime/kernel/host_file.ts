// Regular files of the host, opened with Deno's synchronous file API. The description keeps its
// own offset (Deno files have no pread), and seeks the host file only when the host position
// differs. O_APPEND is the host's when the file is opened with it, so appends from several
// processes stay atomic; an O_APPEND set later with F_SETFL seeks to the end before each write.
//
// `pread` here is what file-backed mmap uses to fill pages: `p.fds.get(fd)!.pread(p, buf, off)`.

import { EINVAL, ENXIO } from "./errno.ts";
import { hostErrno } from "./host_errno.ts";
import { type AttrChange, type FileSnapshot, O_APPEND, OpenFile, type StatInfo } from "./files.ts";
import type { Process } from "./process.ts";

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

const ns = (d: Date | null) => d ? BigInt(d.getTime()) * 1000000n : 0n;

/** A Deno FileInfo as stat reports it. Times have millisecond precision (Deno's). */
export function hostFileStat(info: Deno.FileInfo): StatInfo {
  return {
    dev: info.dev ?? 0,
    ino: info.ino ?? 0,
    mode: info.mode ?? 0,
    nlink: info.nlink ?? 1,
    uid: info.uid ?? 0,
    gid: info.gid ?? 0,
    rdev: info.rdev ?? 0,
    size: info.size,
    blksize: info.blksize ?? 4096,
    blocks: info.blocks ?? 0,
    atimeNs: ns(info.atime),
    mtimeNs: ns(info.mtime),
    ctimeNs: ns(info.ctime),
    btimeNs: info.birthtime ? ns(info.birthtime) : undefined,
  };
}

/** chmod/chown/utimes on a host path (following symlinks); 0 or -errno. */
export function hostSetAttributes(hostPath: string, change: AttrChange): number {
  try {
    if (change.mode !== undefined) Deno.chmodSync(hostPath, change.mode & 0o7777);
    if (change.uid !== undefined || change.gid !== undefined) {
      const uid = change.uid === undefined || change.uid === -1 ? null : change.uid;
      const gid = change.gid === undefined || change.gid === -1 ? null : change.gid;
      Deno.chownSync(hostPath, uid, gid);
    }
    if (change.atime !== undefined || change.mtime !== undefined) {
      const [atime, mtime] = completeTimes(() => Deno.statSync(hostPath), change);
      Deno.utimeSync(hostPath, atime, mtime);
    }
    return 0;
  } catch (e) {
    return -hostErrno(e);
  }
}

/** Both times for Deno's utime, taking an unchanged one from the file (ms precision). */
function completeTimes(info: () => Deno.FileInfo, change: AttrChange): [number, number] {
  if (change.atime !== undefined && change.mtime !== undefined) return [change.atime, change.mtime];
  const i = info();
  return [
    change.atime ?? (i.atime?.getTime() ?? 0) / 1000,
    change.mtime ?? (i.mtime?.getTime() ?? 0) / 1000,
  ];
}

/**
 * An offset kept by the supervisor, for a description shared by several processes after fork:
 * reads, writes and seeks of any of them move it for all (Linux's shared f_pos).
 */
export interface SharedOffset {
  readonly id: number;
  get(): Promise<number>;
  /** Adds `n` and returns the offset before. */
  add(n: number): Promise<number>;
  set(pos: number): Promise<void>;
}

export class HostFile extends OpenFile {
  /** The description's offset (when not shared). */
  pos = 0;
  /** Set once the description is shared with another process (fork). */
  shared: SharedOffset | undefined;
  /** Where the host file's own position is. */
  private hostPos = 0;

  constructor(
    readonly file: Deno.FsFile,
    readonly path: string,
    readonly hostPath: string,
    flags: number,
    /** The host file was opened with O_APPEND. */
    private readonly hostAppend: boolean,
  ) {
    super(flags);
  }

  private moveTo(offset: number): void {
    if (this.hostPos !== offset) {
      this.file.seekSync(offset, Deno.SeekMode.Start);
      this.hostPos = offset;
    }
  }

  override read(p: Process, buf: Uint8Array): number | Promise<number> {
    if (this.shared) return this.sharedRead(p, this.shared, buf);
    const n = this.pread(p, buf, this.pos);
    if (n > 0) this.pos += n;
    return n;
  }

  private async sharedRead(p: Process, s: SharedOffset, buf: Uint8Array): Promise<number> {
    const pos = await s.get();
    const n = this.pread(p, buf, pos);
    if (n > 0) await s.add(n);
    return n;
  }

  private async sharedWrite(s: SharedOffset, data: Uint8Array): Promise<number> {
    if (this.flags & O_APPEND) {
      const n = this.writeAt(data, -1);
      if (n >= 0) await s.set(this.hostPos);
      return n;
    }
    const at = await s.add(data.length); // reserves the range, as f_pos_lock would
    const n = this.writeAt(data, at);
    if (n !== data.length) await s.set(at + Math.max(0, n));
    return n;
  }

  override pread(_p: Process, buf: Uint8Array, offset: number): number {
    try {
      this.moveTo(offset);
      // One host read, as one read(2) of a regular file returns what is there up to the end.
      const n = this.file.readSync(buf) ?? 0;
      this.hostPos += n;
      return n;
    } catch (e) {
      this.hostPos = -1;
      return -hostErrno(e);
    }
  }

  override write(_p: Process, data: Uint8Array): number | Promise<number> {
    if (this.shared) return this.sharedWrite(this.shared, data);
    const append = (this.flags & O_APPEND) !== 0;
    const n = this.writeAt(data, append ? -1 : this.pos);
    if (n >= 0) this.pos = this.hostPos;
    return n;
  }

  override pwrite(_p: Process, data: Uint8Array, offset: number): number {
    // Linux appends even for pwrite on an O_APPEND file.
    return this.writeAt(data, this.flags & O_APPEND ? -1 : offset);
  }

  /** Writes at `offset`, or at the end for -1; leaves hostPos after the data. */
  private writeAt(data: Uint8Array, offset: number): number {
    let done = 0;
    try {
      if (this.hostAppend) {
        // The host appends; only the resulting position needs asking.
        if (offset !== -1) this.moveTo(offset);
      } else if (offset === -1) {
        this.hostPos = this.file.seekSync(0, Deno.SeekMode.End);
      } else {
        this.moveTo(offset);
      }
      while (done < data.length) done += this.file.writeSync(data.subarray(done));
      this.hostPos = this.hostAppend
        ? this.file.seekSync(0, Deno.SeekMode.Current)
        : this.hostPos + done;
      return done;
    } catch (e) {
      this.hostPos = -1;
      return done || -hostErrno(e);
    }
  }

  override seek(offset: number, whence: number): number | Promise<number> {
    if (this.shared) return this.sharedSeek(this.shared, offset, whence);
    return this.seekLocal(offset, whence);
  }

  private async sharedSeek(s: SharedOffset, offset: number, whence: number): Promise<number> {
    this.pos = await s.get();
    const r = this.seekLocal(offset, whence);
    if (r >= 0) await s.set(r);
    return r;
  }

  private seekLocal(offset: number, whence: number): number {
    let base: number;
    switch (whence) {
      case SEEK_SET:
        base = 0;
        break;
      case SEEK_CUR:
        base = this.pos;
        break;
      case SEEK_END:
      case SEEK_DATA:
      case SEEK_HOLE: {
        let size: number;
        try {
          size = this.file.statSync().size;
        } catch (e) {
          return -hostErrno(e);
        }
        if (whence === SEEK_END) {
          base = size;
          break;
        }
        // The whole file is data; the only hole is the virtual one at the end.
        if (offset < 0) return -EINVAL;
        if (offset >= size) return -ENXIO;
        this.pos = whence === SEEK_DATA ? offset : size;
        return this.pos;
      }
      default:
        return -EINVAL;
    }
    const target = base + offset;
    if (target < 0) return -EINVAL;
    this.pos = target;
    return target;
  }

  stat(_p: Process): StatInfo | number {
    try {
      return hostFileStat(this.file.statSync());
    } catch (e) {
      return -hostErrno(e);
    }
  }

  override truncate(length: number): number {
    try {
      this.file.truncateSync(length);
      return 0;
    } catch (e) {
      return -hostErrno(e);
    }
  }

  override sync(): number {
    try {
      this.file.syncSync();
      return 0;
    } catch (e) {
      return -hostErrno(e);
    }
  }

  /** fdatasync. */
  syncData(): number {
    try {
      this.file.syncDataSync();
      return 0;
    } catch (e) {
      return -hostErrno(e);
    }
  }

  override setAttributes(_p: Process, change: AttrChange): number {
    if (change.mode !== undefined || change.uid !== undefined || change.gid !== undefined) {
      const r = hostSetAttributes(this.hostPath, { ...change, atime: undefined, mtime: undefined });
      if (r < 0) return r;
    }
    if (change.atime === undefined && change.mtime === undefined) return 0;
    try {
      const [atime, mtime] = completeTimes(() => this.file.statSync(), change);
      this.file.utimeSync(atime, mtime);
      return 0;
    } catch (e) {
      return -hostErrno(e);
    }
  }

  override linkTarget(p: Process): string {
    if (p.fs.root !== "/") return this.path;
    try {
      return Deno.realPathSync(this.hostPath);
    } catch {
      return this.path + " (deleted)";
    }
  }

  override readable(): number {
    try {
      return Math.max(-0x80000000, Math.min(0x7fffffff, this.file.statSync().size - this.pos));
    } catch {
      return 0;
    }
  }

  override snapshot(): FileSnapshot {
    return {
      kind: "host",
      flags: this.flags,
      path: this.path,
      state: {
        hostPath: this.hostPath,
        pos: this.pos,
        hostAppend: this.hostAppend,
        ...(this.shared ? { sharedOffset: this.shared.id } : {}),
      },
    };
  }

  override release(_p: Process): void {
    try {
      this.file.close();
    } catch { /* already closed by the host */ }
  }
}
