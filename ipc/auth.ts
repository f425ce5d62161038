// Who may talk: the run secret, the HELLO every link starts with, and where sockets live.
//
// Owns: the security rules of the IPC layer. Invariants:
// - the runtime directory is a real directory (not a symlink), mode 0700; the only files the IPC
//   layer creates in it are `<vmid>.sock` sockets, mode 0600 (worker.ts chmods after bind; the
//   0700 directory covers the moment between);
// - a socket path is built only from a number checked to be a VMID, never from a frame's string;
// - a link's first frame must be HELLO with the run's secret (compared in constant time), a
//   valid VMID that matches the frame header, is not our own, and is the one we dialled, if we did.
import { Code, codeName, MAX_VMID } from "./codes.ts";
import type { Frame } from "./frame.ts";
import { expectInt, expectRecord, expectString } from "./payload.ts";

/** The socket of process `vmid` in `runtimeDir`; only a valid numeric VMID can name a path. */
export function socketPath(runtimeDir: string, vmid: number): string {
  if (!Number.isInteger(vmid) || vmid < 1 || vmid > MAX_VMID) {
    throw new RangeError(`VMID must be an integer from 1 to ${MAX_VMID}, got ${vmid}`);
  }
  return `${runtimeDir}/${vmid}.sock`;
}

/** A fresh run secret: 32 random bytes, hex. */
export function newSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)))
    .map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Creates (or checks) the runtime directory and makes it 0700; default a fresh temp dir. */
export async function prepareRuntimeDir(dir?: string): Promise<string> {
  if (dir === undefined) {
    dir = await Deno.makeTempDir({ prefix: "supervisor-ipc-" });
  } else {
    if (!dir.startsWith("/")) throw new TypeError("The runtime directory must be absolute");
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    if (!(await Deno.lstat(dir)).isDirectory) throw new TypeError(`${dir} is not a directory`);
  }
  await Deno.chmod(dir, 0o700);
  return dir;
}

/** Compares two secrets in time independent of where they differ. */
export function secretsEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ (right[i % right.length] ?? 0);
  return difference === 0;
}

/**
 * Checks a link's first frame; returns the HELLO payload, or throws TypeError saying what was
 * wrong (the caller drops the link). The peer's VMID is then `frame.vmid`.
 */
export function checkHello(
  frame: Frame,
  secret: string,
  selfVmid: number,
  expectedVmid: number,
): Record<string, unknown> {
  if (frame.code !== Code.HELLO) {
    throw new TypeError(`Peer sent ${codeName(frame.code)} before presenting the run secret`);
  }
  const hello = expectRecord(frame.payload, "HELLO");
  if (!secretsEqual(expectString(hello.secret, "HELLO secret", 256), secret)) {
    throw new TypeError("Peer presented a wrong run secret");
  }
  const vmid = expectInt(hello.vmid, "HELLO vmid", 1, MAX_VMID);
  if (vmid !== frame.vmid || vmid === selfVmid) {
    throw new TypeError(`Peer claimed VMID ${vmid} in a frame from ${frame.vmid}`);
  }
  if (expectedVmid !== 0 && vmid !== expectedVmid) {
    throw new TypeError(`Process ${expectedVmid} answered as process ${vmid}`);
  }
  return hello;
}
