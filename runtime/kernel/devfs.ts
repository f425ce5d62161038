// The virtual /dev: null, zero, full, random, urandom, tty, the stdin/stdout/stderr and fd links
// into /proc/self/fd, and /dev/shm passed through to the guest root's real directory (POSIX
// shared memory lives there). Nothing else of the host's /dev is visible, with or without --root.

import { ENOSPC, ENXIO } from "./errno.ts";
import {
  type FileSnapshot,
  OpenFile,
  S_IFCHR,
  S_IFDIR,
  type StatInfo,
  syntheticStat,
} from "./files.ts";
import type { Process } from "./process.ts";
import { openTerminal } from "./stdio.ts";
import { dirNode, linkNode, type VNode } from "./vfs.ts";

/** st_dev of devtmpfs (0:5), as Linux shows for /dev nodes. */
const DEVTMPFS = 5;

/** Linux's dev_t encoding of major:minor. */
export function makedev(major: number, minor: number): number {
  return (minor & 0xff) + (major & 0xfff) * 256 + Math.floor(minor / 256) * 1048576 +
    Math.floor(major / 4096) * 4096 * 4294967296;
}

/** The major and minor numbers of a dev_t. */
export function devParts(dev: number): [number, number] {
  const lo = dev % 4294967296, hi = Math.floor(dev / 4294967296);
  const major = ((lo >>> 8) & 0xfff) | (hi & ~0xfff);
  const minor = (lo & 0xff) | ((lo >>> 12) & ~0xff);
  return [major >>> 0, minor >>> 0];
}

export type DeviceKind = "null" | "zero" | "full" | "random" | "urandom";

const DEVICES: Record<DeviceKind, { minor: number; ino: number }> = {
  null: { minor: 3, ino: 4 },
  zero: { minor: 5, ino: 8 },
  full: { minor: 7, ino: 7 },
  random: { minor: 8, ino: 9 },
  urandom: { minor: 9, ino: 10 },
};

/** The memory devices of major 1. */
export class DeviceFile extends OpenFile {
  constructor(readonly kind: DeviceKind, readonly path: string, flags: number) {
    super(flags);
  }

  override read(p: Process, buf: Uint8Array): number {
    return this.pread(p, buf, 0);
  }

  override pread(_p: Process, buf: Uint8Array, _offset: number): number {
    switch (this.kind) {
      case "null":
        return 0;
      case "zero":
      case "full":
        buf.fill(0);
        return buf.length;
      default:
        for (let at = 0; at < buf.length; at += 65536) {
          crypto.getRandomValues(buf.subarray(at, Math.min(buf.length, at + 65536)));
        }
        return buf.length;
    }
  }

  override write(p: Process, data: Uint8Array): number {
    return this.pwrite(p, data, 0);
  }

  override pwrite(_p: Process, data: Uint8Array, _offset: number): number {
    return this.kind === "full" ? -ENOSPC : data.length;
  }

  override seek(): number {
    return 0;
  }

  override snapshot(): FileSnapshot {
    return { kind: "device", flags: this.flags, path: this.path, state: { device: this.kind } };
  }

  stat(_p: Process): StatInfo {
    const d = DEVICES[this.kind];
    return deviceStat(1, d.minor, d.ino);
  }
}

function deviceStat(major: number, minor: number, ino: number): StatInfo {
  return syntheticStat(S_IFCHR | 0o666, ino, { dev: DEVTMPFS, rdev: makedev(major, minor) });
}

function deviceNode(kind: DeviceKind): VNode {
  const d = DEVICES[kind];
  return {
    mode: S_IFCHR | 0o666,
    ino: d.ino,
    dev: DEVTMPFS,
    stat: () => deviceStat(1, d.minor, d.ino),
    open: (_p, flags, guest) => new DeviceFile(kind, guest, flags),
  };
}

const TTY_NODE: VNode = {
  mode: S_IFCHR | 0o666,
  ino: 11,
  dev: DEVTMPFS,
  stat: () => syntheticStat(S_IFCHR | 0o666, 11, { dev: DEVTMPFS, rdev: makedev(5, 0), gid: 5 }),
  open: (_p, flags) => openTerminal(flags) ?? -ENXIO,
};

const SHM_NODE: VNode = { mode: S_IFDIR | 0o1777, ino: 2, hostBacked: true };

function shmExists(p: Process): boolean {
  try {
    const root = p.fs.root === "/" ? "" : p.fs.root;
    return Deno.statSync(root + "/dev/shm").isDirectory;
  } catch {
    return false;
  }
}

const FIXED: [string, VNode][] = [
  ["null", deviceNode("null")],
  ["zero", deviceNode("zero")],
  ["full", deviceNode("full")],
  ["random", deviceNode("random")],
  ["urandom", deviceNode("urandom")],
  ["tty", TTY_NODE],
  ["stdin", linkNode(12, () => "/proc/self/fd/0", DEVTMPFS)],
  ["stdout", linkNode(13, () => "/proc/self/fd/1", DEVTMPFS)],
  ["stderr", linkNode(14, () => "/proc/self/fd/2", DEVTMPFS)],
  ["fd", linkNode(15, () => "/proc/self/fd", DEVTMPFS)],
];

/** The root of the virtual /dev. */
export const DEV_ROOT: VNode = {
  ...dirNode(1, (p) => {
    const m = new Map(FIXED);
    if (shmExists(p)) m.set("shm", SHM_NODE);
    return m;
  }, DEVTMPFS),
  mode: S_IFDIR | 0o755,
};
