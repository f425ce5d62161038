// Starting a guest program: a new Process with stdio, the program loaded, ready to run.

import { LoadError, loadProgram } from "../loader/load.ts";
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

/**
 * The guest path of `program`: as given when it has a slash, else the first match in the guest
 * environment's PATH (default /usr/local/bin:/usr/bin:/bin), as execvp looks. Throws LoadError
 * (ENOENT) when there is none.
 */
export function findProgram(program: string, env: string[], root: string): string {
  if (program.includes("/")) return program;
  const path = env.find((e) => e.startsWith("PATH="))?.slice(5) ?? "/usr/local/bin:/usr/bin:/bin";
  for (const dir of path.split(":")) {
    if (!dir) continue;
    const guest = `${dir}/${program}`;
    try {
      const host = root === "/" ? guest : root + (guest.startsWith("/") ? guest : "/" + guest);
      if (Deno.statSync(host).isFile) return guest;
    } catch { /* keep looking */ }
  }
  throw new LoadError(`${program}: command not found`, 2);
}
