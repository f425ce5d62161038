// Differential tests of the "shared" multi-process guests (see mp_suite.ts): file locks between
// processes, and the terminal (run in a pseudo-terminal); and the terminal's settings after a
// guest that leaves it raw.
import assert from "node:assert/strict";
import { buildMpGuest } from "./build_mp.ts";
import { defineMpGuestTests, TERMINAL_SETUP } from "./mp_suite.ts";
import { runNative, shellQuote, SUPERVISOR_RUN } from "./supervisor.ts";

defineMpGuestTests("shared");

Deno.test("the supervisor gives back the terminal as it found it when a guest leaves it raw", async () => {
  const binary = await buildMpGuest("terminal", "gcc");
  // The shell prints the settings before and after; natively the second line is the raw one.
  const supervisor = shellQuote(SUPERVISOR_RUN);
  const script = (prefix: string) =>
    runNative("/bin/sh", {
      args: ["-c", `stty -g; ${prefix} ${shellQuote([binary])} leave-raw; stty -g`],
      env: { PATH: "/usr/bin:/bin", HOME: "/tmp" },
      terminal: TERMINAL_SETUP,
    });
  const lines = async (prefix: string) =>
    new TextDecoder().decode((await script(prefix)).stdout).trim().split(/\r?\n/).slice(-2);
  const [nativeBefore, nativeAfter] = await lines("");
  assert.notEqual(nativeBefore, nativeAfter, "natively the guest leaves the terminal raw");
  const [before, after] = await lines(supervisor);
  assert.equal(before, nativeBefore);
  assert.equal(after, before, "the supervisor put the terminal's settings back");
});
