// Keeps the guest catalog and the guest sources in step: every source is run by some test, every
// catalog entry has a source, and every source states its one behaviour in its first line.
import assert from "node:assert/strict";
import { guestSource, listGuestSources } from "./build.ts";
import { GUESTS } from "./guest_catalog.ts";

Deno.test("guest catalog lists every guest source exactly once", () => {
  const names = GUESTS.map((g) => g.name);
  assert.deepEqual([...names].sort(), listGuestSources());
  assert.equal(new Set(names).size, names.length, "duplicate catalog entries");
});

Deno.test("guest catalog has at least 40 guest programs", () => {
  assert.ok(GUESTS.length >= 40, `only ${GUESTS.length} guests`);
});

Deno.test("every guest source starts with a one-line comment saying what it checks", () => {
  for (const name of listGuestSources()) {
    const first = Deno.readTextFileSync(guestSource(name)).split("\n")[0];
    assert.match(first, /^\/\* .+ \*\/$/, `${name}.c: first line is not a one-line comment`);
  }
});
