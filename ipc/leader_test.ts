import assert from "node:assert/strict";
import { Code, Errno } from "./codes.ts";
import { RemoteError } from "./errors.ts";
import {
  fileLockCancel,
  fileLockClearPid,
  fileLockGet,
  fileLockSet,
  LockFamily,
  LockType,
} from "./file_locks.ts";
import { allocIdRange, changeIdOwner, getIdOwner, releaseIdRange } from "./id_ranges.ts";
import { MetaKind, pidGetMeta } from "./process_info.ts";
import {
  killAll,
  KillKind,
  killProcess,
  killProcessGroup,
  killThread,
  type PidKill,
} from "./signals.ts";
import { getNewVmid } from "./vmid.ts";
import type { ProcessHooks } from "./worker.ts";
import { cleanUp, eventually, inProcessGuest, testLeader, within } from "./testdata/util.ts";

Deno.test("GET_NEW_VMID hands out increasing VMIDs, never the leader's, never twice", async () => {
  const { leader } = await testLeader();
  const guests = await Promise.all([2, 3].map((vmid) => inProcessGuest(leader, vmid)));
  try {
    leader.services.vmids.restore({ next: 10 });
    const got = await Promise.all([
      ...guests.flatMap((guest) => Array.from({ length: 20 }, () => getNewVmid(guest))),
      getNewVmid(leader.worker),
    ]);
    assert.equal(new Set(got).size, got.length);
    assert.deepEqual([...got].sort((a, b) => a - b), Array.from({ length: 41 }, (_, i) => 10 + i));
  } finally {
    await cleanUp([], guests, leader);
  }
});

