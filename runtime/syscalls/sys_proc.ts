// Processes: fork, vfork, clone (without CLONE_VM), clone3 (ENOSYS: libc falls back to clone),
// execve, execveat, wait4, waitid, and the calls that reach other processes (kill, tkill,
// tgkill, getppid, process groups and sessions). In a multi-process job they go through the
// process's host to the supervisor; a process running alone (no host) answers them itself with
// the single-process rules of sys_signal.ts and sys_ident.ts.

import { ECHILD, EFAULT, EINVAL, ENOSYS, EPERM } from "../kernel/errno.ts";
import { blockingWait } from "../kernel/files.ts";
import { execProgram } from "../kernel/exec.ts";
import type { Process } from "../kernel/process.ts";
import type { ExitInfo } from "../host/proc_table.ts";
import { rows as identRows } from "./sys_ident.ts";
import { rows as signalRows } from "./sys_signal.ts";
import type { Args, Handler, SyscallDef } from "./table.ts";

const local = new Map<string, Handler>(
  [...identRows, ...signalRows].map((r) => [r.name, r.handler]),
);
const alone = (name: string, p: Process, a: Args) => local.get(name)!(p, a);

const CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800;
const CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000;
const CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000;
const CLONE_SETTLS = 0x80000, CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000;
const CLONE_DETACHED = 0x400000, CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000;
const CLONE_NEWCGROUP = 0x2000000, CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000;
const CLONE_NEWUSER = 0x10000000, CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000;
const CLONE_IO = 0x80000000;
const NAMESPACES = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
  CLONE_NEWPID | CLONE_NEWNET;
const SIGCHLD = 17;
const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
const WNOTHREAD = 0x20000000, WALL = 0x40000000, WCLONE = 0x80000000;
const P_ALL = 0, P_PID = 1, P_PGID = 2, P_PIDFD = 3;
const CLD_EXITED = 1, CLD_KILLED = 2, CLD_DUMPED = 3, CLD_STOPPED = 5, CLD_CONTINUED = 6;

/** The options a fork carries to the child. */
export interface ForkOptions {
  exitSignal: number;
  vfork: boolean;
  tls?: number;
  childSetTid?: number;
  childClearTid?: number;
}

async function doClone(p: Process, flags: number, ptid: number, ctid: number, tls: number) {
  // Validation in Linux's order (copy_process).
  if ((flags & (CLONE_NEWNS | CLONE_FS)) === (CLONE_NEWNS | CLONE_FS)) return -EINVAL;
  if ((flags & (CLONE_NEWUSER | CLONE_FS)) === (CLONE_NEWUSER | CLONE_FS)) return -EINVAL;
  if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) return -EINVAL;
  if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return -EINVAL;
  if ((flags & CLONE_PIDFD) && (flags & CLONE_DETACHED)) return -EINVAL;
  if (flags & NAMESPACES) return -EPERM; // no namespaces for unprivileged guests
  if ((flags & CLONE_VM) && !(flags & CLONE_VFORK)) return -ENOSYS; // threads: a later issue
  if (flags & (CLONE_FILES | CLONE_FS | CLONE_PIDFD | CLONE_PARENT)) return -EINVAL;
  void (CLONE_PTRACE | CLONE_SYSVSEM | CLONE_UNTRACED | CLONE_IO); // accepted, no effect here
  if (!p.host) return -ENOSYS; // a process running alone has no one to fork into
  if ((flags & CLONE_PARENT_SETTID) && ptid) p.mem.checkWritable(ptid, 4);
  const pid = await p.host.fork(p, {
    exitSignal: flags & 0xff,
    vfork: (flags & CLONE_VFORK) !== 0,
    tls: flags & CLONE_SETTLS ? tls : undefined,
    childSetTid: flags & CLONE_CHILD_SETTID ? ctid : undefined,
    childClearTid: flags & CLONE_CHILD_CLEARTID ? ctid : undefined,
  });
  if (pid > 0 && (flags & CLONE_PARENT_SETTID) && ptid) p.mem.write32(ptid, pid);
  return pid;
}

function sysClone(p: Process, a: Args) {
  // x86-64 argument order: flags, stack, parent_tid, child_tid, tls.
  const flags = a.uint(0) >>> 0;
  if (a.ulong(1) !== 0) {
    // A new stack for the child (posix_spawn's vfork-style clone): it starts with rsp there.
    return doCloneWithStack(p, flags, a.ulong(1), a.ulong(2), a.ulong(3), a.ulong(4));
  }
  return doClone(p, flags, a.ulong(2), a.ulong(3), a.ulong(4));
}

async function doCloneWithStack(
  p: Process,
  flags: number,
  stack: number,
  ptid: number,
  ctid: number,
  tls: number,
) {
  const saved = p.cpu.reg(4);
  p.cpu.setReg(4, stack); // the snapshot taken for the child has the new rsp
  try {
    return await doClone(p, flags, ptid, ctid, tls);
  } finally {
    p.cpu.setReg(4, saved);
  }
}

