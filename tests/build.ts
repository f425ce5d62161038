// Builds the guest programs (tests/guests/*.c) into tests/guests/bin/, static, with each toolchain.
//
// Binaries are named <guest>.<toolchain>.<hash>, the hash covering the compiler's identity, the
// flags, the source and the shared header, so an unchanged guest is never rebuilt and a changed one
// can never be mistaken for its old binary. A build compiles to a private temporary name and renames
// into place, so test files building concurrently (deno test --parallel) only ever see complete
// binaries; two processes building the same guest at once both produce the same file. A missing
// compiler is an error that names it: the suite does not silently skip.
const GUESTS_DIR = new URL("./guests/", import.meta.url).pathname;
const BIN_DIR = `${GUESTS_DIR}bin/`;
const SHARED_HEADERS = ["guest.h"];
const COMPILE_TIMEOUT_MS = 300_000;

/** The ways a guest is built; the name appears in test names. */
export type Toolchain = "gcc" | "musl" | "gcc -O0";

interface ToolchainSpec {
  compiler: string;
  /** The Debian package that provides the compiler, for the error message. */
  debianPackage: string;
  flags: string[];
  /** File-name-safe tag. */
  tag: string;
}

const COMMON_FLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-g0"];

// deno-fmt-ignore
const TOOLCHAINS: Record<Toolchain, ToolchainSpec> = {
  "gcc":     { compiler: "gcc",      debianPackage: "gcc",        flags: ["-static", "-O2"], tag: "gcc-O2" },
  "musl":    { compiler: "musl-gcc", debianPackage: "musl-tools", flags: ["-static", "-O2"], tag: "musl-O2" },
  "gcc -O0": { compiler: "gcc",      debianPackage: "gcc",        flags: ["-static", "-O0"], tag: "gcc-O0" },
};

const identities = new Map<string, Promise<string>>();
const builds = new Map<string, Promise<string>>();

/** Path of the guest's source file. */
export function guestSource(name: string): string {
  return `${GUESTS_DIR}${name}.c`;
}

/** Names of all guest sources (without .c), sorted. */
export function listGuestSources(): string[] {
  return [...Deno.readDirSync(GUESTS_DIR)]
    .filter((e) => e.isFile && e.name.endsWith(".c"))
    .map((e) => e.name.slice(0, -2))
    .sort();
}

/**
 * Builds (or reuses) the guest NAME with TOOLCHAIN and returns the binary's absolute path.
 * Throws if the compiler is missing or the compilation fails, with the compiler's messages.
 */
export function buildGuest(name: string, toolchain: Toolchain): Promise<string> {
  const key = `${name}\0${toolchain}`;
  let build = builds.get(key);
  if (!build) {
    build = doBuild(name, toolchain);
    builds.set(key, build);
    // A failed build may succeed later (e.g. after installing a compiler): do not cache failures.
    build.catch(() => builds.delete(key));
  }
  return build;
}

async function doBuild(name: string, toolchain: Toolchain): Promise<string> {
  const spec = TOOLCHAINS[toolchain];
  const identity = await compilerIdentity(spec);
  const parts = [identity, spec.flags.join(" "), COMMON_FLAGS.join(" ")];
  parts.push(await Deno.readTextFile(guestSource(name)));
  for (const header of SHARED_HEADERS) parts.push(await Deno.readTextFile(GUESTS_DIR + header));
  const hash = await sha256Hex(parts.join("\0"));
  const prefix = `${name}.${spec.tag}.`;
  const output = `${BIN_DIR}${prefix}${hash.slice(0, 16)}`;
  if (await isFile(output)) return output;

  await Deno.mkdir(BIN_DIR, { recursive: true });
  const temporary = `${BIN_DIR}.${prefix}${Deno.pid}.${crypto.randomUUID()}.tmp`;
  const args = [...spec.flags, ...COMMON_FLAGS, "-o", temporary, guestSource(name), "-lm"];
  const deadline = AbortSignal.timeout(COMPILE_TIMEOUT_MS);
  try {
    const result = await new Deno.Command(spec.compiler, {
      args,
      cwd: GUESTS_DIR,
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
      const messages = new TextDecoder().decode(result.stderr).trim();
      throw new Error(
        `Building guest ${name} with ${toolchain} failed: the compiler ${how}\n` +
          `${spec.compiler} ${args.join(" ")}\n${messages}`,
      );
    }
    await Deno.rename(temporary, output);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  await removeStale(prefix, output);
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
            `${spec.compiler} is not installed, and the guest tests need it to build their ` +
              `programs (apt-get install ${spec.debianPackage})`,
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

/** Removes older builds of the same guest and toolchain (other hashes); races are harmless. */
async function removeStale(prefix: string, keep: string): Promise<void> {
  for await (const entry of Deno.readDir(BIN_DIR)) {
    const path = BIN_DIR + entry.name;
    if (entry.name.startsWith(prefix) && path !== keep) {
      await Deno.remove(path).catch(() => {});
    }
  }
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
