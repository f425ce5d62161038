import assert from "node:assert/strict";
import { TestProcess } from "../syscalls/syscall_testing.ts";
import { devParts, makedev } from "./devfs.ts";
import { EACCES, ENOENT, ENOSPC, ENXIO } from "./errno.ts";
import { O_CREAT, O_RDONLY, O_RDWR, O_WRONLY } from "./files.ts";

Deno.test("makedev() and devParts() use Linux's dev_t encoding", () => {
  assert.equal(makedev(1, 3), 0x103);
  assert.equal(makedev(254, 0), 0xfe00);
  assert.deepEqual(devParts(makedev(259, 70000)), [259, 70000]);
  assert.deepEqual(devParts(0xfe01), [254, 1]);
});

Deno.test("/dev/null, zero, full and urandom read and write as on Linux", async () => {
  const t = new TestProcess();
  try {
    const buf = t.alloc(64);
    t.p.mem.write(buf, new Uint8Array(64).fill(7));
    const nul = await t.call("open", "/dev/null", O_RDWR);
    assert.equal(await t.call("read", nul, buf, 64), 0);
    assert.equal(await t.call("write", nul, buf, 64), 64);
    assert.equal(await t.call("lseek", nul, 100, 0), 0);
    const zero = await t.call("open", "/dev/zero", O_RDONLY);
    assert.equal(await t.call("read", zero, buf, 64), 64);
    assert.deepEqual([...t.bytes(buf, 64)], new Array(64).fill(0));
    const full = await t.call("open", "/dev/full", O_WRONLY);
    assert.equal(await t.call("write", full, buf, 1), -ENOSPC);
    const random = await t.call("open", "/dev/urandom", O_RDONLY);
    assert.equal(await t.call("read", random, buf, 64), 64);
    assert.ok(t.bytes(buf, 64).some((b) => b !== 0));
    assert.equal(await t.call("open", "/dev/null", O_WRONLY | O_CREAT, 0o644) >= 0, true);
    assert.equal(await t.call("open", "/dev/nonexistent", O_RDONLY), -ENOENT);
    assert.equal(await t.call("open", "/dev/nonexistent", O_WRONLY | O_CREAT, 0o644), -EACCES);
    if (!Deno.stdin.isTerminal()) {
      assert.equal(await t.call("open", "/dev/tty", O_RDWR), -ENXIO);
    }
    const link = t.alloc(64);
    assert.equal(await t.call("readlink", "/dev/stdin", link, 64), 15);
    assert.equal(t.text(link, 15), "/proc/self/fd/0");
  } finally {
    t.close();
  }
});
