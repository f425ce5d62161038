// `supervisor serve`: the command line of the warm-host daemon (runtime/host/serve.ts), and its
// systemd side: READY=1 once it listens, STOPPING=1 when it stops, WATCHDOG=1 at half the
// watchdog period when systemd asks for one ($NOTIFY_SOCKET, $WATCHDOG_USEC).

import { HostDaemon, MAX_HOSTS, SERVE_ENV, serveSocketPath } from "./runtime/host/serve.ts";
import { UnixPacketSocket } from "./ipc/unix_socket.ts";

export const SERVE_HELP = `usage: supervisor serve [--hosts N]

Runs in the foreground until SIGTERM or SIGINT, keeping N guest hosts (default 4, at most ${MAX_HOSTS})
started and waiting, so that 'supervisor restore' by the same user need not start its own: with a
warm host for each process, a restore skips host start-up (tens of ms of CPU per process). The
restore still runs in the foreground of its own terminal, which the hosts are given. It starts
hosts itself when no daemon answers, for processes beyond the hosts waiting, and when the daemon
runs another program or other host settings (GLIBC_TUNABLES, SUPERVISOR_JIT,
SUPERVISOR_SHARED_MEMORY); ${SERVE_ENV}=0 in its environment keeps it from asking. Hosts lent are
replaced shortly after. Each waiting host has touched 64 MiB of guest memory in advance (~130 MB
resident each). Restart the daemon after upgrading.

The socket is <control dir>/@serve.sock (the control dir is $XDG_RUNTIME_DIR/supervisor, else
/tmp/supervisor-UID; mode 0700). Under systemd, use Type=notify: READY=1 is sent once the socket
listens, and WATCHDOG=1 at half of WatchdogSec when that is set.

options:
  --hosts N    warm hosts to keep (default 4)
  -h, --help   show this help`;

/** Sends a state to systemd, when it asked for notifications. */
function notify(state: string): void {
  const path = Deno.env.get("NOTIFY_SOCKET");
  if (!path) return;
  try {
    const socket = UnixPacketSocket.connect(path, true);
    socket.send(new TextEncoder().encode(state));
    socket.close();
  } catch { /* systemd went away: nothing to tell */ }
}

export async function commandServe(argv: string[], usage: (m: string) => Error): Promise<number> {
  let hosts: number | undefined;
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === "-h" || a === "--help") {
      console.log(SERVE_HELP);
      return 0;
    }
    const value = a === "--hosts" ? argv[++k] : a.startsWith("--hosts=") ? a.slice(8) : undefined;
    if (value === undefined) throw usage(`serve: unknown argument '${a}' (see: serve --help)`);
    hosts = Number(value);
    if (!/^\d+$/.test(value) || hosts < 1 || hosts > MAX_HOSTS) {
      throw usage(`serve: --hosts must be 1 to ${MAX_HOSTS}, got '${value}'`);
    }
  }
  let daemon: HostDaemon;
  try {
    daemon = await HostDaemon.start({ hosts, socket: serveSocketPath() });
  } catch (e) {
    console.error(`supervisor: serve: ${(e as Error).message}`);
    return 1;
  }
  const stop = () => {
    notify("STOPPING=1");
    daemon.close();
  };
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGINT", stop);
  const watchdog = Number(Deno.env.get("WATCHDOG_USEC"));
  const timer = watchdog > 0
    ? setInterval(() => notify("WATCHDOG=1"), Math.max(watchdog / 2000, 10))
    : undefined;
  notify(`READY=1\nSTATUS=keeping ${daemon.hosts} hosts warm at ${daemon.path}`);
  await daemon.closed;
  clearInterval(timer);
  Deno.removeSignalListener("SIGTERM", stop);
  Deno.removeSignalListener("SIGINT", stop);
  return 0;
}
