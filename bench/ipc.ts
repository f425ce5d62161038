// IPC benchmark: round trips, streaming and broadcast through ipc/, beside a bare baseline (a
// minimal length-prefixed cbor-x echo over a Unix socket, no framework) measured in the same run.
//
// Owns: nothing outside this run; every child process and socket it starts is gone when run()
// returns. This file is also the program of its child processes: `ipc.ts guest` (a guest joined
// through its stdin pipe) and `ipc.ts bare <socket>` (the bare echo). Children never print to
// stdout (the guest's stdout is its link). Figures: median/p99 in microseconds; x_bare is our time
// over bare time for the same work (1.0 = as fast as bare).
import { decode, encode } from "cbor-x/encode";
import type { BenchOptions, BenchRow } from "./main.ts";
import {
  type ChildHandle,
  Code,
  IpcWorker,
  joinFromParent,
  killChild,
  type Leader,
  spawnChild,
  startLeader,
} from "../ipc/mod.ts";

const SELF = new URL(import.meta.url).pathname;
const REPO_ROOT = new URL("../", import.meta.url).pathname;
/** A request whose CBOR payload is 64 bytes. */
const SMALL = { op: "ping", data: new Uint8Array(52) };
const CHUNK = 64 * 1024;
const WARM_UP_ROUNDS = 5000;

interface Latency {
  median: number;
  p99: number;
}

function summarize(samples: number[]): Latency {
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] * 1000;
  return { median: at(0.5), p99: at(0.99) };
}

// --- the bare baseline -------------------------------------------------------------------------

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) offset += await conn.write(bytes.subarray(offset));
}

function lengthPrefixed(message: unknown): Uint8Array {
  const body = encode(message);
  const bytes = new Uint8Array(4 + body.length);
  new DataView(bytes.buffer).setUint32(0, body.length, true);
  bytes.set(body, 4);
  return bytes;
}

/** Reads length-prefixed CBOR messages from a connection, one at a time. */
class BareReader {
  #buffer = new Uint8Array(1 << 20);
  #start = 0;
  #end = 0;
  constructor(readonly conn: Deno.Conn) {}

