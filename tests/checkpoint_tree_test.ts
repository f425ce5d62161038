// Whole-tree checkpoint and restore through the CLI: `run --name`, `checkpoint`, `restore`.
// Each test kills the original job (SIGKILL) after its checkpoint and compares the restored run's
// output with an uninterrupted run's.
import assert from "node:assert/strict";
import {
  checkpoint,
  checkpointGuest,
  checkpointThenKill,
  delay,
  startNamed,
  startRestore,
  supervisorCommand,
  uniqueName,
  withTempDir,
} from "./checkpoint_util.ts";

const BUSYBOX = "/bin/busybox";

Deno.test("a CPU-bound guest checkpointed at two points restores to the uninterrupted output", async () => {
  const prog = await checkpointGuest("cp_count");
  await withTempDir(async (tmp) => {
    const full = await supervisorCommand(["run", prog, "60"]);
    assert.equal(full.code, Number(full.code)); // completes
    const name = uniqueName("count");
    const job = startNamed(name, prog, ["60"]);
    try {
      await job.waitLines(5);
      const first = await checkpoint(name, `${tmp}/a`);
      assert.equal(first.code, 0, first.stderr);
      await job.waitLines(20);
      const second = await checkpoint(name, `${tmp}/b`);
      assert.equal(second.code, 0, second.stderr);
    } finally {
      job.kill();
      await job.status;
    }
    for (const dir of [`${tmp}/a`, `${tmp}/b`]) {
      const r = startRestore(dir, tmp);
      const s = await r.status;
      assert.equal(s.code, full.code, r.stderr);
      assert.ok(r.stdout.length > 0 && full.stdout.endsWith(r.stdout), `${dir}: ${r.stdout}`);
      assert.ok(r.stdout.length < full.stdout.length, "restored from the middle");
    }
  });
});

// Long enough (several seconds under the supervisor) that the checkpoint lands mid-stream.
const PIPELINE = "i=0; while [ $i -lt 6000 ]; do echo line $i; i=$((i+1)); done | " +
  `${BUSYBOX} tr a-z A-Z | ${BUSYBOX} cat | ${BUSYBOX} md5sum`;

Deno.test("a busybox sh pipeline with data in flight restores elsewhere with identical output", async () => {
  await withTempDir(async (tmp) => {
    // The uninterrupted output, natively (busybox is an x86-64 static binary).
    const native = await new Deno.Command(BUSYBOX, { args: ["sh", "-c", PIPELINE] }).output();
    assert.ok(native.success);
    const full = { stdout: new TextDecoder().decode(native.stdout) };
    const name = uniqueName("pipe");
    const job = startNamed(name, BUSYBOX, ["sh", "-c", PIPELINE]);
    const cp = await checkpointThenKill(job, name, `${tmp}/cp`, () => delay(1500));
    assert.equal(cp.code, 0, cp.stderr);
    assert.match(cp.stderr, /[45] processes/);
    await Deno.mkdir(`${tmp}/other`);
    const r = startRestore(`${tmp}/cp`, `${tmp}/other`);
    assert.equal((await r.status).code, 0, r.stderr);
    assert.equal(r.stdout, full.stdout);
  });
});

// A writer that outruns its readers: seq fills the pipe's shared ring directly (no message per
// write) and waits for room most of the time.
const STREAM = `${BUSYBOX} seq 1 100000 | ${BUSYBOX} tr 0-9 a-j | ${BUSYBOX} md5sum`;

Deno.test("a pipe written directly in its shared ring, full and in flight, is whole in the checkpoint", async () => {
  await withTempDir(async (tmp) => {
    const native = await new Deno.Command(BUSYBOX, { args: ["sh", "-c", STREAM] }).output();
    assert.ok(native.success);
    const expected = new TextDecoder().decode(native.stdout);
    const name = uniqueName("stream");
    const job = startNamed(name, BUSYBOX, ["sh", "-c", STREAM]);
    const cp = await checkpointThenKill(job, name, `${tmp}/cp`, () => delay(1500));
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(job.stdout, "", "checkpointed before the end");
    const r = startRestore(`${tmp}/cp`, tmp);
    assert.equal((await r.status).code, 0, r.stderr);
    assert.equal(r.stdout, expected);
  });
});

