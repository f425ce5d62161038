import assert from "node:assert/strict";
import { getRflags, setRflags } from "../cpu/flags.ts";
import { EAGAIN, EINTR, EINVAL, ENOMEM, EPERM, ESRCH } from "../kernel/errno.ts";
import {
  SA_NODEFER,
  SA_ONSTACK,
  SA_RESETHAND,
  SA_RESTART,
  SA_RESTORER,
  SA_SIGINFO,
  SIGALRM,
  sigbit,
  SIGINT,
  SIGSEGV,
  SIGUSR1,
  SIGUSR2,
} from "../kernel/signal_defs.ts";
import { INFO, MCONTEXT, UC, UC_SIGMASK } from "../kernel/signal_frame.ts";
import { formatSigInfo } from "../kernel/signal_trace.ts";
import { exitTraceLine } from "../kernel/signals.ts";
import { SCRATCH, TestProcess } from "./syscall_testing.ts";

const HANDLER = 0x401000, RESTORER = 0x402000, RIP = 0x400100;
const STACK = SCRATCH + 0x80000;

/** A process stopped just after a syscall instruction, with a handler-less table. */
function setup(lines?: string[]): TestProcess {
  const t = new TestProcess(lines ? { strace: (l) => lines.push(l) } : {});
  t.p.cpu.rip = RIP;
  t.p.cpu.setReg(4, STACK);
  return t;
}

/** rt_sigaction(sig, {handler, flags | SA_RESTORER, restorer, mask}). */
async function sigaction(t: TestProcess, sig: number, handler: number, flags = 0, mask = 0n) {
  const act = t.alloc(32);
  t.p.mem.write64(act, handler);
  t.p.mem.write64(act + 8, (flags | SA_RESTORER) >>> 0);
  t.p.mem.write64(act + 16, RESTORER);
  t.p.mem.write64(act + 24, Number(mask));
  const rip = t.p.cpu.rip, rsp = t.p.cpu.reg(4);
  const r = await t.call("rt_sigaction", sig, act, 0, 8);
  t.p.cpu.rip = rip;
  t.p.cpu.setReg(4, rsp);
  return r;
}

Deno.test("rt_sigaction validates its arguments and reports the old action", async () => {
  const t = setup();
  assert.equal(await t.call("rt_sigaction", SIGUSR1, 0, 0, 4), -EINVAL);
  assert.equal(await t.call("rt_sigaction", 0, 0, 0, 8), -EINVAL);
  assert.equal(await t.call("rt_sigaction", 65, 0, 0, 8), -EINVAL);
  assert.equal(await sigaction(t, 9, HANDLER), -EINVAL);
  assert.equal(await sigaction(t, 19, HANDLER), -EINVAL);
  assert.equal(await t.call("rt_sigaction", 9, 0, t.alloc(32), 8), 0, "SIGKILL can be queried");
  assert.equal(await sigaction(t, SIGUSR1, HANDLER, SA_SIGINFO | 0x400, sigbit(9) | 2n), 0);
  const old = t.alloc(32);
  assert.equal(await t.call("rt_sigaction", SIGUSR1, 0, old, 8), 0);
  assert.equal(t.p.mem.read64(old), HANDLER);
  assert.equal(t.p.mem.read64(old + 8), SA_SIGINFO | SA_RESTORER, "unknown flags dropped");
  assert.equal(t.p.mem.read64(old + 24), 2, "SIGKILL never in sa_mask");
});

Deno.test("rt_sigprocmask blocks, unblocks and never blocks SIGKILL/SIGSTOP", async () => {
  const t = setup();
  const set = t.alloc(8), old = t.alloc(8);
  t.p.mem.write64(set, 2 ** 40 + 0x1ff);
  assert.equal(await t.call("rt_sigprocmask", 0, set, old, 8), 0);
  assert.equal(t.p.mem.read64(old), 0);
  assert.equal(t.p.signals.blocked, (1n << 40n) | 0xffn, "KILL (bit 8) dropped");
  assert.equal(await t.call("rt_sigprocmask", 9, set, 0, 8), -EINVAL);
  assert.equal(await t.call("rt_sigprocmask", 9, 0, old, 8), 0, "how unchecked without set");
  assert.equal(await t.call("rt_sigprocmask", 0, set, 0, 16), -EINVAL);
  t.p.mem.write64(set, 0xf);
  assert.equal(await t.call("rt_sigprocmask", 1, set, 0, 8), 0);
  assert.equal(t.p.signals.blocked, (1n << 40n) | 0xf0n);
});