// ---- exec ---------------------------------------------------------------------------------------

function readStrings(p: Process, addr: number): string[] | number {
  const out: string[] = [];
  if (addr === 0) return out;
  const dec = new TextDecoder();
  for (let k = 0;; k++) {
    if (k > 1 << 17) return -7; // E2BIG
    const ptr = p.mem.read64(addr + 8 * k);
    if (ptr === 0) return out;
    out.push(dec.decode(p.mem.readCString(ptr, 131072)));
  }
}

async function execve(
  p: Process,
  dirfd: number,
  pathAddr: number,
  argvAddr: number,
  envpAddr: number,
  flags: number,
) {
  if (pathAddr === 0) return -EFAULT;
  const path = new TextDecoder().decode(p.mem.readCString(pathAddr, 4096));
  const argv = readStrings(p, argvAddr);
  if (typeof argv === "number") return argv;
  const envp = readStrings(p, envpAddr);
  if (typeof envp === "number") return envp;
  const r = await execProgram(p, dirfd, path, argv, envp, flags, () => {
    p.host?.vforkRelease(p);
  });
  if (r < 0) return r;
  return undefined; // registers were set by the new program
}

// ---- wait ---------------------------------------------------------------------------------------

function statusWord(e: ExitInfo): number {
  if (e.signal !== undefined) return (e.signal & 0x7f) | (e.core ? 0x80 : 0);
  return ((e.code ?? 0) & 0xff) << 8;
}

/** Waits for a child selected by `match`; returns its pid and exit, 0 (WNOHANG), or -errno. */
async function waitChild(
  p: Process,
  match: (pid: number, pgid: number) => boolean,
  options: number,
  reap: boolean,
): Promise<{ pid: number; exit: ExitInfo; stop?: number } | number> {
  const host = p.host;
  if (!host) return -ECHILD;
  for (;;) {
    for (const [pid, sig] of host.stops) {
      if (!match(pid, host.children.get(pid) ?? 0)) continue;
      const wanted = sig ? options & WUNTRACED : options & WCONTINUED;
      if (!wanted) continue;
      if (reap) host.stops.delete(pid);
      return { pid, exit: {}, stop: sig };
    }
    for (const [pid, z] of host.zombies) {
      if (!match(pid, z.pgid)) continue;
      if (reap) host.reap(pid);
      return { pid, exit: z.exit };
    }
    const live = [...host.children.entries()].some(([pid, pgid]) => match(pid, pgid));
    if (!live) return -ECHILD;
    if (options & WNOHANG) return 0;
    const w = await blockingWait(p, host.childChanged());
    if (typeof w === "number") return w;
  }
}

function matcher(p: Process, pid: number): (child: number, pgid: number) => boolean {
  if (pid > 0) return (c) => c === pid;
  if (pid === -1) return () => true;
  const group = pid === 0 ? p.pgid : -pid;
  return (_c, pgid) => pgid === group;
}

async function sysWait4(p: Process, a: Args) {
  const pid = a.int(0), statusAddr = a.ulong(1), options = a.uint(2), rusage = a.ulong(3);
  if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE)) return -EINVAL;
  if (pid === -0x80000000) return -3; // ESRCH, as Linux answers INT_MIN
  if (statusAddr) p.mem.checkWritable(statusAddr, 4);
  const r = await waitChild(p, matcher(p, pid), options, true);
  if (typeof r === "number") return r;
  const word = r.stop === undefined ? statusWord(r.exit) : r.stop ? (r.stop << 8) | 0x7f : 0xffff;
  if (statusAddr) p.mem.write32(statusAddr, word);
  if (rusage) p.mem.write(rusage, new Uint8Array(144));
  return r.pid;
}

async function sysWaitid(p: Process, a: Args) {
  const type = a.int(0), id = a.int(1), infop = a.ulong(2), options = a.uint(3);
  if (
    options & ~(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE)
  ) {
    return -EINVAL;
  }
  if (!(options & (WEXITED | WUNTRACED | WCONTINUED))) return -EINVAL;
  let match: (pid: number, pgid: number) => boolean;
  if (type === P_ALL) match = () => true;
  else if (type === P_PID) {
    if (id <= 0) return -EINVAL;
    match = (c) => c === id;
  } else if (type === P_PGID) {
    if (id < 0) return -EINVAL;
    const g = id === 0 ? p.pgid : id;
    match = (_c, pgid) => pgid === g;
  } else if (type === P_PIDFD) return -EINVAL;
  else return -EINVAL;
  const r = await waitChild(p, (pid, pgid) => match(pid, pgid), options, !(options & WNOWAIT));
  if (typeof r === "number") {
    if (r === 0 && infop) p.mem.write(infop, new Uint8Array(128)); // WNOHANG: si_pid = 0
    return r;
  }
  if (infop) {
    const b = new Uint8Array(128), v = new DataView(b.buffer);
    const e = r.exit;
    v.setInt32(0, SIGCHLD, true);
    const code = r.stop !== undefined
      ? (r.stop ? CLD_STOPPED : CLD_CONTINUED)
      : e.signal === undefined
      ? CLD_EXITED
      : e.core
      ? CLD_DUMPED
      : CLD_KILLED;
    v.setInt32(8, code, true);
    v.setInt32(16, r.pid, true);
    v.setInt32(20, p.cred.uid, true);
    v.setInt32(24, r.stop !== undefined ? (r.stop || 18) : e.signal ?? e.code ?? 0, true);
    p.mem.write(infop, b);
  }
  return 0;
}

