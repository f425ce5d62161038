import assert from "node:assert/strict";
import { EACCES, EBADF, EEXIST, EFAULT, EINVAL, ENODEV, ENOMEM, EPERM } from "../kernel/errno.ts";
import { O_CREAT, O_RDONLY, O_RDWR, O_WRONLY } from "../kernel/files.ts";
import type { MappedVma } from "../kernel/mm.ts";
import { MMAP_TOP } from "../loader/load.ts";
import { PageFault } from "../memory/memory.ts";
import { TestProcess } from "./syscall_testing.ts";

const PROT_READ = 1, PROT_RW = 3;
const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANON = 0x20, MAP_32BIT = 0x40;
const MAP_NORESERVE = 0x4000, MAP_FIXED_NOREPLACE = 0x100000;
const ANON = MAP_PRIVATE | MAP_ANON;

function vmas(t: TestProcess): MappedVma[] {
  return t.p.mem.vmas.list as MappedVma[];
}

Deno.test("mmap places anonymous memory top-down, merges neighbours, honours free hints", async () => {
  const t = new TestProcess();
  const a = await t.call("mmap", 0, 8192, PROT_RW, ANON, -1, 0);
  assert.equal(a, MMAP_TOP - 8192);
  const b = await t.call("mmap", 0, 4096, PROT_RW, ANON, -1, 0);
  assert.equal(b, a - 4096);
  assert.equal(vmas(t).filter((v) => v.start <= b && v.end >= a + 8192).length, 1, "merged");
  const hinted = await t.call("mmap", 0x200000123, 4096, PROT_READ, ANON, -1, 0);
  assert.equal(hinted, 0x200000000, "hint rounded down and used");
  assert.equal(await t.call("mmap", 0x200000000, 4096, PROT_READ, ANON, -1, 0), b - 4096);
  const low = await t.call("mmap", 0, 4096, PROT_RW, ANON | MAP_32BIT, -1, 0);
  assert.equal(low, 0x40000000);
  t.p.mem.write32(a, 42);
  assert.equal(t.p.mem.read32(a), 42);
});

Deno.test("mmap argument errors are Linux's", async () => {
  const t = new TestProcess();
  assert.equal(await t.call("mmap", 0, 0, PROT_READ, ANON, -1, 0), -EINVAL);
  assert.equal(await t.call("mmap", 0, 4096, PROT_READ, MAP_ANON, -1, 0), -EINVAL, "no type");
  assert.equal(await t.call("mmap", 0, 4096, PROT_READ, ANON, -1, 100), -EINVAL);
  assert.equal(await t.call("mmap", 0x1001, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0), -EINVAL);
  t.p.cred.euid = 1000;
  assert.equal(await t.call("mmap", 0x1000, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0), -EPERM);
  t.p.cred.euid = 0;
  assert.equal(await t.call("mmap", 0x1000, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0), 0x1000);
  assert.equal(await t.call("mmap", 0, 4096, PROT_READ, MAP_PRIVATE, 55, 0), -EBADF);
  assert.equal(await t.call("mmap", 0, 2 ** 47, PROT_READ, ANON, -1, 0), -ENOMEM);
  assert.equal(await t.call("mmap", 0, 2 ** 40, PROT_RW, ANON, -1, 0), -ENOMEM, "overcommit");
  assert.ok(await t.call("mmap", 0, 2 ** 40, PROT_RW, ANON | MAP_NORESERVE, -1, 0) > 0);
});

Deno.test("MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses with EEXIST", async () => {
  const t = new TestProcess();
  const at = 0x30000000;
  assert.equal(await t.call("mmap", at, 8192, PROT_RW, ANON | MAP_FIXED, -1, 0), at);
  t.p.mem.write32(at, 7);
  assert.equal(await t.call("mmap", at, 4096, PROT_RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), -EEXIST);
  assert.equal(await t.call("mmap", at, 4096, PROT_RW, ANON | MAP_FIXED, -1, 0), at);
  assert.equal(t.p.mem.read32(at), 0, "fresh zero page");
  assert.equal(
    await t.call("mmap", at + 8192, 4096, PROT_RW, ANON | MAP_FIXED_NOREPLACE, -1, 0),
    at + 8192,
  );
});

Deno.test("munmap and mprotect: alignment, holes, splitting", async () => {
  const t = new TestProcess();
  const a = await t.call("mmap", 0, 3 * 4096, PROT_RW, ANON, -1, 0);
  assert.equal(await t.call("munmap", a + 1, 4096), -EINVAL);
  assert.equal(await t.call("munmap", a, 0), -EINVAL);
  assert.equal(await t.call("mprotect", a + 1, 4096, PROT_READ), -EINVAL);
  assert.equal(await t.call("mprotect", a, 4096, 0x10), -EINVAL);
  assert.equal(await t.call("mprotect", a, 4096, PROT_READ), 0);
  assert.throws(() => t.p.mem.write32(a, 1), PageFault);
  t.p.mem.write32(a + 4096, 1);
  assert.equal(await t.call("munmap", a + 4096, 4096), 0);
  assert.equal(await t.call("mprotect", a, 3 * 4096, PROT_RW), -ENOMEM, "hole in the range");
  assert.equal(await t.call("munmap", a + 4096, 4096), 0, "unmapping a hole is fine");
  assert.equal(await t.call("mprotect", a, 0, PROT_READ), 0);
  assert.equal(await t.call("mprotect", a, 4096, PROT_RW), 0);
  assert.equal(await t.call("mprotect", a + 2 * 4096, 4096, PROT_RW), 0);
  assert.throws(() => t.p.mem.read32(a + 4096), PageFault);
});