Deno.test("a handled signal gets a Linux rt_sigframe and rt_sigreturn restores everything", async () => {
  const t = setup();
  const cpu = t.p.cpu;
  await sigaction(t, SIGUSR1, HANDLER, SA_SIGINFO, sigbit(SIGUSR2));
  for (let r = 0; r < 16; r++) if (r !== 4) cpu.setReg(r, 0x1000 + r);
  setRflags(cpu, 0x2 | 0x1 | 0x40 | 0x400); // CF ZF DF
  cpu.xmm32[0] = 0x12345678;
  cpu.mxcsr = 0x1fc0;
  t.p.signals.post(t.p, { signo: SIGUSR1, errno: 0, code: 0, pid: 7, uid: 8 });
  t.p.signals.safepoint(t.p);
  const frame = cpu.reg(4);
  assert.equal((frame + 8) % 16, 0, "rsp + 8 is 16-byte aligned at handler entry");
  assert.ok(frame < STACK - 128 - 512, "below the red zone and the FP state");
  assert.equal(cpu.rip, HANDLER);
  assert.equal(cpu.reg(7), SIGUSR1);
  assert.equal(cpu.reg(6), frame + INFO);
  assert.equal(cpu.reg(2), frame + UC);
  assert.equal(cpu.reg(0), 0);
  assert.equal(getRflags(cpu) & 0x400, 0, "DF cleared");
  assert.equal(cpu.mxcsr, 0x1f80, "handler starts with a clean FPU");
  assert.equal(cpu.xmm32[0], 0);
  const mem = t.p.mem;
  assert.equal(mem.read64(frame), RESTORER);
  assert.equal(mem.read64(frame + MCONTEXT + 13 * 8), 0x1000, "rax");
  assert.equal(mem.read64(frame + MCONTEXT + 15 * 8), STACK, "rsp");
  assert.equal(mem.read64(frame + MCONTEXT + 16 * 8), RIP, "rip");
  assert.equal(mem.read32(frame + INFO), SIGUSR1);
  assert.equal(mem.read32(frame + INFO + 16), 7, "si_pid");
  assert.equal(mem.read32(frame + INFO + 20), 8, "si_uid");
  const fpstate = mem.read64(frame + MCONTEXT + 184);
  assert.equal(fpstate % 64, 0);
  assert.equal(mem.read32(fpstate + 24), 0x1fc0, "saved mxcsr");
  assert.equal(mem.read32(fpstate + 160), 0x12345678, "saved xmm0");
  assert.equal(t.p.signals.blocked, sigbit(SIGUSR1) | sigbit(SIGUSR2));
  assert.equal(mem.read64(frame + UC_SIGMASK), 0);

  // The handler returns into the restorer, which pops pretcode and calls rt_sigreturn.
  cpu.setReg(4, frame + 8);
  cpu.setReg(11, 0);
  assert.equal(await t.call("rt_sigreturn"), 0x1000);
  assert.equal(cpu.rip, RIP);
  assert.equal(cpu.reg(4), STACK);
  for (let r = 1; r < 16; r++) if (r !== 4) assert.equal(cpu.reg(r), 0x1000 + r, `reg ${r}`);
  assert.equal(getRflags(cpu) & 0xfff, 0x2 | 0x1 | 0x40 | 0x400 | 0x200);
  assert.equal(cpu.xmm32[0], 0x12345678);
  assert.equal(cpu.mxcsr, 0x1fc0);
  assert.equal(t.p.signals.blocked, 0n);
});

Deno.test("signals nest, SA_NODEFER and SA_RESETHAND behave as on Linux", async () => {
  const t = setup();
  await sigaction(t, SIGUSR1, HANDLER, SA_NODEFER | SA_RESETHAND);
  await sigaction(t, SIGUSR2, HANDLER + 0x100);
  const s = t.p.signals;
  s.post(t.p, { signo: SIGUSR2, errno: 0, code: 0 });
  s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 });
  s.safepoint(t.p);
  // USR1 (lower) was delivered first, USR2 on top of it: its handler runs first.
  assert.equal(t.p.cpu.rip, HANDLER + 0x100);
  assert.equal(s.blocked, sigbit(SIGUSR2), "NODEFER left USR1 unblocked");
  assert.equal(s.actions[SIGUSR1].handler, 0, "RESETHAND");
});

