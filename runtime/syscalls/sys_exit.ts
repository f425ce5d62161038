// Process exit: exit and exit_group (one thread per process for now, so they are the same).

import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

function sysExitGroup(p: Process, a: Args): undefined {
  p.exit({ code: a.int(0) & 0xff });
  return undefined;
}

export const rows: SyscallDef[] = [
  { name: "exit", handler: sysExitGroup, args: "d" },
  { name: "exit_group", handler: sysExitGroup, args: "d" },
];
