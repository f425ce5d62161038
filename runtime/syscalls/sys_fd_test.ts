import assert from "node:assert/strict";
import { EBADF, EINVAL, EMFILE, ENOTTY } from "../kernel/errno.ts";
import { O_CLOEXEC, O_NONBLOCK, O_RDONLY, O_RDWR } from "../kernel/files.ts";
import { TestProcess } from "./syscall_testing.ts";

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6;
const F_DUPFD_CLOEXEC = 1030, O_LARGEFILE = 0o100000;

Deno.test("dup, dup2, dup3 share the description and follow Linux's edge cases", async () => {
  const t = new TestProcess();
  try {
    const fd = await t.call("open", "/dev/zero", O_RDONLY | O_CLOEXEC);
    assert.equal(fd, 0);
    assert.equal(await t.call("fcntl", fd, F_GETFD), 1);
    assert.equal(await t.call("dup", fd), 1);
    assert.equal(await t.call("fcntl", 1, F_GETFD), 0, "dup clears FD_CLOEXEC");
    assert.equal(await t.call("dup2", fd, fd), fd);
    assert.equal(await t.call("dup2", 9, 5), -EBADF);
    assert.equal(await t.call("dup2", fd, -1), -EBADF);
    assert.equal(await t.call("dup2", fd, 7), 7);
    assert.equal(await t.call("dup3", fd, fd, 0), -EINVAL);
    assert.equal(await t.call("dup3", fd, 8, 1), -EINVAL);
    assert.equal(await t.call("dup3", fd, 8, O_CLOEXEC), 8);
    assert.equal(await t.call("fcntl", 8, F_GETFD), 1);
    assert.equal(await t.call("fcntl", fd, F_DUPFD, 20), 20);
    assert.equal(await t.call("fcntl", fd, F_DUPFD_CLOEXEC, 20), 21);
    assert.equal(await t.call("fcntl", fd, F_DUPFD, 5000), -EINVAL);
    t.p.fds.limit = 22;
    assert.equal(await t.call("fcntl", fd, F_DUPFD, 20), -EMFILE);
    assert.equal(await t.call("fcntl", fd, F_SETFD, 0), 0);
    assert.equal(await t.call("fcntl", fd, F_GETFD), 0);
  } finally {
    t.close();
  }
});

Deno.test("fcntl F_GETFL/F_SETFL and record locks", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-fd-test-" });
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "abc");
    const fd = await t.call("open", `${dir}/f`, O_RDONLY | O_CLOEXEC);
    assert.equal(await t.call("fcntl", fd, F_GETFL), O_RDONLY | O_LARGEFILE);
    assert.equal(await t.call("fcntl", fd, F_SETFL, O_NONBLOCK | O_RDWR), 0);
    assert.equal(await t.call("fcntl", fd, F_GETFL), O_RDONLY | O_LARGEFILE | O_NONBLOCK);
    const lock = t.alloc(32);
    t.p.mem.write(lock, new Uint8Array([1, 0])); // F_WRLCK on a read-only descriptor
    assert.equal(await t.call("fcntl", fd, F_SETLK, lock), -EBADF);
    t.p.mem.write(lock, new Uint8Array([0, 0])); // F_RDLCK
    assert.equal(await t.call("fcntl", fd, F_SETLK, lock), 0);
    assert.equal(await t.call("fcntl", fd, F_GETLK, lock), 0);
    assert.equal(t.bytes(lock, 1)[0], 2, "F_GETLK reports F_UNLCK");
    t.p.mem.write(lock, new Uint8Array([9, 0]));
    assert.equal(await t.call("fcntl", fd, F_SETLK, lock), -EINVAL);
    assert.equal(await t.call("flock", fd, 2 | 4), 0);
    assert.equal(await t.call("flock", fd, 0), -EINVAL);
    assert.equal(await t.call("fcntl", fd, 9999), -EINVAL);
    assert.equal(await t.call("fcntl", 55, F_GETFD), -EBADF);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("ioctl: generic requests on any file, terminal ones ENOTTY off a terminal", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-fd-test-" });
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "abcdef");
    const fd = await t.call("open", `${dir}/f`, O_RDONLY);
    const n = t.alloc(8);
    assert.equal(await t.call("ioctl", fd, 0x541b, n), 0, "FIONREAD");
    assert.equal(new DataView(t.bytes(n, 4).buffer).getInt32(0, true), 6);
    assert.equal(await t.call("ioctl", fd, 0x5401, n), -ENOTTY, "TCGETS");
    assert.equal(await t.call("ioctl", fd, 0x5413, n), -ENOTTY, "TIOCGWINSZ");
    assert.equal(await t.call("ioctl", fd, 0x5451, 0), 0, "FIOCLEX");
    assert.equal(await t.call("fcntl", fd, F_GETFD), 1);
    t.p.mem.write(n, new Uint8Array([1, 0, 0, 0]));
    assert.equal(await t.call("ioctl", fd, 0x5421, n), 0, "FIONBIO");
    assert.equal(await t.call("fcntl", fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
    const dirfd = await t.call("open", dir, O_RDONLY);
    assert.equal(await t.call("ioctl", dirfd, 0x541b, n), -ENOTTY);
    assert.equal(await t.call("ioctl", 99, 0x541b, n), -EBADF);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
