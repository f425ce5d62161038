// `supervisor serve` and restores that borrow its warm hosts, through the CLI. Each test has its
// own XDG_RUNTIME_DIR, so its daemon, jobs and restores meet no other test's (or the user's).

import assert from "node:assert/strict";
import { REPO_ROOT } from "./supervisor.ts";
import { delay, Job, uniqueName, withTempDir } from "./checkpoint_util.ts";
import { type ServeStatus, serveStatus } from "../runtime/host/serve.ts";
import { UnixPacketSocket } from "../ipc/unix_socket.ts";

const BUSYBOX = "/bin/busybox";
// Four processes (sh, the subshell, sleep, cat), all blocked at checkpoint time.
const SCRIPT =
  `(${BUSYBOX} sleep 2; echo late; ${BUSYBOX} sleep 1; echo later) | ${BUSYBOX} cat; ` +
  "echo status $?";

function start(xdg: string, args: string[], env: Record<string, string> = {}, cwd?: string): Job {
  return new Job(
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${REPO_ROOT}/main.ts`, ...args],
      env: { XDG_RUNTIME_DIR: xdg, ...env },
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn(),
  );
}

const socketOf = (xdg: string) => `${xdg}/supervisor/@serve.sock`;

/** The daemon's status once `ok` holds of it (or throws after 30 s). */
async function statusWhen(xdg: string, ok: (s: ServeStatus) => boolean): Promise<ServeStatus> {
  const until = performance.now() + 30_000;
  for (;;) {
    const s = await serveStatus(socketOf(xdg));
    if (s && ok(s)) return s;
    if (performance.now() > until) {
      throw new Error(`serve status never right: ${JSON.stringify(s)}`);
    }
    await delay(50);
  }
}

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return false;
  }
}

async function allGone(pids: number[]): Promise<boolean> {
  for (let k = 0; k < 200 && pids.some(alive); k++) await delay(50);
  return !pids.some(alive);
}

/** A daemon with `hosts` warm hosts in a fresh XDG_RUNTIME_DIR; stopped with SIGTERM after. */
async function withDaemon(
  hosts: number,
  fn: (xdg: string, daemon: Job, tmp: string) => Promise<void>,
): Promise<void> {
  await withTempDir(async (tmp) => {
    const xdg = `${tmp}/xdg`;
    Deno.mkdirSync(xdg, { mode: 0o700 });
    const daemon = start(xdg, ["serve", "--hosts", String(hosts)]);
    try {
      await statusWhen(xdg, (s) => s.warm === hosts);
      await fn(xdg, daemon, tmp);
    } finally {
      daemon.kill("SIGTERM");
      await daemon.status;
    }
  });
}

/** Runs SCRIPT as a named job, checkpoints it after 1.2 s into tmp/cp and kills it. */
async function checkpointScript(xdg: string, tmp: string): Promise<void> {
  const name = uniqueName("serve");
  const job = start(xdg, ["run", "--name", name, BUSYBOX, "sh", "-c", SCRIPT]);
  try {
    await delay(1200);
    const cp = start(xdg, ["checkpoint", name, "--dir", `${tmp}/cp`]);
    assert.equal((await cp.status).code, 0, cp.stderr);
    assert.equal(job.stdout, "", "checkpointed before the first line");
  } finally {
    job.kill();
    await job.status;
  }
}

Deno.test("restore borrows warm hosts from serve, gives them its stdio, and falls back without", async () => {
  await withDaemon(6, async (xdg, _daemon, tmp) => {
    await checkpointScript(xdg, tmp);
    const before = await statusWhen(xdg, (s) => s.warm === 6);
    const r = start(xdg, ["restore", `${tmp}/cp`], {}, tmp);
    assert.equal((await r.status).code, 0, r.stderr);
    assert.equal(r.stdout, "late\nlater\nstatus 0\n", "the guests wrote to the client's stdout");
    const after = await statusWhen(xdg, () => true);
    const images = [...Deno.readDirSync(`${tmp}/cp`)].find((e) => e.isDirectory)!.name;
    const processes = [...Deno.readDirSync(`${tmp}/cp/${images}`)]
      .filter((e) => /^\d+\.img$/.test(e.name)).length;
    assert.ok(processes >= 3, `${processes} processes`);
    assert.equal(after.lent - before.lent, processes, "one warm host per restored process");
    const lentPids = before.pids.filter((pid) => !after.pids.includes(pid));
    assert.equal(lentPids.length, processes);
    assert.ok(await allGone(lentPids), "the lent hosts ended with the job");

    // The same restore without the daemon's hosts: by choice, and with other host settings.
    const settings: Record<string, string>[] = [{ SUPERVISOR_SERVE: "0" }, { SUPERVISOR_JIT: "0" }];
    for (const env of settings) {
      await statusWhen(xdg, (s) => s.warm === 6);
      const cold = start(xdg, ["restore", `${tmp}/cp`], env, tmp);
      assert.equal((await cold.status).code, 0, cold.stderr);
      assert.equal(cold.stdout, "late\nlater\nstatus 0\n", JSON.stringify(env));
      const now = await statusWhen(xdg, () => true);
      assert.equal(now.lent, after.lent, `${JSON.stringify(env)}: no host lent`);
    }
  });
});

Deno.test("SIGINT to a restoring supervisor reaches its lent hosts; SIGKILL ends them", async () => {
  await withDaemon(4, async (xdg, _daemon, tmp) => {
    await checkpointScript(xdg, tmp);
    // SIGINT, as the terminal sends it: the lent hosts are in another session, so the client
    // passes it on; the shell and its children die of it long before the script's 3 s.
    const before = await statusWhen(xdg, (s) => s.warm === 4);
    const r = start(xdg, ["restore", `${tmp}/cp`], {}, tmp);
    await statusWhen(xdg, (s) => s.lent > before.lent);
    await delay(300);
    const sent = performance.now();
    r.kill("SIGINT");
    const status = await r.status;
    assert.equal(status.code, 130, `exit ${status.code}: ${r.stderr}`);
    assert.ok(performance.now() - sent < 1500, "ended by the signal, not by the script");
    assert.equal(r.stdout, "");

    // SIGKILL of the client: its hosts see their leader gone and end.
    const warm = await statusWhen(xdg, (s) => s.warm === 4);
    const k = start(xdg, ["restore", `${tmp}/cp`], {}, tmp);
    const after = await statusWhen(xdg, (s) => s.lent > warm.lent);
    const lentPids = warm.pids.filter((pid) => !(after.pids.includes(pid)));
    assert.ok(lentPids.length >= 3);
    k.kill("SIGKILL");
    await k.status;
    assert.ok(await allGone(lentPids), "hosts outlived their supervisor");
  });
});

Deno.test("serve answers garbage with errors and goes on; refuses a second daemon; stops on SIGTERM", async () => {
  await withTempDir(async (tmp) => {
    const xdg = `${tmp}/xdg`;
    Deno.mkdirSync(xdg, { mode: 0o700 });
    const daemon = start(xdg, ["serve", "--hosts", "2"]);
    let pids: number[] = [];
    try {
      pids = (await statusWhen(xdg, (s) => s.warm === 2)).pids;
      const ask = async (data: Uint8Array, fds: number[] = []) => {
        const c = UnixPacketSocket.connect(socketOf(xdg));
        try {
          c.send(data, fds);
          const reply = await c.receive();
          return reply && new TextDecoder().decode(reply.data);
        } catch (e) {
          return `closed: ${(e as Error).message}`;
        } finally {
          c.close();
        }
      };
      const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
      assert.match(await ask(new TextEncoder().encode("\x00\xffnot json")) ?? "", /not a JSON/);
      assert.match(await ask(json({ op: "fly" })) ?? "", /unknown op/);
      assert.match(await ask(json({ op: "lend", boots: [] })) ?? "", /stdin, stdout, stderr/);
      assert.match(await ask(json({ op: "lend", boots: [{}] }), [0, 1, 2]) ?? "", /another/);
      assert.match(await ask(json({ op: "warm", token: "forged" })) ?? "", /unknown host/);
      assert.equal(await ask(new Uint8Array(200_000)), null, "an oversized request: closed");
      const s = await statusWhen(xdg, () => true);
      assert.deepEqual([s.warm, s.lent], [2, 0], "no host lent or lost to garbage");

      const second = start(xdg, ["serve"]);
      assert.equal((await second.status).code, 1);
      assert.match(second.stderr, /is running/);
      const bad = start(xdg, ["serve", "--hosts", "0"]);
      assert.equal((await bad.status).code, 2);
      assert.match(bad.stderr, /--hosts must be 1 to 64/);
    } finally {
      daemon.kill("SIGTERM");
    }
    assert.equal((await daemon.status).code, 0, daemon.stderr);
    assert.throws(() => Deno.statSync(socketOf(xdg)), Deno.errors.NotFound, "socket removed");
    assert.ok(await allGone(pids), "waiting hosts ended with the daemon");
  });
});

// systemd's side, played by a Python datagram socket (python3 is installed by .ci/run).
const NOTIFY_LISTENER = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
print("bound", flush=True)
while True:
    d = s.recv(4096).decode()
    print(d.replace("\\n", "|"), flush=True)
    if d.startswith("STOPPING"):
        break
`;

Deno.test("serve tells systemd READY=1, then WATCHDOG=1 while it runs, then STOPPING=1", async () => {
  await withTempDir(async (tmp) => {
    const xdg = `${tmp}/xdg`;
    Deno.mkdirSync(xdg, { mode: 0o700 });
    const notifySocket = `${tmp}/notify.sock`;
    const systemd = new Job(
      new Deno.Command("python3", {
        args: ["-c", NOTIFY_LISTENER, notifySocket],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn(),
    );
    await systemd.waitLines(1, 30_000);
    const daemon = start(xdg, ["serve", "--hosts", "1"], {
      NOTIFY_SOCKET: notifySocket,
      WATCHDOG_USEC: "200000",
    });
    try {
      const until = performance.now() + 30_000;
      while ((systemd.stdout.match(/WATCHDOG=1/g) ?? []).length < 3) {
        assert.ok(performance.now() < until, `no watchdog pings: ${systemd.stdout}`);
        await delay(50);
      }
    } finally {
      daemon.kill("SIGTERM");
    }
    assert.equal((await daemon.status).code, 0, daemon.stderr);
    await systemd.status;
    const lines = systemd.stdout.trim().split("\n");
    assert.equal(lines[0], "bound");
    assert.match(lines[1], /^READY=1\|STATUS=keeping 1 hosts warm at .*@serve\.sock$/);
    assert.equal(lines.at(-1), "STOPPING=1");
    assert.ok(lines.slice(2, -1).every((l) => l === "WATCHDOG=1"), systemd.stdout);
  });
});
