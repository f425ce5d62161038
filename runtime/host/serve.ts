// `supervisor serve`: a long-running daemon that keeps guest hosts started and waiting, so that a
// restore need not wait for hosts to start (each loads ~150 modules: 45-60 ms of CPU, and a tree
// of 8 processes on 2 cores waited 300-450 ms for its hosts). The restoring supervisor stays the
// job's leader, in the foreground, as without the daemon: it only borrows hosts.
//
// Socket: <control dir>/@serve.sock (control.ts: a 0700 directory of ours; the socket is 0600),
// SOCK_SEQPACKET, one JSON message per packet. Requests:
//   {op: "status"}                   -> {ok, pid, hosts, warm, starting, pids (warm hosts'), lent}
//   {op: "lend", boots, identity, cwd, umask} + the client's stdin, stdout, stderr (SCM_RIGHTS)
//                                           -> {ok, pids} (up to one warm host per boot, maybe none)
//     then the client registers those hosts and sends {op: "go"}; only then does each host get
//     its boot, the three descriptors, the cwd and the umask (warm_boot.ts). Without "go" (the
//     client gave up) the hosts stay in the pool. `identity` (boot.ts hostIdentity) must be the
//     daemon's own: hosts of another program, or with another JIT, sharing or malloc setting,
//     would not be the hosts the client would have started, and the client starts its own.
//   {op: "warm", token}                     from a host this daemon started, once it is ready.
// Anything else is answered {error} and the connection closed; the daemon goes on.
// Hosts the daemon has lent are the client's: they end when its leader does (guest_host.ts),
// and the daemon only reaps them. Hosts that die before they are warm slow the refill down.

import { controlDir } from "../../checkpoint/control.ts";
import { checkBoot, type HostBoot, hostCommand, hostEnv, hostIdentity, WARM_ENV } from "./boot.ts";
import { withDeadline } from "../../ipc/deadline.ts";
import { libc } from "../../ipc/libc.ts";
import { UnixPacketListener, UnixPacketSocket } from "../../ipc/unix_socket.ts";
import type { WarmStart } from "./warm_boot.ts";

/** Set to 0 in a client's environment, restore starts its own hosts even with a daemon. */
export const SERVE_ENV = "SUPERVISOR_SERVE";
/** Boots one lend request may carry (a packet must fit a socket buffer). */
export const MAX_LEND = 256;
const MAX_REQUEST = 128 * 1024;
const DEFAULT_HOSTS = 4;
/** Warm hosts one daemon may keep. */
export const MAX_HOSTS = 64;

export function serveSocketPath(): string {
  return `${controlDir()}/@serve.sock`;
}

const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const decode = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data));

export interface ServeOptions {
  /** Warm hosts to keep (default 4). */
  hosts?: number;
  /** Socket path (default serveSocketPath()). */
  socket?: string;
  /** Delay before hosts lent away are replaced, so that a restore has the CPU (default 200 ms). */
  refillDelayMs?: number;
  /** Where the daemon reports hosts that failed to start (default stderr). */
  log?: (line: string) => void;
}

interface PoolHost {
  token: string;
  child: Deno.ChildProcess;
  /** The host's connection, once it is warm. */
  conn: UnixPacketSocket | null;
  lent: boolean;
}

export class HostDaemon {
  readonly path: string;
  readonly hosts: number;
  readonly #listener: UnixPacketListener;
  readonly #pool = new Map<string, PoolHost>();
  readonly #identity = hostIdentity();
  readonly #options: ServeOptions;
  #closing = false;
  #refill: ReturnType<typeof setTimeout> | undefined;
  /** Hosts that died before they were warm, in a row (each doubles the refill delay). */
  #failures = 0;
  readonly #done = Promise.withResolvers<void>();

  private constructor(listener: UnixPacketListener, options: ServeOptions) {
    this.#listener = listener;
    this.path = listener.path;
    this.hosts = options.hosts ?? DEFAULT_HOSTS;
    this.#options = options;
  }

