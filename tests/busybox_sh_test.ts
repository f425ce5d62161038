// Debian's static busybox shell (/bin/busybox sh -c SCRIPT) run natively and supervised: scripts
// that fork, exec, pipe, wait and signal, whose stdout and exit status must be the same. These are
// multi-process tests: every pipeline stage, subshell, command substitution and background job is
// a process of its own, and busybox runs its applets by exec'ing /proc/self/exe.
//
// Like is compared with like: the PATH of both runs starts with a temporary directory of symlinks
// to /bin/busybox, one per applet, so a command that the shell does not run as a built-in applet
// still resolves to busybox rather than to the host's GNU coreutils. Each run gets a fresh work
// directory ($T, also the working directory) with the same prepared files; scripts print relations,
// never pids or paths. Data stays small: the interpreter is far slower than the host.
import assert from "node:assert/strict";
import { assertSameOutcome, describeStatus } from "./differential.ts";
import { requireProgram, sampleText, withTempDir } from "./fixtures.ts";
import { GUEST_ENV, runNative, type RunResult, runSupervisor } from "./supervisor.ts";

const BUSYBOX = "/bin/busybox";
const DEFAULT_TIMEOUT_MS = 60_000;
/** For the scripts that start hundreds of processes or move megabytes. */
const LONG_TIMEOUT_MS = 120_000;
/** Extra time for a killed run to be collected before the test gives up on it. */
const COLLECT_GRACE_MS = 15_000;

interface ScriptOptions {
  /** The exit status the native run must have (checks the test itself); default 0. */
  expectStatus?: number;
  /** Prepares files in the work directory; runs before each of the two runs. */
  setup?: (work: string) => Promise<void>;
  timeoutMs?: number;
}

let applets: Promise<string[]> | null = null;

function appletNames(): Promise<string[]> {
  applets ??= (async () => {
    await requireProgram(BUSYBOX, "busybox-static");
    const listed = await new Deno.Command(BUSYBOX, { args: ["--list"], stdout: "piped" }).output();
    if (!listed.success) throw new Error(`${BUSYBOX} --list failed with status ${listed.code}`);
    return new TextDecoder().decode(listed.stdout).split("\n").filter((name) => name !== "");
  })();
  return applets;
}

/** Runs SCRIPT with `busybox sh -c` natively, then supervised, and requires the same outcome. */
async function sh(script: string, options: ScriptOptions = {}): Promise<void> {
  const names = await appletNames();
  await withTempDir(async (dir) => {
    const bin = `${dir}/bin`;
    await Deno.mkdir(bin);
    for (const name of names) await Deno.symlink(BUSYBOX, `${bin}/${name}`);
    const work = `${dir}/work`;
    const env = { ...GUEST_ENV, PATH: `${bin}:/bin:/usr/bin`, T: work };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const runOptions = { args: ["sh", "-c", script], env, cwd: work, timeoutMs };
    const fresh = async () => {
      await Deno.remove(work, { recursive: true }).catch(() => {});
      await Deno.mkdir(work);
      await options.setup?.(work);
    };
    await fresh();
    const native = await bounded(runNative(BUSYBOX, runOptions), timeoutMs, "native");
    assert.equal(
      native.status,
      options.expectStatus ?? 0,
      `unexpected native exit status ${describeStatus(native)}: the script itself is wrong\n` +
        new TextDecoder().decode(native.stderr),
    );
    await fresh();
    const supervised = await bounded(runSupervisor(BUSYBOX, runOptions), timeoutMs, "supervised");
    assertSameOutcome(native, supervised);
  });
}

/** RUN, or a rejection once it outlives its own timeout plus a grace period. */
async function bounded(run: Promise<RunResult>, timeoutMs: number, what: string) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new Error(
          `The ${what} run was not collected ${(timeoutMs + COLLECT_GRACE_MS) / 1000} s after ` +
            `it started: a process outside its process group still holds its output`,
        ),
      );
    }, timeoutMs + COLLECT_GRACE_MS);
  });
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function test(name: string, script: string, options: ScriptOptions = {}): void {
  Deno.test({
    name: `busybox sh ${name}: output and status match native`,
    // A run abandoned at its deadline must fail this test only, not the next one.
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () => sh(script, options),
  });
}

test("pipeline of four processes", "seq 1 2000 | grep 7 | sort -r | head -5");

test(
  "pipeline of exec'd programs given by path",
  "/bin/busybox seq 1 300 | /bin/busybox tr 0-9 a-j | /bin/busybox tail -n 3 | /bin/busybox cat",
);

test(
  "command substitution",
  `x=$(echo hello | tr a-z A-Z)
n=$(seq 1 10 | wc -l)
echo "[$x] $((n * 2))"
echo "nested: $(echo "$(echo inner | tr i I)" | wc -c)"
y=\`/bin/busybox echo backquoted\`
echo "$y"
empty=$(true)
echo "empty: [$empty]"`,
);

test(
  "subshells",
  `x=1
(x=2; echo "inside $x"; exit 3)
echo "status $? x $x"
(cd /; pwd)
[ "$(pwd)" = "$T" ] && echo "cwd unchanged"
echo "lines: $( (echo a; echo b; /bin/busybox echo c) | wc -l)"
umask 022
(umask 077; umask)
umask
( (exit 9) ); echo "nested status $?"`,
);

