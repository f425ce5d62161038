import assert from "node:assert/strict";
import { EBADF, EINVAL } from "../kernel/errno.ts";
import { O_APPEND, O_CREAT, O_RDONLY, O_RDWR, O_WRONLY } from "../kernel/files.ts";
import { TestProcess } from "./syscall_testing.ts";

/** An iovec array in scratch memory over the given buffers. */
function iovecs(t: TestProcess, parts: [number, number][]): number {
  const at = t.alloc(16 * parts.length);
  parts.forEach(([base, len], k) => {
    t.p.mem.write64(at + 16 * k, base);
    t.p.mem.write64(at + 16 * k + 8, len);
  });
  return at;
}

Deno.test("readv scatters one read and writev gathers one write", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-rw-test-" });
  const t = new TestProcess();
  try {
    const fd = await t.call("open", `${dir}/f`, O_CREAT | O_RDWR, 0o600);
    const a = t.str("abc"), b = t.str("defgh");
    assert.equal(await t.call("writev", fd, iovecs(t, [[a, 3], [b, 0], [b, 5]]), 3), 8);
    assert.equal(Deno.readTextFileSync(`${dir}/f`), "abcdefgh");
    const x = t.alloc(4), y = t.alloc(8);
    await t.call("lseek", fd, 1, 0);
    assert.equal(await t.call("readv", fd, iovecs(t, [[x, 2], [y, 8]]), 2), 7);
    assert.equal(t.text(x, 2), "bc");
    assert.equal(t.text(y, 5), "defgh");
    assert.equal(await t.call("readv", fd, iovecs(t, [[x, 2]]), -1), -EINVAL);
    assert.equal(await t.call("preadv", fd, iovecs(t, [[x, 3]]), 1, 5), 3);
    assert.equal(t.text(x, 3), "fgh");
    assert.equal(await t.call("pwritev", fd, iovecs(t, [[a, 2]]), 1, 6), 2);
    assert.equal(Deno.readTextFileSync(`${dir}/f`), "abcdefab");
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("sendfile and copy_file_range copy at offsets or move the file's own", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-rw-test-" });
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/in`, "0123456789");
    const from = await t.call("open", `${dir}/in`, O_RDONLY);
    const to = await t.call("open", `${dir}/out`, O_CREAT | O_WRONLY, 0o600);
    const off = t.alloc(8);
    t.p.mem.write64(off, 2);
    assert.equal(await t.call("sendfile", to, from, off, 3), 3);
    assert.equal(t.p.mem.read64(off), 5);
    assert.equal(await t.call("lseek", from, 0, 1), 0, "an explicit offset leaves the file's");
    assert.equal(await t.call("sendfile", to, from, 0, 4), 4);
    assert.equal(await t.call("lseek", from, 0, 1), 4);
    assert.equal(Deno.readTextFileSync(`${dir}/out`), "2340123");
    assert.equal(await t.call("copy_file_range", from, 0, to, 0, 2, 0), 2);
    assert.equal(Deno.readTextFileSync(`${dir}/out`), "234012345");
    assert.equal(await t.call("copy_file_range", from, 0, to, 0, 2, 1), -EINVAL);
    const appending = await t.call("open", `${dir}/out`, O_WRONLY | O_APPEND);
    assert.equal(await t.call("sendfile", appending, from, 0, 1), -EINVAL);
    assert.equal(await t.call("sendfile", from, to, 0, 1), -EBADF);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
