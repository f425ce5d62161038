// Registers the differential tests for one group of guest programs: for each guest and toolchain,
// build it, run it natively (which must exit as the catalog says, or the guest itself is broken),
// run it under the supervisor with the same arguments, environment and stdin, and require the same
// stdout and exit status. Each test gives its guest a private TMPDIR, removed afterwards, so a
// guest that dies half-way leaves nothing behind in /tmp.
import assert from "node:assert/strict";
import { buildGuest } from "./build.ts";
import { assertSameOutcome, describeStatus } from "./differential.ts";
import { withTempDir } from "./fixtures.ts";
import { type GuestGroup, GUESTS, toolchainsFor } from "./guest_catalog.ts";
import { GUEST_ENV, runNative, type RunOptions, runSupervisor } from "./supervisor.ts";

/** Declares one Deno test per guest of GROUP per toolchain. */
export function defineGuestTests(group: GuestGroup): void {
  const guests = GUESTS.filter((g) => g.group === group);
  if (guests.length === 0) throw new RangeError(`No guests in group ${group}`);
  for (const guest of guests) {
    for (const toolchain of toolchainsFor(guest)) {
      Deno.test(`guest ${guest.name} (${toolchain}): output and status match native`, async () => {
        const binary = await buildGuest(guest.name, toolchain);
        await withTempDir(async (tmp) => {
          const env = { ...(guest.env ?? GUEST_ENV), TMPDIR: tmp };
          const options: RunOptions = { args: guest.args, stdin: guest.stdin, env };
          const native = await runNative(binary, options);
          assert.equal(
            native.status,
            guest.status,
            `native run exited ${describeStatus(native)} but the catalog says ${guest.status}: ` +
              `the guest program itself misbehaves\n${new TextDecoder().decode(native.stderr)}`,
          );
          const supervised = await runSupervisor(binary, options);
          assertSameOutcome(native, supervised);
        });
      });
    }
  }
}
