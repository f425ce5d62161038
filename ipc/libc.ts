// The C library through Deno's FFI, for the few calls Deno has no API for: shared memory for the
// bulk lanes (shared_memory.ts), ioctl() on the host terminal (runtime/kernel/host_tty.ts),
// getrusage() for the CPU-time clocks (runtime/kernel/clocks.ts), and Unix sockets that pass
// descriptors (unix_socket.ts: `supervisor serve` hands a client's stdio to warm hosts). Loaded once, on first use;
// libc() is null where it cannot be (no FFI permission, not Linux), and every caller has its
// fallback. memfd_create is optional: null in a C library without it (no lanes then).

const SYMBOLS = {
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  getrusage: { parameters: ["i32", "buffer"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  memfd_create: { parameters: ["buffer", "u32"], result: "i32", optional: true },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  // Unix sockets that pass descriptors (unix_socket.ts), and a warm host taking its stdio.
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  socketpair: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  accept4: { parameters: ["i32", "pointer", "pointer", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  shutdown: { parameters: ["i32", "i32"], result: "i32" },
  /** Waits on a thread of its own (the event loop runs on); errno is that thread's, not ours. */
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  dup2: { parameters: ["i32", "i32"], result: "i32" },
  umask: { parameters: ["u32"], result: "u32" },
  setsid: { parameters: [], result: "i32" },
} as const;

export type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

export const RUSAGE_SELF = 0, RUSAGE_THREAD = 1;
/** sizeof(struct rusage) on x86-64 Linux; ru_utime and ru_stime are its first two timevals. */
export const RUSAGE_SIZE = 144;

let loaded: Libc | null | undefined;

export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (Deno.build.os !== "linux") return loaded;
  try {
    loaded = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch { /* no FFI here */ }
  return loaded;
}

/** errno after a failed call (0 when it cannot be read). */
export function errno(lib: Libc): number {
  const at = lib.__errno_location();
  return at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
}
