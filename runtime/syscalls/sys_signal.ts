// Signal syscalls: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigreturn,
// rt_sigtimedwait, sigaltstack, kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, pause,
// alarm, setitimer, getitimer, restart_syscall. They decode arguments and call SignalState
// (runtime/kernel/signals.ts). Only this process can be signalled for now: other pids answer
// ESRCH until the IPC layer routes them.

import { EAGAIN, EINTR, EINVAL, ENOMEM, EPERM, ESRCH } from "../kernel/errno.ts";
import type { Process } from "../kernel/process.ts";
import {
  defaultAction,
  ERESTARTNOHAND,
  MINSIGSTKSZ,
  NSIG,
  SA_KNOWN,
  SI_TKILL,
  SI_USER,
  SIG_BLOCK,
  SIG_DFL,
  SIG_IGN,
  SIG_SETMASK,
  SIG_UNBLOCK,
  sigbit,
  SIGKILL,
  SIGSTOP,
  SS_AUTODISARM,
  SS_DISABLE,
  SS_ONSTACK,
  UNBLOCKABLE,
} from "../kernel/signal_defs.ts";
import {
  decodeSigInfo,
  encodeSigInfo,
  readSigset,
  type SigInfo,
  SIGINFO_SIZE,
  writeSigset,
} from "../kernel/signal_frame.ts";
import { ITIMER_PROF, ITIMER_REAL, type TimerValue } from "../kernel/timers.ts";
import { RSP } from "../cpu/state.ts";
import type { Args, SyscallDef } from "./table.ts";

const SIGSET_SIZE = 8;

function validSignal(sig: number): boolean {
  return sig >= 1 && sig <= NSIG;
}

// ---- dispositions and masks ---------------------------------------------------------------------

function sysRtSigaction(p: Process, a: Args): number {
  const sig = a.int(0), act = a.ulong(1), oldact = a.ulong(2);
  if (a.ulong(3) !== SIGSET_SIZE) return -EINVAL;
  if (!validSignal(sig) || (act !== 0 && (sig === SIGKILL || sig === SIGSTOP))) return -EINVAL;
  const mem = p.mem;
  let next;
  if (act !== 0) {
    next = {
      handler: mem.read64(act),
      flags: (mem.read32(act + 8) >>> 0) & SA_KNOWN,
      restorer: mem.read64(act + 16),
      mask: readSigset(mem, act + 24) & ~UNBLOCKABLE,
    };
  }
  const cur = p.signals.actions[sig];
  if (oldact !== 0) {
    mem.checkWritable(oldact, 32);
    mem.write64(oldact, cur.handler);
    mem.write64(oldact + 8, cur.flags >>> 0);
    mem.write64(oldact + 16, cur.restorer);
    writeSigset(mem, oldact + 24, cur.mask);
  }
  if (next) {
    p.signals.actions[sig] = next;
    // POSIX: making a pending signal ignored discards it.
    if (next.handler === SIG_IGN || (next.handler === SIG_DFL && defaultAction(sig) === "ign")) {
      p.signals.drop(sigbit(sig));
    }
  }
  return 0;
}

function sysRtSigprocmask(p: Process, a: Args): number {
  const how = a.int(0), set = a.ulong(1), oldset = a.ulong(2);
  if (a.ulong(3) !== SIGSET_SIZE) return -EINVAL;
  const old = p.signals.blocked;
  let next = old;
  if (set !== 0) {
    const s = readSigset(p.mem, set);
    if (how === SIG_BLOCK) next = old | s;
    else if (how === SIG_UNBLOCK) next = old & ~s;
    else if (how === SIG_SETMASK) next = s;
    else return -EINVAL;
  }
  if (oldset !== 0) writeSigset(p.mem, oldset, old);
  if (set !== 0) p.signals.setBlocked(next);
  return 0;
}

function sysRtSigpending(p: Process, a: Args): number {
  const size = a.ulong(1);
  if (size > SIGSET_SIZE) return -EINVAL;
  const set = p.signals.pending & p.signals.blocked;
  const bytes = new Uint8Array(size);
  for (let k = 0; k < size; k++) bytes[k] = Number((set >> BigInt(8 * k)) & 0xffn);
  p.mem.write(a.ulong(0), bytes);
  return 0;
}

async function sysRtSigsuspend(p: Process, a: Args): Promise<number> {
  if (a.ulong(1) !== SIGSET_SIZE) return -EINVAL;
  const mask = readSigset(p.mem, a.ulong(0));
  return await p.signals.suspend(p, mask);
}

async function sysPause(p: Process): Promise<number> {
  await p.signals.pause(p);
  return -ERESTARTNOHAND;
}