Deno.test("brk grows and shrinks a [heap] VMA and returns the old break on failure", async () => {
  const t = new TestProcess();
  const start = 0x20000000;
  t.p.brkStart = t.p.brk = start;
  assert.equal(await t.call("brk", 0), start);
  assert.equal(await t.call("brk", start - 4096), start);
  assert.equal(await t.call("brk", start + 10000), start + 10000);
  t.p.mem.write32(start + 9996, 5);
  assert.equal(await t.call("brk", start + 50000), start + 50000);
  const heap = vmas(t).filter((v) => v.name === "[heap]");
  assert.equal(heap.length, 1);
  assert.equal(heap[0].end, start + 53248);
  assert.equal(t.p.mem.read32(start + 9996), 5);
  assert.equal(await t.call("brk", start + 100), start + 100);
  assert.throws(() => t.p.mem.read32(start + 4096), PageFault);
  await t.call("mmap", start + 0x10000, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0);
  assert.equal(await t.call("brk", start + 0x20000), start + 100, "blocked by a mapping");
});

Deno.test("mremap shrinks, grows in place, moves, and checks its arguments", async () => {
  const t = new TestProcess();
  const MAYMOVE = 1, FIXED = 2, DONTUNMAP = 4;
  const a = await t.call("mmap", 0x50000000, 8192, PROT_RW, ANON | MAP_FIXED, -1, 0);
  t.p.mem.write32(a, 11);
  t.p.mem.write32(a + 4096, 22);
  assert.equal(await t.call("mremap", a + 1, 4096, 8192, 0), -EINVAL);
  assert.equal(await t.call("mremap", a, 4096, 0, 0), -EINVAL);
  assert.equal(await t.call("mremap", a, 4096, 8192, 8), -EINVAL);
  assert.equal(await t.call("mremap", a, 4096, 8192, FIXED), -EINVAL);
  assert.equal(await t.call("mremap", 0x60000000, 4096, 8192, MAYMOVE), -EFAULT);
  assert.equal(await t.call("mremap", a, 3 * 4096, 4 * 4096, MAYMOVE), -EFAULT);
  assert.equal(await t.call("mremap", a, 8192, 3 * 4096, 0), a, "grown in place");
  assert.equal(t.p.mem.read32(a + 8192), 0);
  await t.call("mmap", a + 3 * 4096, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0);
  assert.equal(await t.call("mremap", a, 3 * 4096, 5 * 4096, 0), -ENOMEM);
  const b = await t.call("mremap", a, 3 * 4096, 5 * 4096, MAYMOVE);
  assert.notEqual(b, a);
  assert.equal(t.p.mem.read32(b), 11);
  assert.equal(t.p.mem.read32(b + 4096), 22);
  assert.throws(() => t.p.mem.read32(a), PageFault, "old range gone");
  const c = await t.call("mremap", b, 5 * 4096, 4096, MAYMOVE | FIXED, 0x70000000);
  assert.equal(c, 0x70000000);
  assert.equal(t.p.mem.read32(c), 11);
  assert.throws(() => t.p.mem.read32(b + 4096), PageFault, "shrunk tail unmapped");
  const d = await t.call("mremap", c, 4096, 4096, MAYMOVE | DONTUNMAP);
  assert.equal(t.p.mem.read32(d), 11);
  assert.equal(t.p.mem.read32(c), 0, "DONTUNMAP leaves an empty mapping");
  assert.equal(await t.call("mremap", d, 4096, 2048, 0), d);
});

Deno.test("madvise(MADV_DONTNEED) zeroes private anonymous pages; bad advice is EINVAL", async () => {
  const t = new TestProcess();
  const a = await t.call("mmap", 0, 8192, PROT_RW, ANON, -1, 0);
  t.p.mem.write32(a, 9);
  assert.equal(await t.call("madvise", a, 8192, 4), 0);
  assert.equal(t.p.mem.read32(a), 0);
  assert.equal(await t.call("madvise", a, 8192, 77), -EINVAL);
  assert.equal(await t.call("madvise", a + 1, 8192, 0), -EINVAL);
  assert.equal(await t.call("madvise", a, 16384, 0), -ENOMEM);
  assert.equal(await t.call("madvise", a, 0, 4), 0);
});

