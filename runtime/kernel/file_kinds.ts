// How each kind of open file of the file-system kernel is reopened from its snapshot (fork,
// checkpoint restore). Host files and directories are reopened by host path with their flags and
// offset; virtual files by guest path (a generated file keeps the bytes it showed); stdio by host
// descriptor. Gap: a host file unlinked while open cannot be reopened (restore fails, naming it).
// Imported for its registrations by runtime/syscalls/sys_file.ts, so the table always has them.

import { DeviceFile, type DeviceKind } from "./devfs.ts";
import { HostDirFile, VirtualDirFile } from "./dir_file.ts";
import { ENXIO } from "./errno.ts";
import {
  type FileSnapshot,
  O_ACCMODE,
  O_RDONLY,
  O_WRONLY,
  registerFileKind,
  S_IFREG,
  syntheticStat,
} from "./files.ts";
import { hostErrno } from "./host_errno.ts";
import { HostFile } from "./host_file.ts";
import { openPath } from "./open.ts";
import { resolvePath } from "./paths.ts";
import type { Process } from "./process.ts";
import { openTerminal, StdioFile } from "./stdio.ts";
import { ContentFile, statNode, type VNode } from "./vfs.ts";

const num = (s: FileSnapshot, key: string) => Number(s.state[key] ?? 0);
const str = (s: FileSnapshot, key: string) => String(s.state[key] ?? "");

function virtualNode(p: Process, path: string): VNode | undefined {
  const r = resolvePath(p.fs, path, "/", true, p);
  return typeof r === "number" ? undefined : r.node;
}

registerFileKind("host", (p, s) => {
  const acc = s.flags & O_ACCMODE, hostAppend = s.state.hostAppend === true;
  try {
    const file = Deno.openSync(str(s, "hostPath"), {
      read: acc !== O_WRONLY,
      write: acc !== O_RDONLY,
      append: hostAppend,
    });
    const f = new HostFile(file, s.path, str(s, "hostPath"), s.flags, hostAppend);
    f.pos = num(s, "pos");
    if (typeof s.state.sharedOffset === "number" && p.host) {
      f.shared = p.host.sharedOffset(s.state.sharedOffset);
    }
    return f;
  } catch (e) {
    return -hostErrno(e);
  }
});

registerFileKind("hostdir", (_p, s) => {
  const f = new HostDirFile(s.path, str(s, "hostPath"), s.flags);
  f.pos = num(s, "pos");
  return f;
});

registerFileKind("vdir", (p, s) => {
  const node = virtualNode(p, s.path);
  if (!node) return -ENXIO;
  const f = new VirtualDirFile(s.path, node, s.flags);
  f.pos = num(s, "pos");
  return f;
});

registerFileKind("content", (p, s) => {
  const node = virtualNode(p, s.path);
  const info = () => node ? statNode(p, node) : syntheticStat(S_IFREG | 0o444, 0);
  const f = new ContentFile(s.path, new Uint8Array(0), s.flags, info);
  f.restoreState(s.state.data as Uint8Array, num(s, "pos"));
  return f;
});

registerFileKind(
  "device",
  (_p, s) => new DeviceFile(str(s, "device") as DeviceKind, s.path, s.flags),
);
registerFileKind("stdio", (_p, s) => new StdioFile(num(s, "hostFd") as 0 | 1 | 2, s.flags));
registerFileKind("tty", (_p, s) => openTerminal(s.flags) ?? -ENXIO);
registerFileKind("path", (p, s) => openPath(p, -100, s.path, s.flags, 0));
