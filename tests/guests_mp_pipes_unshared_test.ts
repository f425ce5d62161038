// The "pipes" multi-process guests again, with shared memory off (SUPERVISOR_SHARED_MEMORY=0): no
// pipe rings in the hosts and no bulk lanes, so every pipe operation is a request to the
// supervisor. That is what runs where memory files cannot be shared (ipc/shared_memory.ts).
import { defineMpGuestTests } from "./mp_suite.ts";

defineMpGuestTests("pipes", {
  label: "no shared memory",
  supervisorEnv: { SUPERVISOR_SHARED_MEMORY: "0" },
});
