import assert from "node:assert/strict";
import { EBADF, EINVAL, ENOENT } from "../kernel/errno.ts";
import { O_PATH, O_RDONLY } from "../kernel/files.ts";
import { TestProcess } from "./syscall_testing.ts";

const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_EMPTY_PATH = 0x1000;

Deno.test("stat() writes struct stat in the x86-64 layout", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-stat-test-" });
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "x".repeat(5000));
    Deno.symlinkSync("f", `${dir}/l`);
    const info = Deno.statSync(`${dir}/f`);
    const st = t.alloc(144);
    assert.equal(await t.call("stat", `${dir}/f`, st), 0);
    const v = new DataView(t.bytes(st, 144).buffer);
    assert.equal(Number(v.getBigUint64(0, true)), info.dev);
    assert.equal(Number(v.getBigUint64(8, true)), info.ino);
    assert.equal(Number(v.getBigUint64(16, true)), 1);
    assert.equal(v.getUint32(24, true), info.mode);
    assert.equal(v.getUint32(28, true), info.uid);
    assert.equal(Number(v.getBigInt64(48, true)), 5000);
    assert.equal(Number(v.getBigInt64(56, true)), info.blksize);
    assert.equal(Number(v.getBigInt64(64, true)), info.blocks);
    assert.equal(Number(v.getBigInt64(88, true)), Math.floor(info.mtime!.getTime() / 1000));
    assert.equal(await t.call("lstat", `${dir}/l`, st), 0);
    assert.equal(new DataView(t.bytes(st, 144).buffer).getUint32(24, true) & 0o170000, 0o120000);
    assert.equal(await t.call("newfstatat", AT_FDCWD, `${dir}/l`, st, AT_SYMLINK_NOFOLLOW), 0);
    assert.equal(await t.call("newfstatat", AT_FDCWD, `${dir}/l`, st, 1), -EINVAL);
    assert.equal(await t.call("stat", `${dir}/missing`, st), -ENOENT);
    assert.equal(await t.call("stat", "", st), -ENOENT);
    assert.equal(await t.call("stat", 0, st), -14, "a NULL path faults: EFAULT");
    assert.equal(await t.call("fstat", 77, st), -EBADF);
    const fd = await t.call("open", `${dir}/f`, O_PATH);
    assert.equal(await t.call("newfstatat", fd, "", st, AT_EMPTY_PATH), 0);
    assert.equal(Number(new DataView(t.bytes(st, 144).buffer).getBigInt64(48, true)), 5000);
    assert.equal(await t.call("read", fd, st, 1), -EBADF, "O_PATH descriptors do not read");
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("statx() fills the basic fields and splits device numbers", async () => {
  const t = new TestProcess();
  try {
    const buf = t.alloc(256);
    assert.equal(await t.call("statx", AT_FDCWD, "/dev/null", 0, 0x7ff, buf), 0);
    const v = new DataView(t.bytes(buf, 256).buffer);
    assert.equal(v.getUint32(0, true) & 0x7ff, 0x7ff);
    assert.equal(v.getUint16(28, true), 0o20666);
    assert.equal(v.getUint32(128, true), 1, "rdev major");
    assert.equal(v.getUint32(132, true), 3, "rdev minor");
    assert.equal(await t.call("statx", AT_FDCWD, "/dev/null", 0x6000, 0, buf), -EINVAL);
    assert.equal(await t.call("statx", AT_FDCWD, "/dev/null", 0, 0x80000000, buf), -EINVAL);
    const fd = await t.call("open", "/proc/self/status", O_RDONLY);
    assert.equal(await t.call("statx", fd, "", AT_EMPTY_PATH, 0x7ff, buf), 0);
  } finally {
    t.close();
  }
});
