import assert from "node:assert/strict";
import { Code } from "./codes.ts";
import { LinkClosedError, RemoteError } from "./errors.ts";
import { decodeFrames, encodeFrame, type Frame } from "./frame.ts";
import { IpcWorker } from "./worker.ts";
import { startLeader } from "./leader.ts";
import { socketPath } from "./auth.ts";
import { cleanUp, eventually, inProcessGuest, testLeader, within } from "./testdata/util.ts";

Deno.test("request() matches replies to requests by sequence number, many in flight", async () => {
  const { leader } = await testLeader();
  const guest = await inProcessGuest(leader, 2);
  try {
    const replies = await within(
      Promise.all(Array.from({ length: 500 }, (_, i) => guest.request(1, Code.ECHO, { i }))),
      10_000,
      "echoes",
    );
    assert.deepEqual(replies, Array.from({ length: 500 }, (_, i) => ({ i })));
  } finally {
    await cleanUp([], [guest], leader);
  }
});

Deno.test("request() rejects with TimedOut when the peer does not answer in time", async () => {
  const { leader } = await testLeader({ onUserMessage: () => new Promise(() => {}) });
  const guest = await inProcessGuest(leader, 2);
  try {
    const started = Date.now();
    await assert.rejects(
      guest.request(1, Code.USER, "never answered", { timeoutMs: 50 }),
      (error: Error) =>
        error instanceof Deno.errors.TimedOut &&
        /did not answer USER within 50 ms/.test(error.message),
    );
    assert.ok(Date.now() - started < 2000);
  } finally {
    await cleanUp([], [guest], leader);
  }
});

Deno.test("a handler's error comes back to the requester as RemoteError", async () => {
  const { leader } = await testLeader();
  const guest = await inProcessGuest(leader, 2);
  try {
    await assert.rejects(
      guest.request(1, Code.FILE_LOCK_SET, { path: 5 }),
      (error: Error) =>
        error instanceof RemoteError && error.remoteName === "TypeError" &&
        /FILE_LOCK_SET path must be a string/.test(error.message),
    );
    await assert.rejects(
      guest.request(1, Code.USER, null),
      (error: Error) =>
        error instanceof RemoteError && /takes no USER messages/.test(error.message),
    );
    await assert.rejects(
      guest.request(1, Code.SYNC_CONFIRM_CLOSE, { id: 1 }),
      /must come from the leader/,
    );
  } finally {
    await cleanUp([], [guest], leader);
  }
});

Deno.test("the runtime directory is 0700 and every socket in it 0600", async () => {
  const { leader } = await testLeader();
  const guest = await inProcessGuest(leader, 2);
  try {
    assert.equal((await Deno.stat(leader.runtimeDir)).mode! & 0o777, 0o700);
    for (const vmid of [1, 2]) {
      const info = await Deno.lstat(socketPath(leader.runtimeDir, vmid));
      assert.ok(info.isSocket);
      assert.equal(info.mode! & 0o777, 0o600);
    }
  } finally {
    await cleanUp([], [guest], leader);
  }
  await assert.rejects(Deno.stat(leader.runtimeDir), Deno.errors.NotFound);
});

/** Connects to the leader's socket by hand, writes `bytes`, and returns what came back. */
async function rawExchange(path: string, bytes: Uint8Array): Promise<Frame[]> {
  const conn = await Deno.connect({ transport: "unix", path });
  try {
    await conn.write(bytes);
    const received: number[] = [];
    const buffer = new Uint8Array(4096);
    for (;;) {
      const count = await within(conn.read(buffer), 5000, "the leader to drop the link");
      if (count === null) break;
      received.push(...buffer.subarray(0, count));
    }
    return decodeFrames(new Uint8Array(received));
  } finally {
    conn.close();
  }
}

Deno.test("a peer that does not present the run secret in its first frame is dropped", async () => {
  const { leader, errors } = await testLeader();
  const good = await inProcessGuest(leader, 2);
  const path = socketPath(leader.runtimeDir, 1);
  try {
    const attempts: [Uint8Array, RegExp][] = [
      [encodeFrame(0, Code.HELLO, 9, { secret: "guess", vmid: 9 }), /wrong run secret/],
      [encodeFrame(1, Code.GET_NEW_VMID, 9, null), /sent GET_NEW_VMID before presenting/],
      [new Uint8Array(64).fill(0xee), /over the .*limit|unknown message code/],
      [
        encodeFrame(0, Code.HELLO, 9, { secret: leader.worker.secret, vmid: "../../etc/x" }),
        /HELLO vmid/,
      ],
      [
        encodeFrame(0, Code.HELLO, 9, { secret: leader.worker.secret, vmid: 2 ** 40 }),
        /HELLO vmid/,
      ],
      [encodeFrame(0, Code.HELLO, 7, { secret: leader.worker.secret, vmid: 9 }), /claimed VMID 9/],
    ];
    for (const [bytes, reason] of attempts) {
      const before = leader.services.vmids.snapshot().next;
      const frames = await rawExchange(path, bytes);
      // The leader says its own HELLO first (so a real peer can check it), and nothing else.
      assert.deepEqual(frames.map((frame) => frame.code), [Code.HELLO]);
      await eventually(
        () => errors.some((error) => reason.test(error.message)),
        2000,
        String(reason),
      );
      assert.equal(leader.services.vmids.snapshot().next, before, "nothing was served");
    }
    assert.deepEqual(leader.worker.peers(), [2]);
    assert.deepEqual(await good.request(1, Code.ECHO, "still fine"), "still fine");
  } finally {
    await cleanUp([], [good], leader);
  }
});

