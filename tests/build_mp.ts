// Builds the multi-process guest programs (tests/guests_mp/*.c) into tests/guests_mp/bin/, static,
// with gcc and with musl-gcc. The same rules as build.ts, which builds tests/guests/ and knows
// only that directory: binaries are named <guest>.<toolchain>.<hash>, the hash covering the
// compiler's identity, the flags, the source and the shared headers (mp.h here, and guest.h from
// tests/guests/, which mp.h includes), so an unchanged guest is never rebuilt; each build compiles
// to a private temporary name and renames into place, so concurrent test files only see complete
// binaries; a missing compiler is an error naming its Debian package, never a silent skip.
const MP_DIR = new URL("./guests_mp/", import.meta.url).pathname;
const GUESTS_DIR = new URL("./guests/", import.meta.url).pathname;
const BIN_DIR = `${MP_DIR}bin/`;
const SHARED_HEADERS = [`${MP_DIR}mp.h`, `${GUESTS_DIR}guest.h`];
const COMPILE_TIMEOUT_MS = 300_000;

/** The ways a multi-process guest is built; the name appears in test names. */
export type MpToolchain = "gcc" | "musl";

/** Both toolchains, in the order tests are declared. */
export const MP_TOOLCHAINS: readonly MpToolchain[] = ["gcc", "musl"];

interface ToolchainSpec {
  compiler: string;
  debianPackage: string;
  tag: string;
}

// deno-fmt-ignore
const TOOLCHAINS: Record<MpToolchain, ToolchainSpec> = {
  gcc:  { compiler: "gcc",      debianPackage: "gcc",        tag: "gcc-O2" },
  musl: { compiler: "musl-gcc", debianPackage: "musl-tools", tag: "musl-O2" },
};

const FLAGS = ["-static", "-O2", "-std=gnu11", "-Wall", "-Wextra", "-g0", `-I${GUESTS_DIR}`];

const identities = new Map<string, Promise<string>>();
const builds = new Map<string, Promise<string>>();

/** Path of the multi-process guest's source file. */
export function mpGuestSource(name: string): string {
  return `${MP_DIR}${name}.c`;
}

/** Names of all multi-process guest sources (without .c), sorted. */
export function listMpGuestSources(): string[] {
  return [...Deno.readDirSync(MP_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".c"))
    .map((e) => e.name.slice(0, -2))
    .sort();
}

/**
 * Builds (or reuses) the multi-process guest NAME with TOOLCHAIN and returns the binary's absolute
 * path. Throws if the compiler is missing or the compilation fails, with the compiler's messages.
 */
export function buildMpGuest(name: string, toolchain: MpToolchain): Promise<string> {
  const key = `${name}\0${toolchain}`;
  let build = builds.get(key);
  if (!build) {
    build = doBuild(name, TOOLCHAINS[toolchain], toolchain);
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return build;
}

async function doBuild(name: string, spec: ToolchainSpec, toolchain: string): Promise<string> {
  const parts = [await compilerIdentity(spec), FLAGS.join(" ")];
  parts.push(await Deno.readTextFile(mpGuestSource(name)));
  for (const header of SHARED_HEADERS) parts.push(await Deno.readTextFile(header));
  const hash = await sha256Hex(parts.join("\0"));
  const prefix = `${name}.${spec.tag}.`;
  const output = `${BIN_DIR}${prefix}${hash.slice(0, 16)}`;
  if (await isFile(output)) return output;

  await Deno.mkdir(BIN_DIR, { recursive: true });
  const temporary = `${BIN_DIR}.${prefix}${Deno.pid}.${crypto.randomUUID()}.tmp`;
  const args = [...FLAGS, "-o", temporary, mpGuestSource(name), "-lm"];
  const deadline = AbortSignal.timeout(COMPILE_TIMEOUT_MS);
  try {
    const result = await new Deno.Command(spec.compiler, {
      args,
      cwd: MP_DIR,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: deadline,
    }).output();
    if (!result.success) {
      const how = deadline.aborted
        ? `timed out after ${COMPILE_TIMEOUT_MS / 1000} s`
        : result.signal
        ? `was killed by ${result.signal}`
        : `exited with status ${result.code}`;
      throw new Error(
        `Building multi-process guest ${name} with ${toolchain} failed: the compiler ${how}\n` +
          `${spec.compiler} ${args.join(" ")}\n${new TextDecoder().decode(result.stderr).trim()}`,
      );
    }
    await Deno.rename(temporary, output);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  for await (const entry of Deno.readDir(BIN_DIR)) {
    const path = BIN_DIR + entry.name;
    if (entry.name.startsWith(prefix) && path !== output) await Deno.remove(path).catch(() => {});
  }
  return output;
}

/** The compiler's version line; the memoized promise rejects, naming the tool, if it is missing. */
function compilerIdentity(spec: ToolchainSpec): Promise<string> {
  let identity = identities.get(spec.compiler);
  if (!identity) {
    identity = (async () => {
      let result: Deno.CommandOutput;
      try {
        result = await new Deno.Command(spec.compiler, {
          args: ["--version"],
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          throw new Error(
            `${spec.compiler} is not installed, and the multi-process guest tests need it to ` +
              `build their programs (apt-get install ${spec.debianPackage})`,
          );
        }
        throw error;
      }
      if (!result.success) {
        throw new Error(`${spec.compiler} --version failed with status ${result.code}`);
      }
      return new TextDecoder().decode(result.stdout).split("\n")[0];
    })();
    identities.set(spec.compiler, identity);
  }
  return identity;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
