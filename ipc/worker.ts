// The IPC worker loop of one process (leader or guest): links by VMID, HELLO, dispatch through the
// one handler table, replies (requests.ts matches them), broadcast, lazy connection.
//
// Owns: this process's links and its requests in flight. Invariants:
// - a link carries nothing but HELLO until the peer presented the run's secret; after that every
//   frame must name the VMID the peer said HELLO with, or the link is closed as broken;
// - everything sent to a peer goes over its first link until that closes, so per-peer order holds;
// - a reply travels back on the link its request came on, so only that peer can complete it;
// - when a link closes, every request in flight on it fails at once with LinkClosedError;
// - socket paths come only from validated numeric VMIDs (socketPath), inside the runtime dir;
// - a link we dial offers a bulk lane in our HELLO (lane.ts), which the side that accepted the
//   connection maps when it checks that HELLO; a lane lives and dies with its link.
// Single-threaded: all state is touched only from this process's event loop.
import { Code, codeName, MAX_VMID } from "./codes.ts";
import { asError, LinkClosedError } from "./errors.ts";
import { RequestTable } from "./requests.ts";
import { encodePayload, type Frame, frameBytes } from "./frame.ts";
import { handlerTable } from "./handlers.ts";
import { checkHello, socketPath } from "./auth.ts";
import { expectInt } from "./payload.ts";
import { Link, type LinkEvents, unixChannel } from "./transport.ts";
import { Lane } from "./lane.ts";
import type { LeaderServices } from "./leader.ts";
import type { ChildExit, ChildRecord } from "./child.ts";
import type { PidKill } from "./signals.ts";
import type { MetaKind, ProcessMeta } from "./process_info.ts";
import type { SyncClient } from "./sync.ts";

/** A handler from the table: returns the reply (or a promise of it); throwing sends an error. */
export type Handler = (worker: IpcWorker, payload: unknown, source: number, link: Link) => unknown;

/** What the embedding program (the guest runtime, the supervisor, a test) plugs in. */
export interface ProcessHooks {
  onUserMessage?(payload: unknown, source: number): unknown;
  /** A signal for a thread, process, group or everyone; returns 0 if delivered, else -ESRCH. */
  onKill?(request: PidKill): number;
  getProcessMeta?(pid: number, kind: MetaKind): ProcessMeta | null;
  onChildExit?(exit: ChildExit): void;
  onParentLost?(error: Error | null): void;
  onPeerLost?(vmid: number): void;
  /** A link broke (corrupt frame, wrong secret, failed write) or a handler of a one-way message threw. */
  onError?(error: Error, vmid: number): void;
}

export interface WorkerOptions {
  vmid: number;
  leaderVmid: number;
  parentVmid?: number;
  /** This process's guest pid (0 if it has none yet). */
  pid?: number;
  runtimeDir: string;
  secret: string;
  hooks?: ProcessHooks;
  maxPayload?: number;
  /** How long a new link may stay silent before its HELLO (default 10 s). */
  helloTimeoutMs?: number;
  /** Offer and accept shared-memory bulk lanes on Unix-socket links (default true). */
  lanes?: boolean;
}

export interface RequestOptions {
  /** Reject with Deno.errors.TimedOut after this long (default: wait until answered or closed). */
  timeoutMs?: number;
  /** Send on this link instead of the peer's preferred one (e.g. the parent pipe). */
  via?: Link;
}

export class IpcWorker implements LinkEvents {
  readonly vmid: number;
  readonly leaderVmid: number;
  parentVmid: number;
  pid: number;
  readonly runtimeDir: string;
  readonly maxPayload: number | undefined;
  hooks: ProcessHooks;
  /** Present only in the leader: the state behind the leader services. */
  leader: LeaderServices | null = null;
  /** Children spawned by this process, by VMID (child.ts). */
  readonly children = new Map<number, ChildRecord>();
  /** This process's pipe link to its parent, if it was spawned with one (child.ts). */
  parentLink: Link | null = null;
  /** Client end of the sync handles this process uses (sync.ts creates it on first use). */
  syncClient: SyncClient | null = null;

  readonly #secret: string;
  readonly #helloTimeoutMs: number;
  readonly #lanes: boolean;
  readonly #links = new Map<number, Link[]>();
  readonly #allLinks = new Set<Link>();
  readonly #requests = new RequestTable();
  readonly #connecting = new Map<number, Promise<Link>>();
  readonly #helloTimers = new Map<Link, ReturnType<typeof setTimeout>>();
  #listener: Deno.Listener | null = null;
  #acceptLoop: Promise<void> | null = null;
  #closed = false;

  constructor(options: WorkerOptions) {
    this.vmid = expectInt(options.vmid, "vmid", 1, MAX_VMID);
    this.leaderVmid = expectInt(options.leaderVmid, "leaderVmid", 1, MAX_VMID);
    this.parentVmid = options.parentVmid ?? 0;
    this.pid = options.pid ?? 0;
    this.runtimeDir = options.runtimeDir;
    this.#secret = options.secret;
    this.hooks = options.hooks ?? {};
    this.maxPayload = options.maxPayload;
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 10_000;
    this.#lanes = options.lanes ?? true;
  }