Deno.test("faults are forced: blocked SIGSEGV kills, a missing restorer kills", async () => {
  const lines: string[] = [];
  const t = setup(lines);
  await sigaction(t, SIGSEGV, HANDLER);
  t.p.signals.setBlocked(sigbit(SIGSEGV));
  t.p.signals.fault(t.p, SIGSEGV, 1, 0x10);
  t.p.signals.safepoint(t.p);
  assert.deepEqual(t.p.exitStatus, { signal: SIGSEGV }, "RLIMIT_CORE 0: no core dumped");
  assert.deepEqual(lines.slice(-1), [
    "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---",
  ]);

  const u = setup();
  const act = u.alloc(32);
  u.p.mem.write64(act, HANDLER);
  await u.call("rt_sigaction", SIGUSR1, act, 0, 8);
  u.p.signals.post(u.p, { signo: SIGUSR1, errno: 0, code: 0 });
  u.p.rlimits[4] = [Infinity, Infinity]; // RLIMIT_CORE
  u.p.signals.safepoint(u.p);
  assert.deepEqual(u.p.exitStatus, { signal: SIGSEGV, core: true });
});

Deno.test("an unwritable stack turns delivery into SIGSEGV", async () => {
  const t = setup();
  await sigaction(t, SIGUSR1, HANDLER);
  t.p.cpu.setReg(4, 0x5000);
  t.p.signals.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 });
  t.p.signals.safepoint(t.p);
  assert.equal(t.p.exitStatus?.signal, SIGSEGV);
});

Deno.test("ERESTARTSYS restarts under SA_RESTART and is EINTR otherwise", async () => {
  for (const [flags, rax, rip] of [[SA_RESTART, 0, RIP - 2], [0, -EINTR, RIP]]) {
    const t = setup();
    await sigaction(t, SIGUSR1, HANDLER, flags);
    const s = t.p.signals;
    t.p.cpu.setReg(0, -512);
    s.syscallInterrupted(0, 512);
    s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 });
    s.safepoint(t.p);
    const frame = t.p.cpu.reg(4);
    assert.equal(t.p.mem.read64(frame + MCONTEXT + 13 * 8) | 0, rax);
    assert.equal(t.p.mem.read64(frame + MCONTEXT + 16 * 8), rip);
  }
});

Deno.test("kill, tkill and tgkill reach only this process", async () => {
  const t = setup();
  const s = t.p.signals;
  s.setBlocked(sigbit(SIGUSR1));
  assert.equal(await t.call("kill", t.p.pid, 0), 0);
  assert.equal(await t.call("kill", 4242, SIGUSR1), -ESRCH);
  assert.equal(await t.call("kill", -1, SIGUSR1), -ESRCH, "kill(-1) spares the caller");
  assert.equal(await t.call("kill", t.p.pid, 65), -EINVAL);
  assert.equal(await t.call("kill", 0, SIGUSR1), 0);
  assert.equal(s.pending, sigbit(SIGUSR1));
  assert.equal(await t.call("tgkill", t.p.pid, t.p.tid + 1, SIGUSR1), -ESRCH);
  assert.equal(await t.call("tgkill", 0, t.p.tid, SIGUSR1), -EINVAL);
  assert.equal(await t.call("tkill", t.p.tid, SIGUSR1), 0);
  const set = t.alloc(8);
  assert.equal(await t.call("rt_sigpending", set, 8), 0);
  assert.equal(t.p.mem.read64(set), 1 << 9);
  assert.equal(await t.call("rt_sigpending", set, 9), -EINVAL);
});

Deno.test("real-time signals queue with their siginfo; standard ones do not", () => {
  const t = setup();
  const s = t.p.signals;
  s.setBlocked(~0n);
  for (let k = 0; k < 3; k++) {
    s.post(t.p, { signo: 40, errno: 0, code: -1, value: k });
    s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0, pid: k });
  }
  assert.equal(s.dequeue(40).value, 0);
  assert.equal(s.dequeue(40).value, 1);
  assert.equal(s.pending & sigbit(40), sigbit(40));
  assert.equal(s.dequeue(40).value, 2);
  assert.equal(s.pending & sigbit(40), 0n);
  assert.equal(s.dequeue(SIGUSR1).pid, 0, "the first standard signal is kept");
  assert.equal(s.pending, 0n);
});

