// Requests in flight, matched to their replies by sequence number.
//
// Owns: one process's outstanding requests. Invariants: each request gets a sequence number not
// in use (1..2^32-1, wrapping; 0 is "one-way"); a reply settles a request only if it arrives on
// the link the request left on; a request settles exactly once: by its reply, by its timeout
// (Deno.errors.TimedOut), or by its link closing (LinkClosedError); a late reply is dropped. Each
// link counts its requests not settled yet (Link.unanswered).
import { Code, codeName } from "./codes.ts";
import { LinkClosedError, RemoteError } from "./errors.ts";
import type { Frame } from "./frame.ts";
import type { Link } from "./transport.ts";

interface Pending {
  link: Link;
  code: Code;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class RequestTable {
  readonly #pending = new Map<number, Pending>();
  #seq = 0;

  /** Number of requests waiting for a reply. */
  get size(): number {
    return this.#pending.size;
  }

  /** Sends a request from `vmid` on `link`; resolves with the reply payload. */
  issue(
    link: Link,
    code: Code,
    vmid: number,
    payload: unknown,
    timeoutMs?: number,
  ): Promise<unknown> {
    let seq = this.#seq;
    do seq = seq === 0xffff_ffff ? 1 : seq + 1; while (this.#pending.has(seq));
    this.#seq = seq;
    return new Promise((resolve, reject) => {
      link.sendFrame(seq, code, vmid, payload);
      const pending: Pending = { link, code, resolve, reject, timer: undefined };
      link.unanswered++;
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(seq);
          link.unanswered--;
          reject(
            new Deno.errors.TimedOut(
              `Process ${link.peerVmid} did not answer ${codeName(code)} within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
      }
      this.#pending.set(seq, pending);
    });
  }

  /** A RESPONSE or RESPONSE_ERROR frame arrived on `link`. */
  settle(link: Link, frame: Frame): void {
    const pending = this.#pending.get(frame.seq);
    // A reply after its request timed out (or forged for another link) has nobody to wake.
    if (pending === undefined || pending.link !== link) return;
    this.#pending.delete(frame.seq);
    link.unanswered--;
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (frame.code === Code.RESPONSE) return pending.resolve(frame.payload);
    const remote = frame.payload as { name?: unknown; message?: unknown } | null;
    const message = typeof remote?.message === "string" ? remote.message : "unknown error";
    const name = typeof remote?.name === "string" ? remote.name : "Error";
    pending.reject(
      new RemoteError(
        `Process ${link.peerVmid} failed ${codeName(pending.code)}: ${message}`,
        link.peerVmid,
        name,
      ),
    );
  }

  /** `link` closed: every request waiting on it fails now. */
  failLink(link: Link, error: Error | null): void {
    const vmid = link.peerVmid;
    const why = error === null ? "" : `: ${error.message}`;
    for (const [seq, pending] of this.#pending) {
      if (pending.link !== link) continue;
      this.#pending.delete(seq);
      link.unanswered--;
      clearTimeout(pending.timer);
      pending.reject(
        new LinkClosedError(
          `Process ${vmid} went away before answering ${
            codeName(pending.code)
          } (request ${seq})${why}`,
          vmid,
          { cause: error },
        ),
      );
    }
  }
}