  get isLeader(): boolean {
    return this.vmid === this.leaderVmid;
  }

  /** The run secret, for handing to a child over its private pipe (child.ts). */
  get secret(): string {
    return this.#secret;
  }

  /** VMIDs this process has an authenticated link to (for the leader: every member). */
  peers(): number[] {
    return [...this.#links.keys()];
  }

  /** Starts accepting peers on this process's socket (mode 0600, in the 0700 runtime dir). */
  async listen(): Promise<void> {
    const path = socketPath(this.runtimeDir, this.vmid);
    this.#listener = Deno.listen({ transport: "unix", path });
    await Deno.chmod(path, 0o600);
    this.#acceptLoop = this.#accept(this.#listener);
  }

  /** The link messages to `vmid` go on, if there is one. */
  linkTo(vmid: number): Link | undefined {
    return this.#links.get(vmid)?.[0];
  }

  /** The link to `vmid`, dialling its socket on first use (Gramine's connect_to_process). */
  connectToProcess(vmid: number): Promise<Link> {
    const existing = this.#links.get(vmid);
    if (existing !== undefined) return Promise.resolve(existing[0]);
    if (vmid === this.vmid) {
      return Promise.reject(new RangeError("A process cannot connect to itself"));
    }
    let connecting = this.#connecting.get(vmid);
    if (connecting === undefined) {
      connecting = this.#dial(vmid).finally(() => this.#connecting.delete(vmid));
      this.#connecting.set(vmid, connecting);
    }
    return connecting;
  }

  /** Sends a request and resolves with the reply payload. */
  request(
    dest: number,
    code: Code,
    payload: unknown,
    options: RequestOptions = {},
  ): Promise<unknown> {
    const link = options.via ?? this.#links.get(dest)?.[0];
    if (link !== undefined) {
      return this.#requests.issue(link, code, this.vmid, payload, options.timeoutMs);
    }
    return this.connectToProcess(dest).then((dialled) =>
      this.#requests.issue(dialled, code, this.vmid, payload, options.timeoutMs)
    );
  }

  /** Sends a one-way message; resolves when the link has room again (back-pressure). */
  async send(
    dest: number,
    code: Code,
    payload: unknown,
    options: { via?: Link } = {},
  ): Promise<void> {
    const link = options.via ?? this.#links.get(dest)?.[0] ?? await this.connectToProcess(dest);
    link.sendFrame(0, code, this.vmid, payload);
    if (link.queuedBytes > 0) await link.drain();
  }

  /**
   * Sends a one-way message to every member except `exceptVmid`. The leader fans out itself; a
   * guest asks the leader to (one authoritative member list). Resolves once fanned out.
   */
  async broadcast(code: Code, payload: unknown, exceptVmid = this.vmid): Promise<number> {
    if (!this.isLeader) {
      const count = await this.request(this.leaderVmid, Code.BROADCAST, {
        code,
        payload,
        except: exceptVmid,
      });
      return expectInt(count, "BROADCAST reply");
    }
    const bytes = frameBytes(0, code, this.vmid, encodePayload(payload), this.maxPayload);
    let count = 0;
    for (const [vmid, links] of this.#links) {
      if (vmid === exceptVmid || vmid === this.vmid) continue;
      links[0].write(bytes, code);
      count++;
    }
    return count;
  }

  /**
   * Attaches a link whose channel is open: sends our HELLO (plus `extra`) and starts reading. An
   * unauthenticated link is closed if the peer's HELLO does not come within `helloTimeoutMs`.
   */
  attach(
    link: Link,
    extra: Record<string, unknown> = {},
    helloTimeoutMs = this.#helloTimeoutMs,
  ): void {
    link.events = this;
    this.#allLinks.add(link);
    link.sendFrame(0, Code.HELLO, this.vmid, {
      secret: this.#secret,
      vmid: this.vmid,
      pid: this.pid,
      parent: this.parentVmid,
      ...extra,
    });
    if (link.authenticated) {
      this.#register(link);
    } else {
      this.#helloTimers.set(
        link,
        setTimeout(() => {
          const message = `Peer did not say HELLO within ${helloTimeoutMs} ms`;
          link.close(new LinkClosedError(message, link.peerVmid));
        }, helloTimeoutMs),
      );
    }
    link.start();
  }

  /** Reports an error that has no caller to reject (broken link, failed one-way handler). */
  report(error: Error, vmid: number): void {
    if (this.hooks.onError) this.hooks.onError(error, vmid);
    else console.error(`supervisor: ipc: process ${this.vmid}: ${error.message}`);
  }

