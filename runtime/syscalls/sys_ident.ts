// Identity and process attributes: uname, pids and ids (get*/set* uid/gid families, groups,
// process groups and sessions), resource limits, sysinfo, getrandom, arch_prctl,
// set_tid_address, robust lists, prctl basics, CPU affinity, getcpu, personality; rseq and
// membarrier answer ENOSYS (glibc falls back). Credentials change as for a process without
// capabilities unless its euid is 0. prctl's dumpable/keepcaps/no_new_privs/subreaper flags and
// the personality are kept per process here (not yet in checkpoints).

import { EFAULT, EINVAL, ENODEV, ENOSYS, EPERM, ESRCH } from "../kernel/errno.ts";
import type { Credentials, Process } from "../kernel/process.ts";
import { getRlimit, NR_OPEN, RLIM_NLIMITS, RLIMIT_NOFILE, setRlimit } from "../kernel/rlimits.ts";
import { TASK_SIZE } from "../kernel/mm.ts";
import { NSIG } from "../kernel/signal_defs.ts";
import { PageFault } from "../memory/memory.ts";
import type { Args, SyscallDef } from "./table.ts";

/** Attributes without a home in Process yet. */
interface Attributes {
  dumpable: number;
  keepCaps: number;
  noNewPrivs: number;
  childSubreaper: number;
  personality: number;
}
const attributes = new WeakMap<Process, Attributes>();
function attrs(p: Process): Attributes {
  let a = attributes.get(p);
  if (!a) {
    attributes.set(
      p,
      a = { dumpable: 1, keepCaps: 0, noNewPrivs: 0, childSubreaper: 0, personality: 0 },
    );
  }
  return a;
}

const enc = new TextEncoder();

// ---- uname ------------------------------------------------------------------------------------

let hostVersion: string | undefined;
function kernelVersion(): string {
  if (hostVersion === undefined) {
    try {
      hostVersion = Deno.readTextFileSync("/proc/sys/kernel/version").trim();
    } catch {
      hostVersion = "#1 SMP PREEMPT_DYNAMIC";
    }
  }
  return hostVersion;
}

function sysUname(p: Process, a: Args): number {
  let release = "6.1.0", nodename = "localhost";
  try {
    release = Deno.osRelease();
    nodename = Deno.hostname();
  } catch { /* defaults */ }
  const fields = ["Linux", nodename, release, kernelVersion(), "x86_64", "(none)"];
  const out = new Uint8Array(65 * 6);
  fields.forEach((f, k) => out.set(enc.encode(f).subarray(0, 64), 65 * k));
  p.mem.write(a.ulong(0), out);
  return 0;
}

// ---- ids --------------------------------------------------------------------------------------

const NO_ID = 0xffffffff;

function writeIds(p: Process, addrs: number[], ids: number[]): number {
  for (let k = 0; k < 3; k++) p.mem.write32(addrs[k], ids[k]);
  return 0;
}

type IdKind = "u" | "g";
function fields(kind: IdKind): ["uid" | "gid", "euid" | "egid", "suid" | "sgid"] {
  return kind === "u" ? ["uid", "euid", "suid"] : ["gid", "egid", "sgid"];
}

/** setuid/setgid: root sets all three, others may only switch the effective id between r and s. */
function setId(p: Process, kind: IdKind, id: number): number {
  if (id === NO_ID) return -EINVAL;
  const [r, e, s] = fields(kind);
  const c = p.cred;
  if (c.euid === 0) c[r] = c[e] = c[s] = id;
  else if (id === c[r] || id === c[s]) c[e] = id;
  else return -EPERM;
  return 0;
}

/** setreuid/setregid. */
function setReId(p: Process, kind: IdKind, real: number, eff: number): number {
  const [r, e, s] = fields(kind);
  const c: Credentials = p.cred;
  const root = c.euid === 0;
  if (real !== NO_ID && !root && real !== c[r] && real !== c[e]) return -EPERM;
  if (eff !== NO_ID && !root && eff !== c[r] && eff !== c[e] && eff !== c[s]) return -EPERM;
  const oldReal = c[r];
  if (real !== NO_ID) c[r] = real;
  if (eff !== NO_ID) c[e] = eff;
  if (real !== NO_ID || (eff !== NO_ID && eff !== oldReal)) c[s] = c[e];
  return 0;
}

