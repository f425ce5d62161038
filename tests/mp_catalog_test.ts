// Keeps the multi-process guest catalog and tests/guests_mp/*.c in step: every source is run by a
// test, every entry has a source, and every source states its one behaviour in its first line.
import assert from "node:assert/strict";
import { listMpGuestSources, mpGuestSource } from "./build_mp.ts";
import { MP_GUESTS } from "./mp_suite.ts";

Deno.test("mp guest catalog lists every tests/guests_mp source exactly once", () => {
  const names = MP_GUESTS.map((g) => g.name);
  assert.deepEqual([...names].sort(), listMpGuestSources());
  assert.equal(new Set(names).size, names.length, "duplicate catalog entries");
});

Deno.test("every mp guest source starts with a one-line comment saying what it checks", () => {
  for (const name of listMpGuestSources()) {
    const first = Deno.readTextFileSync(mpGuestSource(name)).split("\n")[0];
    assert.match(first, /^\/\* .+ \*\/$/, `${name}.c: first line is not a one-line comment`);
  }
});