function sysRtSigreturn(p: Process): number | undefined {
  p.signals.sigreturn(p);
  // The restored rax is the result; one that looks like ERESTART* must not restart anything.
  const rax = p.cpu.reg(0);
  return rax <= -512 && rax >= -516 ? undefined : rax;
}

/** rt_sigtimedwait(set, info, timeout, sigsetsize): dequeues a pending signal of `set`. */
async function sysRtSigtimedwait(p: Process, a: Args): Promise<number> {
  if (a.ulong(3) !== SIGSET_SIZE) return -EINVAL;
  const set = readSigset(p.mem, a.ulong(0)) & ~UNBLOCKABLE;
  const infoAddr = a.ulong(1), timeout = a.ulong(2);
  let ms = Infinity;
  if (timeout !== 0) {
    const sec = p.mem.read64(timeout), nsec = p.mem.read64(timeout + 8);
    if (sec < 0 || sec >= 2 ** 53 || nsec < 0 || nsec >= 1e9) return -EINVAL;
    ms = sec * 1000 + nsec / 1e6;
  }
  const s = p.signals;
  const take = (): number => {
    const sig = s.nextPending(set);
    if (sig === 0) return 0;
    const info = s.dequeue(sig);
    if (infoAddr !== 0) p.mem.write(infoAddr, encodeSigInfo(info));
    return sig;
  };
  const now = take();
  if (now !== 0 || ms === 0) return now || -EAGAIN;
  // Wait with `set` unblocked, so that one of them (or any other unblocked signal) wakes us.
  const saved = s.blocked;
  s.setBlocked(saved & ~set);
  try {
    if (ms === Infinity) await s.pause(p);
    else await s.sleep(p, ms);
  } finally {
    s.setBlocked(saved);
  }
  const got = take();
  if (got !== 0) return got;
  return s.hasDeliverable ? -EINTR : -EAGAIN;
}

function sysSigaltstack(p: Process, a: Args): number {
  const ss = a.ulong(0), old = a.ulong(1);
  const s = p.signals, sp = p.cpu.regU(RSP);
  const oldSp = s.altSp, oldSize = s.altSize;
  const oldFlags = s.altStackFlags(sp) | (s.altFlags & SS_AUTODISARM);
  if (ss !== 0) {
    const ssSp = p.mem.read64(ss), flags = p.mem.read32(ss + 8), size = p.mem.read64(ss + 16);
    const mode = flags & ~SS_AUTODISARM;
    if (s.onAltStack(sp)) return -EPERM;
    if (mode !== SS_DISABLE && mode !== SS_ONSTACK && mode !== 0) return -EINVAL;
    if (mode !== SS_DISABLE && size < MINSIGSTKSZ) return -ENOMEM;
    const r = s.setAltStack(sp, ssSp, flags, size);
    if (r < 0) return r;
  }
  if (old !== 0) {
    p.mem.checkWritable(old, 24);
    p.mem.write64(old, oldSp);
    p.mem.write32(old + 8, oldFlags);
    p.mem.write32(old + 12, 0);
    p.mem.write64(old + 16, oldSize);
  }
  return 0;
}

// ---- sending ------------------------------------------------------------------------------------

function sender(p: Process, code: number): SigInfo {
  return { signo: 0, errno: 0, code, pid: p.pid, uid: p.cred.uid };
}

function sysKill(p: Process, a: Args): number {
  const pid = a.int(0), sig = a.int(1);
  if (sig < 0 || sig > NSIG) return -EINVAL;
  // kill(-1) reaches every process but the caller; there are no others yet.
  const self = pid !== -1 && (pid === p.pid || pid === 0 || pid === -p.pgid);
  if (!self) return -ESRCH;
  if (sig !== 0) p.signals.post(p, { ...sender(p, SI_USER), signo: sig });
  return 0;
}

function sysTgkill(p: Process, a: Args): number {
  const tgid = a.int(0), tid = a.int(1), sig = a.int(2);
  if (tgid <= 0 || tid <= 0 || sig < 0 || sig > NSIG) return -EINVAL;
  if (tgid !== p.pid || tid !== p.tid) return -ESRCH;
  if (sig !== 0) p.signals.post(p, { ...sender(p, SI_TKILL), signo: sig });
  return 0;
}

function sysTkill(p: Process, a: Args): number {
  const tid = a.int(0), sig = a.int(1);
  if (tid <= 0 || sig < 0 || sig > NSIG) return -EINVAL;
  if (tid !== p.tid) return -ESRCH;
  if (sig !== 0) p.signals.post(p, { ...sender(p, SI_TKILL), signo: sig });
  return 0;
}

