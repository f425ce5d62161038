// The one table from message code to handler, used by the worker loop of every process.
//
// Owns: which function runs for each code. Invariants: every code has a row; null rows are the
// codes the worker itself consumes (replies, HELLO), which must never reach a handler. Handlers
// check whether this process may serve the message (leader-only ones use requireLeader) and the
// payload's shape; they return the reply, or a promise of it, or throw.
import { Code } from "./codes.ts";
import { handleChildExit } from "./child.ts";
import { handleFileLockClearPid, handleFileLockGet, handleFileLockSet } from "./file_locks.ts";
import {
  handleAllocIdRange,
  handleChangeIdOwner,
  handleGetIdOwner,
  handleReleaseIdRange,
} from "./id_ranges.ts";
import { handleBroadcast } from "./leader.ts";
import { handlePidGetMeta } from "./process_info.ts";
import { handlePidKill } from "./signals.ts";
import {
  handleSyncConfirmClose,
  handleSyncConfirmDowngrade,
  handleSyncConfirmUpgrade,
  handleSyncRequestClose,
  handleSyncRequestDowngrade,
  handleSyncRequestUpgrade,
} from "./sync.ts";
import { handleGetNewVmid } from "./vmid.ts";
import type { Handler } from "./worker.ts";

/** A code no longer in use (codes.ts): a peer that sends one is of another version. */
const handleRetired: Handler = () => {
  throw new RangeError("Retired message code (a peer of another version?)");
};

const handleEcho: Handler = (_worker, payload) => payload;

const handleUser: Handler = (worker, payload, source) => {
  const hook = worker.hooks.onUserMessage;
  if (hook === undefined) throw new TypeError(`Process ${worker.vmid} takes no USER messages`);
  return hook(payload, source);
};

/** Code -> handler. Rows in code order. */
// deno-fmt-ignore
export const handlerTable: Readonly<Record<Exclude<Code, Code.CODE_BOUND>, Handler | null>> = {
  [Code.RESPONSE]:               null, // matched to its request by sequence number (worker.ts)
  [Code.RESPONSE_ERROR]:         null, // likewise
  [Code.HELLO]:                  null, // only as the first frame of a link (worker.ts)
  [Code.GET_NEW_VMID]:           handleGetNewVmid,
  [Code.CHILDEXIT]:              handleChildExit,
  [Code.ALLOC_ID_RANGE]:         handleAllocIdRange,
  [Code.RELEASE_ID_RANGE]:       handleReleaseIdRange,
  [Code.CHANGE_ID_OWNER]:        handleChangeIdOwner,
  [Code.GET_ID_OWNER]:           handleGetIdOwner,
  [Code.PID_KILL]:               handlePidKill,
  [Code.PID_GETMETA]:            handlePidGetMeta,
  [Code.SYNC_REQUEST_UPGRADE]:   handleSyncRequestUpgrade,
  [Code.SYNC_REQUEST_DOWNGRADE]: handleSyncRequestDowngrade,
  [Code.SYNC_REQUEST_CLOSE]:     handleSyncRequestClose,
  [Code.SYNC_CONFIRM_UPGRADE]:   handleSyncConfirmUpgrade,
  [Code.SYNC_CONFIRM_DOWNGRADE]: handleSyncConfirmDowngrade,
  [Code.SYNC_CONFIRM_CLOSE]:     handleSyncConfirmClose,
  [Code.FILE_LOCK_SET]:          handleFileLockSet,
  [Code.FILE_LOCK_GET]:          handleFileLockGet,
  [Code.FILE_LOCK_CLEAR_PID]:    handleFileLockClearPid,
  [Code.RETIRED_20]:             handleRetired,
  [Code.RETIRED_21]:             handleRetired,
  [Code.RETIRED_22]:             handleRetired,
  [Code.RETIRED_23]:             handleRetired,
  [Code.RETIRED_24]:             handleRetired,
  [Code.BROADCAST]:              handleBroadcast,
  [Code.ECHO]:                   handleEcho,
  [Code.USER]:                   handleUser,
};
