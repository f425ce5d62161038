// Unix sockets through the C library (Deno FFI), for what Deno's own sockets cannot do: pass
// open descriptors (SCM_RIGHTS). `supervisor serve` (runtime/host/serve.ts) takes a restoring
// client's stdin, stdout and stderr this way and hands them to warm guest hosts.
//
// Packets are SOCK_SEQPACKET: connected, reliable, and each send is one message with its own
// boundaries, so a message never needs framing. Descriptors are non-blocking and close-on-exec
// (received ones too). Waiting is poll() on a thread of Deno's (FFI `nonblocking`); the receive
// itself then runs on the event loop's thread, where errno can be read. A message larger than
// the receiver allows, or one whose descriptors did not all arrive, is an error: the descriptors
// that did arrive are closed, never leaked.

import { errno, type Libc, libc } from "./libc.ts";

const AF_UNIX = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5;
const SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1, SCM_RIGHTS = 1;
const MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
const MSG_TRUNC = 0x20, MSG_CTRUNC = 0x8;
const POLLIN = 1;
const EINTR = 4, EAGAIN = 11, ENOENT = 2, ECONNREFUSED = 111, EADDRINUSE = 98;
const SHUT_RDWR = 2;
const SUN_PATH_MAX = 107;
/** Descriptors one message may carry. */
export const MAX_FDS = 8;

/** A received message: its bytes and the descriptors that came with it (now ours to close). */
export interface Packet {
  data: Uint8Array;
  fds: number[];
}

export class UnixSocketError extends Error {
  constructor(message: string, readonly errno = 0) {
    super(message);
    this.name = "UnixSocketError";
  }
}

function lib(): Libc {
  const l = libc();
  if (l === null) throw new UnixSocketError("Unix sockets with descriptors need FFI (--allow-ffi)");
  return l;
}

/** struct sockaddr_un for `path` (an abstract name when it starts with '@'). */
function address(path: string): { addr: Uint8Array; length: number } {
  const name = new TextEncoder().encode(path);
  if (name.length > SUN_PATH_MAX) throw new UnixSocketError(`${path}: socket path too long`);
  const addr = new Uint8Array(110);
  addr[0] = AF_UNIX;
  addr.set(name, 2);
  if (path.startsWith("@")) addr[2] = 0;
  return { addr, length: 2 + name.length + (path.startsWith("@") ? 0 : 1) };
}

const pointer = (buf: Uint8Array) => BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));

/** struct msghdr (56 bytes) over one iovec and a control buffer; the buffers must outlive it. */
function msghdr(iov: Uint8Array, data: Uint8Array, control: Uint8Array | null): Uint8Array {
  const iovView = new DataView(iov.buffer, iov.byteOffset, iov.byteLength);
  iovView.setBigUint64(0, data.length ? pointer(data) : 0n, true);
  iovView.setBigUint64(8, BigInt(data.length), true);
  const msg = new Uint8Array(56);
  const v = new DataView(msg.buffer);
  v.setBigUint64(16, pointer(iov), true);
  v.setBigUint64(24, 1n, true);
  if (control) {
    v.setBigUint64(32, pointer(control), true);
    v.setBigUint64(40, BigInt(control.length), true);
  }
  return msg;
}

/** One connected SOCK_SEQPACKET socket (or a connected datagram socket, for sd_notify). */
export class UnixPacketSocket {
  #fd: number;
  #waiting: Promise<number> | null = null;

  constructor(fd: number) {
    this.#fd = fd;
  }

  get fd(): number {
    return this.#fd;
  }

  /** Connects to `path`; NotFound or ConnectionRefused (a stale socket) when nobody listens. */
  static connect(path: string, datagram = false): UnixPacketSocket {
    const l = lib();
    const type = datagram ? SOCK_DGRAM : SOCK_SEQPACKET;
    const fd = l.socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new UnixSocketError(`socket: errno ${errno(l)}`, errno(l));
    const { addr, length } = address(path);
    if (l.connect(fd, addr, length) !== 0) {
      const e = errno(l);
      l.close(fd);
      if (e === ENOENT) throw new Deno.errors.NotFound(`${path}: no such socket`);
      if (e === ECONNREFUSED) throw new Deno.errors.ConnectionRefused(`${path}: nobody listens`);
      throw new UnixSocketError(`${path}: connect: errno ${e}`, e);
    }
    return new UnixPacketSocket(fd);
  }

  /** Two connected sockets (tests, and anything that wants a private channel). */
  static pair(): [UnixPacketSocket, UnixPacketSocket] {
    const l = lib();
    const fds = new Int32Array(2);
    const type = SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC;
    if (l.socketpair(AF_UNIX, type, 0, new Uint8Array(fds.buffer)) !== 0) {
      throw new UnixSocketError(`socketpair: errno ${errno(l)}`, errno(l));
    }
    return [new UnixPacketSocket(fds[0]), new UnixPacketSocket(fds[1])];
  }

