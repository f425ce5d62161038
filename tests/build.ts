// Builds guest programs static, with each toolchain: tests/guests/*.c into tests/guests/bin/ here,
// and the multi-process guests through build_mp.ts, which describes its directory the same way.
//
// Binaries are named <guest>.<toolchain>.<hash>, the hash covering the compiler's identity, the
// flags, the source and the shared headers, so an unchanged guest is never rebuilt and a changed one
// can never be mistaken for its old binary. A build compiles to a private temporary name and renames
// into place, so test files building concurrently (deno test --parallel) only ever see complete
// binaries; two processes building the same guest at once both produce the same file. A missing
// compiler is an error that names it: the suite does not silently skip.
const GUESTS_DIR = new URL("./guests/", import.meta.url).pathname;
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

/** A directory of guest sources: `<dir><name>.c`, built into `<dir>bin/`. */
export interface GuestDir {
  dir: string;
  /** Headers the sources share (absolute paths): a change to one rebuilds every guest. */
  headers: string[];
  /** Flags after the toolchain's own (include directories...). */
  flags: string[];
  /** What the guests are called in messages ("guest", "multi-process guest"). */
  what: string;
}

/** tests/guests/: one behaviour of one process each. */
const GUESTS: GuestDir = {
  dir: GUESTS_DIR,
  headers: [`${GUESTS_DIR}guest.h`],
  flags: [],
  what: "guest",
};

const identities = new Map<string, Promise<string>>();
const builds = new Map<string, Promise<string>>();

/** Path of the guest's source file in `set`. */
export function guestSource(name: string, set: GuestDir = GUESTS): string {
  return `${set.dir}${name}.c`;
}

/** Names of all guest sources of `set` (without .c), sorted. */
export function listGuestSources(set: GuestDir = GUESTS): string[] {
  return [...Deno.readDirSync(set.dir)]
    .filter((e) => e.isFile && e.name.endsWith(".c"))
    .map((e) => e.name.slice(0, -2))
    .sort();
}

/**
 * Builds (or reuses) the guest NAME of `set` with TOOLCHAIN and returns the binary's absolute path.
 * Throws if the compiler is missing or the compilation fails, with the compiler's messages.
 */
export function buildGuest(
  name: string,
  toolchain: Toolchain,
  set: GuestDir = GUESTS,
): Promise<string> {
  const key = `${set.dir}\0${name}\0${toolchain}`;
  let build = builds.get(key);
  if (!build) {
    build = doBuild(set, name, toolchain);
    builds.set(key, build);
    // A failed build may succeed later (e.g. after installing a compiler): do not cache failures.
    build.catch(() => builds.delete(key));
  }
  return build;
}

async function doBuild(set: GuestDir, name: string, toolchain: Toolchain): Promise<string> {
  const spec = TOOLCHAINS[toolchain];
  const flags = [...spec.flags, ...COMMON_FLAGS, ...set.flags];
  const parts = [await compilerIdentity(spec), flags.join(" ")];
  parts.push(await Deno.readTextFile(guestSource(name, set)));
  for (const header of set.headers) parts.push(await Deno.readTextFile(header));
  const hash = await sha256Hex(parts.join("\0"));
  const binDir = `${set.dir}bin/`;
  const prefix = `${name}.${spec.tag}.`;
  const output = `${binDir}${prefix}${hash.slice(0, 16)}`;
  if (await isFile(output)) return output;

  await Deno.mkdir(binDir, { recursive: true });
  const temporary = `${binDir}.${prefix}${Deno.pid}.${crypto.randomUUID()}.tmp`;
  const args = [...flags, "-o", temporary, guestSource(name, set), "-lm"];
  const deadline = AbortSignal.timeout(COMPILE_TIMEOUT_MS);
  try {
    const result = await new Deno.Command(spec.compiler, {
      args,
      cwd: set.dir,
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
        `Building ${set.what} ${name} with ${toolchain} failed: the compiler ${how}\n` +
          `${spec.compiler} ${args.join(" ")}\n${messages}`,
      );
    }
    await Deno.rename(temporary, output);
  } finally {
    await Deno.remove(temporary).catch(() => {});
  }
  await removeStale(binDir, prefix, output);
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
async function removeStale(binDir: string, prefix: string, keep: string): Promise<void> {
  for await (const entry of Deno.readDir(binDir)) {
    const path = binDir + entry.name;
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
