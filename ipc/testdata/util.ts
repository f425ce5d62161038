// Helpers shared by the IPC tests: bounded waits, in-process guests, child guests.
//
// Owns: nothing persistent; every helper cleans up what it starts when the test's finally runs.
import { Code } from "../codes.ts";
import { type ChildHandle, killChild, spawnChild } from "../child.ts";
import { type Leader, startLeader } from "../leader.ts";
import { IpcWorker, type ProcessHooks } from "../worker.ts";

export const GUEST_MODULE = new URL("./guest.ts", import.meta.url).pathname;
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;

/** Resolves with `promise`, or rejects after `ms` so no test can hang. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every few ms until true, failing after `ms`. */
export async function eventually(
  condition: () => boolean,
  ms: number,
  what: string,
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A leader whose link errors are collected instead of printed. */
export async function testLeader(
  hooks: ProcessHooks = {},
): Promise<{ leader: Leader; errors: Error[] }> {
  const errors: Error[] = [];
  const leader = await startLeader({ hooks: { onError: (error) => errors.push(error), ...hooks } });
  return { leader, errors };
}

/** A guest worker in this process, linked to the leader over its socket and known to it. */
export async function inProcessGuest(
  leader: Leader,
  vmid: number,
  hooks: ProcessHooks = {},
  pid = 0,
  parentVmid = 0,
): Promise<IpcWorker> {
  const worker = new IpcWorker({
    vmid,
    leaderVmid: leader.worker.vmid,
    runtimeDir: leader.runtimeDir,
    secret: leader.worker.secret,
    pid,
    parentVmid,
    hooks: { onError: () => {}, ...hooks },
  });
  await worker.listen();
  // The reply proves the leader has taken our HELLO (links are ordered).
  await within(worker.request(leader.worker.vmid, Code.ECHO, null), 5000, "leader echo");
  return worker;
}

/** Spawns the test guest program as a child of `worker`. */
export function spawnGuest(
  worker: IpcWorker,
  options: { pid?: number; pgid?: number; vmid?: number } = {},
): Promise<ChildHandle> {
  return spawnChild(worker, {
    module: GUEST_MODULE,
    args: [String(options.pgid ?? 0)],
    pid: options.pid,
    vmid: options.vmid,
    cwd: REPO_ROOT,
  });
}

/** Kills and reaps every child, then closes the workers (in a test's finally). */
export async function cleanUp(
  children: ChildHandle[],
  workers: IpcWorker[],
  leader?: Leader,
): Promise<void> {
  for (const child of children) await killChild(child);
  for (const worker of workers) await worker.close();
  await leader?.close();
}
