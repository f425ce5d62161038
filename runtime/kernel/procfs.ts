// The virtual /proc: the process's own directory (as /proc/self, /proc/<pid> and
// /proc/thread-self) with exe, cwd, root, fd/, fdinfo/, maps, status, stat, statm, comm, cmdline,
// mounts and task/; the system files cpuinfo, meminfo, uptime, loadavg, version, mounts; and a
// few of /proc/sys. Other processes' directories come with the process table (IPC).

import { HostDirFile } from "./dir_file.ts";
import { canRead, canWrite, type OpenFile, S_IFLNK, syntheticStat } from "./files.ts";
import { HostFile } from "./host_file.ts";
import type { Process } from "./process.ts";
import {
  cpuinfoText,
  loadavgText,
  mapsText,
  meminfoText,
  statmText,
  statText,
  statusText,
  uptimeText,
} from "./proc_info.ts";
import { contentNode, dirNode, linkNode, type VNode } from "./vfs.ts";

/** st_dev of procfs (0:22 here). */
const PROC_DEV = 22;

/** The kernel version we claim, as uname's release and /proc/sys/kernel/osrelease show it. */
function osRelease(): string {
  try {
    return Deno.osRelease();
  } catch {
    return "6.1.0";
  }
}

/** A node standing for an open file reached through a magic link (pipe, terminal...). */
function openFileNode(file: OpenFile, ino: number): VNode {
  return {
    mode: 0,
    ino,
    dev: PROC_DEV,
    stat: (p) => file.stat(p),
    open: (p, flags) => file.reopen(p, flags),
  };
}

/** /proc/<pid>/fd/N: a magic link to the open file. */
function fdLinkNode(p: Process, fd: number, file: OpenFile): VNode {
  const mode = S_IFLNK | (canRead(file) ? 0o500 : 0) | (canWrite(file) ? 0o200 : 0);
  const ino = 100000 + fd;
  return {
    mode,
    ino,
    dev: PROC_DEV,
    stat: () => syntheticStat(mode, ino, { dev: PROC_DEV, size: 64 }),
    readlink: () => file.linkTarget(p),
    follow: () => {
      // Files with a guest path are reached by it (a new description, as Linux's open of a
      // magic link makes); the others are the open file itself.
      if (file instanceof HostFile || file instanceof HostDirFile) return file.path;
      return openFileNode(file, ino);
    },
  };
}

function fdDir(ino: number): VNode {
  return {
    ...dirNode(ino, (q) => {
      const m = new Map<string, VNode>();
      for (const fd of q.fds.numbers()) m.set(String(fd), fdLinkNode(q, fd, q.fds.get(fd)!));
      return m;
    }, PROC_DEV),
    mode: 0o040500,
  };
}

function fdinfoText(p: Process, fd: number): string {
  const e = p.fds.entry(fd);
  if (!e) return "";
  const f = e.file as OpenFile & { pos?: number };
  const st = f.stat(p);
  const ino = typeof st === "number" ? 0 : st.ino;
  const flags = f.flags | (e.cloexec ? 0o2000000 : 0);
  return `pos:\t${f.pos ?? 0}\nflags:\t0${flags.toString(8)}\nmnt_id:\t1\nino:\t${ino}\n`;
}

function fdinfoDir(ino: number): VNode {
  return {
    ...dirNode(ino, (q) => {
      const m = new Map<string, VNode>();
      for (const fd of q.fds.numbers()) {
        m.set(String(fd), contentNode(200000 + fd, (r) => fdinfoText(r, fd), { dev: PROC_DEV }));
      }
      return m;
    }, PROC_DEV),
    mode: 0o040500,
  };
}

function setComm(p: Process, data: Uint8Array): number {
  let text = new TextDecoder().decode(data);
  if (text.endsWith("\n")) text = text.slice(0, -1);
  p.comm = new TextDecoder().decode(new TextEncoder().encode(text).subarray(0, 15));
  return data.length;
}

const MOUNTS = "rootfs / rootfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n" +
  "devtmpfs /dev devtmpfs rw,nosuid,size=0k,mode=755 0 0\n";

