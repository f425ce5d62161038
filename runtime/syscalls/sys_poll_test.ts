import assert from "node:assert/strict";
import { EBADF, EINVAL } from "../kernel/errno.ts";
import { O_RDONLY } from "../kernel/files.ts";
import { TestProcess } from "./syscall_testing.ts";

const POLLIN = 1, POLLOUT = 4, POLLNVAL = 32;

function pollfds(entries: [number, number][]): Uint8Array {
  const out = new Uint8Array(entries.length * 8);
  const v = new DataView(out.buffer);
  entries.forEach(([fd, events], k) => {
    v.setInt32(8 * k, fd, true);
    v.setUint16(8 * k + 4, events, true);
  });
  return out;
}

Deno.test("poll() reports regular files ready, bad descriptors POLLNVAL, skips negatives", async () => {
  const t = new TestProcess();
  try {
    const fd = await t.call("open", "/dev/zero", O_RDONLY);
    const addr = t.alloc(24);
    t.p.mem.write(addr, pollfds([[fd, POLLIN | POLLOUT], [-1, POLLIN], [42, POLLIN]]));
    assert.equal(await t.call("poll", addr, 3, 1000), 2);
    const v = new DataView(t.bytes(addr, 24).buffer);
    assert.equal(v.getUint16(6, true), POLLIN | POLLOUT);
    assert.equal(v.getUint16(14, true), 0);
    assert.equal(v.getUint16(22, true), POLLNVAL);
    assert.equal(await t.call("poll", addr, 100000, 0), -EINVAL);
  } finally {
    t.close();
  }
});

Deno.test("poll() and select() with nothing to wait for honour the timeout", async () => {
  const t = new TestProcess();
  try {
    let start = performance.now();
    assert.equal(await t.call("poll", 0, 0, 30), 0);
    assert.ok(performance.now() - start >= 25);
    const tv = t.alloc(16);
    t.p.mem.write(tv, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0x30, 0x75])); // 30000 us
    start = performance.now();
    assert.equal(await t.call("select", 0, 0, 0, 0, tv), 0);
    assert.ok(performance.now() - start >= 25);
    assert.equal(t.p.mem.read64(tv + 8), 0, "select writes back the time left");
  } finally {
    t.close();
  }
});

Deno.test("select() marks ready descriptors and refuses closed ones", async () => {
  const t = new TestProcess();
  try {
    const fd = await t.call("open", "/dev/null", O_RDONLY);
    const sets = t.alloc(24);
    t.p.mem.write(sets, new Uint8Array([1 << fd]));
    t.p.mem.write(sets + 8, new Uint8Array([1 << fd]));
    assert.equal(await t.call("select", fd + 1, sets, sets + 8, sets + 16, 0), 2);
    assert.equal(t.bytes(sets, 1)[0], 1 << fd);
    t.p.mem.write(sets, new Uint8Array([0b1000]));
    assert.equal(await t.call("select", 4, sets, 0, 0, 0), -EBADF);
    assert.equal(await t.call("select", -1, 0, 0, 0, 0), -EINVAL);
  } finally {
    t.close();
  }
});
