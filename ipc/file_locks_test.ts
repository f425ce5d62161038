import assert from "node:assert/strict";
import { Errno } from "./codes.ts";
import { FileLockTable, LOCK_END, LockFamily, type LockRequest, LockType } from "./file_locks.ts";

const F = "/data/file";

function posix(pid: number, type: LockType, start: number, end: number): LockRequest {
  return { family: LockFamily.Posix, type, start, end, pid, handleId: 0 };
}

function flock(pid: number, handleId: number, type: LockType): LockRequest {
  return { family: LockFamily.Flock, type, start: 0, end: LOCK_END, pid, handleId };
}

/** Locks of a file as [pid, type, start, end] rows, for compact assertions. */
function rows(table: FileLockTable, path = F) {
  return table.locksOf(path).map((lock) => [lock.pid, LockType[lock.type], lock.start, lock.end]);
}

/** The promise's value if the table has resolved it (the table resolves synchronously). */
async function settled(promise: Promise<number>): Promise<number | "pending"> {
  let value: number | "pending" = "pending";
  promise.then((result) => value = result);
  for (let i = 0; i < 3; i++) await null;
  return value;
}

Deno.test("a write lock conflicts with any overlapping lock of another pid; read locks share", () => {
  const table = new FileLockTable();
  assert.equal(table.set(F, posix(10, LockType.Read, 0, 99), 2, false), 0);
  assert.equal(table.set(F, posix(11, LockType.Read, 50, 150), 3, false), 0);
  assert.equal(table.set(F, posix(12, LockType.Write, 90, 95), 4, false), -Errno.EAGAIN);
  assert.equal(table.set(F, posix(12, LockType.Write, 151, 200), 4, false), 0);
  assert.equal(
    table.set(F, posix(10, LockType.Write, 0, 49), 2, false),
    0,
    "own locks never conflict",
  );
  assert.equal(table.set("/other", posix(12, LockType.Write, 0, 99), 4, false), 0);
});

Deno.test("one pid's locks split and merge as fcntl does", () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 99), 2, false);
  table.set(F, posix(10, LockType.Unlock, 40, 59), 2, false);
  assert.deepEqual(rows(table), [[10, "Write", 0, 39], [10, "Write", 60, 99]]);
  table.set(F, posix(10, LockType.Read, 50, 70), 2, false);
  assert.deepEqual(rows(table), [[10, "Write", 0, 39], [10, "Read", 50, 70], [
    10,
    "Write",
    71,
    99,
  ]]);
  table.set(F, posix(10, LockType.Write, 40, 49), 2, false);
  assert.deepEqual(rows(table), [[10, "Write", 0, 49], [10, "Read", 50, 70], [
    10,
    "Write",
    71,
    99,
  ]]);
  table.set(F, posix(10, LockType.Write, 50, 70), 2, false);
  assert.deepEqual(rows(table), [[10, "Write", 0, 99]], "touching write locks merge into one");
  table.set(F, posix(10, LockType.Read, 10, 10), 2, false);
  assert.deepEqual(rows(table), [[10, "Write", 0, 9], [10, "Read", 10, 10], [10, "Write", 11, 99]]);
  table.set(F, posix(10, LockType.Unlock, 0, LOCK_END), 2, false);
  assert.deepEqual(rows(table), []);
});

Deno.test("get() reports the first conflicting lock and ignores the caller's own", () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Read, 0, 9), 2, false);
  table.set(F, posix(11, LockType.Write, 20, 29), 3, false);
  assert.equal(table.get(F, posix(12, LockType.Read, 0, 19)), null);
  assert.deepEqual(
    { ...table.get(F, posix(12, LockType.Write, 5, 25))! },
    {
      family: LockFamily.Posix,
      type: LockType.Read,
      start: 0,
      end: 9,
      pid: 10,
      handleId: 0,
      vmid: 2,
    },
  );
  assert.equal(table.get(F, posix(11, LockType.Write, 20, 29)), null);
});