Deno.test("ignored signals are discarded; SIG_DFL ignore and terminate", async () => {
  const t = setup();
  const s = t.p.signals;
  await sigaction(t, SIGUSR1, 1);
  s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 });
  s.post(t.p, { signo: 17, errno: 0, code: 0 });
  assert.equal(s.pending, 0n);
  s.setBlocked(sigbit(SIGINT));
  s.post(t.p, { signo: SIGINT, errno: 0, code: 0 });
  assert.equal(s.pending, sigbit(SIGINT), "a blocked signal is kept even if it would die");
  s.setBlocked(0n);
  s.safepoint(t.p);
  assert.deepEqual(t.p.exitStatus, { signal: SIGINT });
});

Deno.test("sigaltstack: errors, delivery on the alternate stack, EPERM while on it", async () => {
  const t = setup();
  const alt = SCRATCH + 0x20000, size = 0x10000;
  const ss = t.alloc(24), old = t.alloc(24);
  t.p.mem.write64(ss, alt);
  t.p.mem.write32(ss + 8, 0);
  t.p.mem.write64(ss + 16, 1000);
  assert.equal(await t.call("sigaltstack", ss, 0), -ENOMEM);
  t.p.mem.write32(ss + 8, 5);
  assert.equal(await t.call("sigaltstack", ss, 0), -EINVAL);
  t.p.mem.write32(ss + 8, 0);
  t.p.mem.write64(ss + 16, size);
  assert.equal(await t.call("sigaltstack", ss, old), 0);
  assert.equal(t.p.mem.read32(old + 8), 2, "was SS_DISABLE");
  t.p.cpu.setReg(4, STACK);
  await sigaction(t, SIGUSR1, HANDLER, SA_ONSTACK);
  t.p.signals.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 });
  t.p.signals.safepoint(t.p);
  const sp = t.p.cpu.reg(4);
  assert.ok(sp > alt && sp < alt + size, "handler runs on the alternate stack");
  assert.equal(t.p.mem.read32(sp + UC + 16 + 8), 0, "uc_stack.ss_flags: was not on it");
  assert.equal(await t.call("sigaltstack", 0, old), 0);
  assert.equal(t.p.mem.read32(old + 8), 1, "SS_ONSTACK now");
  t.p.cpu.setReg(4, sp);
  assert.equal(await t.call("sigaltstack", ss, 0), -EPERM);
});

Deno.test("alarm returns the seconds left; setitimer/getitimer round-trip", async () => {
  const t = setup();
  assert.equal(await t.call("alarm", 5), 0);
  assert.equal(await t.call("alarm", 3), 5);
  assert.equal(await t.call("alarm", 0), 3);
  const v = t.alloc(32), o = t.alloc(32);
  t.p.mem.write64(v, 1);
  t.p.mem.write64(v + 16, 2);
  t.p.mem.write64(v + 24, 500000);
  assert.equal(await t.call("setitimer", 0, v, o), 0);
  assert.equal(t.p.mem.read64(o + 16) + t.p.mem.read64(o + 24), 0);
  assert.equal(await t.call("getitimer", 0, o), 0);
  assert.equal(t.p.mem.read64(o), 1, "interval");
  assert.equal(t.p.mem.read64(o + 16), 2, "value seconds");
  t.p.mem.write64(v + 8, 1000000);
  assert.equal(await t.call("setitimer", 0, v, 0), -EINVAL);
  assert.equal(await t.call("getitimer", 3, o), -EINVAL);
  assert.equal(await t.call("setitimer", 0, 0, 0), 0, "NULL disarms");
  assert.equal(t.p.signals.timers.armed, false);
});