  /** Listens (replacing a stale socket; refusing a live daemon's) and starts filling the pool. */
  static async start(options: ServeOptions = {}): Promise<HostDaemon> {
    const hosts = options.hosts ?? DEFAULT_HOSTS;
    if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_HOSTS) {
      throw new RangeError(`--hosts must be 1 to ${MAX_HOSTS}, got ${hosts}`);
    }
    const path = options.socket ?? serveSocketPath();
    const live = await serveStatus(path);
    if (live !== null) throw new Error(`${path}: supervisor serve (pid ${live.pid}) is running`);
    try {
      Deno.removeSync(path); // a stale socket: its daemon died
    } catch { /* none */ }
    const daemon = new HostDaemon(UnixPacketListener.listen(path), options);
    daemon.#fill();
    daemon.#acceptLoop();
    return daemon;
  }

  /** Resolves once the daemon has closed. */
  get closed(): Promise<void> {
    return this.#done.promise;
  }

  /** Hosts lent so far. */
  lent = 0;

  counts(): { warm: number; starting: number; pids: number[] } {
    let starting = 0;
    const pids: number[] = [];
    for (const h of this.#pool.values()) {
      if (h.lent) continue;
      if (h.conn) pids.push(h.child.pid);
      else starting++;
    }
    return { warm: pids.length, starting, pids };
  }

  /** Stops listening; waiting hosts end (lent ones stay with their clients). */
  async close(): Promise<void> {
    if (this.#closing) return this.#done.promise;
    this.#closing = true;
    clearTimeout(this.#refill);
    this.#listener.close();
    try {
      Deno.removeSync(this.path);
    } catch { /* gone */ }
    const waiting = [...this.#pool.values()].filter((h) => !h.lent);
    for (const h of waiting) {
      h.conn?.close(); // a warm host sees its daemon gone and ends
      try {
        h.child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await Promise.allSettled(waiting.map((h) => h.child.status));
    this.#done.resolve();
  }

  #log(line: string): void {
    (this.#options.log ?? ((l: string) => console.error(l)))(`supervisor serve: ${line}`);
  }

  #fill(): void {
    this.#refill = undefined;
    const { warm, starting } = this.counts();
    for (let n = warm + starting; n < this.hosts && !this.#closing; n++) this.#spawn();
  }

  #scheduleFill(delay = this.#options.refillDelayMs ?? 200): void {
    if (this.#closing || this.#refill !== undefined) return;
    this.#refill = setTimeout(() => this.#fill(), delay);
  }

  #spawn(): void {
    const token = crypto.randomUUID();
    const { command, args } = hostCommand();
    const child = new Deno.Command(command, {
      args,
      env: { [WARM_ENV]: JSON.stringify({ socket: this.path, token }), ...hostEnv() },
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    const host: PoolHost = { token, child, conn: null, lent: false };
    this.#pool.set(token, host);
    child.status.then((status) => {
      this.#pool.delete(token);
      if (host.lent || this.#closing) return;
      host.conn?.close();
      if (host.conn === null) {
        this.#failures++;
        this.#log(`a host (pid ${child.pid}) ended before it was ready: ${describe(status)}`);
      }
      this.#scheduleFill(Math.min(200 * 2 ** this.#failures, 30_000));
    });
  }

  async #acceptLoop(): Promise<void> {
    for (;;) {
      let conn: UnixPacketSocket | null;
      try {
        conn = await this.#listener.accept();
      } catch (e) {
        this.#log(`accept: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (conn === null) return;
      this.#serveOne(conn).catch((e) => {
        this.#log(`a request failed: ${(e as Error).message}`);
        conn.close();
      });
    }
  }

  async #serveOne(conn: UnixPacketSocket): Promise<void> {
    // A connection that says nothing is closed (it would hold a waiting thread).
    const packet = await withTimeout(conn.receive(MAX_REQUEST), 10_000);
    if (packet === null) return conn.close();
    let keep = false;
    try {
      let request: Record<string, unknown>;
      try {
        request = decode(packet.data);
        if (typeof request !== "object" || request === null) throw new TypeError();
      } catch {
        return conn.send(encode({ error: "not a JSON request" }));
      }
      switch (request.op) {
        case "status":
          return conn.send(
            encode({
              ok: true,
              pid: Deno.pid,
              hosts: this.hosts,
              lent: this.lent,
              ...this.counts(),
            }),
          );
        case "warm":
          keep = this.#warm(conn, request.token);
          return;
        case "lend":
          return await this.#lend(conn, request, packet.fds);
        default:
          return conn.send(encode({ error: `unknown op '${request.op}'` }));
      }
    } finally {
      for (const fd of packet.fds) closeFd(fd);
      if (!keep) conn.close();
    }
  }

  /** A host of ours is ready: it joins the pool with its connection. */
  #warm(conn: UnixPacketSocket, token: unknown): boolean {
    const host = typeof token === "string" ? this.#pool.get(token) : undefined;
    if (!host || host.conn !== null || host.lent) {
      conn.send(encode({ error: "unknown host" }));
      return false;
    }
    host.conn = conn;
    this.#failures = 0;
    return true;
  }

  async #lend(conn: UnixPacketSocket, r: Record<string, unknown>, fds: number[]): Promise<void> {
    if (fds.length !== 3) return conn.send(encode({ error: "lend needs stdin, stdout, stderr" }));
    if (r.identity !== this.#identity) {
      return conn.send(encode({ error: "the client runs another program or host settings" }));
    }
    if (!Array.isArray(r.boots) || r.boots.length > MAX_LEND) {
      return conn.send(encode({ error: `boots must be a list of at most ${MAX_LEND}` }));
    }
    let boots: HostBoot[];
    try {
      boots = r.boots.map((b) => checkBoot(b, "boot"));
    } catch (e) {
      return conn.send(encode({ error: (e as Error).message }));
    }
    const start = { cwd: String(r.cwd ?? "/"), umask: Number(r.umask) & 0o777 };
    const given = [...this.#pool.values()].filter((h) => h.conn && !h.lent).slice(0, boots.length);
    for (const h of given) h.lent = true; // reserved: no other request takes them meanwhile
    conn.send(encode({ ok: true, pids: given.map((h) => h.child.pid) }));
    let go = false;
    try {
      const answer = await withTimeout(conn.receive(1024), 5000);
      go = answer !== null && decode(answer.data)?.op === "go";
    } catch { /* no answer: the client gave up */ }
    given.forEach((h, i) => {
      if (!go) return void (h.lent = false);
      const warmStart: WarmStart = { boot: boots[i], ...start };
      try {
        h.conn!.send(encode(warmStart), fds);
      } catch { /* it died meanwhile: the client sees it gone */ }
      h.conn!.close();
    });
    if (go) this.lent += given.length;
    if (go && given.length) this.#scheduleFill();
  }
}

function closeFd(fd: number): void {
  libc()?.close(fd);
}

function currentDir(): string {
  try {
    return Deno.cwd();
  } catch {
    return "/"; // removed under us
  }
}

function describe(status: Deno.CommandStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit status ${status.code}`;
}

const withTimeout = <T>(work: Promise<T>, ms: number) =>
  withDeadline(work, ms, () => new Error(`no answer in ${ms} ms`));

// ---- the client side ---------------------------------------------------------------------------

export interface ServeStatus {
  pid: number;
  hosts: number;
  warm: number;
  starting: number;
  /** The waiting hosts' pids. */
  pids: number[];
  /** Hosts lent so far. */
  lent: number;
}

/**
 * Connects to the daemon at `path`, sends `message` (with `fds`) and waits up to 2 s for its
 * answer; the connection stays open for the caller. Null when nobody answers.
 */
async function ask(
  path: string,
  message: Record<string, unknown>,
  fds: number[] = [],
): Promise<{ conn: UnixPacketSocket; answer: Record<string, unknown> } | null> {
  let conn: UnixPacketSocket;
  try {
    conn = UnixPacketSocket.connect(path);
  } catch {
    return null;
  }
  try {
    conn.send(encode(message), fds);
    const reply = await withTimeout(conn.receive(), 2000);
    if (reply === null) throw new Error("closed");
    return { conn, answer: decode(reply.data) };
  } catch {
    conn.close();
    return null;
  }
}

/** A daemon's answer to status, or null when none serves at `path`. */
export async function serveStatus(path = serveSocketPath()): Promise<ServeStatus | null> {
  const r = await ask(path, { op: "status" });
  r?.conn.close();
  return r?.answer.ok ? r.answer as unknown as ServeStatus : null;
}

/** Warm hosts lent by the daemon: their pids, in the order of the boots asked for. */
export interface Loan {
  pids: number[];
  /** Sends the hosts their boots: call once the pids are registered with the leader. */
  go(): void;
}

/**
 * Asks the daemon at `path` for warm hosts to boot as `boots`, with `stdio` (three descriptors,
 * still the caller's) as their stdin, stdout and stderr. Null when no daemon serves there, it
 * does not answer within 2 s, or it cannot lend to this client; the caller starts its own hosts.
 */
export async function borrowHosts(
  boots: HostBoot[],
  stdio: number[],
  path = serveSocketPath(),
): Promise<Loan | null> {
  try {
    if (Deno.env.get(SERVE_ENV) === "0") return null;
  } catch { /* no permission to read it: the default */ }
  const lib = libc();
  const umask = lib ? lib.umask(0o022) : 0o022;
  lib?.umask(umask); // (read by setting it: put back at once)
  const request = {
    op: "lend",
    boots: boots.slice(0, MAX_LEND),
    identity: hostIdentity(),
    cwd: currentDir(),
    umask,
  };
  const r = await ask(path, request, stdio);
  if (r === null) return null;
  const { conn, answer } = r;
  if (!answer.ok || !Array.isArray(answer.pids) || answer.pids.length === 0) {
    conn.close();
    return null; // the daemon's reason does not matter: the caller starts its own hosts
  }
  return {
    pids: answer.pids.map(Number),
    go: () => {
      try {
        conn.send(encode({ op: "go" }));
      } catch { /* the daemon died: its hosts end unbooted, and the restore says so */ }
      conn.close();
    },
  };
}