  /** Closes the socket, every link and every request; resolves when all loops have ended. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listener?.close();
    await this.#acceptLoop;
    const links = [...this.#allLinks];
    for (const link of links) link.close();
    await Promise.all(links.map((link) => link.done));
    if (this.#listener !== null) {
      await Deno.remove(socketPath(this.runtimeDir, this.vmid)).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }

  onFrame(link: Link, frame: Frame): void {
    if (!link.authenticated) return this.#hello(link, frame);
    if (frame.vmid !== link.peerVmid) {
      return link.close(
        new RangeError(
          `Process ${link.peerVmid} sent a frame claiming to be from process ${frame.vmid}`,
        ),
      );
    }
    if (frame.code === Code.RESPONSE || frame.code === Code.RESPONSE_ERROR) {
      return this.#requests.settle(link, frame);
    }
    const handler = handlerTable[frame.code as Exclude<Code, Code.CODE_BOUND>]; // frame.ts checked it
    if (handler === null) {
      return link.close(
        new RangeError(`Process ${link.peerVmid} sent ${codeName(frame.code)} mid-link`),
      );
    }
    let result: unknown;
    try {
      result = handler(this, frame.payload, link.peerVmid, link);
    } catch (error) {
      return this.#replyError(link, frame, asError(error));
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.#reply(link, frame, value),
        (error) => this.#replyError(link, frame, asError(error)),
      );
    } else {
      this.#reply(link, frame, result);
    }
  }

  onClose(link: Link, error: Error | null): void {
    this.#allLinks.delete(link);
    clearTimeout(this.#helloTimers.get(link));
    this.#helloTimers.delete(link);
    const vmid = link.peerVmid;
    this.#requests.failLink(link, error);
    if (error !== null && !this.#closed) this.report(error, vmid);
    const registered = this.#links.get(vmid);
    if (registered === undefined || !registered.includes(link)) return;
    const links = registered.filter((other) => other !== link);
    if (links.length > 0) this.#links.set(vmid, links);
    else this.#links.delete(vmid);
    if (!link.authenticated) return;
    if (this.#closed) return;
    const child = this.children.get(vmid);
    if (child !== undefined && child.link === link) child.onLinkClosed();
    if (link === this.parentLink) this.hooks.onParentLost?.(error);
    if (links.length === 0) {
      this.leader?.onMemberLost(vmid);
      this.hooks.onPeerLost?.(vmid);
    }
  }

  #reply(link: Link, frame: Frame, value: unknown): void {
    if (frame.seq === 0 || link.closed) return;
    try {
      link.sendFrame(frame.seq, Code.RESPONSE, this.vmid, value ?? null);
    } catch (error) {
      this.#replyError(link, frame, asError(error));
    }
  }

  #replyError(link: Link, frame: Frame, error: Error): void {
    if (frame.seq === 0) return this.report(error, link.peerVmid);
    if (link.closed) return;
    link.sendFrame(frame.seq, Code.RESPONSE_ERROR, this.vmid, {
      name: error.name,
      message: error.message,
    });
  }

  #hello(link: Link, frame: Frame): void {
    try {
      const hello = checkHello(frame, this.#secret, this.vmid, link.expectedVmid);
      link.peerVmid = frame.vmid;
      link.authenticated = true;
      clearTimeout(this.#helloTimers.get(link));
      this.#helloTimers.delete(link);
      this.#register(link);
      if (this.#lanes && link.lane === null && hello.lane !== undefined) {
        const lane = Lane.accept(hello.lane); // null: the frames go inline, as without one
        if (lane !== null) link.attachLane(lane);
      }
      this.leader?.onHello(frame.vmid, hello);
    } catch (error) {
      link.close(asError(error));
    }
  }

  #register(link: Link): void {
    const links = this.#links.get(link.peerVmid) ?? [];
    if (links.includes(link)) return;
    // The first link to a peer carries everything we send it until it closes, so messages to one
    // peer stay in order; later links (a pipe beside a socket, two dials that crossed) only
    // bring frames in.
    links.push(link);
    this.#links.set(link.peerVmid, links);
  }

  async #dial(vmid: number): Promise<Link> {
    const path = socketPath(this.runtimeDir, vmid);
    let conn: Deno.Conn;
    try {
      conn = await Deno.connect({ transport: "unix", path });
    } catch (error) {
      throw new LinkClosedError(
        `Cannot connect to process ${vmid}: ${asError(error).message}`,
        vmid,
        {
          cause: error,
        },
      );
    }
    if (this.#closed) {
      conn.close();
      throw new LinkClosedError(`Process ${this.vmid} is closing`, vmid);
    }
    const link = new Link(unixChannel(conn), this, { maxPayload: this.maxPayload });
    link.expectedVmid = vmid;
    link.peerVmid = vmid;
    const lane = this.#lanes ? Lane.offer() : null;
    if (lane !== null) link.attachLane(lane);
    this.attach(link, lane === null ? {} : { lane: lane.offer });
    // Usable at once (requests queue behind our HELLO); the peer's HELLO is checked on arrival,
    // and if it fails the link closes and those requests fail. If the peer dialled us meanwhile,
    // its link came first and stays the one we send on.
    this.#register(link);
    return this.#links.get(vmid)![0];
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    try {
      for await (const conn of listener) {
        this.attach(new Link(unixChannel(conn), this, { maxPayload: this.maxPayload }));
      }
    } catch (error) {
      if (!this.#closed) this.report(asError(error), 0);
    }
  }
}
