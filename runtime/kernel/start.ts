// Starting a guest program: a new Process with stdio, the program loaded, ready to run.

import { loadProgram } from "../loader/load.ts";
import { normalize } from "./paths.ts";
import { Process, type ProcessOptions } from "./process.ts";
import { installStdio } from "./stdio.ts";

export interface StartOptions extends ProcessOptions {
  /** Guest working directory (default: the host's cwd when the root is `/`, else `/`). */
  cwd?: string;
}

/** Creates a process running `program` (a guest path) with `argv` and `envp`. */
export function startProcess(
  program: string,
  argv: string[],
  envp: string[],
  options: StartOptions = {},
): Process {
  const p = new Process(options);
  const root = p.fs.root;
  p.fs.cwd = options.cwd ? normalize(options.cwd, "/") : root === "/" ? Deno.cwd() : "/";
  installStdio(p);
  loadProgram(p, program, argv, envp);
  return p;
}
