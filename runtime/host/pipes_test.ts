import assert from "node:assert/strict";
import { PipeTable } from "./pipes.ts";
import { SharedMemory } from "../../ipc/shared_memory.ts";
import { PIPE_RING_BYTES, PipeRing } from "../kernel/pipe_ring.ts";

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const EAGAIN = -11, EPIPE = -32, EBUSY = -16;
const HOST = 2; // a host's lock tag is its VMID

/** A table whose rings a "host" maps as a guest host would (pipe_map). */
function withHost(shared = true) {
  const pipes = new PipeTable({ shared });
  const maps: SharedMemory[] = [];
  const ringOf = (id: number): PipeRing => {
    const handle = pipes.map(id);
    assert.ok(handle, "a shared ring has a handle");
    const memory = SharedMemory.open(handle)!;
    maps.push(memory);
    return new PipeRing(memory.bytes);
  };
  const done = () => {
    for (const m of maps) m.unmap();
    pipes.closeAll();
  };
  return { pipes, ringOf, done };
}

Deno.test("PipeRing: FIFO across the wrap, PIPE_BUF writes whole or not at all, EOF and EPIPE", () => {
  const ring = new PipeRing(new ArrayBuffer(PIPE_RING_BYTES), { capacity: 8192 });
  ring.setCounts(1, 1);
  assert.equal(ring.write(HOST, bytes(6000, 1)), 6000);
  assert.equal(ring.write(HOST, bytes(3000, 2)), EAGAIN, "3000 <= PIPE_BUF does not fit whole");
  assert.equal(ring.write(HOST, bytes(5000, 3)), 2192, "a larger write takes what fits");
  assert.equal((ring.read(HOST, 6000) as Uint8Array).every((b) => b === 1), true);
  assert.equal(ring.write(HOST, bytes(4000, 4)), 4000); // wraps round the end
  const rest = ring.read(HOST, 10000) as Uint8Array;
  assert.equal(rest.length, 6192);
  assert.ok(
    rest.subarray(0, 2192).every((b) => b === 3) && rest.subarray(2192).every((b) => b === 4),
  );
  assert.equal(ring.read(HOST, 1), EAGAIN);
  ring.setCounts(1, 0);
  assert.deepEqual(ring.read(HOST, 1), new Uint8Array(0), "no writer: end of file");
  ring.setCounts(0, 1);
  assert.equal(ring.write(HOST, bytes(1)), EPIPE);
});

Deno.test("PipeRing: a held lock makes operations give up (null), and a dead holder's is freed", () => {
  const ring = new PipeRing(new ArrayBuffer(PIPE_RING_BYTES), { capacity: 65536 });
  ring.setCounts(1, 1);
  assert.ok(ring.tryLock(7));
  assert.equal(ring.write(HOST, bytes(10), 100), null);
  assert.equal(ring.read(HOST, 10, 100), null);
  ring.breakLockOf(8); // not the holder: nothing happens
  assert.equal(ring.holder, 7);
  ring.breakLockOf(7);
  assert.equal(ring.write(HOST, bytes(10), 100), 10);
});

Deno.test("PipeRing: the kick flag says whether the supervisor waits on the pipe", () => {
  const ring = new PipeRing(new ArrayBuffer(PIPE_RING_BYTES), { capacity: 65536 });
  ring.setCounts(1, 1);
  ring.write(HOST, bytes(10));
  assert.equal(ring.kick, false);
  ring.setWatch(true);
  ring.read(HOST, 5);
  assert.equal(ring.kick, true);
});

Deno.test("PipeTable: bytes a host writes in the shared ring answer a read waiting in the supervisor once kicked", async () => {
  const { pipes, ringOf, done } = withHost();
  try {
    const { id, ring: handle } = pipes.create(HOST);
    assert.ok(handle);
    pipes.inherit(3, [{ id, end: "r" }]);
    const ring = ringOf(id);
    assert.equal(ring.readers, 2, "the fork's read end is counted in the ring");
    let answered = false;
    const waiting = (pipes.read(3, id, 100, true, 1) as Promise<{ result: unknown }>).then((r) => {
      answered = true;
      return r;
    });
    assert.equal(ring.write(HOST, bytes(40, 9)), 40);
    assert.equal(ring.kick, true, "the supervisor waits: the writer must kick");
    await Promise.resolve();
    assert.equal(answered, false, "nothing answers before the kick");
    pipes.kick(id);
    assert.deepEqual((await waiting).result, bytes(40, 9));
    assert.equal(ring.length, 0);
    assert.equal(ring.watched, false, "no wait left: the flag is down");
  } finally {
    done();
  }
});

