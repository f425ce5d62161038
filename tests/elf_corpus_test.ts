// Malformed programs (elf_corpus.ts) must be refused cleanly: exit status 126 (127 when the path
// does not exist), nothing on stdout, and exactly one stderr line starting with "supervisor:" —
// never a stack trace. A control run checks that the unmodified base binary does load and run.
import assert from "node:assert/strict";
import { buildGuest } from "./build.ts";
import { assertSameAsNative } from "./differential.ts";
import { CORPUS } from "./elf_corpus.ts";
import { withTempDir } from "./fixtures.ts";
import { runSupervisor } from "./supervisor.ts";

/** The valid static binary every corpus entry is derived from (glibc static: 4 PT_LOADs). */
const BASE_GUEST = "exit_atexit";
let base: Promise<Uint8Array> | undefined;

function baseBinary(): Promise<Uint8Array> {
  base ??= buildGuest(BASE_GUEST, "gcc").then((path) => Deno.readFile(path));
  return base;
}

Deno.test("elf corpus control: the unmodified base binary runs as it does natively", async () => {
  const bytes = await baseBinary();
  await withTempDir(async (dir) => {
    const path = `${dir}/program`;
    await Deno.writeFile(path, bytes, { mode: 0o755 });
    const { native } = await assertSameAsNative(path);
    assert.equal(native.status, 42);
  });
});

for (const entry of CORPUS) {
  const title =
    `elf corpus: ${entry.name} is refused with exit ${entry.expectStatus}, one stderr line`;
  Deno.test(title, async () => {
    const bytes = await baseBinary();
    await withTempDir(async (dir) => {
      const path = await entry.make(dir, bytes);
      const result = await runSupervisor(path);
      const stderr = new TextDecoder().decode(result.stderr);
      const shown = `\n(exit status ${result.status})\n--- stderr ---\n${stderr || "(empty)"}`;
      assert.ok(!stderr.includes("    at "), `stderr holds a stack trace${shown}`);
      const lines = stderr.split("\n").filter((line) => line.length > 0);
      assert.equal(lines.length, 1, `expected exactly one stderr line${shown}`);
      assert.ok(
        lines[0].startsWith("supervisor:"),
        `the line must start with "supervisor:"${shown}`,
      );
      assert.equal(result.status, entry.expectStatus, `wrong exit status${shown}`);
      assert.equal(result.stdout.length, 0, "nothing may be written to stdout");
    });
  });
}