Deno.test("id ranges: a guest leases, gives one id away, and releases each part", async () => {
  const { leader } = await testLeader();
  const [a, b] = await Promise.all([2, 3].map((vmid) => inProcessGuest(leader, vmid)));
  try {
    const first = (await allocIdRange(a))!;
    const second = (await allocIdRange(b))!;
    assert.deepEqual(first, { start: 1, end: 32, owner: 2 });
    assert.deepEqual(second, { start: 33, end: 64, owner: 3 });
    await changeIdOwner(a, 10, 3);
    assert.equal(await getIdOwner(b, 10), 3);
    assert.equal(await getIdOwner(b, 11), 2);
    assert.equal(await getIdOwner(b, 65), 0);
    await assert.rejects(changeIdOwner(b, 11, 3), /does not own id 11/);
    await assert.rejects(releaseIdRange(a, 1, 32), /not one leased range/);
    await releaseIdRange(a, 1, 9);
    await releaseIdRange(a, 11, 32);
    await releaseIdRange(b, 10, 10);
    assert.deepEqual(leader.services.idRanges.rangesOf(2), []);
    assert.deepEqual(leader.services.idRanges.rangesOf(3), [{ start: 33, end: 64, owner: 3 }]);
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

Deno.test("a dead member's ranges are released, but its own pid passes to its parent", async () => {
  const { leader } = await testLeader();
  const parent = await inProcessGuest(leader, 2);
  try {
    const range = (await allocIdRange(parent))!;
    const childPid = range.start + 3;
    await changeIdOwner(parent, childPid, 3);
    const child = await inProcessGuest(leader, 3, {}, childPid, 2);
    const childRange = (await allocIdRange(child))!;
    await child.close();
    await eventually(() => leader.services.idRanges.rangesOf(3).length === 0, 2000, "release");
    assert.equal(leader.services.idRanges.getOwner(childRange.start), 0);
    assert.equal(
      leader.services.idRanges.getOwner(childPid),
      2,
      "the zombie's pid passes to its parent",
    );
  } finally {
    await cleanUp([], [parent], leader);
  }
});

/** A guest whose onKill takes signals for its pid and group, recording them. */
function killable(pid: number, pgid: number, got: PidKill[]): ProcessHooks {
  return {
    onKill(request) {
      const mine = request.kind === KillKind.ProcessGroup
        ? request.id === pgid
        : request.kind === KillKind.All || request.pid === pid;
      if (mine) got.push(request);
      return mine ? 0 : -Errno.ESRCH;
    },
  };
}

Deno.test("PID_KILL reaches a thread, a process, a process group, or everyone else", async () => {
  const { leader } = await testLeader();
  const got: PidKill[][] = [[], [], []];
  // pids 1, 33, 65 (first id of each lease); groups: 2 and 3 in 100, 4 in 200.
  const guests = [];
  for (const [i, vmid] of [2, 3, 4].entries()) {
    const guest = await inProcessGuest(
      leader,
      vmid,
      killable(1 + 32 * i, i < 2 ? 100 : 200, got[i]),
    );
    guest.pid = (await allocIdRange(guest))!.start;
    guests.push(guest);
  }
  try {
    assert.equal(await killProcess(guests[0], 1, 33, 15), 0);
    assert.deepEqual(got.map((list) => list.length), [0, 1, 0]);
    assert.deepEqual(got[1][0], { sender: 1, kind: KillKind.Process, pid: 33, id: 33, signum: 15 });
    assert.equal(await killThread(guests[1], 33, 65, 66, 10), 0);
    assert.deepEqual(got[2][0], { sender: 33, kind: KillKind.Thread, pid: 65, id: 66, signum: 10 });
    assert.equal(await killProcess(guests[0], 1, 999, 9), -Errno.ESRCH);

    for (const list of got) list.length = 0;
    assert.equal(await killProcessGroup(guests[2], 65, 100, 2), 0);
    assert.deepEqual(got.map((list) => list.map((request) => request.signum)), [[2], [2], []]);
    assert.equal(await killProcessGroup(guests[2], 65, 300, 2), -Errno.ESRCH);

    for (const list of got) list.length = 0;
    assert.equal(await killAll(guests[1], 33, 1), 0);
    assert.deepEqual(got.map((list) => list.length), [1, 0, 1], "kill-all spares the sender");
    assert.equal(await killProcessGroup(leader.worker, 0, 200, 9), 0);
    assert.equal(got[2].length, 2);
  } finally {
    await cleanUp([], guests, leader);
  }
});

Deno.test("PID_GETMETA returns credentials, executable, cwd and root from the pid's owner", async () => {
  const { leader } = await testLeader();
  const meta: ProcessHooks = {
    getProcessMeta(pid, kind) {
      if (pid !== 33) return null;
      return [{ uid: 5, gid: 6, euid: 7, egid: 8 }, "/bin/sh", "/home/u", "/"][kind];
    },
  };
  const [a, b] = [await inProcessGuest(leader, 2), await inProcessGuest(leader, 3, meta)];
  try {
    await allocIdRange(a);
    await allocIdRange(b);
    assert.deepEqual(await pidGetMeta(a, 33, MetaKind.Credentials), {
      result: 0,
      data: { uid: 5, gid: 6, euid: 7, egid: 8 },
    });
    assert.deepEqual(await pidGetMeta(a, 33, MetaKind.Executable), { result: 0, data: "/bin/sh" });
    assert.deepEqual(await pidGetMeta(a, 33, MetaKind.Cwd), { result: 0, data: "/home/u" });
    assert.deepEqual(await pidGetMeta(leader.worker, 33, MetaKind.Root), { result: 0, data: "/" });
    assert.deepEqual(await pidGetMeta(a, 34, MetaKind.Cwd), { result: -Errno.ESRCH, data: null });
    assert.deepEqual(await pidGetMeta(a, 4000, MetaKind.Cwd), { result: -Errno.ESRCH, data: null });
    await assert.rejects(a.request(1, Code.PID_GETMETA, { pid: 33, kind: 9 }), RemoteError);
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

const lock = (pid: number, type: LockType, start: number, end: number) => ({
  family: LockFamily.Posix,
  type,
  start,
  end,
  pid,
  handleId: 0,
});

Deno.test("file locks over IPC: conflicts, F_GETLK, a blocking wait, cancel, clear", async () => {
  const { leader } = await testLeader();
  const [a, b] = [await inProcessGuest(leader, 2), await inProcessGuest(leader, 3)];
  try {
    assert.equal(await fileLockSet(a, "/f", lock(10, LockType.Write, 0, 99), false), 0);
    assert.equal(await fileLockSet(b, "/f", lock(20, LockType.Read, 50, 50), false), -Errno.EAGAIN);
    assert.equal((await fileLockGet(b, "/f", lock(20, LockType.Read, 50, 50)))?.pid, 10);
    let granted: number | null = null;
    const waiting = fileLockSet(b, "/f", lock(20, LockType.Write, 90, 120), true).then((r) =>
      granted = r
    );
    await eventually(() => leader.services.locks.waitingOn("/f") === 1, 2000, "the wait to queue");
    assert.equal(granted, null);
    assert.equal(await fileLockSet(a, "/f", lock(10, LockType.Unlock, 80, 99), false), 0);
    await within(waiting, 2000, "the blocked lock");
    assert.equal(granted, 0);
    const interrupted = fileLockSet(a, "/f", lock(10, LockType.Read, 100, 100), true);
    await eventually(() => leader.services.locks.waitingOn("/f") === 1, 2000, "the second wait");
    assert.equal(await fileLockCancel(a, "/f", lock(10, LockType.Read, 100, 100)), 1);
    assert.equal(await within(interrupted, 2000, "cancel"), -Errno.EINTR);
    await fileLockClearPid(b, 20);
    assert.deepEqual(
      leader.services.locks.locksOf("/f").map((held) => [held.pid, held.start, held.end]),
      [
        [10, 0, 79],
      ],
    );
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

Deno.test("a dead process's locks are released and a waiter on them is granted", async () => {
  const { leader } = await testLeader();
  const [a, b] = [await inProcessGuest(leader, 2), await inProcessGuest(leader, 3)];
  try {
    assert.equal(await fileLockSet(a, "/f", lock(10, LockType.Write, 0, 0), false), 0);
    const waiting = fileLockSet(b, "/f", lock(20, LockType.Write, 0, 0), true);
    await eventually(() => leader.services.locks.waitingOn("/f") === 1, 2000, "the wait to queue");
    await a.close();
    assert.equal(await within(waiting, 2000, "release on death"), 0);
    assert.deepEqual(leader.services.locks.locksOf("/f").map((held) => held.pid), [20]);
  } finally {
    await cleanUp([], [a, b], leader);
  }
});
