// The control socket of a named job (`supervisor run --name NAME`): an owner-only Unix socket at
// <control dir>/<NAME>.sock, where the control dir is $XDG_RUNTIME_DIR/supervisor when that is
// set, else /tmp/supervisor-<uid>; the dir is 0700 and must belong to us, the socket is 0600.
// One request per connection: a JSON line {op, ...} in, a JSON line {ok, ...} or {error} out.
// A name is live while something answers on its socket: a second job with a live name is
// refused; a stale socket (its supervisor died) is replaced.

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function checkName(name: string): string {
  if (!NAME.test(name) || name === "." || name === "..") {
    throw new TypeError(`Job name '${name}' must be 1-64 characters of [A-Za-z0-9._-]`);
  }
  return name;
}

/** The per-user control directory, created 0700; refuses one that is not ours or not private. */
export function controlDir(): string {
  const xdg = Deno.env.get("XDG_RUNTIME_DIR");
  const uid = Deno.uid() ?? 0;
  const dir = xdg ? `${xdg}/supervisor` : `/tmp/supervisor-${uid}`;
  try {
    Deno.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
  const st = Deno.lstatSync(dir);
  if (!st.isDirectory || st.uid !== uid) {
    throw new Error(`${dir}: not a directory owned by uid ${uid}; refusing to use it`);
  }
  if (((st.mode ?? 0) & 0o077) !== 0) Deno.chmodSync(dir, 0o700);
  return dir;
}

export function socketPathFor(name: string): string {
  return `${controlDir()}/${checkName(name)}.sock`;
}

export type ControlHandler = (request: Record<string, unknown>) => Promise<unknown>;

async function readLine(conn: Deno.Conn, limit = 1 << 20): Promise<string> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await conn.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
    total += n;
    if (buf.subarray(0, n).includes(10) || total > limit) break;
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all).split("\n")[0];
}

async function writeAll(conn: Deno.Conn, text: string): Promise<void> {
  const data = new TextEncoder().encode(text);
  let at = 0;
  while (at < data.length) at += await conn.write(data.subarray(at));
}

/** Whether a job answers on `path`. */
async function live(path: string): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** A listening control socket; close() removes it. */
export interface ControlServer {
  path: string;
  close(): void;
}

/** Makes the job NAME addressable; throws if a live job already has the name. */
export async function serveControl(name: string, handler: ControlHandler): Promise<ControlServer> {
  const path = socketPathFor(name);
  let listener: Deno.UnixListener;
  try {
    listener = Deno.listen({ transport: "unix", path });
  } catch (e) {
    if (!(e instanceof Deno.errors.AddrInUse)) throw e;
    if (await live(path)) {
      throw new Error(`a job named '${name}' is already running (${path})`);
    }
    await Deno.remove(path).catch(() => {});
    listener = Deno.listen({ transport: "unix", path });
  }
  Deno.chmodSync(path, 0o600);
  let closed = false;
  (async () => {
    for await (const conn of listener) {
      (async () => {
        try {
          const line = await readLine(conn);
          let reply: unknown;
          try {
            const request = JSON.parse(line);
            reply = { ok: true, ...(await handler(request) as Record<string, unknown>) };
          } catch (e) {
            reply = { error: e instanceof Error ? e.message : String(e) };
          }
          await writeAll(conn, JSON.stringify(reply) + "\n");
        } catch {
          /* the client went away */
        } finally {
          try {
            conn.close();
          } catch { /* closed */ }
        }
      })();
    }
  })().catch(() => {});
  return {
    path,
    close() {
      if (closed) return;
      closed = true;
      listener.close();
      try {
        // Only remove the socket if it is still ours (not replaced by a newer job of that name).
        Deno.removeSync(path);
      } catch { /* gone */ }
    },
  };
}

/** Sends one request to the job NAME; resolves with its reply, or throws its error. */
export async function callControl(
  name: string,
  request: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const path = socketPathFor(name);
  let conn: Deno.UnixConn;
  try {
    conn = await Deno.connect({ transport: "unix", path });
  } catch {
    throw new Error(`no running job named '${name}' (no answer on ${path})`);
  }
  try {
    await writeAll(conn, JSON.stringify(request) + "\n");
    const line = await readLine(conn);
    if (!line) throw new Error(`job '${name}' closed the connection without answering`);
    const reply = JSON.parse(line) as Record<string, unknown>;
    if (reply.error) throw new Error(String(reply.error));
    return reply;
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}
