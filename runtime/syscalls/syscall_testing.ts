// Test helpers: a process with a scratch memory area, and calling syscalls by name with plain
// arguments, the way the guest would (registers in, rax out). For *_test.ts files only.

import { Process, type ProcessOptions } from "../kernel/process.ts";
import { PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import { SYSCALL_NAMES } from "./numbers.ts";

/** Start of the scratch area every test process has mapped read-write (1 MiB). */
export const SCRATCH = 0x10000000;
const SCRATCH_SIZE = 1 << 20;
const ARG_REGS = [7, 6, 2, 10, 8, 9];
const NUMBERS = new Map(Object.entries(SYSCALL_NAMES).map(([n, name]) => [name, Number(n)]));

export class TestProcess {
  readonly p: Process;
  /** Next free scratch address for strings and buffers. */
  private next = SCRATCH;

  constructor(options: ProcessOptions & { cwd?: string } = {}) {
    this.p = new Process(options);
    this.p.fs.cwd = options.cwd ?? "/";
    this.p.mem.map(SCRATCH, SCRATCH_SIZE, PROT_READ | PROT_WRITE);
  }

  /** Scratch space of `n` bytes (8-aligned), zeroed. */
  alloc(n: number): number {
    const at = this.next;
    this.next += (n + 7) & ~7;
    this.p.mem.write(at, new Uint8Array(n));
    return at;
  }

  /** A NUL-terminated string in scratch memory. */
  str(s: string): number {
    const bytes = new TextEncoder().encode(s + "\0");
    const at = this.alloc(bytes.length);
    this.p.mem.write(at, bytes);
    return at;
  }

  /** Calls syscall `name`; strings become pointers to copies in scratch memory. */
  async call(name: string, ...args: (number | string)[]): Promise<number> {
    const nr = NUMBERS.get(name);
    if (nr === undefined) throw new RangeError(`Unknown syscall '${name}'`);
    const cpu = this.p.cpu;
    args.forEach((arg, k) => {
      cpu.setReg(ARG_REGS[k], typeof arg === "string" ? this.str(arg) : arg);
    });
    for (let k = args.length; k < 6; k++) cpu.setReg(ARG_REGS[k], 0);
    cpu.setReg(0, nr);
    const r = this.p.syscall();
    if (r) await r;
    return cpu.reg(0);
  }

  bytes(addr: number, n: number): Uint8Array {
    return this.p.mem.read(addr, n);
  }

  text(addr: number, n: number): string {
    return new TextDecoder().decode(this.p.mem.read(addr, n));
  }

  /** Closes every descriptor. */
  close(): void {
    this.p.fds.closeAll(this.p);
  }
}
