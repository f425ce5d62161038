import assert from "node:assert/strict";
import { TestProcess } from "../syscalls/syscall_testing.ts";
import {
  TCGETS,
  TCSETS,
  terminal,
  terminalIoctl,
  TIOCGPGRP,
  TIOCGWINSZ,
  TIOCSWINSZ,
} from "./termios.ts";

Deno.test("terminalIoctl() keeps the termios it is given and starts from the kernel's", () => {
  const t = new TestProcess();
  const buf = t.alloc(64);
  let flushed = 0;
  const ioctl = (request: number) => terminalIoctl(t.p, request, buf, () => flushed++);
  assert.equal(ioctl(TCGETS), 0);
  const v = () => new DataView(t.bytes(buf, 36).buffer);
  assert.equal(v().getUint32(0, true), 0o2400, "ICRNL | IXON");
  assert.equal(v().getUint32(12, true) & 0o2, 0o2, "ICANON");
  assert.equal(t.bytes(buf, 36)[17 + 4], 4, "VEOF is ^D");
  const raw = t.bytes(buf, 36);
  raw[12] &= ~0o12; // clear ICANON and ECHO
  t.p.mem.write(buf, raw);
  assert.equal(ioctl(TCSETS), 0);
  t.p.mem.write(buf, new Uint8Array(36));
  assert.equal(ioctl(TCGETS), 0);
  assert.equal(v().getUint32(12, true) & 0o12, 0);
  raw[12] |= 0o12;
  t.p.mem.write(buf, raw);
  assert.equal(ioctl(TCSETS), 0);
  t.p.mem.write(buf, new Uint8Array([24, 0, 80, 0, 0, 0, 0, 0]));
  assert.equal(ioctl(TIOCSWINSZ), 0);
  t.p.mem.write(buf, new Uint8Array(8));
  assert.equal(ioctl(TIOCGWINSZ), 0);
  assert.deepEqual([...t.bytes(buf, 4)], [24, 0, 80, 0]);
  assert.equal(ioctl(TIOCGPGRP), 0);
  assert.equal(new DataView(t.bytes(buf, 4).buffer).getInt32(0, true), t.p.pgid);
  assert.equal(terminalIoctl(t.p, 0x540b, 0, () => flushed++), 0, "TCFLSH TCIFLUSH");
  assert.equal(terminalIoctl(t.p, 0x540b, 7, () => flushed++), -22);
  assert.equal(flushed, 1);
  assert.equal(ioctl(0x5499), -25, "an unknown terminal request is ENOTTY");
  assert.equal(ioctl(0x1234), undefined, "not a terminal request");
});

Deno.test("cook() makes lines with erase, kill and EOF when the guest reads lines without echo", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const dec = (b: Uint8Array) => new TextDecoder().decode(b);
  const saved = terminal.raw;
  terminal.raw = true;
  try {
    assert.equal(terminal.cooking, true);
    assert.deepEqual(terminal.cook(enc("ab")), { data: new Uint8Array(0), eof: false });
    assert.equal(dec(terminal.cook(enc("\x7fc\n")).data), "ac\n");
    assert.equal(dec(terminal.cook(enc("xyz\x15ok\n")).data), "ok\n", "VKILL");
    assert.equal(dec(terminal.cook(enc("part\x04")).data), "part", "VEOF ends a line");
    assert.equal(terminal.cook(enc("\x04")).eof, true, "VEOF on an empty line");
    assert.equal(dec(terminal.input(enc("a\rb"))), "a\nb", "ICRNL");
  } finally {
    terminal.raw = saved;
  }
});
