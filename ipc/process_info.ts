// PID_GETMETA: another process's credentials, executable, cwd or root (Gramine's
// libos_ipc_process_info.c).
//
// Owns: the request and its routing. A guest asks the leader; the leader forwards to the VMID
// owning the pid (id_ranges.ts) and returns that member's answer; the member answers from
// hooks.getProcessMeta. Invariants: the reply is {result: 0, data} or {result: -ESRCH, data: null};
// data is checked for its kind's shape on the way back.
import { Code, Errno, LEADER_VMID } from "./codes.ts";
import { PID_MAX } from "./id_ranges.ts";
import { expectInt, expectRecord, expectString } from "./payload.ts";
import { FORWARD_TIMEOUT_MS } from "./signals.ts";
import type { IpcWorker } from "./worker.ts";

/** Gramine's enum pid_meta_code. */
export enum MetaKind {
  Credentials = 0,
  Executable = 1,
  Cwd = 2,
  Root = 3,
}

export interface Credentials {
  uid: number;
  gid: number;
  euid: number;
  egid: number;
}

/** Credentials for MetaKind.Credentials, else a path. */
export type ProcessMeta = Credentials | string;

export interface MetaReply {
  result: number;
  data: ProcessMeta | null;
}

function parseReply(value: unknown, kind: MetaKind): MetaReply {
  const reply = expectRecord(value, "PID_GETMETA reply");
  const result = expectInt(reply.result, "PID_GETMETA result", -4095, 0);
  if (result !== 0) return { result, data: null };
  if (kind !== MetaKind.Credentials) {
    return { result, data: expectString(reply.data, "PID_GETMETA path") };
  }
  const cred = expectRecord(reply.data, "PID_GETMETA credentials");
  const id = (field: unknown, what: string) => expectInt(field, what, 0, 0xffff_ffff);
  return {
    result,
    data: {
      uid: id(cred.uid, "uid"),
      gid: id(cred.gid, "gid"),
      euid: id(cred.euid, "euid"),
      egid: id(cred.egid, "egid"),
    },
  };
}

/** Asks for `kind` of process `pid`, wherever it runs. */
export async function pidGetMeta(
  worker: IpcWorker,
  pid: number,
  kind: MetaKind,
): Promise<MetaReply> {
  const request = { pid, kind };
  const reply = worker.leader
    ? await routeGetMeta(worker, request)
    : await worker.request(worker.leaderVmid, Code.PID_GETMETA, request);
  return parseReply(reply, kind);
}

async function routeGetMeta(worker: IpcWorker, request: { pid: number; kind: MetaKind }) {
  const owner = worker.leader!.idRanges.getOwner(request.pid);
  if (owner === 0 || owner === LEADER_VMID) return { result: -Errno.ESRCH, data: null };
  const reply = await worker.request(owner, Code.PID_GETMETA, request, {
    timeoutMs: FORWARD_TIMEOUT_MS,
  });
  return parseReply(reply, request.kind);
}

/** PID_GETMETA: the leader routes it to the owner; the owner answers from its hooks. */
export function handlePidGetMeta(
  worker: IpcWorker,
  payload: unknown,
): MetaReply | Promise<MetaReply> {
  const request = expectRecord(payload, "PID_GETMETA");
  const pid = expectInt(request.pid, "PID_GETMETA pid", 1, PID_MAX);
  const kind: MetaKind = expectInt(
    request.kind,
    "PID_GETMETA kind",
    MetaKind.Credentials,
    MetaKind.Root,
  );
  if (worker.leader) return routeGetMeta(worker, { pid, kind });
  const data = worker.hooks.getProcessMeta?.(pid, kind) ?? null;
  return data === null ? { result: -Errno.ESRCH, data: null } : { result: 0, data };
}
