// Host errors to guest errno values. Deno's file-system errors carry the OS error number in
// their message ("... (os error 2) ...") and its name in `code` ("ENOENT"); either gives the
// exact Linux errno. Error classes are the fallback for errors raised by Deno itself.

import {
  EACCES,
  EBADF,
  EBUSY,
  EEXIST,
  EINTR,
  EINVAL,
  EIO,
  EISDIR,
  ELOOP,
  ENOENT,
  ENOTDIR,
  EPIPE,
  ERRNO_NAMES,
  ETIMEDOUT,
} from "./errno.ts";

const BY_NAME = new Map(Object.entries(ERRNO_NAMES).map(([n, [name]]) => [name, Number(n)]));

/** The errno (positive) a host exception stands for. */
export function hostErrno(e: unknown): number {
  if (e instanceof Error) {
    const os = /\(os error (\d+)\)/.exec(e.message);
    if (os) return Number(os[1]);
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && BY_NAME.has(code)) return BY_NAME.get(code)!;
    const E = Deno.errors;
    if (e instanceof E.NotFound) return ENOENT;
    if (e instanceof E.AlreadyExists) return EEXIST;
    if (e instanceof E.PermissionDenied || e instanceof E.NotCapable) return EACCES;
    if (e instanceof E.NotADirectory) return ENOTDIR;
    if (e instanceof E.IsADirectory) return EISDIR;
    if (e instanceof E.FilesystemLoop) return ELOOP;
    if (e instanceof E.InvalidData) return EINVAL;
    if (e instanceof E.BrokenPipe) return EPIPE;
    if (e instanceof E.BadResource) return EBADF;
    if (e instanceof E.Busy) return EBUSY;
    if (e instanceof E.Interrupted) return EINTR;
    if (e instanceof E.TimedOut) return ETIMEDOUT;
  }
  return EIO;
}
