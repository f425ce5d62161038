import assert from "node:assert/strict";
import { EFAULT, EINVAL, EOPNOTSUPP, EPERM } from "../kernel/errno.ts";
import { TestProcess } from "./syscall_testing.ts";

function timespecMs(t: TestProcess, at: number): number {
  return t.p.mem.read64(at) * 1000 + t.p.mem.read64(at + 8) / 1e6;
}

Deno.test("clock_gettime: realtime matches Date.now, monotonic advances, CPU clocks are small", async () => {
  const t = new TestProcess();
  const ts = t.alloc(16);
  assert.equal(await t.call("clock_gettime", 0, ts), 0);
  assert.ok(Math.abs(timespecMs(t, ts) - Date.now()) < 1000);
  assert.ok(t.p.mem.read64(ts + 8) < 1e9);
  await t.call("clock_gettime", 1, ts);
  const m1 = timespecMs(t, ts);
  await new Promise((r) => setTimeout(r, 5));
  await t.call("clock_gettime", 1, ts);
  assert.ok(timespecMs(t, ts) - m1 >= 4);
  for (const clock of [2, 3, 4, 5, 6, 7, 11, -6, -2]) {
    assert.equal(await t.call("clock_gettime", clock, ts), 0, `clock ${clock}`);
  }
  await t.call("clock_gettime", 2, ts);
  assert.ok(timespecMs(t, ts) < 600_000);
  assert.equal(await t.call("clock_gettime", 10, ts), -EINVAL);
  assert.equal(await t.call("clock_gettime", 8, ts), -EINVAL, "no RTC for alarm clocks");
  assert.equal(await t.call("clock_gettime", 99, ts), -EINVAL);
  assert.equal(await t.call("clock_gettime", 0, 0x1000), -EFAULT);
  assert.equal(await t.call("clock_settime", 0, ts), -EPERM);
});

Deno.test("clock_getres, gettimeofday and time", async () => {
  const t = new TestProcess();
  const ts = t.alloc(16), tz = t.alloc(8);
  assert.equal(await t.call("clock_getres", 1, ts), 0);
  assert.equal(t.p.mem.read64(ts + 8), 1);
  assert.equal(await t.call("clock_getres", 6, ts), 0);
  assert.equal(t.p.mem.read64(ts + 8), 4_000_000);
  assert.equal(await t.call("clock_getres", 0, 0), 0);
  assert.equal(await t.call("clock_getres", 12, ts), -EINVAL);
  assert.equal(await t.call("gettimeofday", ts, tz), 0);
  assert.ok(Math.abs(t.p.mem.read64(ts) - Date.now() / 1000) < 2);
  assert.ok(t.p.mem.read64(ts + 8) < 1e6);
  const out = t.alloc(8);
  const now = await t.call("time", out);
  assert.equal(t.p.mem.read64(out), now);
  assert.ok(Math.abs(now - Date.now() / 1000) < 2);
});

Deno.test("nanosleep and clock_nanosleep sleep, validate, and honour TIMER_ABSTIME", async () => {
  const t = new TestProcess();
  const req = t.alloc(16), now = t.alloc(16);
  t.p.mem.write64(req + 8, 10_000_000);
  let start = performance.now();
  assert.equal(await t.call("nanosleep", req, 0), 0);
  assert.ok(performance.now() - start >= 9);
  t.p.mem.write64(req + 8, 1e9);
  assert.equal(await t.call("nanosleep", req, 0), -EINVAL);
  t.p.mem.write64(req, -1);
  t.p.mem.write64(req + 8, 0);
  assert.equal(await t.call("nanosleep", req, 0), -EINVAL);
  await t.call("clock_gettime", 1, now);
  const target = timespecMs(t, now) + 10;
  t.p.mem.write64(req, Math.floor(target / 1000));
  t.p.mem.write64(req + 8, Math.floor((target % 1000) * 1e6));
  start = performance.now();
  assert.equal(await t.call("clock_nanosleep", 1, 1, req, 0), 0);
  assert.ok(performance.now() - start >= 8);
  assert.equal(await t.call("clock_nanosleep", 3, 0, req, 0), -EOPNOTSUPP);
  assert.equal(await t.call("clock_nanosleep", 10, 0, req, 0), -EINVAL);
  assert.equal(await t.call("clock_nanosleep", 1, 1, now, 0), 0, "a past deadline returns");
});

Deno.test("times and getrusage report this process", async () => {
  const t = new TestProcess();
  const tms = t.alloc(32), ru = t.alloc(144);
  assert.ok(await t.call("times", tms) > 0);
  assert.equal(await t.call("getrusage", 0, ru), 0);
  assert.ok(t.p.mem.read64(ru + 32) > 0, "maxrss");
  assert.equal(await t.call("getrusage", -1, ru), 0);
  assert.equal(t.p.mem.read64(ru), 0);
  assert.equal(await t.call("getrusage", 5, ru), -EINVAL);
  assert.equal(await t.call("sched_yield"), 0);
});

Deno.test("POSIX timers: create, arm, expire with SI_TIMER, overrun while queued, delete", async () => {
  const t = new TestProcess();
  const s = t.p.signals;
  s.setBlocked(1n << 33n); // SIGRTMIN+2 (34) stays queued
  const ev = t.alloc(64), id = t.alloc(4), spec = t.alloc(32), cur = t.alloc(32);
  t.p.mem.write64(ev, 777);
  t.p.mem.write32(ev + 8, 34);
  assert.equal(await t.call("timer_create", 1, ev, id), 0);
  assert.equal(t.p.mem.read32(id), 0);
  assert.equal(await t.call("timer_create", 4, ev, id), -EOPNOTSUPP);
  assert.equal(await t.call("timer_create", 99, ev, id), -EINVAL);
  t.p.mem.write32(ev + 12, 9);
  assert.equal(await t.call("timer_create", 1, ev, id), -EINVAL, "bad sigev_notify");
  assert.equal(await t.call("timer_create", 1, 0, id), 0);
  assert.equal(t.p.mem.read32(id), 2, "a failed create used up id 1");
  t.p.mem.write64(spec + 8, 5_000_000); // interval 5 ms
  t.p.mem.write64(spec + 24, 5_000_000); // first expiry in 5 ms
  assert.equal(await t.call("timer_settime", 0, 0, spec, 0), 0);
  assert.equal(await t.call("timer_settime", 7, 0, spec, 0), -EINVAL);
  await new Promise((r) => setTimeout(r, 30));
  s.safepoint(t.p);
  assert.equal(s.pending, 1n << 33n);
  const info = s.dequeue(34);
  assert.equal(info.code, -2);
  assert.equal(info.timerId, 0);
  assert.equal(info.value, 777);
  assert.ok(info.overrun! >= 3, `overrun ${info.overrun}`);
  assert.equal(await t.call("timer_getoverrun", 0), info.overrun);
  assert.equal(await t.call("timer_gettime", 0, cur), 0);
  assert.equal(t.p.mem.read64(cur + 8), 5_000_000);
  t.p.mem.write64(spec + 24, 0);
  assert.equal(await t.call("timer_settime", 0, 0, spec, cur), 0);
  assert.equal(await t.call("timer_gettime", 0, cur), 0);
  assert.equal(t.p.mem.read64(cur + 16) + t.p.mem.read64(cur + 24), 0, "disarmed");
  assert.equal(await t.call("timer_delete", 0), 0);
  assert.equal(await t.call("timer_delete", 0), -EINVAL);
  assert.equal(await t.call("timer_getoverrun", 0), -EINVAL);
  const snap = s.snapshot();
  assert.equal(snap.posixTimers?.timers.length, 1);
});