/** setresuid/setresgid. */
function setResId(p: Process, kind: IdKind, ids: number[]): number {
  const [r, e, s] = fields(kind);
  const c = p.cred;
  if (c.euid !== 0) {
    for (const id of ids) {
      if (id !== NO_ID && id !== c[r] && id !== c[e] && id !== c[s]) return -EPERM;
    }
  }
  if (ids[0] !== NO_ID) c[r] = ids[0];
  if (ids[1] !== NO_ID) c[e] = ids[1];
  if (ids[2] !== NO_ID) c[s] = ids[2];
  return 0;
}

/** setfsuid/setfsgid: the filesystem id follows the effective id here; returns the old one. */
function setFsId(p: Process, kind: IdKind): number {
  return kind === "u" ? p.cred.euid : p.cred.egid;
}

function sysGetgroups(p: Process, a: Args): number {
  const size = a.int(0), list = a.ulong(1);
  const groups = p.cred.groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -EINVAL;
  groups.forEach((g, k) => p.mem.write32(list + 4 * k, g));
  return groups.length;
}

function sysSetgroups(p: Process, a: Args): number {
  const size = a.int(0), list = a.ulong(1);
  if (size < 0 || size > 65536) return -EINVAL;
  if (p.cred.euid !== 0) return -EPERM;
  const groups: number[] = [];
  for (let k = 0; k < size; k++) groups.push(p.mem.read32(list + 4 * k) >>> 0);
  p.cred.groups = groups.sort((x, y) => x - y);
  return 0;
}

// ---- process groups and sessions --------------------------------------------------------------

function self(p: Process, pid: number): boolean {
  return pid === 0 || pid === p.pid;
}

function sysGetpgid(p: Process, a: Args): number {
  return self(p, a.int(0)) ? p.pgid : -ESRCH;
}

function sysGetsid(p: Process, a: Args): number {
  return self(p, a.int(0)) ? p.sid : -ESRCH;
}

function sysSetpgid(p: Process, a: Args): number {
  const pid = a.int(0);
  let pgid = a.int(1);
  if (pgid < 0) return -EINVAL;
  if (!self(p, pid)) return -ESRCH;
  if (pgid === 0) pgid = p.pid;
  if (p.sid === p.pid) return -EPERM; // a session leader cannot change its group
  if (pgid !== p.pid && pgid !== p.pgid) return -EPERM; // no such group in this session
  p.pgid = pgid;
  return 0;
}

function sysSetsid(p: Process): number {
  if (p.pgid === p.pid) return -EPERM; // already a group leader
  p.sid = p.pgid = p.pid;
  return p.pid;
}

// ---- resource limits --------------------------------------------------------------------------

function readLimit(p: Process, addr: number): number {
  const lo = p.mem.read32(addr) >>> 0, hi = p.mem.read32(addr + 4) >>> 0;
  const v = hi * 4294967296 + lo;
  return v >= 2 ** 53 ? Infinity : v;
}

function writeLimits(p: Process, addr: number, [soft, hard]: [number, number]): void {
  p.mem.checkWritable(addr, 16);
  for (const [at, v] of [[addr, soft], [addr + 8, hard]]) {
    if (v === Infinity) {
      p.mem.write32(at, -1);
      p.mem.write32(at + 4, -1);
    } else {
      p.mem.write64(at, v);
    }
  }
}

/** do_prlimit: validates and applies a new limit. */
function applyLimit(p: Process, r: number, soft: number, hard: number): number {
  if (soft > hard) return -EINVAL;
  const old = getRlimit(p, r);
  if (r === RLIMIT_NOFILE && hard > NR_OPEN) return -EPERM;
  if (hard > old[1] && p.cred.euid !== 0) return -EPERM;
  setRlimit(p, r, soft, hard);
  return 0;
}

function prlimit(p: Process, r: number, newAddr: number, oldAddr: number): number {
  if (r < 0 || r >= RLIM_NLIMITS) return -EINVAL;
  let next: [number, number] | undefined;
  if (newAddr !== 0) next = [readLimit(p, newAddr), readLimit(p, newAddr + 8)];
  const old = getRlimit(p, r);
  if (next) {
    const e = applyLimit(p, r, next[0], next[1]);
    if (e < 0) return e;
  }
  if (oldAddr !== 0) writeLimits(p, oldAddr, old);
  return 0;
}

