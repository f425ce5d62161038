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

/**
 * Declares one Deno test per guest of GROUP per toolchain. With `eagerJit`, gcc builds only, run
 * with every block translated on first use (SUPERVISOR_JIT=eager): the translated tier on whole
 * programs, where the default threshold leaves most of a short program to the interpreter.
 */
export function defineGuestTests(group: GuestGroup, eagerJit = false): void {
  const guests = GUESTS.filter((g) => g.group === group);
  if (guests.length === 0) throw new RangeError(`No guests in group ${group}`);
  for (const guest of guests) {
    const toolchains = eagerJit ? ["gcc" as const] : toolchainsFor(guest);
    for (const toolchain of toolchains) {
      const tier = eagerJit ? ", all translated" : "";
      Deno.test(`guest ${guest.name} (${toolchain}${tier}): output and status match native`, async () => {
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
          const supervisorEnv = eagerJit ? { SUPERVISOR_JIT: "eager" } : undefined;
          const supervised = await runSupervisor(binary, { ...options, supervisorEnv });
          assertSameOutcome(native, supervised);
        });
      });
    }
  }
}
