// Debian's dynamically linked programs (ld.so, libc.so and friends loaded from the guest's root) run
// natively and supervised: same stdout, same exit status. Each program is one process (no fork or
// exec in these invocations), with small inputs. A program that is not installed fails its test,
// naming it and its package.
import assert from "node:assert/strict";
import { assertSameAsNative } from "./differential.ts";
import { makeTree, requireProgram, sampleBytes, sampleText, withTempDir } from "./fixtures.ts";
import { GUEST_ENV, type RunOptions } from "./supervisor.ts";

interface Program {
  path: string;
  debianPackage: string;
}

// deno-fmt-ignore
const PROGRAMS = {
  ls:      { path: "/bin/ls",          debianPackage: "coreutils" },
  md5sum:  { path: "/usr/bin/md5sum",  debianPackage: "coreutils" },
  date:    { path: "/bin/date",        debianPackage: "coreutils" },
  od:      { path: "/usr/bin/od",      debianPackage: "coreutils" },
  bash:    { path: "/bin/bash",        debianPackage: "bash" },
  perl:    { path: "/usr/bin/perl",    debianPackage: "perl" },
  python3: { path: "/usr/bin/python3", debianPackage: "python3" },
  sqlite3: { path: "/usr/bin/sqlite3", debianPackage: "sqlite3" },
} satisfies Record<string, Program>;

interface ProgramRun extends RunOptions {
  /** The native exit status this invocation must have (checks the test itself); default 0. */
  expectStatus?: number;
}

async function compare(program: Program, args: string[], options: ProgramRun = {}): Promise<void> {
  await requireProgram(program.path, program.debianPackage);
  const { native } = await assertSameAsNative(program.path, { ...options, args });
  assert.equal(
    native.status,
    options.expectStatus ?? 0,
    `unexpected native exit status: ${new TextDecoder().decode(native.stderr)}`,
  );
}

function test(name: string, fn: () => Promise<void>): void {
  Deno.test(`dynamic ${name}: output and status match native`, fn);
}

test("ls -l of a fixed tree", () =>
  withTempDir(async (dir) => {
    const tree = await makeTree(dir);
    await compare(PROGRAMS.ls, ["-l", "--time-style=long-iso", tree]);
  }));
test("ls -1AR with classification", () =>
  withTempDir(async (dir) => {
    const tree = await makeTree(dir);
    await compare(PROGRAMS.ls, ["-1AR", "-F", "--color=never", tree]);
  }));
test("ls of a missing path exits 2", () =>
  compare(PROGRAMS.ls, ["/nonexistent-supervisor-test-path"], { expectStatus: 2 }));
test("md5sum of a file and stdin", () =>
  withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/data`, sampleBytes(4000));
    await compare(PROGRAMS.md5sum, [`${dir}/data`, "-"], { stdin: sampleText(30) });
  }));
test("date -d with a fixed TZ and format", () =>
  compare(PROGRAMS.date, ["-d", "2024-07-04 13:45:00", "+%s %Z %z %A %B %j %U %V %G"], {
    env: { ...GUEST_ENV, TZ: "EST5EDT,M3.2.0,M11.1.0" },
  }));
test("date -u -d @seconds in the default format", () =>
  compare(PROGRAMS.date, ["-u", "-d", "@1234567890"]));
test("od -A x -t x1z", () =>
  withTempDir(async (dir) => {
    await Deno.writeFile(`${dir}/bytes`, sampleBytes(300));
    await compare(PROGRAMS.od, ["-A", "x", "-t", "x1z", "-v", `${dir}/bytes`]);
  }));
test("bash -c with builtins only", () =>
  compare(PROGRAMS.bash, [
    "-c",
    "x=0; for i in {1..20}; do (( x += i*i )); done; declare -A m=([a]=1 [b]=2); " +
    's="Hello World"; printf "%s %d %s\\n" "$x" "${#m[@]}" "${m[b]}"; ' +
    'echo "${s,,} ${s^^} ${s:6:3} ${s/o/0}"; read -r a b <<< "one two"; echo "$b $a"; ' +
    'arr=(z y x); echo "${arr[@]:1}" ${#arr[@]}; printf -v v "%05.1f" 3.14159; echo $v; ' +
    "[[ abc == a* ]] && echo glob; exit 7",
  ], { expectStatus: 7 }));
test("perl -e", () =>
  compare(PROGRAMS.perl, [
    "-e",
    "my %h = map { $_ => $_**2 } 1..10; " +
    'print join(",", map { "$_=$h{$_}" } sort { $a <=> $b } keys %h), "\\n"; ' +
    'printf "%.6f %s %x\\n", atan2(1,1)*4, scalar reverse("stressed"), 255; ' +
    'my @w = split /,/, "b,a,c"; print join("|", sort @w), "\\n"; exit 3',
  ], { expectStatus: 3 }));
test("python3 -c", () =>
  compare(PROGRAMS.python3, [
    "-S",
    "-c",
    'import sys, json, math; d = {"a": [1, 2.5, None], "b": "x"}; ' +
    "print(json.dumps(d, sort_keys=True)); " +
    'print(sum(i*i for i in range(1000)), math.factorial(30), f"{math.pi:.10f}"); ' +
    "print(sorted({3: 'c', 1: 'a'}.items()), 2**100, 7 / 2, -7 // 2); sys.exit(4)",
  ], { expectStatus: 4 }));
test("sqlite3 :memory: with SQL arguments", () =>
  compare(PROGRAMS.sqlite3, [
    ":memory:",
    "create table t(a integer, b text); insert into t values (1,'x'),(2,'y'),(3,'z'); " +
    "select count(*), sum(a), group_concat(b, '-') from t; select printf('%.3f', avg(a)) from t;",
  ]));
test("sqlite3 :memory: with SQL on stdin", () =>
  compare(PROGRAMS.sqlite3, [":memory:"], {
    stdin: "create table n(i integer primary key, sq integer);\n" +
      "with recursive c(x) as (select 1 union all select x + 1 from c where x < 200) " +
      "insert into n select x, x * x from c;\n" +
      "select count(*), sum(sq), max(i) from n where i % 7 = 3;\n" +
      "create index n_sq on n(sq);\n" +
      "select i from n where sq between 1000 and 1400 order by i desc;\n" +
      "select typeof(1.5), 1e300 * 10, round(2.675, 2), hex('abc');\n",
  }));
