// Debian's static busybox (/bin/busybox, package busybox-static) run natively and supervised: each
// single-process applet must write the same stdout and exit the same way. Inputs are small (the
// interpreter is far slower than the host) and come from stdin or files in a temporary directory.
import assert from "node:assert/strict";
import { assertSameAsNative } from "./differential.ts";
import { makeTree, requireProgram, sampleBytes, sampleText, withTempDir } from "./fixtures.ts";
import { GUEST_ENV, type RunOptions } from "./supervisor.ts";

const BUSYBOX = "/bin/busybox";
const TEXT = sampleText(60);

interface AppletRun extends RunOptions {
  /** The native exit status this invocation must have (checks the test itself); default 0. */
  expectStatus?: number;
}

async function busybox(args: string[], options: AppletRun = {}): Promise<Uint8Array> {
  await requireProgram(BUSYBOX, "busybox-static");
  const { native } = await assertSameAsNative(BUSYBOX, { ...options, args });
  assert.equal(
    native.status,
    options.expectStatus ?? 0,
    `unexpected native exit status: ${new TextDecoder().decode(native.stderr)}`,
  );
  return native.stdout;
}

function test(name: string, fn: () => Promise<unknown>): void {
  Deno.test(`busybox ${name}: output and status match native`, async () => {
    await fn();
  });
}

test("echo", () => busybox(["echo", "-n", "hello", "", "world  spaced"]));
test("echo -e escapes", () => busybox(["echo", "-e", "a\\tb\\n\\x41\\0101\\\\ end"]));
test("printf", () =>
  busybox([
    "printf",
    "%5d|%-5s|%x|%o|%c|%.3f|%e|%s\\n",
    "42",
    "ab",
    "255",
    "8",
    "xyz",
    "3.14159",
    "12345.678",
    "extra",
  ]));
test("seq -w -s", () => busybox(["seq", "-w", "-s", ",", "8", "3", "120"]));
test("seq fractional step", () => busybox(["seq", "0.5", "0.25", "3"]));
test("expr arithmetic", () => busybox(["expr", "12345", "*", "6789", "+", "3", "%", "2"]));
test("expr string operations", () => busybox(["expr", "substr", "supervisor", "3", "5"]));
test("expr zero result exits 1", () =>
  busybox(["expr", "match", "abc123", "[0-9]*"], { expectStatus: 1 }));
test("factor", () =>
  busybox(["factor", "1", "2", "97", "1000000007", "600851475143", "18446744073709551615"]));
test("md5sum of stdin", () => busybox(["md5sum"], { stdin: sampleBytes(5000) }));
test("sha1sum of a file", () =>
  withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/data`, sampleBytes(3000));
    await busybox(["sha1sum", `${dir}/data`]);
  }));
test("sha256sum of stdin and files", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a`, TEXT);
    await Deno.writeTextFile(`${dir}/empty`, "");
    await busybox(["sha256sum", `${dir}/a`, "-", `${dir}/empty`], { stdin: "stdin data\n" });
  }));
test("wc of stdin", () => busybox(["wc"], { stdin: TEXT }));
test("wc -l -w -c of files", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/one`, TEXT);
    await Deno.writeTextFile(`${dir}/two`, "no newline at end");
    await busybox(["wc", "-l", "-w", "-c", `${dir}/one`, `${dir}/two`]);
  }));
test("od -A x -t x1 -v", () =>
  withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/bytes`, sampleBytes(300));
    await busybox(["od", "-A", "x", "-t", "x1", "-v", `${dir}/bytes`]);
  }));
