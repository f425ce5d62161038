// Damaged and half-written checkpoints are refused with an error naming the file (and record);
// a crash (kill -9 of the supervisor or of a guest host) during a checkpoint leaves the previous
// committed checkpoint restorable; host files that vanished since are named.
import assert from "node:assert/strict";
import { readImage, REC_PAGES, writeImage } from "../checkpoint/image.ts";
import {
  checkpoint,
  checkpointGuest,
  startNamed,
  startRestore,
  supervisorCommand,
  uniqueName,
  withTempDir,
} from "./checkpoint_util.ts";

/** Checkpoints cp_count with --stop into `dir`; returns the job's output before the stop. */
async function stoppedCheckpoint(dir: string, lines = "30"): Promise<string> {
  const prog = await checkpointGuest("cp_count");
  const name = uniqueName("damage");
  const job = startNamed(name, prog, [lines]);
  await job.waitLines(2);
  const cp = await checkpoint(name, dir, true);
  assert.equal(cp.code, 0, cp.stderr);
  await job.status;
  return job.stdout;
}

async function sessionOf(dir: string): Promise<string> {
  for await (const e of Deno.readDir(dir)) if (e.isDirectory) return e.name;
  throw new Error("no session");
}

/** Restores `dir`; requires a refusal (status 1) whose message matches `why`. */
async function refused(dir: string, why: RegExp): Promise<void> {
  const r = startRestore(dir);
  const s = await r.status;
  assert.equal(s.code, 1, `restore of ${dir} was not refused: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, "", "no guest ran");
  assert.match(r.stderr, why);
}

type Damage = (bytes: Uint8Array) => Uint8Array;
const flip = (at: (n: number) => number): Damage => (b) => {
  const out = b.slice();
  out[at(b.length)] ^= 0x10;
  return out;
};
const truncate: Damage = (b) => b.subarray(0, b.length - 7);
/** A byte of page data changed and the image rewritten whole: every record CRC holds. */
const rewritten: Damage = (b) => {
  const records = readImage(b, "image");
  const pages = records.find((r) => r.type === REC_PAGES)!;
  pages.payload = pages.payload.slice();
  pages.payload[pages.payload.length >> 1] ^= 0x10;
  return writeImage(records);
};

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

Deno.test("damaged manifests, shared state and images are all refused, naming the file", async () => {
  await withTempDir(async (tmp) => {
    const good = `${tmp}/good`;
    const before = await stoppedCheckpoint(good);
    const session = await sessionOf(good);
    const image = `${session}/2.img`, shared = `${session}/shared.img`;
    // deno-fmt-ignore
    const cases: [string, Damage, RegExp][] = [
      ["manifest.img", flip(() => 2),        /manifest\.img: not a supervisor image/],
      ["manifest.img", flip((n) => n - 40),  /manifest\.img: record 0 \(type 10\): checksum mismatch/],
      ["manifest.img", flip(() => 16 + 16),  /manifest\.img: record 0 \(type 10\): checksum mismatch/],
      ["manifest.img", truncate,             /manifest\.img: record \d+.*truncated/],
      [shared,         flip((n) => n - 60),  /shared\.img: SHA-256 differs/],
      [shared,         truncate,             /shared\.img: \d+ bytes, the manifest says/],
      [image,          flip(() => 1),        /2\.img: not a supervisor image/],
      [image,          flip((n) => n >> 1),  /2\.img: record \d \(type \d\): checksum mismatch/],
      [image,          flip(() => 16 + 16),  /2\.img: record 0 \(type 1\): checksum mismatch/],
      [image,          truncate,             /2\.img: \d+ bytes, the manifest says/],
      [image,          rewritten,            /2\.img: SHA-256 differs from the manifest's/],
    ];
    for (const [k, [file, damage, why]] of cases.entries()) {
      const dir = `${tmp}/case${k}`;
      await copyDir(good, dir);
      await Deno.writeFile(`${dir}/${file}`, damage(await Deno.readFile(`${dir}/${file}`)));
      await refused(dir, why);
    }
    // A session without its manifest (a checkpoint that never committed) does not exist.
    await copyDir(good, `${tmp}/half`);
    await Deno.remove(`${tmp}/half/manifest.img`);
    await refused(`${tmp}/half`, /no committed checkpoint/);
    // The undamaged original still restores.
    const full = await supervisorCommand(["run", await checkpointGuest("cp_count"), "30"]);
    const r = startRestore(good);
    await r.status;
    assert.equal(before + r.stdout, full.stdout);
  });
});

Deno.test("a host file the guest had open and that is gone since is named on restore", async () => {
  await withTempDir(async (tmp) => {
    const data = `${tmp}/data.txt`;
    await Deno.writeTextFile(data, "hello\n");
    const name = uniqueName("gone");
    const job = startNamed(name, "/bin/busybox", [
      "sh",
      "-c",
      `exec 3< ${data}; echo open; /bin/busybox sleep 3; /bin/busybox cat <&3`,
    ]);
    await job.waitLines(1);
    const cp = await checkpoint(name, `${tmp}/cp`, true);
    assert.equal(cp.code, 0, cp.stderr);
    await job.status;
    await Deno.remove(data);
    await refused(`${tmp}/cp`, new RegExp(`host file it had open is missing: ${data}.*fd 3`));
  });
});

async function sessions(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isDirectory) out.push(e.name);
  return out;
}

/** Pids of the direct children of host process `pid`. */
function childrenOf(pid: number): number[] {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

Deno.test("kill -9 of the supervisor or a guest host mid-checkpoint leaves the previous one whole", async () => {
  const prog = await checkpointGuest("cp_count");
  const full = await supervisorCommand(["run", prog, "80"]);
  await withTempDir(async (tmp) => {
    const dir = `${tmp}/cp`;
    for (const [k, victim] of ["supervisor", "host", "supervisor"].entries()) {
      const name = uniqueName("crash");
      const job = startNamed(name, prog, ["80"]);
      try {
        await job.waitLines(2);
        if (k === 0) assert.equal((await checkpoint(name, dir)).code, 0);
        const committed = await sessionOf(dir);
        const pending = checkpoint(name, dir);
        // Kill as soon as the new session's directory exists: in the middle of the checkpoint.
        for (let t = 0; t < 1000 && (await sessions(dir)).every((d) => d === committed); t++) {
          await new Promise((r) => setTimeout(r, 2));
        }
        if (k === 2) await new Promise((r) => setTimeout(r, 8)); // while images are written
        const pid = job.child.pid;
        if (victim === "supervisor") Deno.kill(pid, "SIGKILL");
        else for (const c of childrenOf(pid)) Deno.kill(c, "SIGKILL");
        await pending; // committed before the kill, or failed: either way nothing half-done
      } finally {
        job.kill();
        await job.status;
      }
      const r = startRestore(dir, tmp);
      const s = await r.status;
      assert.equal(s.code, full.code, `after killing the ${victim}: ${r.stderr}`);
      assert.ok(r.stdout.length > 0 && full.stdout.endsWith(r.stdout), r.stdout);
    }
  });
});
