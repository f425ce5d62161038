/**
 * supervisor: run unmodified x86-64 Linux programs under a TypeScript interpreter.
 *
 * @example
 * ```ts
 * import { runProgram } from "./mod.ts";
 * const { status } = await runProgram("/bin/true", ["true"], { env: [] });
 * console.log(status.code); // 0
 * ```
 *
 * @module
 */

import type { ExitStatus } from "./runtime/kernel/process.ts";
import { startProcess } from "./runtime/kernel/start.ts";
import { LoadError } from "./runtime/loader/load.ts";

export { LoadError } from "./runtime/loader/load.ts";
export type { ExitStatus } from "./runtime/kernel/process.ts";

/** Options of {@linkcode runProgram}. */
export interface RunProgramOptions {
  /** Environment as "K=V" strings (default: empty). */
  env?: string[];
  /** Host directory that is the guest's "/" (default "/"). */
  root?: string;
  /** Guest working directory. */
  cwd?: string;
  /** Print syscalls to stderr as strace does, or pass each line to a function. */
  strace?: boolean | ((line: string) => void);
}

/** How a guest run ended, and how much it executed. */
export interface RunResult {
  status: ExitStatus;
  /** Guest instructions retired. */
  instructions: number;
}

/**
 * Runs the guest program at `program` (a guest path; searched in the guest's PATH when it has
 * no slash) with `argv`, until it exits. Throws LoadError when it cannot be started.
 */
export async function runProgram(
  program: string,
  argv: string[],
  options: RunProgramOptions = {},
): Promise<RunResult> {
  const env = options.env ?? [];
  const p = startProcess(findProgram(program, env, options.root ?? "/"), argv, env, options);
  const status = await p.runUntilExit();
  return { status, instructions: p.cpu.icount };
}

function findProgram(program: string, env: string[], root: string): string {
  if (program.includes("/")) return program;
  const path = env.find((e) => e.startsWith("PATH="))?.slice(5) ??
    "/usr/local/bin:/usr/bin:/bin";
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
