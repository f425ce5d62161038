// --strace: one line per syscall on stderr, in strace's format: name(args) = result, with errno
// names for failures. Unimplemented calls are reported once each. Argument formats are listed
// in runtime/syscalls/table.ts; besides those, "M" is a mode shown only when the open flags
// before it create a file (O_CREAT, O_TMPFILE), as strace does.

import type { SyscallRow } from "../syscalls/table.ts";
import { ERRNO_NAMES } from "./errno.ts";
import type { Process } from "./process.ts";

/** Linux's internal restart codes, as strace prints them ("= ? ERESTARTSYS (...)"). */
const RESTART_NAMES: Record<number, [string, string]> = {
  512: ["ERESTARTSYS", "To be restarted if SA_RESTART is set"],
  513: ["ERESTARTNOINTR", "To be restarted"],
  514: ["ERESTARTNOHAND", "To be restarted if no handler"],
  516: ["ERESTART_RESTARTBLOCK", "Interrupted by signal"],
};

export class Strace {
  private pending = "";
  private args: string[] = [];
  /** A buffer argument printed after the call (B<N> format). */
  private after: { index: number; addr: number; len: number } | undefined;
  private reported = new Set<number>();
  private readonly write: (line: string) => void;

  constructor(write?: (line: string) => void) {
    const enc = new TextEncoder();
    this.write = write ?? ((line) => Deno.stderr.writeSync(enc.encode(line + "\n")));
  }

  enter(p: Process, row: SyscallRow): void {
    const regs = [7, 6, 2, 10, 8, 9];
    const formats = (row.args ?? "").split(",").filter((f) => f !== "");
    const value = (n: number) => p.cpu.regU(regs[n]);
    const shown: string[] = [];
    this.after = undefined;
    formats.forEach((f, n) => {
      if (f === "M" && !(p.cpu.lo[regs[n - 1]] & (O_CREAT | O_TMPFILE_BIT))) return;
      if (f[0] === "B") {
        // Filled in after the call: what was read, as long as the result says.
        this.after = { index: shown.length, addr: value(n), len: value(Number(f.slice(1))) };
        shown.push("");
        return;
      }
      const len = f[0] === "b" ? value(Number(f.slice(1))) : 0;
      shown.push(this.formatArg(p, f, value(n), p.cpu.lo[regs[n]], len));
    });
    this.args = shown;
    this.pending = `${row.name}(${shown.join(", ")})`;
    if (!row.implemented && !this.reported.has(row.nr)) {
      this.reported.add(row.nr);
      this.write(`supervisor: syscall ${row.name} (${row.nr}) is not implemented: ENOSYS`);
    }
  }

  leave(p: Process, _name: string, result: number | undefined): void {
    if (this.after) {
      const { index, addr, len } = this.after;
      this.args[index] = result !== undefined && result >= 0
        ? this.buffer(p, addr, Math.min(result, len))
        : "0x" + addr.toString(16);
      this.pending = this.pending.slice(0, this.pending.indexOf("(") + 1) + this.args.join(", ") +
        ")";
      this.after = undefined;
    }
    if (result === undefined) {
      this.write(`${this.pending.padEnd(39)} = ?`);
      return;
    }
    if (result < 0 && result >= -4095) {
      const [name, text] = ERRNO_NAMES[-result] ?? RESTART_NAMES[-result] ??
        [`E${-result}`, "Unknown error"];
      this.write(`${this.pending.padEnd(39)} = -1 ${name} (${text})`);
    } else {
      const hex = result > 0xffff && /^(mmap|brk|mremap)/.test(this.pending);
      this.write(`${this.pending.padEnd(39)} = ${hex ? "0x" + result.toString(16) : result}`);
    }
  }

  unknown(_p: Process, nr: number): void {
    this.write(`syscall_${nr}(...) = -1 ENOSYS (Function not implemented)`);
  }

  /** Prints a line for an event that is not a syscall (signals, exits). */
  event(line: string): void {
    this.write(line);
  }

  private formatArg(p: Process, f: string, value: number, low: number, len: number): string {
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
      case "M":
        return "0" + (low >>> 0).toString(8);
      case "o":
        return openFlags(low);
      case "s":
        return this.quoted(p, value, 4096);
      case "b":
        return this.buffer(p, value, len);
      case "-":
        return "...";
      case "p":
        return value === 0 ? "NULL" : "0x" + value.toString(16);
      default:
        return "0x" + value.toString(16);
    }
  }

  /** `len` bytes at `addr` as strace shows a buffer: escaped, at most 32 bytes, then "...". */
  private buffer(p: Process, addr: number, len: number): string {
    try {
      const bytes = p.mem.read(addr, Math.min(len, 32));
      return escape(bytes) + (len > 32 ? "..." : "");
    } catch {
      return "0x" + addr.toString(16);
    }
  }

  private quoted(p: Process, addr: number, max: number): string {
    if (addr === 0) return "NULL";
    try {
      const bytes = p.mem.readCString(addr, max + 1);
      return escape(bytes.subarray(0, max)) + (bytes.length > max ? "..." : "");
    } catch {
      return "0x" + addr.toString(16);
    }
  }
}

const O_CREAT = 0o100, O_TMPFILE_BIT = 0o20000000;

// deno-fmt-ignore
const OPEN_FLAG_NAMES: [number, string][] = [
  [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"],
  [0o2000, "O_APPEND"], [0o4000, "O_NONBLOCK"], [0o4010000, "O_SYNC"], [0o10000, "O_DSYNC"],
  [0o20000, "O_ASYNC"], [0o40000, "O_DIRECT"], [0o100000, "O_LARGEFILE"],
  [0o20200000, "O_TMPFILE"], [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"],
  [0o1000000, "O_NOATIME"], [0o2000000, "O_CLOEXEC"], [0o10000000, "O_PATH"],
];

/** Open flags as strace prints them: O_RDONLY|O_CREAT|O_CLOEXEC, unknown bits in hex. */
export function openFlags(flags: number): string {
  const parts = [["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][flags & 3]];
  let rest = flags & ~3;
  for (const [bit, name] of OPEN_FLAG_NAMES) {
    if ((rest & bit) === bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest) parts.push("0x" + (rest >>> 0).toString(16));
  return parts.join("|");
}

/** Bytes as a C string literal the way strace escapes it. */
export function escape(bytes: Uint8Array): string {
  let out = '"';
  for (let k = 0; k < bytes.length; k++) {
    const c = bytes[k];
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x0b) out += "\\v";
    else if (c === 0x0c) out += "\\f";
    else {
      // Octal, padded to three digits when a digit follows (so it cannot be misread).
      const next = bytes[k + 1];
      const digits = c.toString(8);
      out += "\\" + (next >= 0x30 && next <= 0x37 ? digits.padStart(3, "0") : digits);
    }
  }
  return out + '"';
}
