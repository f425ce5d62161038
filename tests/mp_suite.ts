// The multi-process guest programs (tests/guests_mp/*.c): their catalog, and the differential
// tests that run each one natively and under the supervisor and require the same stdout and exit
// status. Each program checks one behaviour of fork, execve, wait, pipes, signals between
// processes, process groups or sessions, and prints only relations (never raw pids), so its output
// is the same on every run. Groups spread the programs over several test files, which
// `deno test --parallel` runs side by side.
//
// No test may hang the suite: every run is bounded (TIMEOUT_MS, after which its process group is
// killed), every guest process arms its own 45 s alarm (mp.h), and the wait for a run's output is
// itself bounded in case a process escaped the group and still holds the output pipe.
import assert from "node:assert/strict";
import { buildMpGuest, MP_TOOLCHAINS } from "./build_mp.ts";
import { assertSameOutcome, describeStatus } from "./differential.ts";
import { runNative, type RunResult, runSupervisor } from "./supervisor.ts";

export type MpGroup = "pipes" | "wait" | "signals" | "exec" | "shared";

export interface MpGuestSpec {
  name: string;
  group: MpGroup;
  /** The exit status a native run must have (128+N for death by signal N). */
  status: number;
  /** Runs in a pseudo-terminal set up by this shell command (RunOptions.terminal). */
  terminal?: string;
}

/** A terminal whose settings are not a new terminal's, so copies of the defaults cannot pass. */
export const TERMINAL_SETUP = "stty -icanon erase ^H cols 123 rows 45";

// deno-fmt-ignore
export const MP_GUESTS: readonly MpGuestSpec[] = [
  // pipes between processes
  { name: "pipe_megabyte",   group: "pipes",   status: 0 },
  { name: "pipe_atomic",     group: "pipes",   status: 0 },
  { name: "pipe_poll",       group: "pipes",   status: 0 },
  { name: "pipe_size",       group: "pipes",   status: 0 },
  { name: "sigpipe",         group: "pipes",   status: 0 },
  { name: "pipe_capacity",   group: "pipes",   status: 0 },
  { name: "pipe_signal_order", group: "pipes", status: 0 },
  { name: "pipe_close_order", group: "pipes",  status: 0 },
  // fork and wait
  { name: "fork_getppid",    group: "wait",    status: 0 },
  { name: "fork_sequential", group: "wait",    status: 0 },
  { name: "fork_concurrent", group: "wait",    status: 0 },
  { name: "wait_order",      group: "wait",    status: 0 },
  { name: "wait_status",     group: "wait",    status: 0 },
  { name: "vfork_exit",      group: "wait",    status: 0 },
  // signals between processes, process groups, sessions, orphans
  { name: "kill_child",      group: "signals", status: 0 },
  { name: "sigchld_handler", group: "signals", status: 0 },
  { name: "pgroup",          group: "signals", status: 0 },
  { name: "session",         group: "signals", status: 0 },
  { name: "orphan",          group: "signals", status: 0 },
  // execve
  { name: "exec_self",       group: "exec",    status: 31 },
  { name: "exec_errors",     group: "exec",    status: 0 },
  { name: "pipe_cloexec",    group: "exec",    status: 0 },
  { name: "dup2_exec",       group: "exec",    status: 0 },
  // what processes share besides pipes: file locks, the terminal (its settings not a new one's)
  { name: "file_locks",      group: "shared",  status: 0 },
  { name: "lock_release_order", group: "shared", status: 0 },
  { name: "terminal",        group: "shared",  status: 0, terminal: TERMINAL_SETUP },
];

/** Bound on one run, native or supervised. */
export const TIMEOUT_MS = 60_000;
/** Extra time for the killed run to be collected before the test gives up on it. */
const COLLECT_GRACE_MS = 15_000;

/** How the supervisor runs a group's guests besides its defaults. */
export interface MpVariant {
  /** Put in the test names. */
  label: string;
  supervisorEnv: Record<string, string>;
}

/** Declares one Deno test per guest of GROUP per toolchain (under `variant`, if given). */
export function defineMpGuestTests(group: MpGroup, variant?: MpVariant): void {
  const guests = MP_GUESTS.filter((g) => g.group === group);
  if (guests.length === 0) throw new RangeError(`No multi-process guests in group ${group}`);
  for (const guest of guests) {
    for (const toolchain of MP_TOOLCHAINS) {
      Deno.test({
        name: `mp guest ${guest.name} (${toolchain}${
          variant ? `, ${variant.label}` : ""
        }): output and status match native`,
        // A run abandoned at its deadline leaves its process and pipes behind; that must fail
        // this test only, not be blamed on the next one.
        sanitizeOps: false,
        sanitizeResources: false,
        fn: async () => {
          const binary = await buildMpGuest(guest.name, toolchain);
          const options = { timeoutMs: TIMEOUT_MS, terminal: guest.terminal };
          const native = await bounded(runNative(binary, options), "native");
          assert.equal(
            native.status,
            guest.status,
            `native run exited ${describeStatus(native)} but the catalog says ${guest.status}: ` +
              `the guest program itself misbehaves\n${new TextDecoder().decode(native.stderr)}`,
          );
          const supervised = await bounded(
            runSupervisor(binary, { ...options, supervisorEnv: variant?.supervisorEnv }),
            "supervised",
          );
          assertSameOutcome(native, supervised);
        },
      });
    }
  }
}

/** RUN, or a rejection once it outlives its own timeout plus a grace period. */
async function bounded(run: Promise<RunResult>, what: string): Promise<RunResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `The ${what} run was not collected ${(TIMEOUT_MS + COLLECT_GRACE_MS) / 1000} s after ` +
            `it started: a process outside its process group still holds its output`,
        ),
      );
    }, TIMEOUT_MS + COLLECT_GRACE_MS);
  });
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
