// execve inside the same process: the new program replaces the image; pid, ppid, process group,
// descriptors without FD_CLOEXEC, ignored signals, the signal mask and pending signals stay.
// Everything that can fail (lookup, permissions, `#!` interpreters, ELF checks, E2BIG) is done
// before the old image is dropped, so a failed execve returns to the caller unharmed.

import { LoadError, loadPrepared, type PreparedProgram, prepareProgram } from "../loader/load.ts";
import { E2BIG, EBADF, ELOOP, ENOENT, ENOEXEC, ENOTDIR } from "./errno.ts";
import { releaseMappings } from "./mm.ts";
import { normalize, resolvePath } from "./paths.ts";
import type { Process } from "./process.ts";

const AT_FDCWD = -100, AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100;
const MAX_ARG_STRLEN = 131072, ARG_MAX = 2 * 1024 * 1024;
const BINPRM_BUF_SIZE = 256, MAX_INTERPRETERS = 4;

/** Where a guest path given to execve (relative to `dirfd`) points, as an absolute guest path. */
function absolute(p: Process, dirfd: number, path: string, flags: number): string | number {
  if (path === "" && (flags & AT_EMPTY_PATH)) {
    const f = p.fds.get(dirfd);
    return f ? f.path : -EBADF;
  }
  if (path === "") return -ENOENT;
  if (path === "/proc/self/exe" || path === `/proc/${p.pid}/exe`) return p.exePath;
  if (path.startsWith("/")) return path;
  if (dirfd === AT_FDCWD) return normalize(path, p.fs.cwd);
  const f = p.fds.get(dirfd);
  if (!f) return -EBADF;
  if (!f.isDirectory) return -ENOTDIR;
  return normalize(path, f.path);
}

/** `#!interpreter [arg]` of a script, or undefined when `data` is not one. */
function shebang(data: Uint8Array): { interp: string; arg?: string } | undefined | number {
  if (data.length < 2 || data[0] !== 0x23 || data[1] !== 0x21) return undefined;
  let end = data.indexOf(0x0a);
  if (end < 0) end = Math.min(data.length, BINPRM_BUF_SIZE);
  const line = new TextDecoder().decode(data.subarray(2, end)).replace(/[ \t]+$/, "");
  const m = /^[ \t]*(\S+)(?:[ \t]+(.*))?$/.exec(line);
  if (!m) return -ENOEXEC;
  return { interp: m[1], arg: m[2] === "" ? undefined : m[2] };
}

/** Replaces p's program; 0 on success (registers set), or -errno with p untouched. */
export async function execProgram(
  p: Process,
  dirfd: number,
  path: string,
  argv: string[],
  envp: string[],
  flags: number,
  /** Called at the point of no return, with the old image still in place (vfork release). */
  beforeCommit?: () => void,
): Promise<number> {
  await Promise.resolve();
  let target = absolute(p, dirfd, path, flags);
  if (typeof target === "number") return target;
  let total = 0;
  for (const s of [...argv, ...envp]) {
    if (s.length + 1 > MAX_ARG_STRLEN) return -E2BIG;
    total += s.length + 1 + 8;
  }
  if (total > ARG_MAX) return -E2BIG;
  let prepared: PreparedProgram | undefined;
  let args = argv;
  for (let depth = 0; depth <= MAX_INTERPRETERS; depth++) {
    try {
      if (depth === 0 && (flags & AT_SYMLINK_NOFOLLOW)) {
        try {
          if (Deno.lstatSync(target).isSymlink) return -ELOOP;
        } catch { /* resolved below */ }
      }
      prepared = prepareProgram(p, target);
      break;
    } catch (e) {
      if (!(e instanceof LoadError)) throw e;
      if (e.errno !== ENOEXEC) return -e.errno;
      // Not ELF: perhaps a script.
      let data: Uint8Array;
      try {
        data = readHead(p, target);
      } catch {
        return -ENOEXEC;
      }
      const bang = shebang(data);
      if (bang === undefined) return -ENOEXEC;
      if (typeof bang === "number") return bang;
      args = [bang.interp, ...(bang.arg !== undefined ? [bang.arg] : []), target, ...args.slice(1)];
      target = bang.interp;
    }
  }
  if (!prepared) return -ELOOP;
  // Point of no return: drop the old image.
  beforeCommit?.();
  releaseMappings(p);
  p.cache.clear();
  p.mem.restore({ vmas: [], pages: [], data: new Uint8Array(0) });
  p.fds.closeOnExec(p);
  p.signals.execReset();
  p.clearChildTid = p.robustList = p.robustListLen = 0;
  loadPrepared(p, prepared, args, envp);
  p.cpu.x87.reset();
  p.cpu.mxcsr = 0x1f80;
  p.cpu.xmm32.fill(0);
  return 0;
}

function readHead(p: Process, guestPath: string): Uint8Array {
  const r = resolvePath(p.fs, guestPath, p.fs.cwd, true, p);
  if (typeof r === "number") throw new LoadError(guestPath, -r);
  const f = Deno.openSync(r.host, { read: true });
  try {
    const buf = new Uint8Array(BINPRM_BUF_SIZE);
    const n = f.readSync(buf) ?? 0;
    return buf.subarray(0, n);
  } finally {
    f.close();
  }
}