Deno.test("socketPath() accepts only numeric VMIDs, so a frame cannot steer a path", () => {
  assert.equal(socketPath("/run/x", 12), "/run/x/12.sock");
  for (const bad of [0, -1, 1.5, 2 ** 32, Number.NaN, "3/../../etc" as unknown as number]) {
    assert.throws(() => socketPath("/run/x", bad), RangeError);
  }
});

Deno.test("a frame claiming another sender's VMID closes the link", async () => {
  const { leader, errors } = await testLeader();
  const path = socketPath(leader.runtimeDir, 1);
  try {
    const hello = encodeFrame(0, Code.HELLO, 5, { secret: leader.worker.secret, vmid: 5 });
    const forged = encodeFrame(3, Code.GET_NEW_VMID, 6, null);
    const bytes = new Uint8Array(hello.length + forged.length);
    bytes.set(hello);
    bytes.set(forged, hello.length);
    const frames = await rawExchange(path, bytes);
    assert.deepEqual(frames.map((frame) => frame.code), [Code.HELLO]);
    await eventually(
      () => errors.some((error) => /claiming to be from process 6/.test(error.message)),
      2000,
      "report",
    );
    assert.equal(leader.services.vmids.snapshot().next, 2);
  } finally {
    await leader.close();
  }
});

Deno.test("connectToProcess() dials a peer once, lazily, and peers then talk directly", async () => {
  const { leader } = await testLeader();
  const seen: number[] = [];
  const a = await inProcessGuest(leader, 2);
  const b = await inProcessGuest(leader, 3, {
    onUserMessage: (payload, source) => (seen.push(source), payload),
  });
  try {
    assert.deepEqual(a.peers(), [1]);
    const [first, second] = await Promise.all([a.connectToProcess(3), a.connectToProcess(3)]);
    assert.equal(first, second, "one link for concurrent dials");
    assert.equal(await a.request(3, Code.USER, "direct"), "direct");
    assert.deepEqual(seen, [2]);
    assert.deepEqual(a.peers().sort(), [1, 3]);
    await assert.rejects(
      a.connectToProcess(77),
      (error: Error) =>
        error instanceof LinkClosedError && /Cannot connect to process 77/.test(error.message),
    );
    await assert.rejects(a.connectToProcess(2), RangeError);
  } finally {
    await cleanUp([], [a, b], leader);
  }
});

Deno.test("broadcast() reaches every member but the excluded one; members relay via the leader", async () => {
  const { leader } = await testLeader();
  const received = new Map<number, unknown[]>();
  const hooks = (vmid: number) => ({
    onUserMessage: (payload: unknown) =>
      void received.set(vmid, [...(received.get(vmid) ?? []), payload]),
  });
  const guests = await Promise.all(
    [2, 3, 4].map((vmid) => inProcessGuest(leader, vmid, hooks(vmid))),
  );
  try {
    assert.equal(await leader.worker.broadcast(Code.USER, "from leader", 3), 2);
    assert.equal(await guests[0].broadcast(Code.USER, "from 2"), 2);
    // Anything after the fan-out on the same links arrives after it.
    await Promise.all(guests.map((guest) => leader.worker.request(guest.vmid, Code.ECHO, null)));
    assert.deepEqual(received.get(2), ["from leader"]);
    assert.deepEqual(received.get(3), ["from 2"]);
    assert.deepEqual(received.get(4), ["from leader", "from 2"]);
    await assert.rejects(
      guests[1].request(1, Code.BROADCAST, { code: Code.ECHO, payload: {}, except: 0 }),
      /USER messages only/,
    );
  } finally {
    await cleanUp([], guests, leader);
  }
});

Deno.test("when a link drops, every request waiting on that peer fails at once", async () => {
  const { leader } = await testLeader();
  const lost: number[] = [];
  leader.worker.hooks.onPeerLost = (vmid) => lost.push(vmid);
  const guest = await inProcessGuest(leader, 2, { onUserMessage: () => new Promise(() => {}) });
  try {
    const waiting = Array.from({ length: 5 }, () => leader.worker.request(2, Code.USER, "hang"));
    const outcomes = Promise.allSettled(waiting);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closedAt = Date.now();
    await guest.close();
    const results = await within(outcomes, 2000, "waiters to fail");
    assert.ok(Date.now() - closedAt < 1000);
    for (const result of results) {
      assert.equal(result.status, "rejected");
      assert.ok(result.reason instanceof LinkClosedError);
      assert.match(result.reason.message, /Process 2 went away before answering USER/);
    }
    await eventually(() => lost.includes(2), 2000, "peer lost");
    assert.deepEqual(leader.worker.peers(), []);
  } finally {
    await cleanUp([], [guest], leader);
  }
});

Deno.test("a worker refuses a VMID outside 1..2^32-1", () => {
  assert.throws(
    () => new IpcWorker({ vmid: 0, leaderVmid: 1, runtimeDir: "/tmp", secret: "s" }),
    /vmid must be an integer/,
  );
});

Deno.test("a peer that stays silent is dropped when the HELLO timeout passes", async () => {
  const errors: Error[] = [];
  const leader = await startLeader({
    helloTimeoutMs: 100,
    hooks: { onError: (error) => errors.push(error) },
  });
  try {
    const started = Date.now();
    const frames = await rawExchange(socketPath(leader.runtimeDir, 1), new Uint8Array(0));
    assert.deepEqual(frames.map((frame) => frame.code), [Code.HELLO]);
    assert.ok(Date.now() - started >= 90);
    assert.match(errors[0]?.message ?? "", /did not say HELLO within 100 ms/);
  } finally {
    await leader.close();
  }
});
