// A warm guest host of `supervisor serve` (serve.ts): started before any job needs it, it loads
// everything a host loads, then waits on the daemon's socket for its bootstrap. With it come
// the restoring client's stdin, stdout and stderr (SCM_RIGHTS), which become the host's own
// descriptors 0, 1 and 2, its working directory and its umask: from there it is the host the
// client would have started itself. It runs in a session of its own, so signals from the
// daemon's terminal never reach it; the client passes on those from its own terminal.

import { checkBoot, type HostBoot, WARM_ENV } from "./boot.ts";
import { preloadHashing } from "../../checkpoint/image.ts";
import { libc } from "../../ipc/libc.ts";
import { UnixPacketSocket } from "../../ipc/unix_socket.ts";
import { Memory } from "../memory/memory.ts";

/** Guest memory a warm host touches while it waits, so that a restore does not fault it in. */
export const WARM_MEMORY = 64 * 1024 * 1024;

/** What the daemon sends a warm host (with three descriptors: the client's 0, 1, 2). */
export interface WarmStart {
  boot: HostBoot;
  cwd: string;
  umask: number;
}

/** Waits for this warm host's job; null when the daemon went away first (the host just ends). */
export async function warmBoot(): Promise<HostBoot | null> {
  const raw = Deno.env.get(WARM_ENV);
  Deno.env.delete(WARM_ENV);
  const warm = JSON.parse(raw ?? "null") as { socket?: unknown; token?: unknown } | null;
  if (typeof warm?.socket !== "string" || typeof warm.token !== "string") {
    throw new TypeError(`Malformed ${WARM_ENV}`);
  }
  const lib = libc();
  if (lib === null) throw new Error("A warm host needs FFI");
  lib.setsid();
  await preloadHashing();
  Memory.prefault(WARM_MEMORY);
  const daemon = UnixPacketSocket.connect(warm.socket);
  try {
    daemon.send(new TextEncoder().encode(JSON.stringify({ op: "warm", token: warm.token })));
    const packet = await daemon.receive();
    if (packet === null) return null;
    const start = JSON.parse(new TextDecoder().decode(packet.data)) as WarmStart;
    if (packet.fds.length !== 3) throw new TypeError("A warm start without three descriptors");
    packet.fds.forEach((fd, i) => {
      if (lib.dup2(fd, i) !== i) throw new Error(`dup2 to ${i} failed`);
      if (fd !== i) lib.close(fd);
    });
    const boot = checkBoot(start.boot, "warm start");
    try {
      Deno.chdir(String(start.cwd));
    } catch { /* the client's directory is not ours to enter: a cold host would be there */ }
    if (Number.isInteger(start.umask)) lib.umask(start.umask & 0o777);
    return boot;
  } finally {
    daemon.close();
  }
}
