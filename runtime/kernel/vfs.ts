// Virtual file-system nodes: the /dev and /proc trees (devfs.ts, procfs.ts) are made of VNodes
// that path resolution (paths.ts) walks like host directories. A node is a directory (names +
// lookup), a symlink (readlink, or follow for Linux's "magic" links such as /proc/self/fd/N), or
// a file that opens as an OpenFile. Nodes are cheap and made on lookup; what they show is read
// from the process when a file is opened, as Linux's seq files do.

import { EACCES, EINVAL } from "./errno.ts";
import {
  canWrite,
  type FileSnapshot,
  O_ACCMODE,
  O_RDONLY,
  OpenFile,
  S_IFDIR,
  S_IFLNK,
  S_IFMT,
  S_IFREG,
  type StatInfo,
  syntheticStat,
} from "./files.ts";
import type { Process } from "./process.ts";

export interface VNode {
  /** st_mode, type bits included. */
  mode: number;
  ino: number;
  /** Full stat when the synthetic one (mode, ino) is not enough. */
  stat?(p: Process): StatInfo | number;
  /** Directories: child names in listing order, and lookup by name. */
  names?(p: Process): string[];
  lookup?(p: Process, name: string): VNode | undefined;
  /** Symlinks: the text readlink returns. */
  readlink?(p: Process): string;
  /**
   * Magic links: what following reaches. A string is an absolute guest path to continue from; a
   * node is the end of the walk (a pipe, a terminal, a deleted file).
   */
  follow?(p: Process): VNode | string;
  /** Opens the node (directories open as listings instead). */
  open?(p: Process, flags: number, guest: string): OpenFile | number;
  /** The guest path names a real host directory from here on (/dev/shm). */
  hostBacked?: boolean;
  /** Device number shown for the node (st_dev): proc and devtmpfs differ. */
  dev?: number;
}

export const isDirNode = (n: VNode) => (n.mode & S_IFMT) === S_IFDIR;
export const isLinkNode = (n: VNode) => (n.mode & S_IFMT) === S_IFLNK;

/** The stat of a node. */
export function statNode(p: Process, n: VNode): StatInfo | number {
  return n.stat ? n.stat(p) : syntheticStat(n.mode, n.ino, { dev: n.dev ?? 0 });
}

/** A directory node whose children come from `children` (called on each lookup and listing). */
export function dirNode(
  ino: number,
  children: (p: Process) => Map<string, VNode> | undefined,
  dev = 0,
): VNode {
  return {
    mode: S_IFDIR | 0o555,
    ino,
    dev,
    names: (p) => [...(children(p)?.keys() ?? [])],
    lookup: (p, name) => children(p)?.get(name),
  };
}

/** A symlink node with a fixed or computed target. */
export function linkNode(ino: number, target: (p: Process) => string, dev = 0): VNode {
  return { mode: S_IFLNK | 0o777, ino, dev, readlink: target };
}

/**
 * A read-only file whose bytes are generated when it is opened. `write`, when given, makes it
 * writable (/proc/self/comm).
 */
export function contentNode(
  ino: number,
  generate: (p: Process) => string | Uint8Array,
  options: { mode?: number; dev?: number; write?: (p: Process, data: Uint8Array) => number } = {},
): VNode {
  const mode = S_IFREG | (options.mode ?? (options.write ? 0o644 : 0o444));
  const node: VNode = {
    mode,
    ino,
    dev: options.dev ?? 0,
    open(p, flags, guest) {
      // Root may open a read-only file for writing; the write itself then fails (EINVAL).
      if ((flags & O_ACCMODE) !== O_RDONLY && !options.write && p.cred.euid !== 0) {
        return -EACCES;
      }
      const made = generate(p);
      const data = typeof made === "string" ? new TextEncoder().encode(made) : made;
      return new ContentFile(guest, data, flags, () => statNode(p, node), options.write);
    },
  };
  return node;
}

/** An open generated file: a snapshot of its bytes with an offset, like a seq_file. */
export class ContentFile extends OpenFile {
  private pos = 0;
  constructor(
    readonly path: string,
    private data: Uint8Array,
    flags: number,
    private readonly info: () => StatInfo | number,
    private readonly onWrite?: (p: Process, data: Uint8Array) => number,
  ) {
    super(flags);
  }

  override read(p: Process, buf: Uint8Array): number {
    const n = this.pread(p, buf, this.pos);
    if (n > 0) this.pos += n;
    return n;
  }

  override pread(_p: Process, buf: Uint8Array, offset: number): number {
    if (offset >= this.data.length) return 0;
    const chunk = this.data.subarray(offset, Math.min(this.data.length, offset + buf.length));
    buf.set(chunk);
    return chunk.length;
  }

  override write(p: Process, data: Uint8Array): number {
    return this.onWrite && canWrite(this) ? this.onWrite(p, data) : -EINVAL;
  }

  override seek(offset: number, whence: number): number {
    const base = whence === 0 ? 0 : whence === 1 ? this.pos : -1;
    if (base < 0 || base + offset < 0) return -EINVAL;
    this.pos = base + offset;
    return this.pos;
  }

  stat(_p: Process): StatInfo | number {
    return this.info();
  }

  override snapshot(): FileSnapshot {
    return {
      kind: "content",
      flags: this.flags,
      path: this.path,
      state: { data: this.data, pos: this.pos },
    };
  }

  /** Takes a snapshot's bytes and offset (the restored file shows what the original showed). */
  restoreState(data: Uint8Array, pos: number): void {
    this.data = data;
    this.pos = pos;
  }

  override readable(): number {
    return 0 - this.pos; // i_size (0 for generated files) minus the offset, as Linux answers
  }
}