Deno.test("mincore reports touched pages; msync checks flags and ranges", async () => {
  const t = new TestProcess();
  const a = await t.call("mmap", 0, 3 * 4096, PROT_RW, ANON, -1, 0);
  t.p.mem.write8(a + 4096, 1);
  const vec = t.alloc(3);
  assert.equal(await t.call("mincore", a, 3 * 4096, vec), 0);
  assert.deepEqual([...t.bytes(vec, 3)], [0, 1, 0]);
  assert.equal(await t.call("mincore", a + 3 * 4096, 4096, vec), -ENOMEM);
  assert.equal(await t.call("msync", a, 4096, 1 | 4), -EINVAL);
  assert.equal(await t.call("msync", a, 4096, 8), -EINVAL);
  assert.equal(await t.call("msync", a + 3 * 4096, 4096, 4), -ENOMEM);
  assert.equal(await t.call("msync", a, 4096, 4), 0);
});

Deno.test("file mappings: contents, access checks, and MAP_SHARED write-back", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "sys-mm-test-" });
  const path = `${dir}/data`;
  Deno.writeTextFileSync(path, "hello, mapped world");
  const t = new TestProcess();
  try {
    const ro = await t.call("open", path, O_RDONLY);
    const wo = await t.call("open", path, O_WRONLY);
    assert.equal(await t.call("mmap", 0, 4096, PROT_READ, MAP_PRIVATE, wo, 0), -EACCES);
    assert.equal(await t.call("mmap", 0, 4096, PROT_RW, MAP_SHARED, ro, 0), -EACCES);
    const dirFd = await t.call("open", dir, O_RDONLY);
    assert.equal(await t.call("mmap", 0, 4096, PROT_READ, MAP_PRIVATE, dirFd, 0), -ENODEV);

    const priv = await t.call("mmap", 0, 8192, PROT_RW, MAP_PRIVATE, ro, 0);
    assert.equal(t.text(priv, 19), "hello, mapped world");
    assert.equal(t.p.mem.read8(priv + 19), 0, "zero past EOF");
    t.p.mem.write8(priv, 72);
    const v = vmas(t).find((x) => x.start === priv)!;
    assert.equal(v.name, path);
    assert.equal(v.offset, 0);
    assert.ok(v.inode! > 0);
    // A shared mapping of a read-only file may not become writable.
    const shro = await t.call("mmap", 0, 4096, PROT_READ, MAP_SHARED, ro, 0);
    assert.equal(await t.call("mprotect", shro, 4096, PROT_RW), -EACCES);

    const rw = await t.call("open", path, O_RDWR);
    const shared = await t.call("mmap", 0, 4096, PROT_RW, MAP_SHARED, rw, 0);
    assert.equal(await t.call("close", rw), 0, "the mapping keeps the file open");
    t.p.mem.write(shared + 7, new TextEncoder().encode("MAPPED"));
    t.p.mem.write8(shared + 100, 1); // past EOF: never written to the file
    assert.equal(await t.call("msync", shared, 4096, 4), 0);
    assert.equal(Deno.readTextFileSync(path), "hello, MAPPED world");
    t.p.mem.write8(shared, 0x48);
    assert.equal(await t.call("munmap", shared, 4096), 0);
    assert.equal(Deno.readTextFileSync(path), "Hello, MAPPED world");
    assert.equal(Deno.readTextFileSync(path).length, 19, "file not extended");

    // Mapping a file again over its only mapping keeps the description alive.
    const fd = await t.call("open", path, O_RDWR);
    const m1 = await t.call("mmap", 0, 4096, PROT_RW, MAP_SHARED, fd, 0);
    assert.equal(await t.call("mmap", m1, 4096, PROT_RW, MAP_SHARED | MAP_FIXED, fd, 0), m1);
    await t.call("close", fd);
    t.p.mem.write8(m1 + 1, 0x45);
    assert.equal(await t.call("munmap", m1, 4096), 0);
    assert.equal(Deno.readTextFileSync(path), "HEllo, MAPPED world");

    // Written back at exit, after the descriptor is gone.
    const again = await t.call("open", path, O_RDWR | O_CREAT, 0o644);
    const m = await t.call("mmap", 0, 4096, PROT_RW, MAP_SHARED, again, 0);
    await t.call("close", again);
    t.p.mem.write8(m + 18, 0x44);
    t.p.exit({ code: 0 });
    assert.equal(Deno.readTextFileSync(path), "HEllo, MAPPED worlD");
  } finally {
    t.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("RLIMIT_AS bounds mmap", async () => {
  const t = new TestProcess();
  const lim = t.alloc(16);
  t.p.mem.write64(lim, 8 * 1024 * 1024);
  t.p.mem.write64(lim + 8, 8 * 1024 * 1024);
  assert.equal(await t.call("setrlimit", 9, lim), 0);
  assert.equal(await t.call("mmap", 0, 16 * 1024 * 1024, PROT_READ, ANON, -1, 0), -ENOMEM);
  assert.ok(await t.call("mmap", 0, 4096, PROT_READ, ANON, -1, 0) > 0);
});
