// Memory shared by processes of a job, through the C library (Deno FFI): the bulk lanes of links
// (lane.ts) and the rings of pipes (runtime/kernel/pipe_ring.ts). The creator makes an anonymous
// memory file (memfd_create, close-on-exec) and maps it MAP_SHARED; a peer opens the same file as
// /proc/<creator pid>/fd/<fd> and maps it too. No name ever exists in a file system, so nothing
// is left behind when any process dies, even by SIGKILL: the memory goes with the last mapping.
// A peer maps only a file that is one of ours (its /proc link names a `memfd:supervisor-shared`)
// and is exactly the size announced.
//
// Where FFI, memfd_create or /proc is unavailable (no --allow-ffi, another C library, a hardened
// /proc), or SUPERVISOR_SHARED_MEMORY=0 is in the environment (inherited by the guest hosts),
// create() and open() return null and callers keep to their fallback.
// Invariants: `bytes` is valid until unmap(), which detaches it first, so a view kept past it has
// length 0 and never reaches unmapped memory.

import { type Libc, libc } from "./libc.ts";

const NAME = "supervisor-shared";
const MFD_CLOEXEC = 1;
const PROT_READ_WRITE = 3, MAP_SHARED = 1;
const O_RDWR = 2, O_CLOEXEC = 0o2000000;
const SEEK_END = 2;

const cString = (text: string) => new TextEncoder().encode(`${text}\0`);

/** Shared memory is off when SUPERVISOR_SHARED_MEMORY=0 (read once). */
export const SHARED_MEMORY_ENV = "SUPERVISOR_SHARED_MEMORY";
let disabled: boolean | undefined;
function sharingDisabled(): boolean {
  if (disabled === undefined) {
    try {
      disabled = Deno.env.get(SHARED_MEMORY_ENV) === "0";
    } catch {
      disabled = false; // no permission to read the environment: the default
    }
  }
  return disabled;
}

/** What the peer needs to map a region: the creator's host pid, its descriptor, the size. */
export interface SharedMemoryHandle {
  pid: number;
  fd: number;
  size: number;
}

/** One mapping of a shared region. */
export class SharedMemory {
  readonly size: number;
  /** The mapped bytes (detached, length 0, once unmapped). */
  readonly bytes: ArrayBuffer;
  readonly #lib: Libc;
  #pointer: Deno.PointerObject | null;
  /** The creator's descriptor of the file, kept until the peer has opened it (-1: closed). */
  #fd: number;

  private constructor(lib: Libc, pointer: Deno.PointerObject, size: number, fd: number) {
    this.#lib = lib;
    this.#pointer = pointer;
    this.size = size;
    this.#fd = fd;
    this.bytes = Deno.UnsafePointerView.getArrayBuffer(pointer, size);
  }

  /** A new zero-filled region of `size` bytes, or null when shared memory is unavailable here. */
  static create(size: number): SharedMemory | null {
    if (!Number.isInteger(size) || size <= 0) {
      throw new RangeError(`Shared memory size must be a positive integer, got ${size}`);
    }
    const lib = sharingDisabled() ? null : libc();
    if (lib === null || lib.memfd_create === null) return null;
    const fd = lib.memfd_create(cString(NAME), MFD_CLOEXEC);
    if (fd < 0) return null;
    const pointer = lib.ftruncate(fd, BigInt(size)) === 0 ? map(lib, fd, size) : null;
    if (pointer === null) {
      lib.close(fd);
      return null;
    }
    return new SharedMemory(lib, pointer, size, fd);
  }

  /** Maps a region another process created, or returns null if it is not one (or cannot be). */
  static open(handle: SharedMemoryHandle): SharedMemory | null {
    const { pid, fd, size } = handle;
    if (![pid, fd, size].every((n) => Number.isInteger(n) && n > 0)) return null;
    const lib = sharingDisabled() ? null : libc();
    if (lib === null) return null;
    const path = `/proc/${pid}/fd/${fd}`;
    try {
      if (!Deno.readLinkSync(path).startsWith(`/memfd:${NAME} `)) return null;
    } catch {
      return null; // gone, not ours to see, or no read permission
    }
    const own = lib.open(cString(path), O_RDWR | O_CLOEXEC);
    if (own < 0) return null;
    try {
      if (lib.lseek(own, 0n, SEEK_END) !== BigInt(size)) return null;
      const pointer = map(lib, own, size);
      return pointer === null ? null : new SharedMemory(lib, pointer, size, -1);
    } finally {
      lib.close(own); // the mapping keeps the file
    }
  }

  /** The creator's handle for the peer (valid until closeFile()). */
  get handle(): SharedMemoryHandle {
    return { pid: Deno.pid, fd: this.#fd, size: this.size };
  }

  get mapped(): boolean {
    return this.#pointer !== null;
  }

  /** Closes the creator's descriptor: the peer has mapped the region, or never will. */
  closeFile(): void {
    if (this.#fd < 0) return;
    this.#lib.close(this.#fd);
    this.#fd = -1;
  }

  /** Detaches `bytes` and unmaps the region (once); closes the descriptor if still open. */
  unmap(): void {
    this.closeFile();
    if (this.#pointer === null) return;
    this.bytes.transfer(0); // every view of it now has length 0
    this.#lib.munmap(this.#pointer, BigInt(this.size));
    this.#pointer = null;
  }
}

function map(lib: Libc, fd: number, size: number): Deno.PointerObject | null {
  const pointer = lib.mmap(null, BigInt(size), PROT_READ_WRITE, MAP_SHARED, fd, 0n);
  // MAP_FAILED is (void *)-1.
  if (pointer === null || Deno.UnsafePointer.value(pointer) === 0xffffffffffffffffn) return null;
  return pointer;
}
