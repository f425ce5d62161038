// The one enum of IPC message codes, and the Linux numbers that travel in payloads.
//
// Owns: the numbering of every message on the wire (frame.ts rejects any code at or above
// Code.CODE_BOUND), errno values returned to guests, signal numbers, and the special VMIDs.
// Invariant: codes are append-only once a checkpoint image or a peer of another version may hold
// them; never renumber a row. The code -> handler table lives in handlers.ts.

/** Every message code. Requests and one-way messages use the same codes; replies use RESPONSE. */
// deno-fmt-ignore
export enum Code {
  RESPONSE               = 0,  // reply to the request with the same sequence number
  RESPONSE_ERROR         = 1,  // the handler of that request threw; payload {name, message}
  HELLO                  = 2,  // first frame on every link: {secret, vmid, pid, parent, assign?}
  GET_NEW_VMID           = 3,  // -> leader: null -> vmid
  CHILDEXIT              = 4,  // child -> parent: {ppid, pid, uid, exitcode, term_signal}
  ALLOC_ID_RANGE         = 5,  // -> leader: null -> {start, end} (0, 0 when exhausted)
  RELEASE_ID_RANGE       = 6,  // -> leader: {start, end} -> null
  CHANGE_ID_OWNER        = 7,  // -> leader: {id, owner} -> null
  GET_ID_OWNER           = 8,  // -> leader: {id} -> owner vmid (0 if nobody)
  PID_KILL               = 9,  // -> leader, routed to owners: {sender, kind, pid, id, signum} -> errno
  PID_GETMETA            = 10, // -> leader, routed to the owner: {pid, kind} -> {result, data}
  SYNC_REQUEST_UPGRADE   = 11, // client -> leader: {id, state}
  SYNC_REQUEST_DOWNGRADE = 12, // leader -> client: {id, state}
  SYNC_REQUEST_CLOSE     = 13, // client -> leader: {id, state, data}
  SYNC_CONFIRM_UPGRADE   = 14, // leader -> client: {id, state, data}
  SYNC_CONFIRM_DOWNGRADE = 15, // client -> leader: {id, state, data}
  SYNC_CONFIRM_CLOSE     = 16, // leader -> client: {id}
  FILE_LOCK_SET          = 17, // -> leader: lock request -> errno (blocks while waiting)
  FILE_LOCK_GET          = 18, // -> leader: lock request -> conflicting lock or null
  FILE_LOCK_CLEAR_PID    = 19, // -> leader: {pid} -> null
  // 20-24 were CHECKPOINT, _READY, _DONE, _RESUME and _ABORT, never sent: the checkpoint protocol
  // runs as supervisor USER ops (checkpoint/member.ts, coordinator.ts). Retired, never reused.
  RETIRED_20             = 20,
  RETIRED_21             = 21,
  RETIRED_22             = 22,
  RETIRED_23             = 23,
  RETIRED_24             = 24,
  BROADCAST              = 25, // member -> leader: {code, payload, except}; relayed to members
  ECHO                   = 26, // diagnostic: the reply is the payload (liveness, benchmarks)
  USER                   = 27, // application message, handed to hooks.onUserMessage
  CODE_BOUND             = 28,
}

/** The readable name of a code, for error messages ("FILE_LOCK_SET"). */
export function codeName(code: number): string {
  return Code[code] ?? `code ${code}`;
}

/** The supervisor process is always the leader, and always this VMID. */
export const LEADER_VMID = 1;
/** VMIDs are unsigned 32-bit on the wire; 0 means "nobody". */
export const MAX_VMID = 0xffff_ffff;

/** Linux errno values returned (negated) to guests. */
// deno-fmt-ignore
export const Errno = {
  EPERM:   1,
  ESRCH:   3,
  EINTR:   4,
  EAGAIN:  11,
  EINVAL:  22,
  EDEADLK: 35,
} as const;

/** Linux signal numbers the IPC layer itself produces. */
export const SIGKILL = 9;
/** Highest real-time signal number on x86-64 Linux. */
export const SIGRTMAX = 64;