// A reader blocked on a pipe (cat), a writer's subshell in nanosleep (sleep), the shell in wait4.
const BLOCKED =
  `(${BUSYBOX} sleep 2; echo late; ${BUSYBOX} sleep 1; echo later) | ${BUSYBOX} cat; ` +
  "echo status $?";

Deno.test("processes blocked in read, nanosleep and wait4 continue after restore", async () => {
  await withTempDir(async (tmp) => {
    const name = uniqueName("blocked");
    const job = startNamed(name, BUSYBOX, ["sh", "-c", BLOCKED]);
    const cp = await checkpointThenKill(job, name, `${tmp}/cp`, () => delay(1200));
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(job.stdout, "", "checkpointed before the first line");
    const r = startRestore(`${tmp}/cp`, tmp);
    assert.equal((await r.status).code, 0, r.stderr);
    assert.equal(r.stdout, "late\nlater\nstatus 0\n");
  });
});

Deno.test("checkpoint --stop ends the job; its directory restores twice in turn", async () => {
  const prog = await checkpointGuest("cp_count");
  await withTempDir(async (tmp) => {
    const full = await supervisorCommand(["run", prog, "30"]);
    const name = uniqueName("stop");
    const job = startNamed(name, prog, ["30"]);
    await job.waitLines(3);
    const cp = await checkpoint(name, `${tmp}/cp`, true);
    assert.equal(cp.code, 0, cp.stderr);
    const s = await job.status;
    assert.equal(s.code, 0, job.stderr);
    assert.match(job.stderr, /stopped after a committed checkpoint/);
    for (let k = 0; k < 2; k++) {
      const r = startRestore(`${tmp}/cp`, tmp);
      assert.equal((await r.status).code, full.code, r.stderr);
      assert.equal(job.stdout + r.stdout, full.stdout, `restore ${k}`);
    }
  });
});

Deno.test("run --name refuses a second live job with the same name", async () => {
  const prog = await checkpointGuest("cp_count");
  const name = uniqueName("dup");
  const job = startNamed(name, prog, ["1000"]);
  try {
    await job.waitLines(1);
    const second = await supervisorCommand(["run", "--name", name, prog, "1"]);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /already running/);
  } finally {
    job.kill();
    await job.status;
  }
  const missing = await checkpoint(name, "/tmp/never-written-cp");
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no running job named/);
});

Deno.test("file locks held at checkpoint time are held again after restore, on a copy of the file", async () => {
  const prog = await checkpointGuest("cp_locks");
  await withTempDir(async (tmp) => {
    const lockFile = `${tmp}/locked`;
    const native = await new Deno.Command(prog, { args: [`${tmp}/native`] }).output();
    assert.ok(native.success);
    const full = new TextDecoder().decode(native.stdout);
    const name = uniqueName("locks");
    const job = startNamed(name, prog, [lockFile]);
    // After "locked": the guest sleeps with both locks held.
    const cp = await checkpointThenKill(job, name, `${tmp}/cp`, () => job.waitLines(2));
    assert.equal(cp.code, 0, cp.stderr);
    // As on another host: the file restored is a copy, with another inode.
    const inode = (await Deno.stat(lockFile)).ino;
    await Deno.copyFile(lockFile, `${lockFile}.copy`);
    await Deno.rename(`${lockFile}.copy`, lockFile);
    assert.notEqual((await Deno.stat(lockFile)).ino, inode);
    const r = startRestore(`${tmp}/cp`, tmp);
    assert.equal((await r.status).code, 0, r.stderr);
    assert.equal(job.stdout + r.stdout, full);
  });
});
