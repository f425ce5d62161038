// Open directories: host directories and virtual ones (/proc, /dev). A directory description
// keeps a listing taken at the first getdents and again on every rewind (lseek to 0), as Linux
// re-reads a directory; the position is an index into it, and the d_off "cookie" of entry k is
// k + 1, so telldir/seekdir and rewinddir work. "." and ".." come first, as on tmpfs.

import { EINVAL, EISDIR } from "./errno.ts";
import { hostErrno } from "./host_errno.ts";
import { hostFileStat, hostSetAttributes } from "./host_file.ts";
import {
  type AttrChange,
  type DirEntry,
  direntType,
  DT_DIR,
  DT_UNKNOWN,
  type FileSnapshot,
  OpenFile,
  type StatInfo,
} from "./files.ts";
import type { Process } from "./process.ts";
import { statNode, type VNode } from "./vfs.ts";

export abstract class DirFile extends OpenFile {
  /** Index of the next entry getdents returns. */
  pos = 0;
  private listing: DirEntry[] | undefined;

  constructor(readonly path: string, flags: number) {
    super(flags);
  }

  override get isDirectory(): boolean {
    return true;
  }

  /** Reads the directory afresh. */
  protected abstract list(p: Process): DirEntry[] | number;

  override readdir(p: Process): DirEntry[] | number {
    if (!this.listing) {
      const l = this.list(p);
      if (typeof l === "number") return l;
      this.listing = l;
    }
    return this.listing;
  }

  /** Entry `k` of the current listing with its inode and type; undefined past the end. */
  entryAt(p: Process, k: number): DirEntry | undefined {
    const l = this.readdir(p);
    return typeof l === "number" ? undefined : l[k];
  }

  override read(): number {
    return -EISDIR;
  }

  override pread(): number {
    return -EISDIR;
  }

  override seek(offset: number, whence: number): number {
    if (whence === 0 && offset >= 0) this.pos = offset;
    else if (whence === 1 && this.pos + offset >= 0) this.pos += offset;
    else return -EINVAL;
    if (this.pos === 0) this.listing = undefined;
    return this.pos;
  }

  override sync(): number {
    return 0;
  }
}

/** A directory of the host file system. */
export class HostDirFile extends DirFile {
  constructor(path: string, readonly hostPath: string, flags: number) {
    super(path, flags);
  }

  protected list(p: Process): DirEntry[] | number {
    const mounts = this.path === "/" && p.fs.root !== "/";
    try {
      const self = Deno.statSync(this.hostPath);
      const parentPath = this.path === "/" ? this.hostPath : this.hostPath + "/..";
      const parent = Deno.statSync(parentPath);
      const out: DirEntry[] = [
        { name: ".", ino: self.ino ?? 0, type: DT_DIR },
        { name: "..", ino: parent.ino ?? 0, type: DT_DIR },
      ];
      for (const e of Deno.readDirSync(this.hostPath)) {
        // The guest's /dev and /proc are mount points of the virtual trees.
        if (mounts && (e.name === "dev" || e.name === "proc")) continue;
        out.push({ name: e.name, ino: -1, type: DT_UNKNOWN });
      }
      if (mounts) {
        out.push({ name: "dev", ino: 1, type: DT_DIR }, { name: "proc", ino: 1, type: DT_DIR });
      }
      return out;
    } catch (e) {
      return -hostErrno(e);
    }
  }

  override entryAt(p: Process, k: number): DirEntry | undefined {
    const e = super.entryAt(p, k);
    if (e && e.ino === -1) {
      // Inode numbers and types are looked up only for entries actually returned.
      try {
        const info = Deno.lstatSync(this.hostPath + "/" + e.name);
        e.ino = info.ino ?? 0;
        e.type = direntType(info.mode ?? 0);
      } catch {
        e.ino = 0; // removed since the listing was taken: Linux would still show it
      }
    }
    return e;
  }

  stat(_p: Process): StatInfo | number {
    try {
      return hostFileStat(Deno.statSync(this.hostPath));
    } catch (e) {
      return -hostErrno(e);
    }
  }

  override setAttributes(_p: Process, change: AttrChange): number {
    return hostSetAttributes(this.hostPath, change);
  }

  override reopen(_p: Process, flags: number): OpenFile | number {
    return new HostDirFile(this.path, this.hostPath, flags);
  }

  override snapshot(): FileSnapshot {
    return {
      kind: "hostdir",
      flags: this.flags,
      path: this.path,
      state: { hostPath: this.hostPath, pos: this.pos },
    };
  }
}

/** A directory of the virtual trees. */
export class VirtualDirFile extends DirFile {
  constructor(path: string, readonly node: VNode, flags: number, private readonly parent?: VNode) {
    super(path, flags);
  }

  protected list(p: Process): DirEntry[] | number {
    const out: DirEntry[] = [
      { name: ".", ino: this.node.ino, type: DT_DIR },
      { name: "..", ino: this.parent?.ino ?? this.node.ino, type: DT_DIR },
    ];
    for (const name of this.node.names?.(p) ?? []) {
      const child = this.node.lookup?.(p, name);
      if (child) out.push({ name, ino: child.ino, type: direntType(child.mode) });
    }
    return out;
  }

  stat(p: Process): StatInfo | number {
    return statNode(p, this.node);
  }

  override reopen(_p: Process, flags: number): OpenFile | number {
    return new VirtualDirFile(this.path, this.node, flags, this.parent);
  }

  override snapshot(): FileSnapshot {
    return { kind: "vdir", flags: this.flags, path: this.path, state: { pos: this.pos } };
  }
}
