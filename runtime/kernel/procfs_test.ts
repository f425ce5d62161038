import assert from "node:assert/strict";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import { cpuinfoText, mapsText } from "./proc_info.ts";
import { Process } from "./process.ts";
import { openPath } from "./open.ts";
import { O_RDONLY } from "./files.ts";

Deno.test("mapsText() prints Linux's /proc/self/maps line format", () => {
  const p = new Process();
  p.mem.map(0x400000, 0x1000, PROT_READ | PROT_EXEC, { name: "/nonexistent/prog", offset: 0x2000 });
  p.mem.map(0x401000, 0x2000, PROT_READ | PROT_WRITE, { name: "[heap]" });
  p.mem.map(0x7f0000000000, 0x1000, PROT_READ | PROT_WRITE, { shared: true });
  const lines = mapsText(p).split("\n");
  assert.equal(
    lines[0],
    "00400000-00401000 r-xp 00002000 00:00 0" + " ".repeat(34) + "/nonexistent/prog",
  );
  assert.equal(lines[1].indexOf("[heap]"), 73);
  assert.equal(lines[1].slice(0, 47), "00401000-00403000 rw-p 00000000 00:00 0        ");
  assert.equal(lines[2], "7f0000000000-7f0000001000 rw-s 00000000 00:00 0 ");
});

Deno.test("cpuinfoText() lists the flags our CPUID reports", () => {
  const text = cpuinfoText();
  const flags = /\nflags\t\t: (.*)\n/.exec(text)![1].split(" ");
  for (
    const f of [
      "fpu",
      "tsc",
      "cx8",
      "cmov",
      "mmx",
      "fxsr",
      "sse",
      "sse2",
      "syscall",
      "nx",
      "lm",
      "lahf_lm",
    ]
  ) {
    assert.ok(flags.includes(f), f);
  }
  assert.ok(text.startsWith("processor\t: 0\nvendor_id\t: GenuineIntel\n"));
});

Deno.test("/proc/self files open and read through the virtual tree", () => {
  const p = new Process();
  p.comm = "prog";
  p.argv = ["prog", "x"];
  const read = (path: string) => {
    const f = openPath(p, -100, path, O_RDONLY, 0);
    assert.ok(typeof f !== "number", path);
    const buf = new Uint8Array(8192);
    const n = f.read(p, buf) as number;
    return new TextDecoder().decode(buf.subarray(0, n));
  };
  assert.equal(read("/proc/self/cmdline"), "prog\0x\0");
  assert.equal(read("/proc/self/comm"), "prog\n");
  assert.match(read("/proc/self/status"), /^Name:\tprog\nUmask:\t0022\n/);
  assert.equal(read(`/proc/${p.pid}/comm`), "prog\n");
  assert.equal(read("/proc/sys/kernel/ostype"), "Linux\n");
});