function queueInfo(p: Process, sig: number, uinfo: number, target: boolean): number {
  const info = decodeSigInfo(p.mem.read(uinfo, SIGINFO_SIZE));
  // Towards another process only negative si_codes other than SI_TKILL are allowed (EPERM);
  // a process may send itself anything. Only this process is reachable so far.
  if (!target) return -ESRCH;
  if (!validSignal(sig)) return sig === 0 ? 0 : -EINVAL;
  info.signo = sig;
  p.signals.post(p, info);
  return 0;
}

function sysRtSigqueueinfo(p: Process, a: Args): number {
  return queueInfo(p, a.int(1), a.ulong(2), a.int(0) === p.pid);
}

function sysRtTgsigqueueinfo(p: Process, a: Args): number {
  if (a.int(0) <= 0 || a.int(1) <= 0) return -EINVAL;
  return queueInfo(p, a.int(2), a.ulong(3), a.int(0) === p.pid && a.int(1) === p.tid);
}

// ---- timers -------------------------------------------------------------------------------------

function sysAlarm(p: Process, a: Args): number {
  const seconds = a.uint(0);
  const old = p.signals.timers.set(ITIMER_REAL, { value: seconds * 1000, interval: 0 });
  if (old.value === 0) return 0;
  // Rounded to the nearest second, and never 0 for an armed alarm.
  return Math.max(1, Math.round(old.value / 1000));
}

function readTimeval(p: Process, addr: number): number | undefined {
  const sec = p.mem.read64(addr), usec = p.mem.read64(addr + 8);
  if (sec < 0 || sec >= 2 ** 53 || usec < 0 || usec >= 1e6) return undefined;
  return sec * 1000 + usec / 1000;
}

function writeItimerval(p: Process, addr: number, v: TimerValue): void {
  const put = (at: number, ms: number) => {
    const us = Math.ceil(ms * 1000);
    p.mem.write64(at, Math.floor(us / 1e6));
    p.mem.write64(at + 8, us % 1e6);
  };
  p.mem.checkWritable(addr, 32);
  put(addr, v.interval);
  put(addr + 16, v.value);
}

function sysSetitimer(p: Process, a: Args): number {
  const which = a.int(0), value = a.ulong(1), old = a.ulong(2);
  if (which < ITIMER_REAL || which > ITIMER_PROF) return -EINVAL;
  let setting = { value: 0, interval: 0 };
  if (value !== 0) {
    const interval = readTimeval(p, value), v = readTimeval(p, value + 16);
    if (interval === undefined || v === undefined) return -EINVAL;
    setting = { value: v, interval };
  }
  const prev = p.signals.timers.set(which, setting);
  if (old !== 0) writeItimerval(p, old, prev);
  return 0;
}

function sysGetitimer(p: Process, a: Args): number {
  const which = a.int(0);
  if (which < ITIMER_REAL || which > ITIMER_PROF) return -EINVAL;
  writeItimerval(p, a.ulong(1), p.signals.timers.get(which));
  return 0;
}

function sysRestartSyscall(): number {
  return -EINTR;
}

export const rows: SyscallDef[] = [
  { name: "rt_sigaction", handler: sysRtSigaction, args: "d,p,p,u" },
  { name: "rt_sigprocmask", handler: sysRtSigprocmask, args: "d,p,p,u" },
  { name: "rt_sigpending", handler: sysRtSigpending, args: "p,u" },
  { name: "rt_sigsuspend", handler: sysRtSigsuspend, args: "p,u", blocking: true },
  { name: "rt_sigreturn", handler: sysRtSigreturn, args: "" },
  { name: "rt_sigtimedwait", handler: sysRtSigtimedwait, args: "p,p,p,u", blocking: true },
  { name: "rt_sigqueueinfo", handler: sysRtSigqueueinfo, args: "d,d,p" },
  { name: "rt_tgsigqueueinfo", handler: sysRtTgsigqueueinfo, args: "d,d,d,p" },
  { name: "sigaltstack", handler: sysSigaltstack, args: "p,p" },
  { name: "kill", handler: sysKill, args: "d,d" },
  { name: "tkill", handler: sysTkill, args: "d,d" },
  { name: "tgkill", handler: sysTgkill, args: "d,d,d" },
  { name: "pause", handler: sysPause, args: "", blocking: true },
  { name: "alarm", handler: sysAlarm, args: "u" },
  { name: "setitimer", handler: sysSetitimer, args: "d,p,p" },
  { name: "getitimer", handler: sysGetitimer, args: "d,p" },
  { name: "restart_syscall", handler: sysRestartSyscall, args: "" },
];
