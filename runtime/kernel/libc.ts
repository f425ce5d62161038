// The few C library calls the runtime makes through Deno's FFI: ioctl() on the host terminal
// (host_tty.ts) and getrusage() for the CPU-time clocks (clocks.ts). Loaded on first use; where
// the C library cannot be loaded (no FFI permission, not Linux) libc() is null and each caller
// has its fallback.

export interface Libc {
  ioctl(fd: number, request: bigint, arg: Uint8Array): number;
  /** getrusage(2) into a struct rusage (144 bytes); 0 or -1. */
  getrusage(who: number, usage: Uint8Array): number;
  errno(): number;
}

export const RUSAGE_SELF = 0, RUSAGE_THREAD = 1;
/** sizeof(struct rusage) on x86-64 Linux; ru_utime and ru_stime are its first two timevals. */
export const RUSAGE_SIZE = 144;

let loaded: Libc | null | undefined;

export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (Deno.build.os !== "linux") return loaded;
  try {
    const lib = Deno.dlopen("libc.so.6", {
      ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
      getrusage: { parameters: ["i32", "buffer"], result: "i32" },
      __errno_location: { parameters: [], result: "pointer" },
    });
    loaded = {
      ioctl: (fd, request, arg) => lib.symbols.ioctl(fd, request, arg),
      getrusage: (who, usage) => lib.symbols.getrusage(who, usage),
      errno: () => {
        const at = lib.symbols.__errno_location();
        return at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
      },
    };
  } catch { /* no FFI here */ }
  return loaded;
}