  async next(): Promise<unknown> {
    for (;;) {
      const available = this.#end - this.#start;
      if (available >= 4) {
        const length = new DataView(this.#buffer.buffer, this.#start).getUint32(0, true);
        if (available >= 4 + length) {
          const message = decode(this.#buffer.subarray(this.#start + 4, this.#start + 4 + length));
          this.#start += 4 + length;
          return message;
        }
      }
      if (this.#start > 0) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      }
      const count = await this.conn.read(this.#buffer.subarray(this.#end));
      if (count === null) return null;
      this.#end += count;
    }
  }
}

/** Child: echoes "ping" messages, counts "sink" bytes, answers "fin" with the count. */
async function bareChild(path: string): Promise<void> {
  const conn = await Deno.connect({ transport: "unix", path });
  const reader = new BareReader(conn);
  let bytes = 0;
  for (let message = await reader.next(); message !== null; message = await reader.next()) {
    const { op, data } = message as { op: string; data: Uint8Array };
    if (op === "ping") await writeAll(conn, lengthPrefixed(message));
    else if (op === "sink") bytes += data.length;
    else if (op === "fin") await writeAll(conn, lengthPrefixed({ op: "fin", bytes }));
  }
  conn.close();
}

/** The bare echo child and our connection to it. */
class Bare {
  readonly #dir: string;
  readonly #listener: Deno.Listener;
  readonly #child: Deno.ChildProcess;
  #conn: Deno.Conn | null = null;
  #reader: BareReader | null = null;

  private constructor(dir: string, listener: Deno.Listener, child: Deno.ChildProcess) {
    this.#dir = dir;
    this.#listener = listener;
    this.#child = child;
  }

  static async start(): Promise<Bare> {
    const dir = await Deno.makeTempDir({ prefix: "bench-ipc-bare-" });
    const path = `${dir}/bare.sock`;
    const listener = Deno.listen({ transport: "unix", path });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", SELF, "bare", path],
      cwd: REPO_ROOT,
      stdin: "null",
      stdout: "null",
    }).spawn();
    const bare = new Bare(dir, listener, child);
    bare.#conn = await listener.accept();
    bare.#reader = new BareReader(bare.#conn);
    return bare;
  }

  /** Round trips of a 64-byte message, in milliseconds each. */
  async roundTrips(rounds: number): Promise<number[]> {
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await writeAll(this.#conn!, lengthPrefixed(SMALL));
      await this.#reader!.next();
      samples.push(performance.now() - started);
    }
    return samples;
  }

  /** Streams `chunks` 64 KiB messages; returns seconds until the echo confirmed all arrived. */
  async stream(chunks: number): Promise<number> {
    const data = new Uint8Array(CHUNK);
    const started = performance.now();
    for (let i = 0; i < chunks; i++) {
      await writeAll(this.#conn!, lengthPrefixed({ op: "sink", data }));
    }
    await writeAll(this.#conn!, lengthPrefixed({ op: "fin" }));
    await this.#reader!.next();
    return (performance.now() - started) / 1000;
  }

  async close(): Promise<void> {
    this.#conn?.close();
    this.#listener.close();
    await killChild({ process: this.#child });
    await Deno.remove(this.#dir, { recursive: true });
  }
}

// --- the framework ------------------------------------------------------------------------------

/** Child: a guest that runs the measuring loops it is asked for. */
async function guestChild(): Promise<void> {
  let sunk = 0;
  const worker: IpcWorker = await joinFromParent({
    hooks: {
      onParentLost: () => Deno.exit(0),
      onUserMessage: (payload) => {
        const request = payload as { op: string; to: number; count: number; pipe: boolean };
        const via = request.pipe ? worker.parentLink ?? undefined : undefined;
        if (request.op === "sink") {
          return void (sunk += (payload as { data: Uint8Array }).data.length);
        }
        if (request.op === "sunk") return sunk;
        if (request.op === "rtt") return roundTrips(worker, request.to, request.count, via);
        if (request.op === "stream") return stream(worker, request.to, request.count, via);
        throw new TypeError(`Unknown bench op ${request.op}`);
      },
    },
  });
}

async function roundTrips(
  worker: IpcWorker,
  to: number,
  rounds: number,
  via?: IpcWorker["parentLink"],
) {
  const samples: number[] = [];
  const options = { via: via ?? undefined };
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await worker.request(to, Code.ECHO, SMALL, options);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** One-way 64 KiB messages, with back-pressure, then one request so all were handled. */
async function stream(
  worker: IpcWorker,
  to: number,
  chunks: number,
  via?: IpcWorker["parentLink"],
) {
  const data = new Uint8Array(CHUNK);
  const options = { via: via ?? undefined };
  const started = performance.now();
  for (let i = 0; i < chunks; i++) await worker.send(to, Code.USER, { op: "sink", data }, options);
  await worker.request(to, Code.ECHO, null, options);
  return (performance.now() - started) / 1000;
}

async function spawnGuests(leader: Leader, count: number): Promise<ChildHandle[]> {
  return await Promise.all(
    Array.from(
      { length: count },
      () => spawnChild(leader.worker, { module: SELF, args: ["guest"], cwd: REPO_ROOT }),
    ),
  );
}

/**
 * Runs the IPC benchmark; see the module comment for the rows. Bare and framework figures are
 * taken in alternating blocks, so load from other work on the machine falls on both alike.
 */
export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const blocks = 10;
  const roundsPerBlock = (options.quick ? 2000 : 20000) / blocks;
  const chunks = (options.quick ? 1000 : 8000) / blocks;
  const broadcasts = options.quick ? 500 : 4000;
  const log = (line: string) => options.verbose && console.error(`bench ipc: ${line}`);
  const rows: BenchRow[] = [];
  const row = (name: string, figures: Record<string, number | null>) =>
    rows.push({
      suite: "ipc",
      name,
      median_us: null,
      p99_us: null,
      mb_s: null,
      x_bare: null,
      ...figures,
    });

  let sunk = 0;
  const leader = await startLeader({
    hooks: {
      onUserMessage: (payload) => void (sunk += (payload as { data: Uint8Array }).data.length),
    },
  });
  const guests: ChildHandle[] = [];
  const bare = await Bare.start();
  try {
    log("starting 2 guests");
    guests.push(...await spawnGuests(leader, 2));
    const [a, b] = guests;
    const ask = (guest: ChildHandle, request: Record<string, unknown>) =>
      leader.worker.request(guest.vmid, Code.USER, request, { timeoutMs: 600_000 });
    const leaderVmid = leader.worker.vmid;

    const latency: Record<string, number[]> = { bare: [], unix: [], pipe: [], peer: [] };
    const seconds: Record<string, number> = { bare: 0, unix: 0, pipe: 0, peer: 0 };
    // An unmeasured block first, long enough for V8 to optimize every side's hot path.
    for (let block = -1; block < blocks; block++) {
      log(`round trips, block ${block + 1} of ${blocks}`);
      const rounds = block < 0 ? WARM_UP_ROUNDS : roundsPerBlock;
      const keep = (key: string, samples: number[]) => block >= 0 && latency[key].push(...samples);
      keep("bare", await bare.roundTrips(rounds));
      keep(
        "unix",
        await ask(a, { op: "rtt", to: leaderVmid, count: rounds, pipe: false }) as number[],
      );
      keep(
        "pipe",
        await ask(a, { op: "rtt", to: leaderVmid, count: rounds, pipe: true }) as number[],
      );
      keep("peer", await ask(a, { op: "rtt", to: b.vmid, count: rounds, pipe: false }) as number[]);
    }
    // Streams after all round trips, so their garbage is not collected in the middle of those.
    for (let block = -1; block < blocks; block++) {
      log(`streams, block ${block + 1} of ${blocks}`);
      const time = (key: string, value: number) => block >= 0 && (seconds[key] += value);
      time("bare", await bare.stream(chunks));
      for (const pipe of [false, true]) {
        sunk = 0;
        time(
          pipe ? "pipe" : "unix",
          await ask(a, { op: "stream", to: leaderVmid, count: chunks, pipe }) as number,
        );
        if (sunk !== chunks * CHUNK) {
          throw new Error(`Stream lost data: ${sunk} of ${chunks * CHUNK} bytes`);
        }
      }
      time(
        "peer",
        await ask(a, { op: "stream", to: b.vmid, count: chunks, pipe: false }) as number,
      );
    }
    const bareRtt = summarize(latency.bare);
    const bareMbps = (blocks * chunks * CHUNK) / seconds.bare / 1e6;
    row("round trip 64 B, bare cbor-x echo, unix", {
      median_us: bareRtt.median,
      p99_us: bareRtt.p99,
      x_bare: 1,
    });
    for (
      const [key, name] of [["unix", "to leader, unix"], ["pipe", "to leader, pipe"], [
        "peer",
        "to peer, unix",
      ]]
    ) {
      const result = summarize(latency[key]);
      row(`round trip 64 B ${name}`, {
        median_us: result.median,
        p99_us: result.p99,
        x_bare: result.median / bareRtt.median,
      });
    }
    row("stream 64 KiB, bare cbor-x, unix", { mb_s: bareMbps, x_bare: 1 });
    for (
      const [key, name] of [["unix", "to leader, unix"], ["pipe", "to leader, pipe"], [
        "peer",
        "to peer, unix",
      ]]
    ) {
      const mbps = (blocks * chunks * CHUNK) / seconds[key] / 1e6;
      row(`stream 64 KiB ${name}`, { mb_s: mbps, x_bare: bareMbps / mbps });
    }

    log("starting 6 more guests");
    guests.push(...await spawnGuests(leader, 6));
    log("requests to 8 guests at once");
    const fanout: number[] = [];
    for (let i = 0; i < broadcasts + broadcasts / 10; i++) {
      const started = performance.now();
      await Promise.all(guests.map((guest) => leader.worker.request(guest.vmid, Code.ECHO, SMALL)));
      if (i >= broadcasts / 10) fanout.push(performance.now() - started);
    }
    const fan = summarize(fanout);
    row("request to 8 guests at once, until all replied", {
      median_us: fan.median,
      p99_us: fan.p99,
    });
    log("broadcast to 8 guests");
    const before = await Promise.all(guests.map((guest) => ask(guest, { op: "sunk" }))) as number[];
    const started = performance.now();
    for (let i = 0; i < broadcasts; i++) {
      await leader.worker.broadcast(Code.USER, { op: "sink", data: SMALL.data });
    }
    await Promise.all(guests.map((guest) => leader.worker.request(guest.vmid, Code.ECHO, null)));
    const perBroadcast = (performance.now() - started) * 1000 / broadcasts;
    const after = await Promise.all(guests.map((guest) => ask(guest, { op: "sunk" }))) as number[];
    if (after.some((bytes, i) => bytes - before[i] !== broadcasts * SMALL.data.length)) {
      throw new Error(`Broadcast lost messages: ${after.join(", ")}`);
    }
    row("broadcast 64 B to 8 guests, one-way, per broadcast", { median_us: perBroadcast });
  } finally {
    for (const guest of guests) await killChild(guest);
    await bare.close();
    await leader.close();
  }
  return rows;
}

if (import.meta.main) {
  if (Deno.args[0] === "guest") await guestChild();
  else if (Deno.args[0] === "bare") await bareChild(Deno.args[1]);
  else {
    for (const row of await run({ quick: Deno.args.includes("--quick"), verbose: true })) {
      console.log(JSON.stringify(row));
    }
  }
}