function sysGetrlimit(p: Process, a: Args): number {
  return prlimit(p, a.int(0), 0, a.ulong(1));
}

function sysSetrlimit(p: Process, a: Args): number {
  return prlimit(p, a.int(0), a.ulong(1), 0);
}

function sysPrlimit64(p: Process, a: Args): number {
  if (!self(p, a.int(0))) return -ESRCH;
  return prlimit(p, a.int(1), a.ulong(2), a.ulong(3));
}

// ---- system information -----------------------------------------------------------------------

function sysSysinfo(p: Process, a: Args): number {
  const out = new Uint8Array(112);
  const v = new DataView(out.buffer);
  const u64 = (at: number, x: number) => {
    v.setUint32(at, x >>> 0, true);
    v.setUint32(at + 4, Math.floor(x / 4294967296), true);
  };
  try {
    u64(0, Math.floor(Deno.osUptime()));
    Deno.loadavg().forEach((l, k) => u64(8 + 8 * k, Math.round(l * 65536)));
    const m = Deno.systemMemoryInfo();
    u64(32, m.total);
    u64(40, m.free);
    u64(48, 0);
    u64(56, m.buffers);
    u64(64, m.swapTotal);
    u64(72, m.swapFree);
  } catch { /* leave zeros */ }
  v.setUint16(80, 1, true); // procs
  v.setUint32(104, 1, true); // mem_unit
  p.mem.write(a.ulong(0), out);
  return 0;
}

const GRND_NONBLOCK = 1, GRND_RANDOM = 2, GRND_INSECURE = 4;

function sysGetrandom(p: Process, a: Args): number {
  const buf = a.ulong(0), flags = a.int(2);
  const len = Math.min(a.ulong(1), 0x1ffffff);
  if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) return -EINVAL;
  if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM)) return -EINVAL;
  const chunk = new Uint8Array(65536);
  let done = 0;
  while (done < len) {
    const n = Math.min(chunk.length, len - done);
    crypto.getRandomValues(chunk.subarray(0, n));
    try {
      p.mem.write(buf + done, chunk.subarray(0, n));
    } catch (e) {
      if (e instanceof PageFault) return done > 0 ? done : -EFAULT;
      throw e;
    }
    done += n;
  }
  return done;
}

// ---- thread-area and process control ----------------------------------------------------------

const ARCH_SET_GS = 0x1001, ARCH_SET_FS = 0x1002, ARCH_GET_FS = 0x1003, ARCH_GET_GS = 0x1004;
const ARCH_GET_CPUID = 0x1011, ARCH_SET_CPUID = 0x1012;

function sysArchPrctl(p: Process, a: Args): number {
  const code = a.int(0), addr = a.ulong(1);
  switch (code) {
    case ARCH_SET_FS:
    case ARCH_SET_GS:
      if (addr >= TASK_SIZE) return -EPERM;
      if (code === ARCH_SET_FS) p.cpu.fsBase = addr;
      else p.cpu.gsBase = addr;
      return 0;
    case ARCH_GET_FS:
      p.mem.write64(addr, p.cpu.fsBase);
      return 0;
    case ARCH_GET_GS:
      p.mem.write64(addr, p.cpu.gsBase);
      return 0;
    case ARCH_GET_CPUID:
      return 1;
    case ARCH_SET_CPUID:
      return -ENODEV; // no CPUID faulting
    default:
      return -EINVAL; // CET, shadow stacks, AMX permissions, vDSO mapping
  }
}

function sysSetTidAddress(p: Process, a: Args): number {
  p.clearChildTid = a.ulong(0);
  return p.tid;
}

const ROBUST_LIST_HEAD_SIZE = 24;

function sysSetRobustList(p: Process, a: Args): number {
  if (a.ulong(1) !== ROBUST_LIST_HEAD_SIZE) return -EINVAL;
  p.robustList = a.ulong(0);
  p.robustListLen = ROBUST_LIST_HEAD_SIZE;
  return 0;
}