Deno.test("blocked waits are granted in arrival order as locks go", async () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 9), 2, true);
  const second = table.set(F, posix(11, LockType.Write, 0, 9), 3, true) as Promise<number>;
  const third = table.set(F, posix(12, LockType.Write, 5, 5), 4, true) as Promise<number>;
  assert.equal(await settled(second), "pending");
  assert.equal(table.waitingOn(F), 2);
  table.set(F, posix(10, LockType.Unlock, 0, 9), 2, false);
  assert.equal(await settled(second), 0);
  assert.equal(await settled(third), "pending", "the later waiter still conflicts with pid 11");
  table.set(F, posix(11, LockType.Unlock, 0, 9), 3, false);
  assert.equal(await settled(third), 0);
  assert.deepEqual(rows(table), [[12, "Write", 5, 5]]);
});

Deno.test("downgrading a write lock to read wakes waiting readers", async () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 9), 2, false);
  const reader = table.set(F, posix(11, LockType.Read, 0, 9), 3, true) as Promise<number>;
  table.set(F, posix(10, LockType.Read, 0, 9), 2, false);
  assert.equal(await settled(reader), 0);
});

Deno.test("a wait that would close a cycle of waiting owners fails with EDEADLK", async () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 9), 2, false);
  table.set(F, posix(11, LockType.Write, 10, 19), 3, false);
  table.set(F, posix(12, LockType.Write, 20, 29), 4, false);
  const tenWaits = table.set(F, posix(10, LockType.Write, 10, 19), 2, true) as Promise<number>;
  const elevenWaits = table.set(F, posix(11, LockType.Write, 20, 29), 3, true) as Promise<number>;
  assert.equal(table.set(F, posix(12, LockType.Write, 0, 9), 4, true), -Errno.EDEADLK);
  assert.equal(await settled(tenWaits), "pending");
  table.set(F, posix(12, LockType.Unlock, 20, 29), 4, false);
  assert.equal(await settled(elevenWaits), 0);
  table.set(F, posix(11, LockType.Unlock, 0, LOCK_END), 3, false);
  assert.equal(await settled(tenWaits), 0);
});

Deno.test("a process's locks go when it exits or dies, and its waits end", async () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 9), 2, false);
  table.set("/b", posix(10, LockType.Read, 0, 9), 2, false);
  table.set(F, posix(11, LockType.Read, 100, 109), 3, false);
  const waiter = table.set(F, posix(12, LockType.Write, 0, 200), 4, true) as Promise<number>;
  const doomed = table.set("/b", posix(11, LockType.Write, 0, 9), 3, true) as Promise<number>;
  table.clearVmid(2);
  assert.equal(await settled(doomed), 0, "pid 11 got /b once pid 10's read lock went");
  assert.deepEqual(rows(table, "/b"), [[11, "Write", 0, 9]]);
  assert.equal(await settled(waiter), "pending", "pid 11 still holds 100..109");
  table.clearPid(11);
  assert.equal(await settled(waiter), 0);
  assert.deepEqual(rows(table), [[12, "Write", 0, 200]]);
  assert.deepEqual(rows(table, "/b"), []);
  const ended = table.set(F, posix(13, LockType.Read, 0, 0), 5, true) as Promise<number>;
  table.clearVmid(5);
  assert.equal(await settled(ended), -Errno.EINTR);
});

Deno.test("cancel() ends a blocked wait with EINTR and leaves others waiting", async () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 9), 2, false);
  const a = table.set(F, posix(11, LockType.Write, 0, 9), 3, true) as Promise<number>;
  const b = table.set(F, posix(12, LockType.Write, 0, 9), 4, true) as Promise<number>;
  assert.equal(table.cancel(F, posix(11, LockType.Write, 0, 9), 3), 1);
  assert.equal(await settled(a), -Errno.EINTR);
  assert.equal(await settled(b), "pending");
  table.clearPid(10);
  assert.equal(await settled(b), 0);
});