test("od -t d4 -t o2", () =>
  withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/bytes`, sampleBytes(100));
    await busybox(["od", "-A", "d", "-t", "d4", "-t", "o2", `${dir}/bytes`]);
  }));
test("od -c of stdin", () => busybox(["od", "-c"], { stdin: "tab\there\nnul\0end\x7f\n" }));
test("ls -l of a fixed tree", () =>
  withTempDir(async (dir) => {
    const tree = await makeTree(dir);
    await busybox(["ls", "-l", tree]);
  }));
test("ls -1AR of a fixed tree", () =>
  withTempDir(async (dir) => {
    const tree = await makeTree(dir);
    await busybox(["ls", "-1AR", tree]);
  }));
test("ls -lns of a subdirectory", () =>
  withTempDir(async (dir) => {
    const tree = await makeTree(dir);
    await busybox(["ls", "-lns", `${tree}/sub`]);
  }));
test("date -u -d @seconds with a format", () =>
  busybox(["date", "-u", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %a %j %U %s"]));
test("date -d in a fixed POSIX TZ", () =>
  busybox(["date", "-d", "2024-07-04 13:45:00", "+%s %Z %z %A %B %e"], {
    env: { ...GUEST_ENV, TZ: "EST5EDT,M3.2.0,M11.1.0" },
  }));
test("date default format in another TZ", () =>
  busybox(["date", "-d", "2024-02-29 23:59:59"], {
    env: { ...GUEST_ENV, TZ: "CET-1CEST,M3.5.0,M10.5.0/3" },
  }));
test("awk fields, arithmetic and printf", () =>
  busybox([
    "awk",
    "-F,",
    '{ s += $2; n++; c[$3]++ } $2 > 900 { print NR": "$1 } ' +
    'END { printf "%d %.4f %s %d\\n", s, s / n, toupper($3), length($0); ' +
    "for (k in c) t += c[k] * length(k); print t }",
  ], { stdin: TEXT }));
test("awk string functions", () =>
  busybox([
    "awk",
    'BEGIN { s = "The quick brown fox"; n = split(s, w, " "); ' +
    'printf "%d %s %s %d\\n", n, w[4], substr(s, 5, 5), index(s, "brown"); ' +
    'gsub(/o/, "0", s); print s; printf "%x %o %e %c\\n", 255, 8, 1/3, 65; exit 3 }',
  ], { expectStatus: 3 }));
test("sed substitutions and deletes", () =>
  busybox(["sed", "-e", "s/[aeiou]/<&>/g", "-e", "3d", "-e", "/^B/!s/$/!/"], { stdin: TEXT }));
test("sed -n ranges and line numbers", () =>
  busybox(["sed", "-n", "2,4p;/kiwi/=;$="], { stdin: TEXT }));
test("grep -n -i -E", () => busybox(["grep", "-n", "-i", "-E", "ban+ana|^fig"], { stdin: TEXT }));
test("grep -c -v", () => busybox(["grep", "-c", "-v", "an"], { stdin: TEXT }));
test("grep without a match exits 1", () =>
  busybox(["grep", "no such thing"], { stdin: TEXT, expectStatus: 1 }));
test("sort by numeric key", () => busybox(["sort", "-t,", "-k2,2n", "-k1,1r"], { stdin: TEXT }));
test("sort -u -r", () => busybox(["sort", "-u", "-r"], { stdin: TEXT + TEXT }));
test("tr a-z A-Z", () => busybox(["tr", "a-z", "A-Z"], { stdin: TEXT }));
test("tr -d and -s", () =>
  busybox(["tr", "-s", "a-z", "-d", "0-9"], { stdin: "aabbcc 112233 zz\n" }));
test("cut -d -f", () => busybox(["cut", "-d,", "-f1,3"], { stdin: TEXT }));
test("cut -c", () => busybox(["cut", "-c", "2-5,8"], { stdin: TEXT }));
test("head -n and -c", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/text`, TEXT);
    await busybox(["head", "-n", "5", `${dir}/text`]);
    await busybox(["head", "-c", "37", `${dir}/text`]);
  }));
test("tail -n", () => busybox(["tail", "-n", "3"], { stdin: TEXT }));
test("tail -n +N and -c", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/text`, TEXT);
    await busybox(["tail", "-n", "+55", `${dir}/text`]);
    await busybox(["tail", "-c", "20", `${dir}/text`]);
  }));
test("dc arbitrary precision", () =>
  busybox(["dc"], { stdin: "2 64 ^ p 10 k 2 v p 7 3 / p 123456789 987654321 * p\n" }));
test("gzip -c of a file", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/plain.txt`, sampleText(150));
    await busybox(["gzip", "-c", "-9", `${dir}/plain.txt`]);
  }));
test("gunzip -c restores the original", () =>
  withTempDir(async (dir) => {
    const original = sampleText(150);
    await Deno.writeTextFile(`${dir}/plain.txt`, original);
    await requireProgram(BUSYBOX, "busybox-static");
    const zipped = await new Deno.Command(BUSYBOX, {
      args: ["gzip", "-c", `${dir}/plain.txt`],
      stdout: "piped",
    }).output();
    await Deno.writeFile(`${dir}/plain.txt.gz`, zipped.stdout);
    const restored = await busybox(["gunzip", "-c", `${dir}/plain.txt.gz`]);
    assert.equal(new TextDecoder().decode(restored), original);
  }));
