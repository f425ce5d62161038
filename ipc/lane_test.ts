import assert from "node:assert/strict";
import { Code } from "./codes.ts";
import { encodeFrameParts, FrameDecoder, HEADER_SIZE, RAW_MIN } from "./frame.ts";
import { Lane, LANE_MIN } from "./lane.ts";
import { SharedMemory } from "./shared_memory.ts";
import { IpcWorker } from "./worker.ts";
import { cleanUp, inProcessGuest, testLeader, within } from "./testdata/util.ts";

/** Both ends of one lane, mapped twice in this process as two processes would. */
function lanePair(ringSize = 4096): { dialler: Lane; acceptor: Lane } {
  const dialler = Lane.offer(ringSize);
  assert.ok(dialler, "shared memory is available on this host");
  const acceptor = Lane.accept(dialler.offer);
  assert.ok(acceptor, "the offered lane can be mapped");
  return { dialler, acceptor };
}

const pattern = (length: number, seed: number) =>
  Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

Deno.test("a lane carries bytes both ways and wraps round the end of its ring", () => {
  const { dialler, acceptor } = lanePair(4096);
  try {
    for (let round = 0; round < 10; round++) {
      const bytes = pattern(3000, round); // 3000 does not divide 4096: most rounds wrap
      const there = dialler.sender.put(bytes);
      assert.equal(there, (round * 3000) >>> 0);
      assert.deepEqual(acceptor.receiver.take(there, bytes.length), bytes);
      const back = acceptor.sender.put(bytes);
      assert.deepEqual(dialler.receiver.take(back, bytes.length), bytes);
    }
  } finally {
    dialler.close();
    acceptor.close();
  }
});

Deno.test("a lane takes only what fits until the receiver frees room", () => {
  const { dialler, acceptor } = lanePair(4096);
  try {
    assert.equal(dialler.sender.put(pattern(4097, 1)), -1);
    const first = dialler.sender.put(pattern(3000, 1));
    assert.equal(dialler.sender.room, 1096);
    assert.equal(dialler.sender.put(pattern(2000, 2)), -1);
    acceptor.receiver.take(first, 3000);
    assert.equal(dialler.sender.room, 4096);
    assert.equal(dialler.sender.put(pattern(2000, 2)), 3000);
  } finally {
    dialler.close();
    acceptor.close();
  }
});

Deno.test("the dialler sends by lane only once the peer accepted it, then drops its descriptor", () => {
  const dialler = Lane.offer(4096)!;
  const fd = dialler.offer.fd;
  assert.ok(Deno.readLinkSync(`/proc/self/fd/${fd}`).startsWith("/memfd:supervisor-shared"));
  assert.equal(dialler.sender.room, 0);
  assert.equal(dialler.sender.put(pattern(100, 0)), -1);
  const acceptor = Lane.accept(dialler.offer)!;
  assert.equal(dialler.sender.room, 4096);
  assert.equal(dialler.offer.fd, -1);
  assert.equal(Lane.accept(dialler.offer), null, "its descriptor is closed: nobody else maps it");
  dialler.close();
  acceptor.close();
});