Deno.test("flock locks belong to an open file description and cover the whole file", async () => {
  const table = new FileLockTable();
  assert.equal(table.set(F, flock(10, 100, LockType.Read), 2, false), 0);
  assert.equal(table.set(F, flock(11, 101, LockType.Read), 3, false), 0);
  assert.equal(table.set(F, flock(12, 102, LockType.Write), 4, false), -Errno.EAGAIN);
  assert.equal(
    table.set(F, flock(10, 103, LockType.Write), 2, false),
    -Errno.EAGAIN,
    "a second description in the same process conflicts too",
  );
  // Converting 100 to exclusive while 101 shares: the old shared lock is dropped first.
  assert.equal(table.set(F, flock(10, 100, LockType.Write), 2, false), -Errno.EAGAIN);
  assert.deepEqual(rows(table), [[11, "Read", 0, LOCK_END]]);
  const exclusive = table.set(F, flock(12, 102, LockType.Write), 4, true) as Promise<number>;
  table.set(F, flock(11, 101, LockType.Unlock), 3, false);
  assert.equal(await settled(exclusive), 0);
  assert.deepEqual(rows(table), [[12, "Write", 0, LOCK_END]]);
});

Deno.test("flock and POSIX locks on one file do not conflict", () => {
  const table = new FileLockTable();
  assert.equal(table.set(F, flock(10, 100, LockType.Write), 2, false), 0);
  assert.equal(table.set(F, posix(11, LockType.Write, 0, LOCK_END), 3, false), 0);
  assert.equal(table.get(F, posix(12, LockType.Write, 0, 9))?.pid, 11);
  assert.equal(table.get(F, flock(12, 102, LockType.Read))?.pid, 10);
});

Deno.test("set() rejects an empty range", () => {
  assert.throws(
    () => new FileLockTable().set(F, posix(10, LockType.Read, 9, 3), 2, false),
    RangeError,
  );
});

Deno.test("snapshot() and restore() carry held locks", () => {
  const table = new FileLockTable();
  table.set(F, posix(10, LockType.Write, 0, 9), 2, false);
  table.set(F, flock(11, 7, LockType.Read), 3, false);
  const copy = new FileLockTable();
  copy.restore(structuredClone(table.snapshot()));
  assert.deepEqual(copy.snapshot(), table.snapshot());
  assert.equal(copy.set(F, posix(12, LockType.Read, 5, 5), 4, false), -Errno.EAGAIN);
});

Deno.test("OFD locks belong to their description: they conflict with the process's own POSIX locks and outlive its exit", async () => {
  const table = new FileLockTable();
  const ofd = (pid: number, handleId: number, type: LockType, start: number, end: number) => ({
    ...posix(pid, type, start, end),
    handleId,
  });
  assert.equal(table.set(F, posix(10, LockType.Write, 0, 9), 2, false), 0);
  assert.equal(
    table.set(F, ofd(10, 100, LockType.Write, 5, 5), 2, false),
    -Errno.EAGAIN,
    "an OFD lock conflicts with a POSIX lock of the same process",
  );
  assert.equal(table.set(F, ofd(10, 100, LockType.Write, 20, 29), 2, false), 0);
  assert.equal(
    table.set(F, ofd(11, 100, LockType.Write, 25, 39), 3, false),
    0,
    "another process sharing the description (fork) is the same owner",
  );
  table.clearPid(10);
  assert.deepEqual(rows(table), [[11, "Write", 20, 39]], "the merged OFD lock outlives pid 10");
  table.set(F, flock(11, 100, LockType.Write), 3, false);
  table.clearHandle(100);
  assert.deepEqual(rows(table), [], "closing the description drops its OFD and flock locks");
  await Promise.resolve();
});
