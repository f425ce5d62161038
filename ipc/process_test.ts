// Tests with real child Deno processes (the guest program in testdata/guest.ts).
import assert from "node:assert/strict";
import { type ChildExit, type ChildHandle, spawnChild } from "./child.ts";
import { Code } from "./codes.ts";
import { LinkClosedError } from "./errors.ts";
import { fileLockSet, LockFamily, LockType } from "./file_locks.ts";
import { allocIdRange, changeIdOwner } from "./id_ranges.ts";
import { killProcessGroup, type PidKill } from "./signals.ts";
import {
  cleanUp,
  eventually,
  inProcessGuest,
  REPO_ROOT,
  spawnGuest,
  testLeader,
  within,
} from "./testdata/util.ts";

const writeLock = (pid: number) => ({
  family: LockFamily.Posix,
  type: LockType.Write,
  start: 0,
  end: 0,
  pid,
  handleId: 0,
});

Deno.test("a child killed by SIGKILL wakes every waiter, frees its locks, and is reported killed", async () => {
  const exits: ChildExit[] = [];
  const { leader } = await testLeader({ onChildExit: (exit) => exits.push(exit) });
  const other = await inProcessGuest(leader, 50);
  const children: ChildHandle[] = [];
  try {
    const range = (await allocIdRange(leader.worker))!;
    const child = await spawnGuest(leader.worker, { pid: range.start });
    children.push(child);
    await changeIdOwner(leader.worker, range.start, child.vmid);
    const locked = await leader.worker.request(child.vmid, Code.USER, {
      op: "lock",
      path: "/f",
      request: writeLock(range.start),
      wait: false,
    }, { timeoutMs: 5000 });
    assert.equal(locked, 0);
    const lockWait = fileLockSet(other, "/f", writeLock(77), true);
    const hanging = [1, 2, 3].map(() =>
      leader.worker.request(child.vmid, Code.USER, { op: "hang" })
    );
    const outcomes = Promise.allSettled(hanging);
    await eventually(() => leader.services.locks.waitingOn("/f") === 1, 5000, "the lock wait");

    child.process.kill("SIGKILL");
    for (const outcome of await within(outcomes, 5000, "waiters to wake")) {
      assert.equal(outcome.status, "rejected");
      assert.ok(outcome.reason instanceof LinkClosedError, String(outcome.reason));
      assert.match(outcome.reason.message, new RegExp(`Process ${child.vmid} went away`));
    }
    const exit = await within(child.record.exited, 5000, "CHILDEXIT");
    assert.deepEqual(exit, { ppid: 0, pid: range.start, uid: 0, exitcode: 0, term_signal: 9 });
    assert.deepEqual(exits, [exit], "reported to the parent exactly once");
    assert.equal(await within(lockWait, 5000, "the lock to pass on"), 0);
    assert.equal((await child.process.status).signal, "SIGKILL");
    await eventually(() => !leader.services.members.has(child.vmid), 5000, "member removed");
    assert.equal(
      leader.services.idRanges.getOwner(range.start),
      leader.worker.vmid,
      "zombie pid kept",
    );
  } finally {
    await cleanUp(children, [other], leader);
  }
});

Deno.test("a child that exits reports its own CHILDEXIT before its pipe closes", async () => {
  const exits: ChildExit[] = [];
  const { leader } = await testLeader({ onChildExit: (exit) => exits.push(exit) });
  const children: ChildHandle[] = [];
  try {
    const child = await spawnGuest(leader.worker, { pid: 42 });
    children.push(child);
    await leader.worker.send(child.vmid, Code.USER, { op: "exit", code: 3 });
    const exit = await within(child.record.exited, 10_000, "CHILDEXIT");
    assert.deepEqual(exit, { ppid: 0, pid: 42, uid: 0, exitcode: 3, term_signal: 0 });
    assert.equal((await child.process.status).code, 3);
    await eventually(() => leader.worker.peers().length === 0, 5000, "links to close");
    assert.equal(exits.length, 1);
  } finally {
    await cleanUp(children, [], leader);
  }
});

Deno.test("spawnChild() fails cleanly when the child dies before saying HELLO", async () => {
  const { leader } = await testLeader();
  try {
    const missing = new URL("./testdata/no_such_guest.ts", import.meta.url).pathname;
    await assert.rejects(
      spawnChild(leader.worker, { module: missing, cwd: REPO_ROOT, stderr: "null" }),
      (error: Error) => error instanceof LinkClosedError && /did not start/.test(error.message),
    );
    assert.equal(leader.worker.children.size, 0);
  } finally {
    await leader.close();
  }
});

Deno.test("eight guest processes exchange requests, peer messages and broadcasts, none lost or doubled", async () => {
  const { leader, errors } = await testLeader();
  const children: ChildHandle[] = [];
  try {
    const range = (await allocIdRange(leader.worker))!;
    children.push(
      ...await within(
        Promise.all(
          Array.from(
            { length: 8 },
            (_, i) => spawnGuest(leader.worker, { pid: range.start + i, pgid: 100 + (i % 2) }),
          ),
        ),
        60_000,
        "eight guests to start",
      ),
    );
    for (const child of children) await changeIdOwner(leader.worker, child.pid, child.vmid);
    assert.deepEqual(leader.worker.peers().sort(), children.map((child) => child.vmid).sort());
    const peers = children.map((child) => child.vmid);
    const count = 40;
    const runs = await within(
      Promise.all(
        children.map((child) =>
          leader.worker.request(child.vmid, Code.USER, { op: "run", peers, count })
        ),
      ),
      60_000,
      "every guest's run",
    );
    for (const run of runs) {
      assert.deepEqual(run, { echoes: count, pings: 7 * count, fanouts: 7 * count });
    }

    assert.equal(await killProcessGroup(leader.worker, 0, 101, 15), 0);
    const reports = await within(
      Promise.all(
        children.map((child) => leader.worker.request(child.vmid, Code.USER, { op: "report" })),
      ),
      10_000,
      "reports",
    ) as {
      notes: Record<string, number[]>;
      broadcasts: Record<string, number[]>;
      signals: PidKill[];
    }[];
    const inOrder = Array.from({ length: count }, (_, n) => n);
    for (const [i, report] of reports.entries()) {
      const others = peers.filter((vmid) => vmid !== peers[i]).map(String).sort();
      assert.deepEqual(Object.keys(report.notes).sort(), others, `guest ${peers[i]} note senders`);
      assert.deepEqual(
        Object.keys(report.broadcasts).sort(),
        others,
        `guest ${peers[i]} broadcasters`,
      );
      for (const sender of others) {
        assert.deepEqual(report.notes[sender], inOrder, `notes ${sender} -> ${peers[i]}`);
        assert.deepEqual(report.broadcasts[sender], inOrder, `broadcasts ${sender} -> ${peers[i]}`);
      }
      assert.equal(report.signals.length, i % 2, `guest ${peers[i]} in group ${100 + (i % 2)}`);
    }
    assert.deepEqual(errors, []);
  } finally {
    await cleanUp(children, [], leader);
  }
});
