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
import { findProgram, startProcess } from "./runtime/kernel/start.ts";

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
