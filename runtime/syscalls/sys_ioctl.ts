// ioctl: the requests every descriptor answers (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC, FIONREAD)
// here; the rest go to the file (terminal requests: runtime/kernel/termios.ts). Files that are not
// terminals answer ENOTTY, which is how isatty() tells.

import { EBADF } from "../kernel/errno.ts";
import { O_ASYNC, O_NONBLOCK, O_PATH } from "../kernel/files.ts";
import type { Process } from "../kernel/process.ts";
import { FIOASYNC, FIOCLEX, FIONBIO, FIONCLEX, FIONREAD, int32 } from "../kernel/termios.ts";
import type { Args, SyscallDef } from "./table.ts";

function sysIoctl(p: Process, a: Args): number | Promise<number> {
  const entry = p.fds.entry(a.int(0));
  if (!entry || entry.file.flags & O_PATH) return -EBADF;
  const f = entry.file;
  const request = a.uint(1), arg = a.ulong(2);
  switch (request) {
    case FIOCLEX:
    case FIONCLEX:
      entry.cloexec = request === FIOCLEX;
      return 0;
    case FIONBIO:
    case FIOASYNC: {
      const bit = request === FIONBIO ? O_NONBLOCK : O_ASYNC;
      const on = new DataView(p.mem.read(arg, 4).buffer).getInt32(0, true) !== 0;
      f.flags = on ? f.flags | bit : f.flags & ~bit;
      return 0;
    }
    case FIONREAD: {
      const answer = () => {
        const n = f.readable();
        if (n === undefined) return undefined;
        p.mem.write(arg, int32(n));
        return 0;
      };
      const pending = f.refresh(); // a supervisor pipe learns its current length first
      if (pending) {
        return pending.then(() => answer() ?? f.ioctl(p, request, arg));
      }
      const r = answer();
      if (r === undefined) break;
      return r;
    }
  }
  return f.ioctl(p, request, arg);
}

export const rows: SyscallDef[] = [
  { name: "ioctl", handler: sysIoctl, args: "d,x,p" },
];