Deno.test("ITIMER_REAL interrupts nanosleep and its handler runs", async () => {
  const t = setup();
  await sigaction(t, SIGALRM, HANDLER, SA_SIGINFO);
  const v = t.alloc(32), req = t.alloc(16), rem = t.alloc(16);
  t.p.mem.write64(v + 24, 20000); // 20 ms
  await t.call("setitimer", 0, v, 0);
  t.p.mem.write64(req, 5);
  assert.equal(await t.call("nanosleep", req, rem), -516);
  assert.ok(t.p.mem.read64(rem) >= 4, "remaining time written");
  t.p.signals.safepoint(t.p);
  assert.equal(t.p.cpu.rip, HANDLER);
  const frame = t.p.cpu.reg(4);
  assert.equal(t.p.mem.read64(frame + MCONTEXT + 13 * 8) | 0, -EINTR);
  assert.equal(t.p.mem.read32(frame + INFO + 8), 0x80, "SI_KERNEL");
});

Deno.test("rt_sigsuspend waits with its mask, then the old mask comes back via the frame", async () => {
  const t = setup();
  await sigaction(t, SIGUSR1, HANDLER);
  const s = t.p.signals;
  s.setBlocked(sigbit(SIGUSR1));
  const mask = t.alloc(8);
  setTimeout(() => s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 }), 5);
  assert.equal(await t.call("rt_sigsuspend", mask, 8), -514);
  s.safepoint(t.p);
  assert.equal(t.p.cpu.rip, HANDLER);
  const frame = t.p.cpu.reg(4);
  assert.equal(t.p.mem.read64(frame + UC_SIGMASK), 1 << 9, "uc_sigmask is the pre-suspend mask");
  assert.equal(t.p.mem.read64(frame + MCONTEXT + 13 * 8) | 0, -EINTR);
});

Deno.test("rt_sigtimedwait takes a pending signal or times out", async () => {
  const t = setup();
  const s = t.p.signals;
  s.setBlocked(sigbit(SIGUSR1));
  const set = t.alloc(8), info = t.alloc(128), ts = t.alloc(16);
  t.p.mem.write64(set, 1 << 9);
  assert.equal(await t.call("rt_sigtimedwait", set, info, ts, 8), -EAGAIN);
  s.post(t.p, { signo: SIGUSR1, errno: 0, code: -1, pid: 3, value: 99 });
  assert.equal(await t.call("rt_sigtimedwait", set, info, ts, 8), SIGUSR1);
  assert.equal(t.p.mem.read32(info + 8), -1);
  assert.equal(t.p.mem.read64(info + 24), 99);
  t.p.mem.write64(ts + 8, 10_000_000);
  setTimeout(() => s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 }), 2);
  assert.equal(await t.call("rt_sigtimedwait", set, 0, ts, 8), SIGUSR1);
  assert.equal(s.blocked, sigbit(SIGUSR1));
});

Deno.test("rt_sigqueueinfo delivers the caller's siginfo", async () => {
  const t = setup();
  t.p.signals.setBlocked(~0n);
  const info = t.alloc(128);
  t.p.mem.write32(info + 8, -1);
  t.p.mem.write64(info + 24, 1234);
  assert.equal(await t.call("rt_sigqueueinfo", t.p.pid, 40, info), 0);
  assert.equal(await t.call("rt_sigqueueinfo", 999, 40, info), -ESRCH);
  const got = t.p.signals.dequeue(40);
  assert.equal(got.signo, 40);
  assert.equal(got.value, 1234);
});

Deno.test("snapshot() and restore() carry the whole signal state", async () => {
  const t = setup();
  await sigaction(t, SIGUSR1, HANDLER, SA_SIGINFO, sigbit(3));
  const s = t.p.signals;
  s.setBlocked(sigbit(SIGUSR1) | (1n << 63n));
  s.post(t.p, { signo: SIGUSR1, errno: 0, code: 0, pid: 5 });
  s.post(t.p, { signo: 64, errno: 0, code: -1, value: 1 });
  s.timers.set(0, { value: 10_000, interval: 0 });
  const snap = JSON.parse(JSON.stringify(s.snapshot()));
  const u = setup();
  u.p.signals.restore(snap);
  assert.deepEqual(u.p.signals.snapshot().actions, s.snapshot().actions);
  assert.equal(u.p.signals.blocked, s.blocked);
  assert.equal(u.p.signals.pending, s.pending);
  assert.equal(u.p.signals.dequeue(64).value, 1);
  assert.ok(u.p.signals.timers.get(0).value > 9000);
});