function sysGetRobustList(p: Process, a: Args): number {
  if (!self(p, a.int(0))) return -ESRCH;
  p.mem.write64(a.ulong(1), p.robustList);
  p.mem.write64(a.ulong(2), ROBUST_LIST_HEAD_SIZE);
  return 0;
}

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4;
const PR_GET_KEEPCAPS = 7, PR_SET_KEEPCAPS = 8, PR_SET_NAME = 15, PR_GET_NAME = 16;
const PR_GET_SECCOMP = 21, PR_CAPBSET_READ = 23, PR_SET_TIMERSLACK = 29;
const PR_GET_TIMERSLACK = 30, PR_SET_CHILD_SUBREAPER = 36, PR_GET_CHILD_SUBREAPER = 37;
const PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39, PR_GET_TID_ADDRESS = 40;
const PR_SET_THP_DISABLE = 41, PR_GET_THP_DISABLE = 42, PR_SET_PTRACER = 0x59616d61;
const CAP_LAST_CAP = 40;

function sysPrctl(p: Process, a: Args): number {
  const option = a.int(0), arg = a.ulong(1);
  const at = attrs(p);
  switch (option) {
    case PR_SET_PDEATHSIG:
      if (arg > NSIG) return -EINVAL;
      p.signals.pdeathsig = arg;
      return 0;
    case PR_GET_PDEATHSIG:
      p.mem.write32(arg, p.signals.pdeathsig);
      return 0;
    case PR_GET_DUMPABLE:
      return at.dumpable;
    case PR_SET_DUMPABLE:
      if (arg > 1) return -EINVAL;
      at.dumpable = arg;
      return 0;
    case PR_GET_KEEPCAPS:
      return at.keepCaps;
    case PR_SET_KEEPCAPS:
      if (arg > 1) return -EINVAL;
      at.keepCaps = arg;
      return 0;
    case PR_SET_NAME: {
      const bytes = p.mem.read(arg, 16);
      const end = bytes.indexOf(0);
      p.comm = new TextDecoder().decode(bytes.subarray(0, end < 0 || end > 15 ? 15 : end));
      return 0;
    }
    case PR_GET_NAME: {
      const out = new Uint8Array(16);
      out.set(enc.encode(p.comm).subarray(0, 15));
      p.mem.write(arg, out);
      return 0;
    }
    case PR_GET_SECCOMP:
      return 0;
    case PR_CAPBSET_READ:
      return arg <= CAP_LAST_CAP ? 1 : -EINVAL;
    case PR_GET_TIMERSLACK:
      return 50000;
    case PR_SET_TIMERSLACK:
    case PR_SET_PTRACER:
    case PR_SET_THP_DISABLE:
      return 0;
    case PR_GET_THP_DISABLE:
      return 0;
    case PR_SET_CHILD_SUBREAPER:
      at.childSubreaper = arg ? 1 : 0;
      return 0;
    case PR_GET_CHILD_SUBREAPER:
      p.mem.write32(arg, at.childSubreaper);
      return 0;
    case PR_SET_NO_NEW_PRIVS:
      if (arg !== 1 || a.ulong(2) || a.ulong(3) || a.ulong(4)) return -EINVAL;
      at.noNewPrivs = 1;
      return 0;
    case PR_GET_NO_NEW_PRIVS:
      if (arg || a.ulong(2) || a.ulong(3) || a.ulong(4)) return -EINVAL;
      return at.noNewPrivs;
    case PR_GET_TID_ADDRESS:
      p.mem.write64(arg, p.clearChildTid);
      return 0;
    default:
      return -EINVAL;
  }
}

// ---- scheduling and CPUs ----------------------------------------------------------------------

/** One CPU, as the guest sees it. */
const CPUMASK_SIZE = 8;

function sysSchedGetaffinity(p: Process, a: Args): number {
  const len = a.uint(1);
  if (!self(p, a.int(0))) return -ESRCH;
  if (len * 8 < 1 || (len & 7) !== 0) return -EINVAL;
  const n = Math.min(len, CPUMASK_SIZE);
  const out = new Uint8Array(n);
  out[0] = 1;
  p.mem.write(a.ulong(2), out);
  return n;
}

function sysSchedSetaffinity(p: Process, a: Args): number {
  if (!self(p, a.int(0))) return -ESRCH;
  const len = a.uint(1);
  if (len === 0) return -EINVAL;
  const first = p.mem.read8(a.ulong(2));
  return (first & 1) ? 0 : -EINVAL;
}

function sysGetcpu(p: Process, a: Args): number {
  if (a.ulong(0) !== 0) p.mem.write32(a.ulong(0), 0);
  if (a.ulong(1) !== 0) p.mem.write32(a.ulong(1), 0);
  return 0;
}

