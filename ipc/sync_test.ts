import assert from "node:assert/strict";
import { SyncClient, SyncState } from "./sync.ts";
import { cleanUp, eventually, inProcessGuest, testLeader, within } from "./testdata/util.ts";

const HANDLE = 7;
const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("sync: an EXCLUSIVE holder downgrades on request and hands its data to a reader", async () => {
  const { leader } = await testLeader();
  const [a, b] = [await inProcessGuest(leader, 2), await inProcessGuest(leader, 3)];
  try {
    const clientA = SyncClient.of(a);
    const clientB = SyncClient.of(b);
    assert.equal(await within(clientA.acquire(HANDLE, SyncState.Exclusive), 2000, "A"), null);
    clientA.release(HANDLE, bytes(1, 2, 3));
    assert.deepEqual(
      await within(clientB.acquire(HANDLE, SyncState.Shared), 2000, "B"),
      bytes(1, 2, 3),
    );
    assert.equal(clientA.stateOf(HANDLE), SyncState.Shared);
    assert.deepEqual(
      leader.services.sync.leases(HANDLE).map((lease) => [lease.vmid, lease.current]),
      [[2, SyncState.Shared], [3, SyncState.Shared]],
    );
    clientB.release(HANDLE);
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

Deno.test("sync: a holder still inside the handle defers its downgrade until release", async () => {
  const { leader } = await testLeader();
  const [a, b] = [await inProcessGuest(leader, 2), await inProcessGuest(leader, 3)];
  try {
    const clientA = SyncClient.of(a);
    await within(clientA.acquire(HANDLE, SyncState.Exclusive), 2000, "A");
    let got: Uint8Array | null | "waiting" = "waiting";
    const reading = SyncClient.of(b).acquire(HANDLE, SyncState.Shared).then((data) => got = data);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(got, "waiting");
    assert.equal(clientA.stateOf(HANDLE), SyncState.Exclusive);
    clientA.release(HANDLE, bytes(9));
    await within(reading, 2000, "B after A's release");
    assert.deepEqual(got, bytes(9));
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

Deno.test("sync: an EXCLUSIVE request makes every SHARED holder drop to INVALID", async () => {
  const { leader } = await testLeader();
  const guests = await Promise.all([2, 3, 4].map((vmid) => inProcessGuest(leader, vmid)));
  try {
    const [a, b, c] = guests.map((guest) => SyncClient.of(guest));
    await within(
      Promise.all([a.acquire(HANDLE, SyncState.Shared), b.acquire(HANDLE, SyncState.Shared)]),
      2000,
      "readers",
    );
    a.release(HANDLE);
    b.release(HANDLE);
    await within(c.acquire(HANDLE, SyncState.Exclusive), 2000, "writer");
    assert.equal(a.stateOf(HANDLE), SyncState.Invalid);
    assert.equal(b.stateOf(HANDLE), SyncState.Invalid);
    c.release(HANDLE, bytes(4));
    // The first reader back gets the writer's data.
    assert.deepEqual(
      await within(a.acquire(HANDLE, SyncState.Shared), 2000, "reader again"),
      bytes(4),
    );
  } finally {
    await cleanUp([], guests, leader);
  }
});

Deno.test("sync: close() gives the lease back once the leader confirms", async () => {
  const { leader } = await testLeader();
  const a = await inProcessGuest(leader, 2);
  try {
    const client = SyncClient.of(a);
    await within(client.acquire(HANDLE, SyncState.Exclusive), 2000, "acquire");
    client.release(HANDLE, bytes(5, 5));
    await within(client.close(HANDLE), 2000, "close");
    assert.deepEqual(leader.services.sync.leases(HANDLE), []);
    assert.throws(() => client.release(HANDLE), /not in use/);
  } finally {
    await cleanUp([], [a], leader);
  }
});

Deno.test("sync: a dead client's lease is dropped and a waiting client is served", async () => {
  const { leader } = await testLeader();
  const [a, b] = [await inProcessGuest(leader, 2), await inProcessGuest(leader, 3)];
  try {
    await within(SyncClient.of(a).acquire(HANDLE, SyncState.Exclusive), 2000, "A");
    const waiting = SyncClient.of(b).acquire(HANDLE, SyncState.Exclusive);
    await eventually(
      () => leader.services.sync.leases(HANDLE).some((lease) => lease.vmid === 3),
      2000,
      "B's request",
    );
    await a.close();
    await within(waiting, 2000, "B after A died");
    assert.deepEqual(
      leader.services.sync.leases(HANDLE).map((lease) => [lease.vmid, lease.current]),
      [[3, SyncState.Exclusive]],
    );
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

Deno.test("sync: snapshot() and restore() carry leases and data", async () => {
  const { leader } = await testLeader();
  const a = await inProcessGuest(leader, 2);
  try {
    await within(SyncClient.of(a).acquire(HANDLE, SyncState.Shared), 2000, "acquire");
    const snapshot = structuredClone(leader.services.sync.snapshot());
    leader.services.sync.dropClient(2);
    assert.deepEqual(leader.services.sync.leases(HANDLE), []);
    leader.services.sync.restore(snapshot);
    assert.deepEqual(leader.services.sync.snapshot(), snapshot);
  } finally {
    await cleanUp([], [a], leader);
  }
});