  /** Sends one message, with `fds` (still the caller's to close) passed along. */
  send(data: Uint8Array, fds: number[] = []): void {
    if (this.#fd < 0) throw new UnixSocketError("send on a closed socket");
    if (fds.length > MAX_FDS) throw new UnixSocketError(`At most ${MAX_FDS} descriptors`);
    const l = lib();
    let control: Uint8Array | null = null;
    if (fds.length) {
      control = new Uint8Array(16 + 8 * Math.ceil(fds.length / 2));
      const v = new DataView(control.buffer);
      v.setBigUint64(0, BigInt(16 + 4 * fds.length), true);
      v.setInt32(8, SOL_SOCKET, true);
      v.setInt32(12, SCM_RIGHTS, true);
      fds.forEach((fd, i) => v.setInt32(16 + 4 * i, fd, true));
    }
    const iov = new Uint8Array(16);
    const msg = msghdr(iov, data, control);
    for (;;) {
      const n = Number(l.sendmsg(this.#fd, msg, MSG_NOSIGNAL | MSG_DONTWAIT));
      if (n === data.length) return;
      const e = errno(l);
      if (n < 0 && e === EINTR) continue;
      throw new UnixSocketError(`sendmsg: ${n < 0 ? `errno ${e}` : "short send"}`, e);
    }
  }

  /** Resolves once a message, a connection or the peer's close is waiting. */
  readable(): Promise<number> {
    const fd = this.#fd;
    this.#waiting ??= (async () => {
      const pfd = new Uint8Array(8);
      new DataView(pfd.buffer).setInt32(0, fd, true);
      new DataView(pfd.buffer).setInt16(4, POLLIN, true);
      for (;;) {
        const n = await lib().poll(pfd, 1n, -1);
        if (n > 0) return n;
        if (this.#fd < 0) return 0; // closed while waiting
      }
    })().finally(() => this.#waiting = null);
    return this.#waiting;
  }

  /**
   * The next message, or null once the peer has closed (or this socket was shut down). At most
   * `max` bytes; a longer message is an error.
   */
  async receive(max = 65536): Promise<Packet | null> {
    const l = lib();
    for (;;) {
      if (this.#fd < 0) return null;
      const data = new Uint8Array(max + 1);
      const control = new Uint8Array(16 + 4 * MAX_FDS);
      const iov = new Uint8Array(16);
      const msg = msghdr(iov, data, control);
      const n = Number(l.recvmsg(this.#fd, msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
      if (n < 0) {
        const e = errno(l);
        if (e === EAGAIN || e === EINTR) {
          await this.readable();
          continue;
        }
        throw new UnixSocketError(`recvmsg: errno ${e}`, e);
      }
      const fds = receivedFds(new DataView(msg.buffer), control);
      const flags = new DataView(msg.buffer).getInt32(48, true);
      if (n > max || (flags & (MSG_TRUNC | MSG_CTRUNC))) {
        for (const fd of fds) l.close(fd);
        throw new UnixSocketError(
          n > max ? `A message over ${max} bytes` : "A message's descriptors were cut off",
        );
      }
      if (n === 0 && fds.length === 0) return null; // the peer closed
      return { data: data.slice(0, n), fds };
    }
  }

  /** Wakes a pending receive (it returns null), without giving up the descriptor. */
  shutdown(): void {
    if (this.#fd >= 0) lib().shutdown(this.#fd, SHUT_RDWR);
  }

  close(): void {
    if (this.#fd < 0) return;
    const l = lib();
    l.shutdown(this.#fd, SHUT_RDWR); // a pending poll returns
    l.close(this.#fd);
    this.#fd = -1;
  }
}

/** The descriptors of an SCM_RIGHTS control message. */
function receivedFds(msg: DataView, control: Uint8Array): number[] {
  const length = Number(msg.getBigUint64(40, true));
  const v = new DataView(control.buffer);
  const fds: number[] = [];
  let at = 0;
  while (at + 16 <= length) {
    const cmsgLen = Number(v.getBigUint64(at, true));
    if (cmsgLen < 16) break;
    if (v.getInt32(at + 8, true) === SOL_SOCKET && v.getInt32(at + 12, true) === SCM_RIGHTS) {
      for (let p = at + 16; p + 4 <= at + cmsgLen; p += 4) fds.push(v.getInt32(p, true));
    }
    at += (cmsgLen + 7) & ~7;
  }
  return fds;
}

/** A listening SOCK_SEQPACKET socket at a path (created 0600 under the caller's umask rules). */
export class UnixPacketListener {
  readonly #socket: UnixPacketSocket;

  private constructor(fd: number, readonly path: string) {
    this.#socket = new UnixPacketSocket(fd);
  }

  /** Listens at `path`; AddrInUse when something is there already (the caller decides). */
  static listen(path: string): UnixPacketListener {
    const l = lib();
    const fd = l.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new UnixSocketError(`socket: errno ${errno(l)}`, errno(l));
    const { addr, length } = address(path);
    const old = l.umask(0o177);
    const bound = l.bind(fd, addr, length);
    const e = errno(l);
    l.umask(old);
    if (bound !== 0 || l.listen(fd, 64) !== 0) {
      const err = bound !== 0 ? e : errno(l);
      l.close(fd);
      if (err === EADDRINUSE) throw new Deno.errors.AddrInUse(`${path}: in use`);
      throw new UnixSocketError(`${path}: bind/listen: errno ${err}`, err);
    }
    return new UnixPacketListener(fd, path);
  }

  /** The next connection, or null once the listener is closed. */
  async accept(): Promise<UnixPacketSocket | null> {
    const l = lib();
    for (;;) {
      const fd = this.#socket.fd;
      if (fd < 0) return null;
      const conn = l.accept4(fd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (conn >= 0) return new UnixPacketSocket(conn);
      const e = errno(l);
      if (e !== EAGAIN && e !== EINTR) {
        if (this.#socket.fd < 0) return null;
        throw new UnixSocketError(`${this.path}: accept: errno ${e}`, e);
      }
      await this.#socket.readable();
    }
  }

  close(): void {
    this.#socket.close();
  }
}
