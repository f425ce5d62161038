import assert from "node:assert/strict";
import {
  broadcastCheckpoint,
  broadcastResume,
  type CheckpointMessage,
  parseCheckpointMessage,
  sendAbort,
  sendDone,
  sendReady,
} from "./checkpoint_msgs.ts";
import { Code } from "./codes.ts";
import { cleanUp, eventually, inProcessGuest, testLeader } from "./testdata/util.ts";

Deno.test("checkpoint messages travel with typed payloads: CHECKPOINT, READY, DONE, RESUME", async () => {
  const atLeader: [CheckpointMessage, number][] = [];
  const atGuests: [CheckpointMessage, number][] = [];
  const { leader } = await testLeader({
    onCheckpoint: (message, source) => atLeader.push([message, source]),
  });
  const guests = await Promise.all(
    [2, 3].map((vmid) =>
      inProcessGuest(leader, vmid, {
        onCheckpoint: (message, source) => atGuests.push([message, source]),
      })
    ),
  );
  try {
    assert.equal(await broadcastCheckpoint(leader.worker, { session: "s1", dir: "/var/ckpt" }), 2);
    await eventually(() => atGuests.length === 2, 2000, "CHECKPOINT at both guests");
    const checkpoint = { code: Code.CHECKPOINT, session: "s1", dir: "/var/ckpt" };
    assert.deepEqual(atGuests, [[checkpoint, 1], [checkpoint, 1]], "both from the leader");
    await sendReady(guests[0], "s1");
    await sendDone(guests[0], { session: "s1", size: 4096, digest: "00ff".repeat(8) });
    await eventually(() => atLeader.length === 2, 2000, "READY and DONE at the leader");
    assert.deepEqual(atLeader, [
      [{ code: Code.CHECKPOINT_READY, session: "s1", vmid: 2 }, 2],
      [
        {
          code: Code.CHECKPOINT_DONE,
          session: "s1",
          vmid: 2,
          size: 4096,
          digest: "00ff".repeat(8),
        },
        2,
      ],
    ]);
    await broadcastResume(leader.worker, { session: "s1", stop: false });
    await eventually(() => atGuests.length === 4, 2000, "RESUME at both guests");
    assert.deepEqual(atGuests[3][0], { code: Code.CHECKPOINT_RESUME, session: "s1", stop: false });
  } finally {
    await cleanUp([], guests, leader);
  }
});

Deno.test("a guest that cannot checkpoint answers CHECKPOINT with ABORT", async () => {
  const atLeader: CheckpointMessage[] = [];
  const { leader } = await testLeader({ onCheckpoint: (message) => atLeader.push(message) });
  const guest = await inProcessGuest(leader, 2);
  try {
    await broadcastCheckpoint(leader.worker, { session: "s2", dir: "/tmp/c" });
    await eventually(() => atLeader.length === 1, 2000, "ABORT");
    assert.deepEqual(atLeader[0], {
      code: Code.CHECKPOINT_ABORT,
      session: "s2",
      reason: "Process 2 cannot take checkpoints",
    });
    await sendAbort(guest, { session: "s2", reason: "disk full" });
    await eventually(() => atLeader.length === 2, 2000, "second ABORT");
  } finally {
    await cleanUp([], [guest], leader);
  }
});

Deno.test("parseCheckpointMessage() rejects sessions that could leave the checkpoint dir", () => {
  for (const session of ["..", ".", "a/b", "", "x".repeat(65), "ü"]) {
    assert.throws(
      () => parseCheckpointMessage(Code.CHECKPOINT, { session, dir: "/c" }),
      TypeError,
      session,
    );
  }
  assert.throws(
    () => parseCheckpointMessage(Code.CHECKPOINT, { session: "ok", dir: "rel" }),
    /absolute/,
  );
  assert.throws(
    () =>
      parseCheckpointMessage(Code.CHECKPOINT_DONE, {
        session: "ok",
        vmid: 2,
        size: -1,
        digest: "ab",
      }),
    TypeError,
  );
  assert.throws(
    () => parseCheckpointMessage(Code.USER, { session: "ok" }),
    /not a checkpoint message/,
  );
});

Deno.test("a member cannot report READY for another process or send CHECKPOINT", async () => {
  const { leader } = await testLeader({ onCheckpoint: () => {} });
  const [a, b] = [
    await inProcessGuest(leader, 2),
    await inProcessGuest(leader, 3, { onCheckpoint: () => {} }),
  ];
  try {
    await assert.rejects(
      a.request(1, Code.CHECKPOINT_READY, { session: "s", vmid: 3 }),
      /reported for process 3/,
    );
    await assert.rejects(
      a.request(3, Code.CHECKPOINT, { session: "s", dir: "/x" }),
      /must come from the leader/,
    );
  } finally {
    await cleanUp([], [a, b], leader);
  }
});
