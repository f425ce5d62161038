import assert from "node:assert/strict";
import { PipeTable } from "./pipes.ts";
import { WriteCredit } from "../kernel/remote_pipe.ts";

type Grant = { vmid: number; id: number; n: number; readers: number; generation: number };

function table(): { pipes: PipeTable; grants: Grant[] } {
  const grants: Grant[] = [];
  const pipes = new PipeTable((vmid, m) =>
    grants.push({
      vmid,
      id: Number(m.id),
      n: Number(m.n),
      readers: Number(m.readers),
      generation: Number(m.generation),
    })
  );
  return { pipes, grants };
}

const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);
const EAGAIN = -11;

Deno.test("PipeTable grants a pipe's only writing host all its room, and room freed by reads", async () => {
  const { pipes, grants } = table();
  const id = pipes.create(2);
  assert.deepEqual(grants, [{ vmid: 2, id, n: 65536, readers: 1, generation: 0 }]);
  pipes.inherit(3, [{ id, end: "r" }], 2); // a reader child: the parent still writes alone
  pipes.close(2, id, "r", 0); // the parent's own read end: its credit comes back, then again
  assert.deepEqual(grants.at(-1), { vmid: 2, id, n: 65536, readers: 1, generation: 0 });
  const waiting = pipes.read(3, id, 65536, true, 7);
  assert.ok(waiting instanceof Promise, "an empty pipe with a writer: the read waits");
  grants.length = 0;
  pipes.push(2, id, bytes(65536));
  const answered = await waiting;
  assert.equal((answered.result as Uint8Array).length, 65536);
  assert.deepEqual(grants, [{ vmid: 2, id, n: 65536, readers: 1, generation: 0 }]);
});

Deno.test("PipeTable lets the credit holder write by request once it gives its credit up", () => {
  const { pipes } = table();
  const id = pipes.create(2);
  pipes.inherit(3, [{ id, end: "r" }], 2);
  // Host 2 holds all 64 KiB as credit; a request write from it gives the credit up first.
  assert.equal(pipes.write(2, id, bytes(1000), 1).result, 1000);
  const b = pipes.snapshot().pipes[0];
  assert.equal(b.data.length, 1000);
});

Deno.test("PipeTable takes credit back at a fork that shares the write end, and regrants later", () => {
  const { pipes, grants } = table();
  const id = pipes.create(2);
  pipes.push(2, id, bytes(1000));
  grants.length = 0;
  pipes.inherit(3, [{ id, end: "r" }, { id, end: "w" }], 2);
  assert.deepEqual(grants, [], "two writing hosts: nobody holds credit");
  // Only the promised room was taken back: the pushed bytes stay, and others may use the rest.
  assert.equal(pipes.write(3, id, bytes(64536), 0).result, 64536);
  assert.equal(pipes.write(3, id, bytes(1), 0).result, EAGAIN);
  pipes.close(3, id, "w", 0);
  assert.deepEqual(grants, [{ vmid: 2, id, n: 0, readers: 2, generation: 1 }]);
  pipes.read(3, id, 4096);
  assert.deepEqual(grants.at(-1), { vmid: 2, id, n: 4096, readers: 2, generation: 1 });
});

Deno.test("PipeTable tells the credit holder when the last reader goes, and drops later pushes", () => {
  const { pipes, grants } = table();
  const id = pipes.create(2);
  pipes.inherit(3, [{ id, end: "r" }], 2);
  pipes.close(2, id, "r", 1);
  grants.length = 0;
  pipes.close(3, id, "r", 0);
  assert.deepEqual(grants, [{ vmid: 2, id, n: 0, readers: 0, generation: 1 }]);
  pipes.push(2, id, bytes(10));
  assert.equal(pipes.snapshot().pipes[0].data.length, 0);
});

Deno.test("PipeTable answers a cancelled read EAGAIN, and a waiting read at end of file empty", async () => {
  const { pipes } = table();
  const id = pipes.create(2);
  pipes.inherit(3, [{ id, end: "r" }], 2);
  const first = pipes.read(3, id, 100, true, 1);
  pipes.cancel(3, id, 1);
  assert.equal((await first).result, EAGAIN);
  const second = pipes.read(3, id, 100, true, 2);
  pipes.close(2, id, "w", 1);
  pipes.close(2, id, "r", 1);
  assert.deepEqual((await second).result, new Uint8Array(0));
});

Deno.test("PipeTable snapshots pushed bytes but no credit; a restored table grants afresh", () => {
  const { pipes } = table();
  const id = pipes.create(2);
  pipes.inherit(3, [{ id, end: "r" }], 2);
  pipes.push(2, id, bytes(3000, 7));
  const snap = pipes.snapshot();
  assert.deepEqual(snap.pipes[0].data, bytes(3000, 7));
  const restored = table();
  restored.pipes.restore(snap);
  assert.deepEqual(restored.grants, []);
  // The first operation on it grants the sole writer the room left.
  restored.pipes.read(3, id, 1000);
  assert.deepEqual(restored.grants, [{ vmid: 2, id, n: 63536, readers: 2, generation: 0 }]);
});

Deno.test("WriteCredit ignores grants sent before it gave its credit up", () => {
  const c = new WriteCredit();
  c.grant(0, 65536, 1, 65536);
  assert.equal(c.credit, 65536);
  c.revoke();
  c.grant(0, 4096, 1, 65536); // in flight when the host closed an end: no longer promised
  assert.equal(c.holder, false);
  assert.equal(c.credit, 0);
  c.grant(1, 100, 0, 65536);
  assert.deepEqual([c.holder, c.credit, c.readers], [true, 100, 0]);
});
