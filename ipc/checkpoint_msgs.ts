// CHECKPOINT and its replies (READY, DONE, RESUME, ABORT): the messages of the coordinated
// checkpoint, with typed payloads. The protocol itself (who waits for what, the manifest) is
// checkpoint/'s; this file only defines, checks and carries the messages.
//
// Owns: payload shapes and their checks. Invariants: a session id is a short token of
// [A-Za-z0-9._-] (it becomes a directory name: `<dir>/<session>/<vmid>.img`), never "." or "..";
// dir is absolute; sizes are safe integers; digests are lowercase hex. Guests receive CHECKPOINT,
// RESUME and ABORT; the leader receives READY, DONE and ABORT. A guest without an onCheckpoint
// hook answers CHECKPOINT with ABORT, so a checkpoint never waits on a process that cannot take one.
import { Code, MAX_VMID } from "./codes.ts";
import { expectBoolean, expectInt, expectRecord, expectString } from "./payload.ts";
import type { IpcWorker } from "./worker.ts";

export interface CheckpointRequest {
  code: Code.CHECKPOINT;
  session: string;
  dir: string;
}
export interface CheckpointReady {
  code: Code.CHECKPOINT_READY;
  session: string;
  vmid: number;
}
export interface CheckpointDone {
  code: Code.CHECKPOINT_DONE;
  session: string;
  vmid: number;
  size: number;
  digest: string;
}
export interface CheckpointResume {
  code: Code.CHECKPOINT_RESUME;
  session: string;
  /** Stop the processes instead of resuming them (checkpoint-and-stop). */
  stop: boolean;
}
export interface CheckpointAbort {
  code: Code.CHECKPOINT_ABORT;
  session: string;
  reason: string;
}

export type CheckpointMessage =
  | CheckpointRequest
  | CheckpointReady
  | CheckpointDone
  | CheckpointResume
  | CheckpointAbort;

const SESSION = /^[A-Za-z0-9._-]{1,64}$/;
const DIGEST = /^[0-9a-f]{8,128}$/;

/** Checks a message of any checkpoint code; throws TypeError naming the bad field. */
export function parseCheckpointMessage(code: Code, payload: unknown): CheckpointMessage {
  const name = Code[code];
  const message = expectRecord(payload, name);
  const session = expectString(message.session, `${name} session`, 64);
  if (!SESSION.test(session) || session === "." || session === "..") {
    throw new TypeError(`${name} session must be 1-64 characters of [A-Za-z0-9._-]`);
  }
  const vmid = () => expectInt(message.vmid, `${name} vmid`, 1, MAX_VMID);
  switch (code) {
    case Code.CHECKPOINT: {
      const dir = expectString(message.dir, `${name} dir`);
      if (!dir.startsWith("/")) throw new TypeError(`${name} dir must be an absolute path`);
      return { code, session, dir };
    }
    case Code.CHECKPOINT_READY:
      return { code, session, vmid: vmid() };
    case Code.CHECKPOINT_DONE: {
      const digest = expectString(message.digest, `${name} digest`, 128);
      if (!DIGEST.test(digest)) throw new TypeError(`${name} digest must be lowercase hex`);
      return { code, session, vmid: vmid(), size: expectInt(message.size, `${name} size`), digest };
    }
    case Code.CHECKPOINT_RESUME:
      return { code, session, stop: expectBoolean(message.stop, `${name} stop`) };
    case Code.CHECKPOINT_ABORT:
      return { code, session, reason: expectString(message.reason, `${name} reason`, 1024) };
    default:
      throw new TypeError(`${name} is not a checkpoint message`);
  }
}

/** Strips the code: what goes on the wire. */
function body(message: CheckpointMessage): Record<string, unknown> {
  const { code: _code, ...rest } = message;
  return rest;
}

/** Leader: asks every member to checkpoint; returns how many were asked. */
export function broadcastCheckpoint(worker: IpcWorker, message: Omit<CheckpointRequest, "code">) {
  const checked = parseCheckpointMessage(Code.CHECKPOINT, message);
  return worker.broadcast(Code.CHECKPOINT, body(checked), 0);
}

/** Leader: resumes (or stops) every member after a committed checkpoint. */
export function broadcastResume(worker: IpcWorker, message: Omit<CheckpointResume, "code">) {
  return worker.broadcast(
    Code.CHECKPOINT_RESUME,
    body(parseCheckpointMessage(Code.CHECKPOINT_RESUME, message)),
    0,
  );
}

/** Either side: abandons a session (the leader tells members; a member tells the leader). */
export function sendAbort(worker: IpcWorker, message: Omit<CheckpointAbort, "code">) {
  const payload = body(parseCheckpointMessage(Code.CHECKPOINT_ABORT, message));
  return worker.isLeader
    ? worker.broadcast(Code.CHECKPOINT_ABORT, payload, 0)
    : worker.send(worker.leaderVmid, Code.CHECKPOINT_ABORT, payload);
}

/** Member: parked at a safepoint, ready to write its image. */
export function sendReady(worker: IpcWorker, session: string): Promise<void> {
  const message = parseCheckpointMessage(Code.CHECKPOINT_READY, { session, vmid: worker.vmid });
  return worker.send(worker.leaderVmid, Code.CHECKPOINT_READY, body(message));
}

/** Member: image written (`size` bytes, `digest` of its content). */
export function sendDone(worker: IpcWorker, message: Omit<CheckpointDone, "code" | "vmid">) {
  const checked = parseCheckpointMessage(Code.CHECKPOINT_DONE, { ...message, vmid: worker.vmid });
  return worker.send(worker.leaderVmid, Code.CHECKPOINT_DONE, body(checked));
}

/** All five codes: checked, then handed to hooks.onCheckpoint with the sender's VMID. */
export function handleCheckpointMessage(code: Code) {
  return (worker: IpcWorker, payload: unknown, source: number): null => {
    const message = parseCheckpointMessage(code, payload);
    const toLeader = code === Code.CHECKPOINT_READY || code === Code.CHECKPOINT_DONE;
    if (toLeader && !worker.isLeader) throw new TypeError(`${Code[code]} is for the leader`);
    if (!toLeader && code !== Code.CHECKPOINT_ABORT && source !== worker.leaderVmid) {
      throw new TypeError(`${Code[code]} must come from the leader`);
    }
    if (
      (message.code === Code.CHECKPOINT_READY || message.code === Code.CHECKPOINT_DONE) &&
      message.vmid !== source
    ) {
      throw new TypeError(`Process ${source} reported for process ${message.vmid}`);
    }
    const hook = worker.hooks.onCheckpoint;
    if (hook !== undefined) {
      hook(message, source);
    } else if (message.code === Code.CHECKPOINT) {
      sendAbort(worker, {
        session: message.session,
        reason: `Process ${worker.vmid} cannot take checkpoints`,
      }).catch((error) => worker.report(error, source));
    }
    return null;
  };
}
