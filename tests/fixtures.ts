// Inputs shared by the program tests: temporary directories, a directory tree with fixed names,
// modes and times (for ls), deterministic text and bytes, and the check that a reference program
// is installed (a missing one fails the test, naming the program and its Debian package).

/** Fails, naming the program and its package, unless PATH is an executable file. */
export async function requireProgram(path: string, debianPackage: string): Promise<void> {
  let info: Deno.FileInfo | null = null;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (!info?.isFile || ((info.mode ?? 0) & 0o111) === 0) {
    throw new Error(
      `${path} is not installed, and this test compares it natively and supervised ` +
        `(apt-get install ${debianPackage})`,
    );
  }
}

/** Runs FN with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "supervisor-test-" });
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A fixed instant (2001-09-09T01:46:40Z), old enough that ls prints the year, not the time. */
export const FIXED_TIME = new Date(1_000_000_000_000);

/**
 * Creates DIR/tree: files of several sizes and modes, a name with a space, a hidden file, a
 * subdirectory and a symlink, all with FIXED_TIME as mtime. Returns the tree's path.
 */
export async function makeTree(dir: string): Promise<string> {
  const root = `${dir}/tree`;
  await Deno.mkdir(`${root}/sub/deeper`, { recursive: true });
  const files: [string, string | Uint8Array, number][] = [
    ["alpha.txt", "alpha\n".repeat(3), 0o644],
    ["beta.dat", sampleBytes(300), 0o600],
    ["gamma file.txt", "spaced name\n", 0o640],
    ["run.sh", "#!/bin/sh\necho hi\n", 0o755],
    [".hidden", "secret\n", 0o644],
    ["empty", "", 0o444],
    ["sub/inner.txt", sampleText(20), 0o644],
    ["sub/deeper/leaf", "leaf\n", 0o644],
  ];
  for (const [name, content, mode] of files) {
    const path = `${root}/${name}`;
    if (typeof content === "string") await Deno.writeTextFile(path, content);
    else await Deno.writeFile(path, content);
    await Deno.chmod(path, mode);
    await Deno.utime(path, FIXED_TIME, FIXED_TIME);
  }
  await Deno.symlink("alpha.txt", `${root}/link`);
  for (const sub of ["sub/deeper", "sub", "."]) {
    await Deno.chmod(`${root}/${sub}`, 0o755);
    await Deno.utime(`${root}/${sub}`, FIXED_TIME, FIXED_TIME);
  }
  return root;
}

/** Deterministic text: LINES lines of comma-separated fields (name, number, word, float). */
export function sampleText(lines: number): string {
  const words = ["apple", "Banana", "cherry", "date", "elder", "fig", "Grape", "kiwi", "lemon"];
  let out = "";
  for (let i = 0; i < lines; i++) {
    const n = (i * 7919) % 1000;
    out += `${words[i % words.length]}${i % 5},${n},${words[(i * 3) % words.length]},` +
      `${(n / 7).toFixed(3)}\n`;
  }
  return out;
}

/** Deterministic bytes covering every byte value. */
export function sampleBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = i < 256 ? i : x >>> 24;
  }
  return bytes;
}