function sysPersonality(p: Process, a: Args): number {
  const at = attrs(p);
  const old = at.personality;
  const persona = a.uint(0);
  if (persona !== 0xffffffff) at.personality = persona;
  return old;
}

function enosys(): number {
  return -ENOSYS;
}

const id = (f: (p: Process) => number) => (p: Process) => f(p);

export const rows: SyscallDef[] = [
  { name: "uname", handler: sysUname, args: "p" },
  { name: "getpid", handler: id((p) => p.pid) },
  { name: "gettid", handler: id((p) => p.tid) },
  { name: "getppid", handler: id((p) => p.ppid) },
  { name: "getuid", handler: id((p) => p.cred.uid) },
  { name: "geteuid", handler: id((p) => p.cred.euid) },
  { name: "getgid", handler: id((p) => p.cred.gid) },
  { name: "getegid", handler: id((p) => p.cred.egid) },
  {
    name: "getresuid",
    handler: (p, a) =>
      writeIds(p, [a.ulong(0), a.ulong(1), a.ulong(2)], [p.cred.uid, p.cred.euid, p.cred.suid]),
    args: "p,p,p",
  },
  {
    name: "getresgid",
    handler: (p, a) =>
      writeIds(p, [a.ulong(0), a.ulong(1), a.ulong(2)], [p.cred.gid, p.cred.egid, p.cred.sgid]),
    args: "p,p,p",
  },
  { name: "setuid", handler: (p, a) => setId(p, "u", a.uint(0)), args: "u" },
  { name: "setgid", handler: (p, a) => setId(p, "g", a.uint(0)), args: "u" },
  { name: "setreuid", handler: (p, a) => setReId(p, "u", a.uint(0), a.uint(1)), args: "d,d" },
  { name: "setregid", handler: (p, a) => setReId(p, "g", a.uint(0), a.uint(1)), args: "d,d" },
  {
    name: "setresuid",
    handler: (p, a) => setResId(p, "u", [a.uint(0), a.uint(1), a.uint(2)]),
    args: "d,d,d",
  },
  {
    name: "setresgid",
    handler: (p, a) => setResId(p, "g", [a.uint(0), a.uint(1), a.uint(2)]),
    args: "d,d,d",
  },
  { name: "setfsuid", handler: (p) => setFsId(p, "u"), args: "u" },
  { name: "setfsgid", handler: (p) => setFsId(p, "g"), args: "u" },
  { name: "getgroups", handler: sysGetgroups, args: "d,p" },
  { name: "setgroups", handler: sysSetgroups, args: "d,p" },
  { name: "getpgrp", handler: id((p) => p.pgid) },
  { name: "getpgid", handler: sysGetpgid, args: "d" },
  { name: "setpgid", handler: sysSetpgid, args: "d,d" },
  { name: "getsid", handler: sysGetsid, args: "d" },
  { name: "setsid", handler: sysSetsid },
  { name: "getrlimit", handler: sysGetrlimit, args: "d,p" },
  { name: "setrlimit", handler: sysSetrlimit, args: "d,p" },
  { name: "prlimit64", handler: sysPrlimit64, args: "d,d,p,p" },
  { name: "sysinfo", handler: sysSysinfo, args: "p" },
  { name: "getrandom", handler: sysGetrandom, args: "p,u,x" },
  { name: "arch_prctl", handler: sysArchPrctl, args: "x,p" },
  { name: "set_tid_address", handler: sysSetTidAddress, args: "p" },
  { name: "set_robust_list", handler: sysSetRobustList, args: "p,u" },
  { name: "get_robust_list", handler: sysGetRobustList, args: "d,p,p" },
  { name: "prctl", handler: sysPrctl, args: "d,x,x,x,x" },
  { name: "sched_getaffinity", handler: sysSchedGetaffinity, args: "d,u,p" },
  { name: "sched_setaffinity", handler: sysSchedSetaffinity, args: "d,u,p" },
  { name: "getcpu", handler: sysGetcpu, args: "p,p,p" },
  { name: "personality", handler: sysPersonality, args: "x" },
  { name: "rseq", handler: enosys, args: "p,u,x,x", level: "partial: ENOSYS (glibc falls back)" },
  { name: "membarrier", handler: enosys, args: "d,x,d", level: "partial: ENOSYS" },
];
