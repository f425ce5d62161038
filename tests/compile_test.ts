// `deno task compile` makes dist/supervisor, the single binary: checked by running the task's
// deno compile (deno.json) into a temporary directory, then a busybox script that forks with the
// binary, whose guest hosts are the binary itself re-run in its `__guest` mode (main.ts loads their
// modules by dynamic import, which deno compile must have embedded). deno compile needs Deno's
// `denort` runtime, downloaded from dl.deno.land unless DENORT_BIN names a copy; where it cannot
// be had, the test is ignored and says why. Any other compile failure fails the test.
import assert from "node:assert/strict";
import { REPO_ROOT } from "./supervisor.ts";

const BUSYBOX = "/bin/busybox";
const SCRIPT = 'echo start; (echo subshell); echo "sub $(echo stitution)"; echo a b | wc -w';

/** The compile task's arguments (deno.json), writing `binary` instead of dist/supervisor. */
async function compileArgs(binary: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  const [, ...args] = String(config.tasks.compile).split(/\s+/);
  const output = args.indexOf("--output");
  assert.ok(output > 0, "the compile task names its --output");
  args[output + 1] = binary;
  return [...args.slice(0, -1), "--quiet", `${REPO_ROOT}/${args.at(-1)}`];
}

const dir = await Deno.makeTempDir({ prefix: "supervisor-compile-" });
const binary = `${dir}/supervisor`;
const compiled = await new Deno.Command(Deno.execPath(), {
  args: await compileArgs(binary),
  stdout: "piped",
  stderr: "piped",
}).output();
const compileError = new TextDecoder().decode(compiled.stderr);
/** Why the runtime could not be had (no network to dl.deno.land, no DENORT_BIN), or "". */
const noRuntime = !compiled.success && /denort|Setting up base binary/.test(compileError)
  ? compileError.split("\n").find((line) => /error sending request|denort/.test(line))?.trim() ??
    "denort unavailable"
  : "";
if (noRuntime) {
  console.warn(`compile_test: ignored: deno compile cannot get its runtime here (${noRuntime})`);
}

Deno.test({
  name: "the compiled binary runs a forking busybox script as the sources do",
  ignore: noRuntime !== "",
  async fn() {
    try {
      assert.ok(compiled.success, `deno compile failed:\n${compileError}`);
      const run = async (command: string, args: string[]) => {
        const out = await new Deno.Command(command, { args, stdout: "piped" }).output();
        return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
      };
      const native = await run(BUSYBOX, ["sh", "-c", SCRIPT]);
      assert.equal(native.code, 0, "the script fails natively");
      assert.deepEqual(await run(binary, ["run", BUSYBOX, "sh", "-c", SCRIPT]), native);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

if (noRuntime) await Deno.remove(dir, { recursive: true });
