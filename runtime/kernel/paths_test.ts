import assert from "node:assert/strict";
import { ELOOP, ENOENT, ENOTDIR } from "./errno.ts";
import { normalize, type Resolved, resolvePath } from "./paths.ts";
import { Process } from "./process.ts";

Deno.test("normalize() folds '.', '..' and repeated slashes lexically", () => {
  assert.equal(normalize("a/./b/../c", "/x"), "/x/a/c");
  assert.equal(normalize("/../../..", "/x"), "/");
  assert.equal(normalize("//a//b/", "/"), "/a/b");
});

function makeRoot(): string {
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "paths-test-" }));
  Deno.mkdirSync(`${root}/etc`);
  Deno.mkdirSync(`${root}/tmp`);
  Deno.writeTextFileSync(`${root}/etc/name`, "inside");
  Deno.symlinkSync("../../../..", `${root}/up`);
  Deno.symlinkSync("/etc", `${root}/abs`);
  Deno.symlinkSync("../etc/name", `${root}/tmp/rel`);
  Deno.symlinkSync("loop", `${root}/loop`);
  return root;
}

Deno.test("resolvePath() never leaves --root, through '..' or symlinks", () => {
  const root = makeRoot();
  try {
    const p = new Process({ root });
    const at = (path: string, follow = true) => resolvePath(p.fs, path, "/", follow, p);
    for (
      const path of ["/../../etc/name", "/up/etc/name", "/abs/name", "/tmp/rel", "up/up/etc/name"]
    ) {
      const r = at(path) as Resolved;
      assert.equal(r.guest, "/etc/name", path);
      assert.equal(r.host, `${root}/etc/name`, path);
    }
    assert.equal((at("/tmp/rel", false) as Resolved).guest, "/tmp/rel");
    assert.equal(at("/loop"), -ELOOP);
    assert.equal(at("/missing/x"), -ENOENT);
    assert.equal(at("/etc/name/x"), -ENOTDIR);
    assert.equal(at("/etc/name/"), -ENOTDIR);
    const created = at("/etc/new/") as Resolved;
    assert.equal(created.dirOnly, true);
    assert.equal(created.host, `${root}/etc/new`);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("resolvePath() serves /proc and /dev virtually under any root", () => {
  const root = makeRoot();
  try {
    for (const r of ["/", root]) {
      const p = new Process({ root: r });
      p.exePath = "/bin/prog";
      const exe = resolvePath(p.fs, "/proc/self/exe", "/", false, p) as Resolved;
      assert.equal(exe.host, "");
      assert.equal(exe.node?.readlink?.(p), "/bin/prog");
      const nul = resolvePath(p.fs, "/dev/null", "/", true, p) as Resolved;
      assert.equal(nul.host, "");
      assert.ok(nul.node?.open);
      const missing = resolvePath(p.fs, "/proc/nope", "/", true, p) as Resolved;
      assert.equal(missing.node, undefined);
      const up = resolvePath(p.fs, "/proc/self/../../etc", "/", true, p) as Resolved;
      assert.equal(up.guest, "/etc");
    }
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});