Deno.test("an offer naming another region (a reused descriptor number) is refused, unharmed", () => {
  const a = Lane.offer(4096)!, b = Lane.offer(4096)!;
  try {
    assert.equal(Lane.accept({ ...a.offer, fd: b.offer.fd }), null, "b's region under a's tag");
    assert.equal(Lane.accept({ ...b.offer, tag: undefined }), null, "no tag");
    const acceptor = Lane.accept(b.offer);
    assert.ok(acceptor, "b is still free for its own acceptor");
    assert.equal(b.sender.room, 4096);
    assert.equal(a.sender.room, 0, "a was never accepted");
    acceptor.close();
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("a full lane makes frames go inline, and they decode the same", () => {
  const { dialler, acceptor } = lanePair(65536);
  const decoder = new FrameDecoder();
  decoder.lane = acceptor.receiver;
  try {
    const data = pattern(40_000, 7);
    const byLane = encodeFrameParts(1, Code.USER, 2, { op: "x", data }, undefined, dialler.sender);
    assert.equal(byLane.length, 1);
    assert.ok(byLane[0].length < 100, "the bytes went by lane");
    // 40000 more do not fit in the 65536-byte ring until the first frame is taken.
    const inline = encodeFrameParts(2, Code.USER, 2, { op: "y", data }, undefined, dialler.sender);
    assert.ok(inline[0].length > 40_000, "the bytes went inline");
    const small = encodeFrameParts(
      3,
      Code.USER,
      2,
      { data: pattern(LANE_MIN - 1, 1) },
      undefined,
      {
        put: () => assert.fail("short raw tails stay inline"),
      } as unknown as typeof dialler.sender,
    );
    assert.ok(small[0].length > LANE_MIN);
    const frames = [...byLane, ...inline, ...small].flatMap((part) => decoder.push(part));
    assert.deepEqual(frames.map((frame) => frame.payload), [
      { op: "x", data },
      { op: "y", data },
      { data: pattern(LANE_MIN - 1, 1) },
    ]);
    assert.equal(dialler.sender.room, 65536, "taking the bytes freed their room");
  } finally {
    dialler.close();
    acceptor.close();
  }
});

/** A LANE frame for bytes at `position` (length `length`), as a sender would make it. */
function laneFrame(position: number, length: number, flags = 0xc000): Uint8Array {
  const { dialler, acceptor } = lanePair(65536);
  const [frame] = encodeFrameParts(
    0,
    Code.USER,
    2,
    { data: pattern(LANE_MIN, 0) },
    undefined,
    {
      put: () => 0,
    } as unknown as typeof dialler.sender,
  );
  dialler.close();
  acceptor.close();
  const view = new DataView(frame.buffer);
  view.setUint16(10, flags, true);
  view.setUint32(frame.length - 8, position, true);
  view.setUint32(frame.length - 4, length, true);
  return frame;
}

Deno.test("lane positions that are not the next bytes of the ring are rejected", () => {
  const { dialler, acceptor } = lanePair(65536);
  try {
    for (
      const [position, length] of [[4096, 100], [0, 0], [0, 65537], [0xffffffff, 10], [
        0,
        2 ** 32 - 1,
      ]]
    ) {
      const decoder = new FrameDecoder();
      decoder.lane = acceptor.receiver;
      assert.throws(() => decoder.push(laneFrame(position, length)), RangeError);
    }
    const position = dialler.sender.put(pattern(LANE_MIN, 3));
    const decoder = new FrameDecoder();
    decoder.lane = acceptor.receiver;
    const [frame] = decoder.push(laneFrame(position, LANE_MIN));
    assert.deepEqual(frame.payload, { data: pattern(LANE_MIN, 3) });
  } finally {
    dialler.close();
    acceptor.close();
  }
});

Deno.test("lane frames are rejected on a link without a lane, and LANE alone is reserved", () => {
  assert.throws(() => new FrameDecoder().push(laneFrame(0, 10)), SyntaxError);
  assert.throws(() => new FrameDecoder().push(laneFrame(0, 10, 0x4000)), RangeError);
  // A lane reference of the wrong size.
  const frame = laneFrame(0, 10);
  const shorter = frame.subarray(0, frame.length - 1).slice();
  new DataView(shorter.buffer).setUint32(0, shorter.length - HEADER_SIZE, true);
  const decoder = new FrameDecoder();
  const { dialler, acceptor } = lanePair();
  decoder.lane = acceptor.receiver;
  try {
    assert.throws(() => decoder.push(shorter), SyntaxError);
  } finally {
    dialler.close();
    acceptor.close();
  }
});

Deno.test("a sender reading an impossible consumed position finds no room", () => {
  const dialler = Lane.offer(4096)!;
  // A third mapping stands for a broken peer writing garbage into the shared header.
  const peer = SharedMemory.open(dialler.offer)!;
  const acceptor = Lane.accept(dialler.offer)!;
  try {
    assert.ok(dialler.sender.put(pattern(100, 0)) >= 0);
    new Uint32Array(peer.bytes)[16] = 0x80000000; // ring 0's consumed position
    assert.equal(dialler.sender.room, 0);
    assert.equal(dialler.sender.put(pattern(10, 0)), -1);
  } finally {
    peer.unmap();
    dialler.close();
    acceptor.close();
  }
});

Deno.test("a closed lane is unmapped: its bytes are detached, sends find no room", () => {
  const memory = SharedMemory.create(8192)!;
  const view = new Uint8Array(memory.bytes);
  memory.unmap();
  assert.equal(memory.bytes.byteLength, 0);
  assert.equal(view.length, 0, "a view kept past unmap() never reaches unmapped memory");
  memory.unmap(); // twice is harmless
  const { dialler, acceptor } = lanePair(4096);
  acceptor.close();
  assert.ok(acceptor.closed);
  assert.equal(acceptor.sender.room, 0);
  assert.equal(acceptor.sender.put(pattern(10, 0)), -1);
  assert.throws(() => acceptor.receiver.take(0, 10), RangeError);
  acceptor.close();
  assert.ok(
    dialler.offer.fd >= 0,
    "the dialler has not sent since the accept: it still holds its descriptor",
  );
  dialler.close();
  assert.equal(dialler.offer.fd, -1);
});

Deno.test("links to the leader get a lane, large payloads cross through it, and close unmaps it", async () => {
  const { leader, errors } = await testLeader();
  const guest = await inProcessGuest(leader, 2);
  const link = await guest.connectToProcess(1);
  const leaderLink = await leader.worker.connectToProcess(2);
  try {
    assert.ok(link.lane, "the dialled link offered a lane");
    assert.ok(leaderLink.lane, "the leader accepted it");
    for (let k = 0; k < 20; k++) {
      const data = pattern(60_000 + k * 1000, k);
      const reply = await within(guest.request(1, Code.ECHO, { data }), 5000, "echo") as {
        data: Uint8Array;
      };
      assert.deepEqual(reply.data, data);
    }
    // Small raw tails and payloads bigger than the ring still go inline.
    const big = pattern(3 * 1024 * 1024, 9);
    const small = pattern(RAW_MIN, 1);
    assert.deepEqual(await guest.request(1, Code.ECHO, { big, small }), { big, small });
    assert.equal(link.lane.offer.fd, -1, "the leader mapped it: the dialler's fd is closed");
  } finally {
    await cleanUp([], [guest], leader);
  }
  assert.ok(link.lane!.closed && leaderLink.lane!.closed);
  assert.deepEqual(errors, []);
});

Deno.test("a lane counts frames sent and read, so a receiver knows when frames are on their way", () => {
  const { dialler, acceptor } = lanePair();
  try {
    assert.equal(dialler.receiver.behind, false);
    acceptor.sender.countFrame();
    acceptor.sender.countFrame();
    assert.equal(dialler.receiver.behind, true, "two sent, none read");
    dialler.receiver.countFrame();
    assert.equal(dialler.receiver.behind, true, "one still on its way");
    dialler.receiver.countFrame();
    assert.equal(dialler.receiver.behind, false);
    assert.equal(acceptor.receiver.behind, false, "the other direction counts apart");
  } finally {
    dialler.close();
    acceptor.close();
  }
  assert.equal(dialler.receiver.behind, true, "a closed lane knows nothing: treated as behind");
});

Deno.test("a guest's link to the leader is ahead exactly while the leader's frames are unread", async () => {
  const { leader, errors } = await testLeader();
  const guest = await inProcessGuest(leader, 2);
  const link = await guest.connectToProcess(1);
  try {
    await guest.request(1, Code.ECHO, { x: 1 }); // the leader has accepted the lane and answered
    assert.equal(link.peerAhead, false, "its reply was read");
    const leaderLink = await leader.worker.connectToProcess(2);
    leaderLink.sendFrame(0, Code.ECHO, 1, { y: 2 }); // one-way: nothing answers it
    assert.equal(link.peerAhead, true, "sent, not yet read here");
    await within(
      (async () => {
        while (link.peerAhead) await new Promise((r) => setTimeout(r, 1));
      })(),
      5000,
      "the frame read",
    );
  } finally {
    await cleanUp([], [guest], leader);
  }
  assert.deepEqual(errors, []);
});

Deno.test("a worker with lanes off neither offers nor accepts one", async () => {
  const { leader } = await testLeader();
  const guest = new IpcWorker({
    vmid: 2,
    leaderVmid: 1,
    runtimeDir: leader.runtimeDir,
    secret: leader.worker.secret,
    lanes: false,
  });
  const offering = await inProcessGuest(leader, 3);
  const refusing = new IpcWorker({
    vmid: 4,
    leaderVmid: 1,
    runtimeDir: leader.runtimeDir,
    secret: leader.worker.secret,
    lanes: false,
  });
  try {
    await guest.listen();
    await refusing.listen();
    const data = pattern(LANE_MIN * 2, 5);
    assert.deepEqual(await guest.request(1, Code.ECHO, { data }), { data });
    assert.equal((await guest.connectToProcess(1)).lane, null);
    // 3 dials 4 and offers; 4 does not map it, so 3 keeps sending inline.
    assert.deepEqual(await offering.request(4, Code.ECHO, { data }), { data });
    const offered = await offering.connectToProcess(4);
    assert.ok(offered.lane);
    assert.equal(offered.lane.sender.room, 0);
    assert.equal((await refusing.connectToProcess(3)).lane, null);
  } finally {
    await cleanUp([], [guest, offering, refusing], leader);
  }
});