Deno.test("PipeTable: a wait for room ends when a host reads; closes reach the ring's counts", async () => {
  const { pipes, ringOf, done } = withHost();
  try {
    const { id } = pipes.create(HOST);
    pipes.inherit(3, [{ id, end: "r" }, { id, end: "w" }]);
    const ring = ringOf(id);
    assert.equal(pipes.write(id, bytes(65536)).result, 65536);
    const room = pipes.wait(id, "w", 1);
    ring.read(HOST, 4096);
    assert.ok(ring.kick);
    pipes.kick(id);
    assert.equal((await room).state.length, 61440);
    pipes.close(HOST, id, "r");
    pipes.close(3, id, "r");
    assert.equal(ring.readers, 0);
    assert.equal(ring.write(HOST, bytes(1)), EPIPE, "no reader left, as the ring now says");
  } finally {
    done();
  }
});

Deno.test("PipeTable: a host dying frees the lock it held and closes its ends", async () => {
  const { pipes, ringOf, done } = withHost();
  try {
    const { id } = pipes.create(HOST);
    pipes.inherit(3, [{ id, end: "r" }]);
    pipes.close(HOST, id, "r");
    const ring = ringOf(id);
    const eof = pipes.read(3, id, 10, true, 1) as Promise<{ result: unknown }>;
    assert.ok(ring.tryLock(HOST)); // dies inside an operation
    pipes.dropHost(HOST);
    assert.equal(ring.holder, 0);
    assert.deepEqual((await eof).result, new Uint8Array(0), "its write end was the last");
  } finally {
    done();
  }
});

Deno.test("PipeTable without shared memory: every operation by request, same semantics", async () => {
  const { pipes, done } = withHost(false);
  try {
    const { id, ring } = pipes.create(HOST);
    assert.equal(ring, null);
    assert.equal(pipes.map(id), null);
    pipes.inherit(3, [{ id, end: "r" }]);
    const waiting = pipes.read(3, id, 10, true, 1) as Promise<{ result: unknown }>;
    assert.equal(pipes.write(id, bytes(5, 3)).result, 5);
    assert.deepEqual((await waiting).result, bytes(5, 3));
    const first = pipes.read(3, id, 100, true, 2);
    pipes.cancel(3, id, 2);
    assert.equal((await first).result, EAGAIN);
  } finally {
    done();
  }
});

Deno.test("PipeTable: F_SETPIPE_SZ keeps the bytes, EBUSY below them; snapshot and restore keep them", () => {
  const { pipes, ringOf, done } = withHost();
  const restored = withHost();
  try {
    const { id } = pipes.create(HOST);
    const ring = ringOf(id);
    ring.write(HOST, bytes(3000, 7));
    ring.read(HOST, 1000);
    ring.write(HOST, bytes(3000, 8));
    assert.equal(pipes.setCapacity(id, 4096).result, EBUSY, "5000 bytes buffered");
    assert.equal(pipes.setCapacity(id, 5000).result, 8192);
    assert.equal(ring.capacity, 8192);
    const snap = pipes.snapshot();
    const expected = new Uint8Array([...bytes(2000, 7), ...bytes(3000, 8)]);
    assert.deepEqual(snap.pipes[0].data, expected);
    assert.equal(snap.pipes[0].capacity, 8192);
    restored.pipes.restore(snap);
    const again = restored.ringOf(id);
    assert.deepEqual(again.read(HOST, 10000), expected);
    assert.throws(
      () => restored.pipes.restore({ ...snap, pipes: [{ ...snap.pipes[0], capacity: 5000 }] }),
      /not a pipe capacity/,
    );
  } finally {
    done();
    restored.done();
  }
});

Deno.test("PipeTable: a lock held by a host found dead is freed when the supervisor needs it", () => {
  const dead = new Set<number>();
  const pipes = new PipeTable({ hostGone: (vmid) => dead.has(vmid) });
  try {
    const { id } = pipes.create(HOST);
    const memory = SharedMemory.open(pipes.map(id)!)!;
    const ring = new PipeRing(memory.bytes);
    assert.ok(ring.tryLock(7)); // host 7 is killed inside an operation, before its link is seen to close
    dead.add(7);
    assert.equal(pipes.write(id, bytes(3)).result, 3);
    assert.equal(ring.holder, 0);
    memory.unmap();
  } finally {
    pipes.closeAll();
  }
});