Deno.test("execReset() defaults handlers but keeps ignores, mask and pending; forkChild() clears", async () => {
  const t = setup();
  await sigaction(t, SIGUSR1, HANDLER, SA_SIGINFO);
  await sigaction(t, SIGUSR2, 1);
  const s = t.p.signals;
  s.setBlocked(sigbit(SIGINT));
  s.post(t.p, { signo: SIGINT, errno: 0, code: 0 });
  s.timers.set(0, { value: 10_000, interval: 0 });
  s.execReset();
  assert.equal(s.actions[SIGUSR1].handler, 0);
  assert.equal(s.actions[SIGUSR1].flags, 0);
  assert.equal(s.actions[SIGUSR2].handler, 1);
  assert.equal(s.pending, sigbit(SIGINT));
  assert.ok(s.timers.armed);
  s.forkChild();
  assert.equal(s.pending, 0n);
  assert.equal(s.timers.armed, false);
  assert.equal(s.blocked, sigbit(SIGINT));
});

Deno.test("strace lines for delivered signals and exits", async () => {
  const lines: string[] = [];
  const t = setup(lines);
  await sigaction(t, SIGUSR1, HANDLER);
  t.p.signals.post(t.p, { signo: SIGUSR1, errno: 0, code: 0, pid: 3, uid: 4 });
  t.p.signals.safepoint(t.p);
  assert.deepEqual(lines.slice(-1), [
    "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=3, si_uid=4} ---",
  ]);
  t.p.signals.post(t.p, { signo: 40, errno: 0, code: -1, pid: 3, uid: 4, value: 42 });
  t.p.signals.fault(t.p, SIGSEGV, 0x80, 0);
  t.p.signals.safepoint(t.p);
  // The synchronous fault goes first (and kills); the others stay pending.
  assert.deepEqual(lines.filter((l) => l.startsWith("---")).slice(1), [
    "--- SIGSEGV {si_signo=SIGSEGV, si_code=SI_KERNEL, si_addr=NULL} ---",
  ]);
  assert.deepEqual(t.p.exitStatus, { signal: SIGSEGV });
  assert.equal(
    exitTraceLine({ signal: 11, core: true }),
    "+++ killed by SIGSEGV (core dumped) +++",
  );
  assert.equal(exitTraceLine({ signal: 2 }), "+++ killed by SIGINT +++");
  assert.equal(exitTraceLine({ code: 7 }), "+++ exited with 7 +++");
  assert.equal(
    formatSigInfo({ signo: 40, errno: 0, code: -1, pid: 3, uid: 4, value: 42 }),
    "{si_signo=SIGRT_8, si_code=SI_QUEUE, si_pid=3, si_uid=4, si_int=42, si_ptr=0x2a}",
  );
  assert.equal(
    formatSigInfo({ signo: SIGSEGV, errno: 0, code: 1, addr: -4096 }),
    "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0xfffffffffffff000}",
  );
});

Deno.test("SS_AUTODISARM: the handler runs on the alternate stack, which is disarmed meanwhile", async () => {
  const t = setup();
  const alt = SCRATCH + 0x20000, size = 0x10000;
  const ss = t.alloc(24), old = t.alloc(24);
  t.p.mem.write64(ss, alt);
  t.p.mem.write32(ss + 8, 0x80000000);
  t.p.mem.write64(ss + 16, size);
  assert.equal(await t.call("sigaltstack", ss, 0), 0);
  t.p.cpu.setReg(4, STACK);
  await sigaction(t, SIGUSR1, HANDLER, SA_ONSTACK);
  t.p.signals.post(t.p, { signo: SIGUSR1, errno: 0, code: 0 });
  t.p.signals.safepoint(t.p);
  const sp = t.p.cpu.reg(4);
  assert.ok(sp > alt && sp < alt + size);
  assert.equal(t.p.mem.read32(sp + UC + 16 + 8) >>> 0, 0x80000000, "uc_stack keeps the flag");
  assert.equal(await t.call("sigaltstack", 0, old), 0);
  assert.equal(t.p.mem.read32(old + 8), 2, "disarmed while the handler runs");
  // sigreturn re-arms it from uc_stack.
  t.p.cpu.setReg(4, sp + 8);
  await t.call("rt_sigreturn");
  assert.equal(await t.call("sigaltstack", 0, old), 0);
  assert.equal(t.p.mem.read32(old + 8) >>> 0, 0x80000000);
  assert.equal(t.p.mem.read64(old), alt);
});
