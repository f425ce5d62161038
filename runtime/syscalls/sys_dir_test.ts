import assert from "node:assert/strict";
import {
  EBADF,
  EEXIST,
  EINVAL,
  EISDIR,
  ENOENT,
  ENOTDIR,
  ENOTEMPTY,
  ERANGE,
} from "../kernel/errno.ts";
import { O_DIRECTORY, O_RDONLY } from "../kernel/files.ts";
import { TestProcess } from "./syscall_testing.ts";

const AT_FDCWD = -100, AT_REMOVEDIR = 0x200;

/** Names in a getdents64 buffer. */
function names(bytes: Uint8Array): string[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const out: string[] = [];
  for (let at = 0; at < bytes.length;) {
    const reclen = v.getUint16(at + 16, true);
    const end = bytes.indexOf(0, at + 19);
    out.push(new TextDecoder().decode(bytes.subarray(at + 19, end)));
    at += reclen;
  }
  return out;
}

/** d_type by name in a getdents64 buffer. */
function types(bytes: Uint8Array): Map<string, number> {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const out = new Map<string, number>();
  for (let at = 0; at < bytes.length; at += v.getUint16(at + 16, true)) {
    const end = bytes.indexOf(0, at + 19);
    out.set(new TextDecoder().decode(bytes.subarray(at + 19, end)), bytes[at + 18]);
  }
  return out;
}

Deno.test("getdents64() lists '.', '..' and entries, continues, and rewinds on lseek 0", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-dir-test-" });
  const t = new TestProcess();
  try {
    for (const n of ["a", "b", "c"]) Deno.writeTextFileSync(`${dir}/${n}`, n);
    Deno.mkdirSync(`${dir}/d`);
    const fd = await t.call("open", dir, O_RDONLY | O_DIRECTORY);
    const buf = t.alloc(4096);
    assert.equal(await t.call("getdents64", fd, buf, 10), -EINVAL);
    const first = await t.call("getdents64", fd, buf, 48);
    assert.deepEqual(names(t.bytes(buf, first)), [".", ".."]);
    const rest = await t.call("getdents64", fd, buf, 4096);
    assert.deepEqual(names(t.bytes(buf, rest)).sort(), ["a", "b", "c", "d"]);
    assert.equal(types(t.bytes(buf, rest)).get("d"), 4, "DT_DIR");
    assert.equal(types(t.bytes(buf, rest)).get("a"), 8, "DT_REG");
    assert.equal(await t.call("getdents64", fd, buf, 4096), 0);
    assert.equal(await t.call("lseek", fd, 0, 0), 0);
    const again = await t.call("getdents64", fd, buf, 4096);
    assert.equal(names(t.bytes(buf, again)).length, 6);
    const file = await t.call("open", `${dir}/a`, O_RDONLY);
    assert.equal(await t.call("getdents64", file, buf, 4096), -ENOTDIR);
    assert.equal(await t.call("getdents64", 99, buf, 4096), -EBADF);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("mkdir, rmdir, unlink, rename, link, symlink, readlink answer as Linux", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-dir-test-" });
  const t = new TestProcess();
  try {
    const at = (n: string) => `${dir}/${n}`;
    Deno.writeTextFileSync(at("file"), "abc");
    assert.equal(await t.call("mkdir", at("sub"), 0o755), 0);
    assert.equal(await t.call("mkdir", at("sub"), 0o755), -EEXIST);
    assert.equal(await t.call("mkdir", at("no/deeper"), 0o755), -ENOENT);
    Deno.writeTextFileSync(at("sub/inner"), "");
    assert.equal(await t.call("rmdir", at("sub")), -ENOTEMPTY);
    assert.equal(await t.call("rmdir", at("file")), -ENOTDIR);
    assert.equal(await t.call("rmdir", at("sub/.")), -EINVAL);
    assert.equal(await t.call("unlink", at("sub")), -EISDIR);
    assert.equal(await t.call("unlink", at("missing")), -ENOENT);
    assert.equal(await t.call("rename", at("sub"), at("file")), -ENOTDIR);
    assert.equal(await t.call("rename", at("file"), at("sub")), -EISDIR);
    assert.equal(await t.call("link", at("file"), at("sub/inner")), -EEXIST);
    assert.equal(await t.call("link", at("file"), at("hard")), 0);
    assert.equal(Deno.statSync(at("file")).nlink, 2);
    assert.equal(await t.call("symlink", "file", at("sym")), 0);
    assert.equal(await t.call("symlink", "x", at("file")), -EEXIST);
    const buf = t.alloc(64);
    assert.equal(await t.call("readlink", at("sym"), buf, 64), 4);
    assert.equal(t.text(buf, 4), "file");
    assert.equal(await t.call("readlink", at("sym"), buf, 2), 2);
    assert.equal(await t.call("readlink", at("file"), buf, 64), -EINVAL);
    assert.equal(await t.call("readlink", at("sym"), buf, 0), -EINVAL);
    assert.equal(await t.call("renameat2", AT_FDCWD, at("hard"), AT_FDCWD, at("sym"), 1), -EEXIST);
    assert.equal(await t.call("renameat2", AT_FDCWD, at("hard"), AT_FDCWD, at("sym"), 3), -EINVAL);
    assert.equal(await t.call("unlinkat", AT_FDCWD, at("sub/inner"), 0), 0);
    assert.equal(await t.call("unlinkat", AT_FDCWD, at("sub"), AT_REMOVEDIR), 0);
    assert.equal(await t.call("unlinkat", AT_FDCWD, at("file"), 1), -EINVAL);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("chdir, fchdir and getcwd track the guest cwd", async () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "sys-dir-test-" }));
  const t = new TestProcess();
  try {
    Deno.mkdirSync(`${dir}/sub`);
    Deno.writeTextFileSync(`${dir}/f`, "");
    assert.equal(await t.call("chdir", dir), 0);
    assert.equal(await t.call("chdir", "sub"), 0);
    assert.equal(await t.call("chdir", ".."), 0);
    const buf = t.alloc(512);
    assert.equal(await t.call("getcwd", buf, 512), dir.length + 1);
    assert.equal(t.text(buf, dir.length), dir);
    assert.equal(await t.call("getcwd", buf, 2), -ERANGE);
    assert.equal(await t.call("chdir", "f"), -ENOTDIR);
    const fd = await t.call("open", "sub", O_RDONLY | O_DIRECTORY);
    assert.equal(await t.call("fchdir", fd), 0);
    assert.equal(t.p.fs.cwd, `${dir}/sub`);
    const file = await t.call("open", `${dir}/f`, O_RDONLY);
    assert.equal(await t.call("fchdir", file), -ENOTDIR);
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