/** The directory of the process itself (/proc/self). */
function pidDir(base: number): VNode {
  const entries = (): Map<string, VNode> => {
    const file = (k: number, gen: (q: Process) => string | Uint8Array) =>
      contentNode(base + k, gen, { dev: PROC_DEV });
    const m = new Map<string, VNode>([
      ["cmdline", file(1, (q) => q.argv.map((a) => a + "\0").join(""))],
      [
        "comm",
        contentNode(base + 2, (q) => q.comm + "\n", { dev: PROC_DEV, write: setComm }),
      ],
      ["cwd", { ...linkNode(base + 3, (q) => q.fs.cwd, PROC_DEV), follow: (q) => q.fs.cwd }],
      ["exe", { ...linkNode(base + 4, (q) => q.exePath, PROC_DEV), follow: (q) => q.exePath }],
      ["fd", fdDir(base + 5)],
      ["fdinfo", fdinfoDir(base + 6)],
      ["maps", file(7, mapsText)],
      ["mounts", file(8, () => MOUNTS)],
      ["root", { ...linkNode(base + 9, () => "/", PROC_DEV), follow: () => "/" }],
      ["stat", file(10, statText)],
      ["statm", file(11, statmText)],
      ["status", file(12, statusText)],
      ["task", dirNode(base + 13, (q) => new Map([[String(q.tid), pidDir(base + 50)]]))],
    ]);
    return m;
  };
  return dirNode(base, () => entries(), PROC_DEV);
}

const text = (s: string | ((p: Process) => string)) => (p: Process) =>
  typeof s === "string" ? s : s(p);

let nextIno = 4000;
const sysFile = (value: string | ((p: Process) => string)) =>
  contentNode(nextIno++, text(value), { dev: PROC_DEV });

const SYS = dirNode(3000, () =>
  new Map([
    [
      "kernel",
      dirNode(3001, () =>
        new Map([
          ["ostype", sysFile("Linux\n")],
          ["osrelease", sysFile(() => osRelease() + "\n")],
          ["hostname", sysFile(() => Deno.hostname() + "\n")],
          ["domainname", sysFile("(none)\n")],
          ["pid_max", sysFile("4194304\n")],
          ["ngroups_max", sysFile("65536\n")],
          ["cap_last_cap", sysFile("40\n")],
          ["random", dirNode(3002, () => new Map([["boot_id", sysFile(bootId)]]), PROC_DEV)],
        ]), PROC_DEV),
    ],
    [
      "vm",
      dirNode(3003, () =>
        new Map([
          ["overcommit_memory", sysFile("0\n")],
          ["max_map_count", sysFile("65530\n")],
        ]), PROC_DEV),
    ],
    ["fs", dirNode(3004, () => new Map([["nr_open", sysFile("1048576\n")]]), PROC_DEV)],
  ]), PROC_DEV);

const BOOT_ID = crypto.randomUUID();
function bootId(): string {
  return BOOT_ID + "\n";
}

const SYSTEM: [string, VNode][] = [
  ["cpuinfo", contentNode(10, () => cpuinfoText(), { dev: PROC_DEV })],
  ["meminfo", contentNode(11, () => meminfoText(), { dev: PROC_DEV })],
  ["uptime", contentNode(12, () => uptimeText(), { dev: PROC_DEV })],
  ["loadavg", contentNode(13, loadavgText, { dev: PROC_DEV })],
  [
    "version",
    contentNode(14, () => `Linux version ${osRelease()} (supervisor) #1 SMP PREEMPT_DYNAMIC\n`, {
      dev: PROC_DEV,
    }),
  ],
  ["filesystems", contentNode(15, () => "nodev\tproc\nnodev\ttmpfs\n\text4\n", { dev: PROC_DEV })],
  ["mounts", linkNode(16, () => "self/mounts", PROC_DEV)],
  ["sys", SYS],
];

/** The root of the virtual /proc. */
export const PROC_ROOT: VNode = dirNode(1, (p) => {
  const m = new Map<string, VNode>([
    ["self", linkNode(2, (q) => String(q.pid), PROC_DEV)],
    ["thread-self", linkNode(3, (q) => `${q.pid}/task/${q.tid}`, PROC_DEV)],
    [String(p.pid), pidDir(1000)],
    ...SYSTEM,
  ]);
  return m;
}, PROC_DEV);
