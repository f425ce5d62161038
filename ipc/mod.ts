/**
 * Messages between the processes of one supervised job, modelled on Gramine's library-OS IPC.
 *
 * Every guest process is a host process with an {@linkcode IpcWorker}; the supervisor process is
 * the leader ({@linkcode startLeader}) and serves VMIDs, id ranges, kills, process info, file
 * locks and sync leases (checkpoints run over USER messages: checkpoint/). Frames (length, sequence number, code, source VMID,
 * CBOR payload) run over a child's stdin/stdout pipes and over Unix domain sockets alike; a peer
 * must present the run's secret in its first frame.
 *
 * @example Start a leader, a child, and ask the child for something
 * ```ts ignore
 * import { Code, spawnChild, startLeader } from "./mod.ts";
 *
 * const leader = await startLeader();
 * const child = await spawnChild(leader.worker, { module: "./guest.ts" });
 * console.log(await leader.worker.request(child.vmid, Code.ECHO, "hello", { timeoutMs: 1000 }));
 * child.process.kill("SIGKILL");
 * console.log(await child.record.exited); // { ..., term_signal: 9 }
 * await leader.close();
 * ```
 *
 * @module
 */
export { Code, codeName, Errno, LEADER_VMID, MAX_VMID, SIGKILL } from "./codes.ts";
export { LinkClosedError, RemoteError } from "./errors.ts";
export {
  decodeFrames,
  DEFAULT_MAX_PAYLOAD,
  encodeFrame,
  type Frame,
  FrameDecoder,
  HEADER_SIZE,
} from "./frame.ts";
export {
  type ByteChannel,
  childChannel,
  Link,
  type LinkEvents,
  stdioChannel,
  unixChannel,
} from "./transport.ts";
export {
  type Handler,
  IpcWorker,
  type ProcessHooks,
  type RequestOptions,
  type WorkerOptions,
} from "./worker.ts";
export { socketPath } from "./auth.ts";
export { handlerTable } from "./handlers.ts";
export {
  Leader,
  type LeaderOptions,
  LeaderServices,
  type LeaderSnapshot,
  startLeader,
} from "./leader.ts";
export { getNewVmid, VmidAllocator } from "./vmid.ts";
export {
  allocIdRange,
  changeIdOwner,
  getIdOwner,
  type IdRange,
  IdRangeTable,
  PID_MAX,
  RANGE_SIZE,
  releaseIdRange,
} from "./id_ranges.ts";
export {
  type ChildExit,
  type ChildHandle,
  ChildRecord,
  joinFromParent,
  killChild,
  sendChildExit,
  spawnChild,
  type SpawnOptions,
} from "./child.ts";
export {
  killAll,
  KillKind,
  killProcess,
  killProcessGroup,
  killThread,
  type PidKill,
} from "./signals.ts";
export { type Credentials, MetaKind, pidGetMeta, type ProcessMeta } from "./process_info.ts";
export { SyncClient, SyncServer, SyncState } from "./sync.ts";
export {
  type FileLock,
  fileLockCancel,
  fileLockClearPid,
  fileLockGet,
  fileLockSet,
  FileLockTable,
  LOCK_END,
  LockFamily,
  type LockRequest,
  LockType,
} from "./file_locks.ts";
