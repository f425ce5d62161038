// Pipes: pipe and pipe2 (O_CLOEXEC, O_NONBLOCK, O_DIRECT accepted as a plain pipe).

import { EINVAL } from "../kernel/errno.ts";
import { O_CLOEXEC, O_NONBLOCK } from "../kernel/files.ts";
import { createPipe } from "../kernel/pipe.ts";
import type { Process } from "../kernel/process.ts";
import type { Args, SyscallDef } from "./table.ts";

const O_DIRECT = 0o40000;

async function pipe2(p: Process, addr: number, flags: number): Promise<number> {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) return -EINVAL;
  // Check the destination before creating anything, so EFAULT leaks no descriptors.
  p.mem.checkWritable(addr, 8);
  const [r, w] = await createPipe(p, flags);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = p.fds.install(r, cloexec);
  if (rfd < 0) {
    r.release(p);
    w.release(p);
    return rfd;
  }
  const wfd = p.fds.install(w, cloexec);
  if (wfd < 0) {
    p.fds.close(p, rfd);
    w.release(p);
    return wfd;
  }
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setInt32(0, rfd, true);
  v.setInt32(4, wfd, true);
  p.mem.write(addr, out);
  return 0;
}

export const rows: SyscallDef[] = [
  { name: "pipe", handler: (p: Process, a: Args) => pipe2(p, a.ulong(0), 0), args: "p" },
  { name: "pipe2", handler: (p: Process, a: Args) => pipe2(p, a.ulong(0), a.int(1)), args: "p,x" },
];
