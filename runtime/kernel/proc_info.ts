// Text of the generated /proc files, in Linux's exact formats: maps, status, stat, statm for a
// process, and the system-wide cpuinfo (from our own CPUID, so it matches what the guest's
// cpuid instruction reports), meminfo, uptime, loadavg.

import { cpuid } from "../cpu/ops/misc.ts";
import type { Cpu } from "../cpu/state.ts";
import type { Insn } from "../cpu/insn.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../memory/vma.ts";
import { devParts } from "./devfs.ts";
import type { Process } from "./process.ts";

const hex = (v: number, width: number) => v.toString(16).padStart(width, "0");

/** /proc/self/maps: one line per VMA, names padded to column 73 as Linux does. */
export function mapsText(p: Process): string {
  const ids = new Map<string, [number, number]>();
  const idOf = (name: string): [number, number] => {
    let id = ids.get(name);
    if (!id) {
      try {
        const info = Deno.statSync(p.fs.root === "/" ? name : p.fs.root + name);
        id = [info.dev ?? 0, info.ino ?? 0];
      } catch {
        id = [0, 0];
      }
      ids.set(name, id);
    }
    return id;
  };
  let out = "";
  for (const v of p.mem.vmas.list) {
    const name = v.name ?? "";
    const isFile = name.startsWith("/");
    const [dev, ino] = isFile
      ? v.dev !== undefined && v.inode !== undefined ? [v.dev, v.inode] : idOf(name)
      : [0, 0];
    const [major, minor] = devParts(dev);
    const perms = (v.prot & PROT_READ ? "r" : "-") + (v.prot & PROT_WRITE ? "w" : "-") +
      (v.prot & PROT_EXEC ? "x" : "-") + (v.shared ? "s" : "p");
    let line = `${hex(v.start, 8)}-${hex(v.end, 8)} ${perms} ${
      hex(isFile ? v.offset ?? 0 : 0, 8)
    } ${hex(major, 2)}:${hex(minor, 2)} ${ino} `;
    if (name) line = line.padEnd(72) + " " + name;
    out += line + "\n";
  }
  return out;
}

interface MemUse {
  size: number;
  rss: number;
  data: number;
  stack: number;
  exe: number;
}

function memUse(p: Process): MemUse {
  const u: MemUse = { size: 0, rss: p.mem.residentBytes, data: 0, stack: 0, exe: 0 };
  for (const v of p.mem.vmas.list) {
    const len = v.end - v.start;
    u.size += len;
    if (v.name === "[stack]") u.stack += len;
    else if ((v.prot & PROT_WRITE) && !v.shared) u.data += len;
    if ((v.prot & PROT_EXEC) && v.name === p.exePath) u.exe += len;
  }
  return u;
}

const kb = (bytes: number) => String(Math.floor(bytes / 1024)).padStart(8) + " kB";

const mask64 = (set: bigint) => set.toString(16).padStart(16, "0");

/** Signals whose disposition passes `test` (SIG_IGN is 1, handlers are addresses above it). */
function actionMask(p: Process, test: (handler: number) => boolean): string {
  let set = 0n;
  p.signals.actions.forEach((a, sig) => {
    if (sig > 0 && test(a.handler)) set |= 1n << BigInt(sig - 1);
  });
  return mask64(set);
}

