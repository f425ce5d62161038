// The host terminal's own settings, read and written with the ioctls a native program uses, through
// Deno's FFI and the C library's ioctl() (ipc/libc.ts). Every guest host shares the one real
// terminal, so what one guest process sets (raw mode, window size) every other sees, as on Linux,
// and the kernel's line discipline does the work. Where the C library cannot be loaded (no FFI
// permission, not Linux), hostTty() is undefined and termios.ts keeps its own copy of the settings
// instead.
//
// The supervisor saves the settings at start (saveTerminal) and puts them back when the job ends,
// so a guest that leaves the terminal raw (or is killed while it is) does not leave it so.

import { TCGETS2, TCSETS2, TERMIOS2_SIZE } from "./termios.ts";
import { errno, libc } from "../../ipc/libc.ts";

/** The host terminal behind one of the supervisor's descriptors 0-2. */
export interface HostTty {
  /** ioctl(2) on the host terminal with the guest's argument bytes; 0 or -errno. */
  ioctl(request: number, arg: Uint8Array): number;
}

/**
 * The host terminal on descriptor `fd` (0, 1 or 2), or undefined when that descriptor is not a
 * terminal or the C library cannot be reached.
 */
export function hostTty(fd: 0 | 1 | 2): HostTty | undefined {
  const stream = fd === 0 ? Deno.stdin : fd === 1 ? Deno.stdout : Deno.stderr;
  if (!stream.isTerminal()) return undefined;
  const c = libc();
  if (c === null) return undefined;
  return {
    ioctl(request, arg) {
      return c.ioctl(fd, BigInt(request >>> 0), arg) === 0 ? 0 : -(errno(c) || 25);
    },
  };
}

/** The first of descriptors 0, 1, 2 that is a terminal (/dev/tty's stand-in), if any. */
export function controllingTty(): HostTty | undefined {
  return hostTty(0) ?? hostTty(1) ?? hostTty(2);
}

/**
 * Saves the terminal's settings; the returned function puts them back (a no-op where there is no
 * terminal). The supervisor calls it around a job.
 */
export function saveTerminal(): () => void {
  const tty = controllingTty();
  if (tty === undefined) return () => {};
  const saved = new Uint8Array(TERMIOS2_SIZE);
  if (tty.ioctl(TCGETS2, saved) !== 0) return () => {};
  return () => {
    const now = new Uint8Array(TERMIOS2_SIZE);
    if (tty.ioctl(TCGETS2, now) === 0 && now.every((b, k) => b === saved[k])) return;
    tty.ioctl(TCSETS2, saved.slice());
  };
}
