// The controlling terminal's line discipline settings, as terminal ioctls see them. Where the host
// terminal can be reached through the C library (host_tty.ts), TCGETS/TCSETS and the window size
// go to it: the guest reads and sets the real terminal. Elsewhere the guest starts from the
// kernel's defaults for a new terminal (tty_std_termios) and we keep what it sets; clearing ICANON
// or ECHO puts the host terminal in raw mode (cbreak when ISIG stays on), and what raw mode stops
// doing that the guest still wants (whole lines, CR to NL, echo) is done here; setting both again
// restores cooked mode. One emulated state per host: every descriptor of the terminal (fds 0-2,
// /dev/tty) shares it.

import { EINVAL, ENOTTY } from "./errno.ts";
import type { HostTty } from "./host_tty.ts";
import type { Process } from "./process.ts";

export const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404;
export const TCSBRK = 0x5409, TCXONC = 0x540a, TCFLSH = 0x540b, TIOCSCTTY = 0x540e;
export const TIOCGPGRP = 0x540f, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413;
export const TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCNOTTY = 0x5422, TIOCGSID = 0x5429;
export const TCGETS2 = 0x802c542a, TCSETS2 = 0x402c542b, TCSETSW2 = 0x402c542c;
export const TCSETSF2 = 0x402c542d, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451;
export const FIOASYNC = 0x5452;

const ICANON = 0o2, ISIG = 0o1, ECHO = 0o10, ECHONL = 0o100, ECHOCTL = 0o1000;
const ICRNL = 0o400, IGNCR = 0o200;
/** struct termios (kernel): 4 flag words, c_line, c_cc[19]. termios2 adds two speeds. */
export const TERMIOS_SIZE = 36, TERMIOS2_SIZE = 44;
const B38400 = 0o17;

function defaultTermios(): Uint8Array {
  const t = new Uint8Array(TERMIOS2_SIZE);
  const v = new DataView(t.buffer);
  v.setUint32(0, 0o400 | 0o2000, true); // ICRNL IXON (tty_std_termios)
  v.setUint32(4, 0o1 | 0o4, true); // OPOST | ONLCR
  v.setUint32(8, B38400 | 0o60 | 0o200, true); // B38400 | CS8 | CREAD
  // ISIG ICANON ECHO ECHOE ECHOK IEXTEN ECHOCTL ECHOKE
  v.setUint32(12, 0o1 | 0o2 | 0o10 | 0o20 | 0o40 | 0o100000 | 0o1000 | 0o4000, true);
  // c_cc: VINTR VQUIT VERASE VKILL VEOF VTIME VMIN VSWTC VSTART VSTOP VSUSP VEOL VREPRINT
  // VDISCARD VWERASE VLNEXT VEOL2
  const cc = [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0];
  t.set(cc, 17);
  v.setUint32(36, 38400, true);
  v.setUint32(40, 38400, true);
  return t;
}

/** The terminal's shared state. */
/**
 * The terminal's shared state. Deno's raw mode also turns off CR to NL on input and echo (output
 * processing stays on); where the guest's termios still asks for them (ICRNL, ECHO), they are done
 * here instead (input(), echo()). Gap: a guest turning OPOST off still gets the host's ONLCR.
 */
class TerminalState {
  termios = defaultTermios();
  winsize: [number, number, number, number] | undefined;
  raw = false;
  private applied: "cooked" | "raw" | "cbreak" = "cooked";
  foregroundPgrp: number | undefined;

  private flag(at: number): number {
    return new DataView(this.termios.buffer).getUint32(at, true);
  }

  /** Applies ICANON/ECHO/ISIG to the host terminal (raw unless both ICANON and ECHO are on). */
  apply(): void {
    const lflag = this.flag(12);
    const raw = (lflag & (ICANON | ECHO)) !== (ICANON | ECHO);
    const mode = !raw ? "cooked" : lflag & ISIG ? "cbreak" : "raw";
    if (mode === this.applied || !Deno.stdin.isTerminal()) return;
    try {
      Deno.stdin.setRaw(raw, { cbreak: mode === "cbreak" });
      this.raw = raw;
      this.applied = mode;
    } catch { /* not a terminal after all: the settings stay recorded */ }
  }

  /** Puts the host terminal back in cooked mode if the guest left it raw. */
  restore(): void {
    if (!this.raw) return;
    try {
      Deno.stdin.setRaw(false);
    } catch { /* gone */ }
    this.raw = false;
    this.applied = "cooked";
  }

  /** The guest wants whole lines but the host is raw (ECHO off): cook() makes the lines. */
  get cooking(): boolean {
    return this.raw && (this.flag(12) & ICANON) !== 0;
  }

  private line: number[] = [];

  /**
   * Canonical input done here: bytes are kept until a line ends (NL, VEOL, or VEOF which ends it
   * without a newline), VERASE and VKILL edit the line; VEOF on an empty line is end of file.
   */
  cook(data: Uint8Array): { data: Uint8Array; eof: boolean } {
    const cc = (k: number) => this.termios[17 + k];
    const out: number[] = [];
    const lflag = this.flag(12);
    let eof = false;
    for (const b of data) {
      if (b === cc(2) || b === 8) this.line.pop(); // VERASE (and ^H)
      else if (b === cc(3)) this.line.length = 0; // VKILL
      else if (b === cc(4)) {
        // VEOF
        if (this.line.length === 0) eof = true;
        out.push(...this.line);
        this.line.length = 0;
      } else if (b === 10 || (b === cc(11) && b !== 0)) {
        out.push(...this.line, b);
        this.line.length = 0;
        if (lflag & ECHONL && !(lflag & ECHO)) Deno.stdout.writeSync(new Uint8Array([10]));
      } else this.line.push(b);
      if (eof) break;
    }
    return { data: new Uint8Array(out), eof };
  }