test(
  "background jobs and wait",
  `sleep 0.2 & a=$!
(exit 7) & b=$!
(sleep 0.1; exit 3) & c=$!
wait $b; echo "b=$?"
wait $a; echo "a=$?"
wait $c; echo "c=$?"
/bin/busybox true & /bin/busybox false &
wait; echo "all=$?"
[ "$a" != "$b" ] && [ "$b" != "$c" ] && echo "distinct pids"`,
);

test(
  "trap on EXIT",
  `trap 'echo "exit trap ran, status $?"' EXIT
echo body
exit 4`,
  { expectStatus: 4 },
);

test(
  "trap on a signal sent with kill",
  `trap 'echo got USR1' USR1
kill -USR1 $$
echo "after self-signal"
( trap 'echo "child caught TERM"; exit 5' TERM
  : > "$T/ready"
  while :; do sleep 1; done ) &
p=$!
while [ ! -e "$T/ready" ]; do sleep 0.05; done
kill -TERM $p
wait $p
echo "child status $?"`,
);

test(
  "kill of a background sleep",
  `sleep 30 & p=$!
kill $p
wait $p; echo "TERM status $?"
sleep 30 & q=$!
kill -9 $q
wait $q; echo "KILL status $?"
kill -0 $q 2>/dev/null || echo "gone"`,
);

test(
  "here-documents",
  `name=world
cat <<EOF
hello $name $((1 + 2)) $(echo substituted)
EOF
cat <<'EOF'
literal $name $(not run)
EOF
sort <<EOF | head -2
pear
apple
fig
EOF
cat <<-EOF
\tleading tabs stripped
\t\tboth
EOF
/bin/busybox wc -l <<EOF
one
two
EOF`,
);

test(
  "gzip -c | gunzip -c of a 2 MB file",
  `gzip -c data | gunzip -c | md5sum
md5sum < data
gzip -c data > data.gz
echo "compressed bytes: $(wc -c < data.gz)"
gunzip -c data.gz | cmp - data && echo "round trip through a file"`,
  {
    timeoutMs: LONG_TIMEOUT_MS,
    setup: async (work) => {
      const text = sampleText(2000);
      await Deno.writeTextFile(`${work}/data`, text.repeat(Math.ceil(2_000_000 / text.length)));
    },
  },
);

test(
  "xargs",
  `echo a b c d e | xargs -n 2 echo
seq 1 7 | xargs -n 3 echo n:
printf 'x\\ny\\n' | xargs echo one line:
printf 'p q r' | xargs -n 1 /bin/busybox echo item`,
);

test(
  "a loop spawning 200 processes",
  "i=0; while [ $i -lt 200 ]; do /bin/busybox true; i=$((i+1)); done; echo done",
  { timeoutMs: LONG_TIMEOUT_MS },
);

test(
  "redirections to files",
  `cd "$T"
echo one > f
echo two >> f
cat < f
ls no-such-file 2> err
echo "ls status $?"
cat err
{ echo a; /bin/busybox echo b; echo c 1>&2; } > out 2>&1
cat out
(/bin/busybox echo first; /bin/busybox echo second; echo third) > shared
cat shared
cat f f > g; wc -c < g
set -C
echo clobber > f 2>/dev/null || echo "noclobber refused"
set +C
cat f
: > f; wc -c < f`,
);

test(
  "exec redirections",
  `exec 3> fd3
echo via3 >&3
/bin/busybox echo external via3 >&3
exec 3>&-
cat fd3
printf 'l1\\nl2\\n' > in
exec 4< in
read a <&4
read b <&4
exec 4<&-
echo "$a $b"
exec 5>&1
exec > redirected
echo into the file
/bin/busybox echo external into the file
exec 1>&5 5>&-
cat redirected
exec /bin/busybox echo "replaced by exec"
echo never`,
);

test(
  "read from a pipe",
  `printf 'a b\\nc d\\n' | while read x y; do echo "$y-$x"; done
echo hi | { read v; echo "got $v"; }
echo "after the pipeline: [$v]"
seq 1 5 | { s=0; while read n; do s=$((s + n)); done; echo "sum $s"; }
read line < /dev/null; echo "read at end of file: $?"`,
);

test(
  "exit status of pipelines and $?",
  `false | true; echo $?
true | false; echo $?
! true; echo $?
! false; echo $?
sh -c 'exit 3' | true; echo $?
true | sh -c 'exit 4'; echo $?
sh -c 'kill -TERM $$'; echo "signalled: $?"
set -o pipefail
false | true; echo "pipefail $?"
exit 6`,
  { expectStatus: 6 },
);

test(
  "set -e stops at the first failing command",
  `set -e
echo before
/bin/busybox false
echo not reached`,
  { expectStatus: 1 },
);

test(
  "set -e spares conditions and stops at a failing subshell",
  `set -e
if false; then echo no; fi
false || echo rescued
! true
false && true
false | true
echo survived
(exit 4)
echo not reached`,
  { expectStatus: 4 },
);
