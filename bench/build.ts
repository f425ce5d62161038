// Builds benchmark guest programs (bench/guests/*.c) static with musl-gcc into bench/bin/,
// skipping those whose binary is newer than the source.

const here = new URL(".", import.meta.url).pathname;

/** Path of the built static binary for bench/guests/<name>.c. */
export async function buildGuest(name: string): Promise<string> {
  const src = `${here}guests/${name}.c`;
  const out = `${here}bin/${name}`;
  await Deno.mkdir(`${here}bin`, { recursive: true });
  try {
    if (Deno.statSync(out).mtime! >= Deno.statSync(src).mtime!) return out;
  } catch { /* not built yet */ }
  const tmp = `${out}.${Deno.pid}.tmp`;
  let result: Deno.CommandOutput;
  try {
    result = await new Deno.Command("musl-gcc", {
      args: ["-static", "-O2", "-o", tmp, src],
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new Error(
      `Cannot build ${name}: musl-gcc is not installed (apt-get install musl-tools)`,
      {
        cause: e,
      },
    );
  }
  if (!result.success) {
    throw new Error(`Cannot build ${name}: ${new TextDecoder().decode(result.stderr)}`);
  }
  await Deno.rename(tmp, out);
  return out;
}
