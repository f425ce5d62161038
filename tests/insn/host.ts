// Host side of the instruction differential test: builds tests/insn/harness.c into a temporary
// directory and streams a batch of records through it.

import { REC_SIZE } from "./record.ts";

/** Compiles the harness; returns the executable's path (inside `dir`). */
export async function buildHarness(dir: string): Promise<string> {
  const source = new URL("./harness.c", import.meta.url).pathname;
  const exe = `${dir}/insn_harness`;
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("gcc", {
      args: ["-static", "-O1", "-Wall", "-o", exe, source],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new Error(`Cannot run gcc to build the instruction harness: ${e}`);
  }
  if (!out.success) {
    throw new Error(`gcc failed on ${source}:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return exe;
}

/** Runs every record of `input` on the host CPU; returns the output records. */
export async function runHarness(exe: string, input: Uint8Array): Promise<Uint8Array> {
  const child = new Deno.Command(exe, { stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  // A harness that dies early closes its stdin: that is reported below with its status and stderr.
  const writing = writer.write(input).then(() => writer.close()).catch(() => {});
  const [out] = await Promise.all([child.output(), writing]);
  if (!out.success || out.stdout.length !== input.length) {
    throw new Error(
      `Instruction harness failed (status ${out.code}, signal ${out.signal}, ${out.stdout.length} ` +
        `of ${input.length} bytes, so in record ${Math.floor(out.stdout.length / REC_SIZE)}):\n` +
        new TextDecoder().decode(out.stderr),
    );
  }
  return out.stdout;
}
