// Error types of the IPC layer.
//
// Owns: the two failures a caller must tell apart from misuse (a link that went away, and a peer
// whose handler failed). Misuse throws the standard TypeError/RangeError; a corrupt frame is a
// RangeError (size, code, header) or SyntaxError (payload); a request that outlived its timeout
// rejects with Deno.errors.TimedOut.

/** A link closed (peer exited, was killed, or broke the protocol) before a request was answered. */
export class LinkClosedError extends Error {
  /** VMID of the peer on the other end (0 if it never said who it was). */
  readonly vmid: number;

  constructor(message: string, vmid: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "LinkClosedError";
    this.vmid = vmid;
  }
}

/** The handler of a request threw on the peer; its error's name and message travel back. */
export class RemoteError extends Error {
  /** VMID of the process whose handler failed. */
  readonly vmid: number;
  /** `name` of the error the remote handler threw (e.g. "TypeError"). */
  readonly remoteName: string;

  constructor(message: string, vmid: number, remoteName: string) {
    super(message);
    this.name = "RemoteError";
    this.vmid = vmid;
    this.remoteName = remoteName;
  }
}

/** Turns anything thrown into an Error, so reports and replies always carry a message. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
