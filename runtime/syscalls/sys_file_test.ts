import assert from "node:assert/strict";
import { EACCES, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR } from "../kernel/errno.ts";
import {
  O_APPEND,
  O_CREAT,
  O_DIRECTORY,
  O_EXCL,
  O_NOFOLLOW,
  O_RDONLY,
  O_RDWR,
  O_TRUNC,
  O_WRONLY,
} from "../kernel/files.ts";
import { TestProcess } from "./syscall_testing.ts";

const AT_FDCWD = -100;

function tempDir(): string {
  return Deno.makeTempDirSync({ prefix: "sys-file-test-" });
}

Deno.test("open() creates with the umask, writes, seeks and reads back", async () => {
  const dir = tempDir();
  const t = new TestProcess();
  try {
    t.p.fs.umask = 0o027;
    const fd = await t.call("open", `${dir}/f`, O_CREAT | O_RDWR | O_EXCL, 0o666);
    assert.equal(fd, 0);
    assert.equal(Deno.statSync(`${dir}/f`).mode! & 0o777, 0o640);
    const buf = t.str("hello world");
    assert.equal(await t.call("write", fd, buf, 11), 11);
    assert.equal(await t.call("lseek", fd, 0, 1), 11);
    assert.equal(await t.call("lseek", fd, 6, 0), 6);
    const out = t.alloc(16);
    assert.equal(await t.call("read", fd, out, 16), 5);
    assert.equal(t.text(out, 5), "world");
    assert.equal(await t.call("pread64", fd, out, 5, 0), 5);
    assert.equal(t.text(out, 5), "hello");
    assert.equal(await t.call("lseek", fd, 0, 1), 11, "pread leaves the offset alone");
    assert.equal(await t.call("lseek", fd, 0, 2), 11);
    assert.equal(await t.call("lseek", fd, -1, 0), -EINVAL);
    assert.equal(await t.call("lseek", fd, 0, 5), -EINVAL);
    assert.equal(await t.call("lseek", fd, 3, 3), 3, "SEEK_DATA");
    assert.equal(await t.call("lseek", fd, 3, 4), 11, "SEEK_HOLE");
    assert.equal(await t.call("lseek", fd, 20, 3), -6, "SEEK_DATA past the end is ENXIO");
    assert.equal(await t.call("close", fd), 0);
    assert.equal(await t.call("close", fd), -EBADF);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("open() answers Linux's errno for each failure", async () => {
  const dir = tempDir();
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/file`, "abc");
    Deno.mkdirSync(`${dir}/sub`);
    Deno.symlinkSync("file", `${dir}/link`);
    Deno.symlinkSync("loop", `${dir}/loop`);
    const open = (path: string, flags: number) => t.call("open", `${dir}/${path}`, flags, 0o644);
    assert.equal(await open("missing", O_RDONLY), -ENOENT);
    assert.equal(await open("file", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
    assert.equal(await open("link", O_CREAT | O_EXCL | O_WRONLY), -EEXIST);
    assert.equal(await open("file/x", O_RDONLY), -ENOTDIR);
    assert.equal(await open("sub", O_WRONLY), -EISDIR);
    assert.equal(await open("sub", O_RDONLY | O_CREAT), -EISDIR);
    assert.equal(await open("file", O_RDONLY | O_DIRECTORY), -ENOTDIR);
    assert.equal(await open("link", O_RDONLY | O_NOFOLLOW), -ELOOP);
    assert.equal(await open("loop", O_RDONLY), -ELOOP);
    assert.equal(await open("new/", O_CREAT | O_WRONLY), -EISDIR);
    assert.equal(await open("file/", O_RDONLY), -ENOTDIR);
    assert.equal(await open("n".repeat(300), O_RDONLY), -36);
    assert.equal(await t.call("openat", 99, "file", O_RDONLY), -EBADF);
    assert.equal(await t.call("openat", 99, "/etc/hostname", O_RDONLY) >= 0, true);
    const dirfd = await t.call("open", dir, O_RDONLY | O_DIRECTORY);
    assert.ok(dirfd >= 0);
    const ro = await t.call("openat", dirfd, "file", O_RDONLY);
    assert.ok(ro >= 0);
    assert.equal(await t.call("openat", ro, "x", O_RDONLY), -ENOTDIR);
    assert.equal(await t.call("write", ro, t.str("x"), 1), -EBADF);
    assert.equal(await t.call("ftruncate", ro, 0), -EINVAL);
    assert.equal(await t.call("read", dirfd, t.alloc(4), 4), -EISDIR);
    assert.equal(await t.call("ftruncate", dirfd, 0), -EINVAL);
    assert.equal(await t.call("fsync", dirfd), 0);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("O_APPEND writes at the end and O_TRUNC empties", async () => {
  const dir = tempDir();
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "12345");
    const fd = await t.call("open", `${dir}/f`, O_WRONLY | O_APPEND);
    await t.call("lseek", fd, 0, 0);
    assert.equal(await t.call("write", fd, t.str("ab"), 2), 2);
    assert.equal(await t.call("lseek", fd, 0, 1), 7);
    assert.equal(Deno.readTextFileSync(`${dir}/f`), "12345ab");
    const fd2 = await t.call("open", `${dir}/f`, O_RDWR | O_TRUNC);
    assert.equal(Deno.statSync(`${dir}/f`).size, 0);
    // O_APPEND set later with F_SETFL.
    await t.call("write", fd2, t.str("xyz"), 3);
    await t.call("lseek", fd2, 0, 0);
    assert.equal(await t.call("fcntl", fd2, 4, O_APPEND), 0);
    await t.call("write", fd2, t.str("!"), 1);
    assert.equal(Deno.readTextFileSync(`${dir}/f`), "xyz!");
    assert.equal(await t.call("creat", `${dir}/g`, 0o600) >= 0, true);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("access(), chmod(), truncate(), utimensat() on paths", async () => {
  const dir = tempDir();
  const t = new TestProcess();
  try {
    Deno.writeTextFileSync(`${dir}/f`, "abc");
    assert.equal(await t.call("access", `${dir}/f`, 0), 0);
    assert.equal(await t.call("access", `${dir}/missing`, 0), -ENOENT);
    assert.equal(await t.call("access", `${dir}/f`, 8), -EINVAL);
    await t.call("chmod", `${dir}/f`, 0o600);
    assert.equal(Deno.statSync(`${dir}/f`).mode! & 0o777, 0o600);
    if (t.p.cred.euid === 0) assert.equal(await t.call("access", `${dir}/f`, 1), -EACCES);
    assert.equal(await t.call("truncate", `${dir}/f`, 10), 0);
    assert.equal(Deno.statSync(`${dir}/f`).size, 10);
    assert.equal(await t.call("truncate", dir, 0), -EISDIR);
    assert.equal(await t.call("truncate", `${dir}/f`, -1), -EINVAL);
    const times = t.alloc(32);
    const v = new DataView(new ArrayBuffer(32));
    v.setBigInt64(0, 1000000000n, true);
    v.setBigInt64(16, 1200000000n, true);
    t.p.mem.write(times, new Uint8Array(v.buffer));
    assert.equal(await t.call("utimensat", AT_FDCWD, `${dir}/f`, times, 0), 0);
    const info = Deno.statSync(`${dir}/f`);
    assert.equal(info.atime!.getTime(), 1000000000000);
    assert.equal(info.mtime!.getTime(), 1200000000000);
    v.setBigInt64(8, BigInt((1 << 30) - 2), true); // UTIME_OMIT for atime
    v.setBigInt64(16, 1300000000n, true);
    t.p.mem.write(times, new Uint8Array(v.buffer));
    assert.equal(await t.call("utimensat", AT_FDCWD, `${dir}/f`, times, 0), 0);
    assert.equal(Deno.statSync(`${dir}/f`).atime!.getTime(), 1000000000000);
    assert.equal(Deno.statSync(`${dir}/f`).mtime!.getTime(), 1300000000000);
    v.setBigInt64(8, 1000000000n, true);
    t.p.mem.write(times, new Uint8Array(v.buffer));
    assert.equal(await t.call("utimensat", AT_FDCWD, `${dir}/f`, times, 0), -EINVAL);
    assert.equal(await t.call("umask", 0o077), 0o022);
    assert.equal(await t.call("umask", 0o022), 0o077);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
