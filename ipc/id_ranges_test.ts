import assert from "node:assert/strict";
import { IdRangeTable, PID_MAX, RANGE_SIZE } from "./id_ranges.ts";

const LEADER = 1;

Deno.test("alloc() leases ranges of 32 ids in increasing order", () => {
  const table = new IdRangeTable();
  assert.deepEqual(table.alloc(2), { start: 1, end: 32, owner: 2 });
  assert.deepEqual(table.alloc(3), { start: 33, end: 64, owner: 3 });
  assert.deepEqual(table.alloc(2), { start: 65, end: 96, owner: 2 });
  assert.equal(table.getOwner(40), 3);
  assert.equal(table.getOwner(97), 0);
});

Deno.test("changeOwner() splits a range in three; each part must be released on its own", () => {
  const table = new IdRangeTable();
  table.alloc(2);
  table.changeOwner(5, 3, 2);
  assert.deepEqual(table.snapshot().ranges, [
    { start: 1, end: 4, owner: 2 },
    { start: 5, end: 5, owner: 3 },
    { start: 6, end: 32, owner: 2 },
  ]);
  assert.throws(() => table.release(5, 32, 2), /not one leased range/);
  assert.throws(() => table.release(1, 32, 2), /not one leased range/);
  table.release(5, 5, 3);
  table.release(1, 4, 2);
  table.release(6, 32, 2);
  assert.deepEqual(table.snapshot().ranges, []);
});

Deno.test("changeOwner() at a range's first or last id splits it in two", () => {
  const table = new IdRangeTable();
  table.alloc(2);
  table.changeOwner(1, 3, 2);
  table.changeOwner(32, 4, 2);
  assert.deepEqual(table.snapshot().ranges, [
    { start: 1, end: 1, owner: 3 },
    { start: 2, end: 31, owner: 2 },
    { start: 32, end: 32, owner: 4 },
  ]);
  table.changeOwner(1, 5, 3);
  assert.equal(table.getOwner(1), 5);
  assert.equal(table.snapshot().ranges.length, 3);
});

Deno.test("only an id's owner (or the leader) may give it away or release it", () => {
  const table = new IdRangeTable();
  table.alloc(2);
  assert.throws(() => table.changeOwner(3, 9, 7), /does not own id 3/);
  assert.throws(() => table.release(1, 32, 7), /does not own id 1/);
  assert.throws(() => table.changeOwner(99, 9, 2), /not owned by anyone/);
  table.changeOwner(3, 9, LEADER);
  assert.equal(table.getOwner(3), 9);
});

Deno.test("a released range is not reused before the lease cursor wraps", () => {
  const table = new IdRangeTable();
  table.alloc(2);
  table.alloc(2);
  table.release(1, 32, 2);
  assert.deepEqual(table.alloc(3), { start: 65, end: 96, owner: 3 });
});

Deno.test("alloc() wraps at PID_MAX, skipping owned ids, and returns null when all are owned", () => {
  const table = new IdRangeTable();
  table.restore({
    lastId: PID_MAX - 10,
    ranges: [{ start: 1, end: 40, owner: 5 }, { start: PID_MAX - 5, end: PID_MAX, owner: 5 }],
  });
  assert.deepEqual(table.alloc(2), { start: PID_MAX - 9, end: PID_MAX - 6, owner: 2 });
  assert.deepEqual(table.alloc(2), { start: 41, end: 72, owner: 2 });
  table.restore({ lastId: 0, ranges: [{ start: 1, end: PID_MAX, owner: 5 }] });
  assert.equal(table.alloc(2), null);
});

Deno.test("ids are never handed out twice while owned, under random alloc/split/release", () => {
  let seed = 4242;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const table = new IdRangeTable();
  // Shrink the id space so the cursor wraps many times.
  table.restore({ lastId: PID_MAX - 3000, ranges: [{ start: 1, end: PID_MAX - 3000, owner: 99 }] });
  const owned = new Map<number, number>();
  for (let step = 0; step < 4000; step++) {
    const ranges = table.snapshot().ranges.filter((range) => range.owner !== 99);
    const choice = next();
    if (choice < 0.45 || ranges.length === 0) {
      const range = table.alloc(2 + Math.floor(next() * 5));
      if (range === null) continue;
      assert.ok(range.end - range.start + 1 <= RANGE_SIZE);
      for (let id = range.start; id <= range.end; id++) {
        assert.equal(owned.has(id), false, `id ${id} handed out while owned`);
        owned.set(id, range.owner);
      }
    } else if (choice < 0.7) {
      const range = ranges[Math.floor(next() * ranges.length)];
      const id = range.start + Math.floor(next() * (range.end - range.start + 1));
      const newOwner = 2 + Math.floor(next() * 5);
      table.changeOwner(id, newOwner, range.owner);
      owned.set(id, newOwner);
    } else {
      const range = ranges[Math.floor(next() * ranges.length)];
      table.release(range.start, range.end, range.owner);
      for (let id = range.start; id <= range.end; id++) owned.delete(id);
    }
  }
  for (const [id, owner] of owned) assert.equal(table.getOwner(id), owner);
});

Deno.test("snapshot() and restore() carry ranges and the lease cursor", () => {
  const table = new IdRangeTable();
  table.alloc(2);
  table.alloc(3);
  table.changeOwner(40, 4, 3);
  const copy = new IdRangeTable();
  copy.restore(structuredClone(table.snapshot()));
  assert.deepEqual(copy.snapshot(), table.snapshot());
  assert.deepEqual(copy.alloc(5), table.alloc(5));
  assert.throws(
    () =>
      copy.restore({
        lastId: 0,
        ranges: [{ start: 5, end: 9, owner: 2 }, { start: 9, end: 12, owner: 2 }],
      }),
    /not sorted and disjoint/,
  );
});
