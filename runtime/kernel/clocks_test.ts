import assert from "node:assert/strict";
import { cpuTimes, hostCpuUsage } from "./clocks.ts";
import { RUSAGE_SELF, RUSAGE_THREAD } from "../../ipc/libc.ts";

const total = (u: { user: number; system: number }) => u.user + u.system;

Deno.test("the guest thread's CPU time grows with work on it, within the process's", () => {
  const start = total(hostCpuUsage(RUSAGE_THREAD));
  const until = performance.now() + 10_000;
  let x = 0;
  while (total(hostCpuUsage(RUSAGE_THREAD)) - start < 30 && performance.now() < until) {
    for (let k = 0; k < 100_000; k++) x += Math.sqrt(k + x);
  }
  const thread = total(hostCpuUsage(RUSAGE_THREAD));
  assert.ok(thread - start >= 30, `thread CPU grew ${thread - start} ms in 10 s of work (${x})`);
  assert.ok(
    thread <= total(hostCpuUsage(RUSAGE_SELF)) + 0.01,
    "a thread's time is part of its process's",
  );
  const since = cpuTimes();
  assert.ok(
    since.user >= 0 && since.system >= 0 && total(since) >= 30,
    "cpuTimes counts from load",
  );
});

Deno.test("the guest thread's CPU time stands still while it waits", async () => {
  const start = total(hostCpuUsage(RUSAGE_THREAD));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const spent = total(hostCpuUsage(RUSAGE_THREAD)) - start;
  assert.ok(spent < 100, `200 ms asleep cost ${spent} ms of thread CPU`);
});