  /** Bytes typed at the terminal: ICRNL and IGNCR in raw host mode. */
  input(data: Uint8Array): Uint8Array {
    const iflag = this.flag(0);
    if (!this.raw || !(iflag & (ICRNL | IGNCR)) || !data.includes(13)) return data;
    if (iflag & IGNCR) return data.filter((b) => b !== 13);
    return data.map((b) => (b === 13 ? 10 : b));
  }

  /** What the terminal shows for typed bytes under ECHO in raw host mode (ECHOCTL: ^X). */
  echo(data: Uint8Array): Uint8Array | undefined {
    const lflag = this.flag(12);
    if (!this.raw || !(lflag & ECHO)) return undefined;
    const out: number[] = [];
    for (const b of data) {
      if (b < 32 && b !== 10 && b !== 9 && lflag & ECHOCTL) out.push(94, b + 64);
      else if (b === 127 && lflag & ECHOCTL) out.push(94, 63);
      else out.push(b);
    }
    return new Uint8Array(out);
  }
}

export const terminal = new TerminalState();

/** Bytes of the argument of the terminal ioctls the host terminal serves itself. */
const HOST_ARG_SIZE = new Map([
  [TCGETS, -TERMIOS_SIZE],
  [TCGETS2, -TERMIOS2_SIZE],
  [TIOCGWINSZ, -8],
  [TCSETS, TERMIOS_SIZE],
  [TCSETSW, TERMIOS_SIZE],
  [TCSETSF, TERMIOS_SIZE],
  [TCSETS2, TERMIOS2_SIZE],
  [TCSETSW2, TERMIOS2_SIZE],
  [TCSETSF2, TERMIOS2_SIZE],
  [TIOCSWINSZ, 8],
]); // negative: the host writes the argument (a get), positive: it reads it (a set)

/** A termios or window-size request done on the real terminal; undefined for the others. */
function hostIoctl(
  p: Process,
  tty: HostTty,
  request: number,
  arg: number,
  flushInput: () => void,
): number | undefined {
  const size = HOST_ARG_SIZE.get(request);
  if (size === undefined) return undefined;
  if (size < 0) {
    const out = new Uint8Array(-size);
    const r = tty.ioctl(request, out);
    if (r === 0) p.mem.write(arg, out);
    return r;
  }
  const r = tty.ioctl(request, p.mem.read(arg, size));
  if (r === 0 && (request === TCSETSF || request === TCSETSF2)) flushInput();
  return r;
}

/**
 * Serves a terminal ioctl on a descriptor of the host terminal: on the real terminal `tty` when
 * there is one (termios and window size), else on the emulated state. `flushInput` discards
 * unread input (TCSETSF, TCFLSH). Returns undefined for requests that are not terminal ioctls.
 */
export function terminalIoctl(
  p: Process,
  request: number,
  arg: number,
  flushInput: () => void,
  tty?: HostTty,
): number | undefined {
  const t = terminal;
  if (tty !== undefined) {
    const r = hostIoctl(p, tty, request, arg, flushInput);
    if (r !== undefined) return r;
  }
  switch (request) {
    case TCGETS:
      p.mem.write(arg, t.termios.subarray(0, TERMIOS_SIZE));
      return 0;
    case TCGETS2:
      p.mem.write(arg, t.termios.subarray(0, TERMIOS2_SIZE));
      return 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case TCSETS2:
    case TCSETSW2:
    case TCSETSF2: {
      const two = request === TCSETS2 || request === TCSETSW2 || request === TCSETSF2;
      t.termios.set(p.mem.read(arg, two ? TERMIOS2_SIZE : TERMIOS_SIZE));
      if (request === TCSETSF || request === TCSETSF2) flushInput();
      t.apply();
      return 0;
    }
    case TIOCGWINSZ: {
      let size = t.winsize;
      if (!size) {
        try {
          const { columns, rows } = Deno.consoleSize();
          size = [rows, columns, 0, 0];
        } catch {
          size = [24, 80, 0, 0];
        }
      }
      const out = new Uint8Array(8);
      const v = new DataView(out.buffer);
      size.forEach((x, k) => v.setUint16(2 * k, x, true));
      p.mem.write(arg, out);
      return 0;
    }
    case TIOCSWINSZ: {
      const v = new DataView(p.mem.read(arg, 8).buffer);
      t.winsize = [
        v.getUint16(0, true),
        v.getUint16(2, true),
        v.getUint16(4, true),
        v.getUint16(6, true),
      ];
      return 0;
    }
    case TIOCGPGRP:
      p.mem.write(arg, int32(t.foregroundPgrp ?? p.pgid));
      return 0;
    case TIOCSPGRP: {
      const pgrp = new DataView(p.mem.read(arg, 4).buffer).getInt32(0, true);
      if (pgrp < 0) return -EINVAL;
      t.foregroundPgrp = pgrp;
      return 0;
    }
    case TIOCGSID:
      p.mem.write(arg, int32(p.sid));
      return 0;
    case TIOCOUTQ:
      p.mem.write(arg, int32(0));
      return 0;
    case TCFLSH:
      if (arg < 0 || arg > 2) return -EINVAL;
      if (arg !== 1) flushInput();
      return 0;
    case TCSBRK:
    case TCXONC:
    case TIOCSCTTY:
    case TIOCNOTTY:
      return 0;
  }
  return (request & 0xff00) === 0x5400 ? -ENOTTY : undefined;
}

export function int32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, v, true);
  return out;
}