/** /proc/self/status. */
export function statusText(p: Process): string {
  const m = memUse(p);
  const c = p.cred;
  const hexMask = "0000000000000000";
  const fdSize = Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(1, ...p.fds.numbers()) + 1)));
  return [
    `Name:\t${p.comm}`,
    `Umask:\t${p.fs.umask.toString(8).padStart(4, "0")}`,
    `State:\tR (running)`,
    `Tgid:\t${p.pid}`,
    `Ngid:\t0`,
    `Pid:\t${p.pid}`,
    `PPid:\t${p.ppid}`,
    `TracerPid:\t0`,
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.euid}`,
    `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.egid}`,
    `FDSize:\t${fdSize}`,
    `Groups:\t${c.groups.join(" ")} `,
    `NStgid:\t${p.pid}`,
    `NSpid:\t${p.pid}`,
    `NSpgid:\t${p.pgid}`,
    `NSsid:\t${p.sid}`,
    `VmPeak:\t${kb(m.size)}`,
    `VmSize:\t${kb(m.size)}`,
    `VmLck:\t${kb(0)}`,
    `VmPin:\t${kb(0)}`,
    `VmHWM:\t${kb(m.rss)}`,
    `VmRSS:\t${kb(m.rss)}`,
    `RssAnon:\t${kb(m.rss)}`,
    `RssFile:\t${kb(0)}`,
    `RssShmem:\t${kb(0)}`,
    `VmData:\t${kb(m.data)}`,
    `VmStk:\t${kb(m.stack)}`,
    `VmExe:\t${kb(m.exe)}`,
    `VmLib:\t${kb(0)}`,
    `VmPTE:\t${kb(0)}`,
    `VmSwap:\t${kb(0)}`,
    `Threads:\t1`,
    `SigQ:\t0/63432`,
    `SigPnd:\t${mask64(p.signals.pending)}`,
    `ShdPnd:\t${hexMask}`,
    `SigBlk:\t${mask64(p.signals.blocked)}`,
    `SigIgn:\t${actionMask(p, (h) => h === 1)}`,
    `SigCgt:\t${actionMask(p, (h) => h > 1)}`,
    `CapInh:\t0000000000000000`,
    `CapPrm:\t${c.euid === 0 ? "000001ffffffffff" : hexMask}`,
    `CapEff:\t${c.euid === 0 ? "000001ffffffffff" : hexMask}`,
    `CapBnd:\t000001ffffffffff`,
    `CapAmb:\t0000000000000000`,
    `NoNewPrivs:\t0`,
    `Seccomp:\t0`,
    `Cpus_allowed:\t1`,
    `Cpus_allowed_list:\t0`,
    `voluntary_ctxt_switches:\t0`,
    `nonvoluntary_ctxt_switches:\t0`,
    "",
  ].join("\n");
}

/** Clock ticks (USER_HZ = 100) since the process started. */
function ticksSinceStart(p: Process): number {
  return Math.floor((performance.now() - p.startTime) / 10);
}

/** /proc/self/stat (the 52 fields of Linux 5.x). */
export function statText(p: Process): string {
  const m = memUse(p);
  const vmas = p.mem.vmas.list;
  const exe = vmas.filter((v) => v.name === p.exePath);
  const code = exe.find((v) => v.prot & PROT_EXEC);
  const stack = vmas.find((v) => v.name === "[stack]");
  let uptime = 0;
  try {
    uptime = Deno.osUptime();
  } catch { /* unknown */ }
  const start = Math.max(0, Math.floor(uptime * 100) - ticksSinceStart(p));
  const fields = [
    p.pid,
    `(${p.comm})`,
    "R",
    p.ppid,
    p.pgid,
    p.sid,
    0,
    -1,
    4194304,
    0,
    0,
    0,
    0,
    ticksSinceStart(p),
    0,
    0,
    0,
    20,
    0,
    1,
    0,
    start,
    m.size,
    Math.floor(m.rss / 4096),
    "18446744073709551615",
    code?.start ?? 0,
    code?.end ?? 0,
    stack?.end ?? 0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    17,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    p.brkStart,
    0,
    0,
    0,
    0,
    0,
  ];
  return fields.join(" ") + "\n";
}

/** /proc/self/statm: sizes in pages. */
export function statmText(p: Process): string {
  const m = memUse(p);
  const pg = (b: number) => Math.floor(b / 4096);
  return `${pg(m.size)} ${pg(m.rss)} 0 ${pg(m.exe)} 0 ${pg(m.data + m.stack)} 0\n`;
}

/** Registers out of our CPUID for one leaf: [eax, ebx, ecx, edx]. */
function cpuidLeaf(leaf: number, sub = 0): [number, number, number, number] {
  const fake = { lo: new Int32Array(16), hi: new Int32Array(16) };
  fake.lo[0] = leaf;
  fake.lo[1] = sub;
  cpuid(fake as unknown as Cpu, undefined as unknown as Insn);
  return [fake.lo[0] >>> 0, fake.lo[3] >>> 0, fake.lo[1] >>> 0, fake.lo[2] >>> 0];
}

// Flag names by bit, in /proc/cpuinfo's order of words (arch/x86/include/asm/cpufeatures.h).
// deno-fmt-ignore
const LEAF1_EDX = ["fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "",
  "sep", "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", "", "dts", "acpi", "mmx",
  "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"];
// deno-fmt-ignore
const EXT_EDX: Record<number, string> = { 11: "syscall", 19: "mp", 20: "nx", 22: "mmxext",
  25: "fxsr_opt", 26: "pdpe1gb", 27: "rdtscp", 29: "lm", 30: "3dnowext", 31: "3dnow" };
// deno-fmt-ignore
const LEAF1_ECX = ["pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2",
  "ssse3", "cid", "sdbg", "fma", "cx16", "xtpr", "pdcm", "", "pcid", "dca", "sse4_1", "sse4_2",
  "x2apic", "movbe", "popcnt", "tsc_deadline_timer", "aes", "xsave", "", "avx", "f16c", "rdrand",
  "hypervisor"];
// deno-fmt-ignore
const EXT_ECX = ["lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a",
  "misalignsse", "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", "", "lwp", "fma4"];
// deno-fmt-ignore
const LEAF7_EBX = ["fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", "", "smep", "bmi2",
  "erms", "invpcid", "rtm", "cqm", "", "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx",
  "smap", "avx512ifma", "", "clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd",
  "sha_ni", "avx512bw", "avx512vl"];

function flagNames(bits: number, names: string[] | Record<number, string>): string[] {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) {
    const name = (names as Record<number, string>)[b];
    if ((bits >>> b) & 1 && name) out.push(name);
  }
  return out;
}

/** /proc/cpuinfo for the one processor our CPUID describes. */
export function cpuinfoText(): string {
  const [maxLeaf, , ,] = cpuidLeaf(0);
  const vendorRegs = cpuidLeaf(0);
  const vendor = [vendorRegs[1], vendorRegs[3], vendorRegs[2]].map((r) =>
    String.fromCharCode(r & 0xff, (r >>> 8) & 0xff, (r >>> 16) & 0xff, r >>> 24)
  ).join("");
  const [eax1, ebx1, ecx1, edx1] = cpuidLeaf(1);
  const [, , ecxExt, edxExt] = cpuidLeaf(0x80000001);
  const ebx7 = maxLeaf >= 7 ? cpuidLeaf(7)[1] : 0;
  let brand = "";
  for (let leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
    for (const r of cpuidLeaf(leaf)) {
      for (let k = 0; k < 4; k++) brand += String.fromCharCode((r >>> (8 * k)) & 0xff);
    }
  }
  brand = brand.replace(/\0+$/, "").trim();
  const baseFamily = (eax1 >>> 8) & 0xf;
  const family = baseFamily === 15 ? baseFamily + ((eax1 >>> 20) & 0xff) : baseFamily;
  const model = ((eax1 >>> 4) & 0xf) |
    (baseFamily === 6 || baseFamily === 15 ? ((eax1 >>> 16) & 0xf) << 4 : 0);
  const flags = [
    ...flagNames(edx1, LEAF1_EDX),
    ...flagNames(edxExt, EXT_EDX),
    ...flagNames(ecx1, LEAF1_ECX),
    ...flagNames(ecxExt, EXT_ECX),
    ...flagNames(ebx7, LEAF7_EBX),
  ].join(" ");
  const [addr] = cpuidLeaf(0x80000008);
  const clflush = ((ebx1 >>> 8) & 0xff) * 8;
  return [
    `processor\t: 0`,
    `vendor_id\t: ${vendor}`,
    `cpu family\t: ${family}`,
    `model\t\t: ${model}`,
    `model name\t: ${brand}`,
    `stepping\t: ${eax1 & 0xf}`,
    `microcode\t: 0x1`,
    `cpu MHz\t\t: 1000.000`,
    `cache size\t: 8192 KB`,
    `physical id\t: 0`,
    `siblings\t: 1`,
    `core id\t\t: 0`,
    `cpu cores\t: 1`,
    `apicid\t\t: 0`,
    `initial apicid\t: 0`,
    `fpu\t\t: ${edx1 & 1 ? "yes" : "no"}`,
    `fpu_exception\t: ${edx1 & 1 ? "yes" : "no"}`,
    `cpuid level\t: ${maxLeaf}`,
    `wp\t\t: yes`,
    `flags\t\t: ${flags}`,
    `bugs\t\t:`,
    `bogomips\t: 2000.00`,
    `clflush size\t: ${clflush}`,
    `cache_alignment\t: ${clflush}`,
    `address sizes\t: ${addr & 0xff} bits physical, ${(addr >>> 8) & 0xff} bits virtual`,
    `power management:`,
    "",
    "",
  ].join("\n");
}

/** /proc/meminfo from the host's memory figures. */
export function meminfoText(): string {
  let m: Partial<Deno.SystemMemoryInfo> = {};
  try {
    m = Deno.systemMemoryInfo();
  } catch { /* unknown */ }
  const line = (name: string, bytes = 0) =>
    `${(name + ":").padEnd(15)} ${String(Math.floor(bytes / 1024)).padStart(8)} kB`;
  return [
    line("MemTotal", m.total),
    line("MemFree", m.free),
    line("MemAvailable", m.available),
    line("Buffers", m.buffers),
    line("Cached", m.cached),
    line("SwapCached"),
    line("SwapTotal", m.swapTotal),
    line("SwapFree", m.swapFree),
    "",
  ].join("\n");
}

export function uptimeText(): string {
  let up = 0;
  try {
    up = Deno.osUptime();
  } catch { /* unknown */ }
  return `${up.toFixed(2)} ${up.toFixed(2)}\n`;
}

export function loadavgText(p: Process): string {
  let l = [0, 0, 0];
  try {
    l = Deno.loadavg();
  } catch { /* unknown */ }
  return `${l.map((x) => x.toFixed(2)).join(" ")} 1/1 ${p.pid}\n`;
}
