// --strace: one line per syscall on stderr, in strace's format: name(args) = result, with errno
// names for failures. Unimplemented calls are reported once each.

import type { SyscallRow } from "../syscalls/table.ts";
import { ERRNO_NAMES } from "./errno.ts";
import type { Process } from "./process.ts";

export class Strace {
  private pending = "";
  private reported = new Set<number>();
  private readonly write: (line: string) => void;

  constructor(write?: (line: string) => void) {
    const enc = new TextEncoder();
    this.write = write ?? ((line) => Deno.stderr.writeSync(enc.encode(line + "\n")));
  }

  enter(p: Process, row: SyscallRow): void {
    const regs = [7, 6, 2, 10, 8, 9];
    const formats = (row.args ?? "").split(",").filter((f) => f !== "");
    const shown = formats.map((f, n) =>
      this.formatArg(p, f, p.cpu.regU(regs[n]), p.cpu.lo[regs[n]])
    );
    this.pending = `${row.name}(${shown.join(", ")})`;
    if (!row.implemented && !this.reported.has(row.nr)) {
      this.reported.add(row.nr);
      this.write(`supervisor: syscall ${row.name} (${row.nr}) is not implemented: ENOSYS`);
    }
  }

  leave(_p: Process, _name: string, result: number | undefined): void {
    if (result === undefined) {
      this.write(`${this.pending} = ?`);
      return;
    }
    if (result < 0 && result >= -4095) {
      const [name, text] = ERRNO_NAMES[-result] ?? [`E${-result}`, "Unknown error"];
      this.write(`${this.pending} = -1 ${name} (${text})`);
    } else {
      const hex = result > 0xffff && /^(mmap|brk|mremap)/.test(this.pending);
      this.write(`${this.pending} = ${hex ? "0x" + result.toString(16) : result}`);
    }
  }

  unknown(_p: Process, nr: number): void {
    this.write(`syscall_${nr}(...) = -1 ENOSYS (Function not implemented)`);
  }

  /** Prints a line for an event that is not a syscall (signals, exits). */
  event(line: string): void {
    this.write(line);
  }

  private formatArg(p: Process, f: string, value: number, low: number): string {
    switch (f[0]) {
      case "d":
        return String(low);
      case "u":
        return String(low >>> 0);
      case "l":
        return String(value >= 2 ** 63 ? value - 2 ** 64 : value);
      case "f":
        return low === -100 ? "AT_FDCWD" : String(low);
      case "m":
        return "0" + (low >>> 0).toString(8);
      case "s":
        return this.quoted(p, value, 4096);
      case "b":
        return this.quoted(p, value, 32);
      case "-":
        return "...";
      case "p":
        return value === 0 ? "NULL" : "0x" + value.toString(16);
      default:
        return "0x" + value.toString(16);
    }
  }

  private quoted(p: Process, addr: number, max: number): string {
    if (addr === 0) return "NULL";
    try {
      const bytes = p.mem.readCString(addr, max + 1);
      return JSON.stringify(new TextDecoder().decode(bytes.subarray(0, max))) +
        (bytes.length > max ? "..." : "");
    } catch {
      return "0x" + addr.toString(16);
    }
  }
}
