// A guest checkpoints its own tree (supervisor_checkpoint, runtime/syscalls/sys_supervisor.ts).
// No native run can do this, so the reference is the uninterrupted supervised run: the restored
// tree's output must be that run's output from the call on, the call returning 1 instead of 0.
import assert from "node:assert/strict";
import {
  checkpointGuest,
  startRestore,
  supervisorCommand,
  withTempDir,
} from "./checkpoint_util.ts";

const TAKEN = "checkpoint: taken (0)\n";
const RESTORED = "checkpoint: restored (1)\n";

/** The uninterrupted output split at the checkpoint call's line. */
function split(stdout: string): { before: string; after: string } {
  const at = stdout.indexOf(TAKEN);
  assert.ok(at > 0, `no checkpoint line in: ${stdout}`);
  return { before: stdout.slice(0, at), after: stdout.slice(at + TAKEN.length) };
}

Deno.test("a guest's own checkpoint call returns 0, and 1 once restored, output identical", async () => {
  const prog = await checkpointGuest("cp_self");
  await withTempDir(async (tmp) => {
    const full = await supervisorCommand(["run", prog, `${tmp}/cp`]);
    const { before, after } = split(full.stdout);
    assert.match(before, /bad directory: -1 errno 20\n/); // ENOTDIR: nothing attempted
    assert.match(before, /bad flags: -1 errno 22\n/);
    assert.match(after, /child status 0/);
    await Deno.mkdir(`${tmp}/elsewhere`);
    const r = startRestore(`${tmp}/cp`, `${tmp}/elsewhere`);
    const s = await r.status;
    assert.equal(s.code, full.code, r.stderr);
    assert.equal(r.stdout, RESTORED + after);
  });
});

Deno.test("a guest's own checkpoint with the stop flag ends the job; it restores twice", async () => {
  const prog = await checkpointGuest("cp_self");
  await withTempDir(async (tmp) => {
    const full = await supervisorCommand(["run", prog, `${tmp}/full`]);
    const { before, after } = split(full.stdout);
    const stopped = await supervisorCommand(["run", prog, `${tmp}/cp`, "1"]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /stopped after a committed checkpoint/);
    assert.equal(stopped.stdout, before);
    for (let k = 0; k < 2; k++) {
      const r = startRestore(`${tmp}/cp`, tmp);
      assert.equal((await r.status).code, full.code, r.stderr);
      assert.equal(r.stdout, RESTORED + after, `restore ${k}`);
    }
  });
});
