// The supervisor's own calls, numbered beyond Linux's range so that no Linux program issues one by
// accident (numbers.ts). Today one: a guest asks for a checkpoint of its whole tree.
//
//   long syscall(1000, const char *dir, unsigned flags)      supervisor_checkpoint
//
// The tree is checkpointed into `dir` (a guest path, created if missing) exactly as
// `supervisor checkpoint NAME --dir DIR` would; flags may hold CHECKPOINT_STOP (end the job after
// the commit). The call blocks until the checkpoint is committed or has failed, the caller being
// parked inside it like every other process. It returns 0 in the process that asked, and 1 when
// the process comes back from that checkpoint by `supervisor restore` (as CRIU's and DMTCP's
// self-checkpoint calls do), so a program tells the two apart. Errors: EINVAL (unknown flags),
// EFAULT, ENAMETOOLONG and path errors for `dir`, ENOTDIR/EACCES/... when it cannot be created,
// EBUSY (a checkpoint of this job is already under way), EIO (the checkpoint failed and was
// aborted; the supervisor names the reason on stderr), EOPNOTSUPP (not a supervised job).

import { EINVAL, EOPNOTSUPP } from "../kernel/errno.ts";
import { readGuestPath, resolvePath } from "../kernel/paths.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

/** supervisor_checkpoint flags: end the job once the checkpoint is committed. */
export const CHECKPOINT_STOP = 1;
/** What supervisor_checkpoint returns in a process restored from that checkpoint. */
export const CHECKPOINT_RESTORED = 1;

async function checkpointSelf(p: Process, a: Args): Promise<number> {
  const flags = a.uint(1);
  if (flags & ~CHECKPOINT_STOP) return -EINVAL;
  const path = readGuestPath(p, a.ulong(0));
  if (typeof path === "number") return path;
  const where = resolvePath(p.fs, path, p.fs.cwd, true, p);
  if (typeof where === "number") return where;
  if (!where.host.startsWith("/")) return -EINVAL; // a virtual directory (/proc, /dev)
  if (!p.host) return -EOPNOTSUPP;
  return await p.host.checkpointTree(p, where.host, (flags & CHECKPOINT_STOP) !== 0);
}

// deno-fmt-ignore
export const rows: SyscallDef[] = [
  { name: "supervisor_checkpoint", handler: checkpointSelf, args: "s,x", blocking: true },
];