// ---- other processes ----------------------------------------------------------------------------

function routed(name: string, route: (p: Process, a: Args) => Promise<number>): Handler {
  return (p, a) => (p.host ? route(p, a) : alone(name, p, a));
}

const ask = async (p: Process, msg: Record<string, unknown>) => Number(await p.host!.ask(msg));

const sysKill = routed("kill", async (p, a) => {
  const pid = a.int(0), sig = a.int(1);
  if (sig < 0 || sig > 64) return -EINVAL;
  if (pid === p.pid) return alone("kill", p, a) as number;
  return await ask(p, { op: "kill", sender: p.pid, pid, signal: sig });
});

const sysTgkill = routed("tgkill", async (p, a) => {
  const tgid = a.int(0), tid = a.int(1), sig = a.int(2);
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig > 64) return -EINVAL;
  if (tgid === p.pid) return alone("tgkill", p, a) as number;
  if (tgid !== tid) return -3; // one thread per process: ESRCH
  return await ask(p, { op: "kill", sender: p.pid, pid: tid, signal: sig });
});

const sysTkill = routed("tkill", async (p, a) => {
  const tid = a.int(0), sig = a.int(1);
  if (tid <= 0 || sig < 0 || sig > 64) return -EINVAL;
  if (tid === p.tid) return alone("tkill", p, a) as number;
  return await ask(p, { op: "kill", sender: p.pid, pid: tid, signal: sig });
});

const sysGetpgid = routed("getpgid", async (p, a) => {
  const pid = a.int(0);
  if (pid === 0 || pid === p.pid) return p.pgid;
  return await ask(p, { op: "getpgid", pid });
});

const sysGetsid = routed("getsid", async (p, a) => {
  const pid = a.int(0);
  if (pid === 0 || pid === p.pid) return p.sid;
  return await ask(p, { op: "getsid", pid });
});

const sysSetpgid = routed("setpgid", async (p, a) => {
  const pid = a.int(0), pgid = a.int(1);
  if (pgid < 0) return -EINVAL;
  const r = await ask(p, { op: "setpgid", caller: p.pid, pid, pgid });
  if (r === 0 && (pid === 0 || pid === p.pid)) p.pgid = pgid || p.pid;
  if (r === 0 && pid !== 0 && pid !== p.pid) p.host!.childGroup(pid, pgid || pid);
  return r;
});

const sysSetsid = routed("setsid", async (p) => {
  const r = await ask(p, { op: "setsid", caller: p.pid });
  if (r > 0) p.sid = p.pgid = r;
  return r;
});

export const rows: SyscallDef[] = [
  { name: "fork", handler: (p) => doClone(p, SIGCHLD, 0, 0, 0) },
  { name: "vfork", handler: (p) => doClone(p, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0) },
  { name: "clone", handler: sysClone, args: "x,p,p,p,p" },
  { name: "clone3", handler: () => -ENOSYS, args: "p,u", level: "none: libc falls back to clone" },
  {
    name: "execve",
    handler: (p, a) => execve(p, -100, a.ulong(0), a.ulong(1), a.ulong(2), 0),
    args: "s,p,p",
  },
  {
    name: "execveat",
    handler: (p, a) => execve(p, a.int(0), a.ulong(1), a.ulong(2), a.ulong(3), a.int(4)),
    args: "f,s,p,p,x",
  },
  { name: "wait4", handler: sysWait4, args: "d,p,x,p", blocking: true },
  { name: "waitid", handler: sysWaitid, args: "d,d,p,x,p", blocking: true },
  { name: "kill", handler: sysKill, args: "d,d" },
  { name: "tkill", handler: sysTkill, args: "d,d" },
  { name: "tgkill", handler: sysTgkill, args: "d,d,d" },
  { name: "getpgid", handler: sysGetpgid, args: "d" },
  { name: "getsid", handler: sysGetsid, args: "d" },
  { name: "setpgid", handler: sysSetpgid, args: "d,d" },
  { name: "setsid", handler: sysSetsid },
];
