// Guest CPU speed: CPU-bound programs of our own run natively, under qemu-x86_64 (when
// installed) and under the supervisor; medians of wall time, ratios, and guest MIPS.

import type { BenchOptions, BenchRow } from "./main.ts";
import { buildGuest } from "./build.ts";

const PROGRAMS = ["sieve", "hash", "matmul", "bytecode", "sort"];
const root = new URL("..", import.meta.url).pathname;

interface Timed {
  ms: number;
  stdout: string;
  stderr: string;
}

async function timed(cmd: string, args: string[]): Promise<Timed> {
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", cwd: root })
    .output();
  const ms = performance.now() - t0;
  const dec = new TextDecoder();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${out.code}): ${dec.decode(out.stderr)}`);
  }
  return { ms, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function hasQemu(): Promise<boolean> {
  try {
    await new Deno.Command("qemu-x86_64", { args: ["--version"], stdout: "null" }).output();
    return true;
  } catch {
    return false;
  }
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const reps = options.quick ? 1 : 5;
  const supReps = options.quick ? 1 : 3;
  const qemu = await hasQemu();
  const rows: BenchRow[] = [];
  const ratios: number[] = [], qratios: number[] = [], supOverQemu: number[] = [];
  for (const name of PROGRAMS) {
    const bin = await buildGuest(name);
    const native: number[] = [], emu: number[] = [], sup: number[] = [], mips: number[] = [];
    let expected = "";
    for (let k = 0; k < reps; k++) {
      const r = await timed(bin, []);
      expected = r.stdout;
      native.push(r.ms);
    }
    if (qemu) {
      for (let k = 0; k < reps; k++) emu.push((await timed("qemu-x86_64", [bin])).ms);
    }
    for (let k = 0; k < supReps; k++) {
      const r = await timed(Deno.execPath(), ["run", "-A", "main.ts", "run", "--stats", bin]);
      if (r.stdout !== expected) {
        throw new Error(`${name}: output under the supervisor differs from native`);
      }
      sup.push(r.ms);
      const m = /instructions=(\d+) seconds=([\d.]+)/.exec(r.stderr);
      if (m) mips.push(Number(m[1]) / Number(m[2]) / 1e6);
    }
    const n = median(native), q = qemu ? median(emu) : null, s = median(sup);
    ratios.push(s / n);
    if (q !== null) {
      qratios.push(q / n);
      supOverQemu.push(s / q);
    }
    if (options.verbose) {
      console.error(`cpu: ${name} native ${n.toFixed(1)} ms, sup ${s.toFixed(0)} ms`);
    }
    rows.push({
      suite: "cpu",
      name,
      native_ms: n,
      qemu_ms: q,
      supervisor_ms: s,
      x_native: s / n,
      x_qemu: q === null ? null : s / q,
      qemu_x_native: q === null ? null : q / n,
      guest_mips: mips.length ? median(mips) : null,
    });
  }
  const geo = (xs: number[]) =>
    xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : null;
  rows.push({
    suite: "cpu",
    name: "geomean",
    native_ms: null,
    qemu_ms: null,
    supervisor_ms: null,
    x_native: geo(ratios),
    x_qemu: geo(supOverQemu),
    qemu_x_native: geo(qratios),
    guest_mips: null,
  });
  return rows;
}
