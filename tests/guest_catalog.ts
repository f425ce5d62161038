// The catalog of guest programs (tests/guests/*.c): how each is run and how it must exit natively.
// Every source has exactly one entry (guest_catalog_test.ts checks this). Groups exist so that the
// guest tests spread over several test files, which `deno test --parallel` runs side by side.
import { GUEST_ENV } from "./supervisor.ts";
import type { Toolchain } from "./build.ts";

export type GuestGroup = "integer" | "float" | "libc" | "files" | "signals" | "control";

export interface GuestSpec {
  name: string;
  group: GuestGroup;
  /** The exit status a native run must have (128+N for death by signal N). */
  status: number;
  args?: string[];
  stdin?: string;
  env?: Record<string, string>;
  /** Also build with gcc -O0, for unoptimised code shapes (stack-heavy, no vectorisation). */
  alsoO0?: boolean;
}

/** Deterministic multi-line text for stdin_read: blank lines, tabs, long lines, no final newline. */
export const STDIN_TEXT: string = Array.from({ length: 140 }, (_, i) => {
  if (i % 17 === 5) return "";
  const words = Array.from({ length: 1 + (i * 7) % 13 }, (_, k) => `w${(i * 31 + k * 17) % 97}`);
  return (i % 9 === 0 ? "\t" : "") + words.join(i % 4 === 0 ? "  " : " ");
}).join("\n");

const ARGS_ENV_ENV: Record<string, string> = {
  ...GUEST_ENV,
  GUEST_A: "alpha",
  GUEST_B: "beta with spaces",
  GUEST_EMPTY: "",
  "GUEST_EQ": "a=b=c",
};

// deno-fmt-ignore
export const GUESTS: readonly GuestSpec[] = [
  // integer
  { name: "int_div",          group: "integer", status: 0, alsoO0: true },
  { name: "int_overflow",     group: "integer", status: 0 },
  { name: "int_shifts",       group: "integer", status: 3 },
  { name: "int_rotate",       group: "integer", status: 0 },
  { name: "int_bitops",       group: "integer", status: 0 },
  { name: "int128",           group: "integer", status: 0 },
  { name: "int_mulhigh",      group: "integer", status: 0 },
  { name: "int_conv",         group: "integer", status: 0 },
  { name: "atomics",          group: "integer", status: 0 },
  { name: "bitfields",        group: "integer", status: 0, alsoO0: true },
  // float
  { name: "float_arith",      group: "float", status: 0, alsoO0: true },
  { name: "float_single",     group: "float", status: 0 },
  { name: "long_double",      group: "float", status: 0, alsoO0: true },
  { name: "float_conv",       group: "float", status: 0 },
  { name: "fenv_round",       group: "float", status: 0 },
  { name: "math_double",      group: "float", status: 0 },
  { name: "math_long_double", group: "float", status: 0 },
  { name: "strtod_tricky",    group: "float", status: 0 },
  { name: "printf_float",     group: "float", status: 0 },
  { name: "sse2_intrinsics",  group: "float", status: 0 },
  { name: "vector_loops",     group: "float", status: 0 },
  // libc: strings, memory functions, allocation, formatting
  { name: "strtol_roundtrip", group: "libc", status: 5 },
  { name: "sprintf_formats",  group: "libc", status: 0 },
  { name: "mem_copy",         group: "libc", status: 0 },
  { name: "mem_set_cmp",      group: "libc", status: 0 },
  { name: "str_basic",        group: "libc", status: 2 },
  { name: "str_search",       group: "libc", status: 0 },
  { name: "malloc_churn",     group: "libc", status: 0 },
  { name: "qsort_sort",       group: "libc", status: 4 },
  { name: "ctype_table",      group: "libc", status: 0 },
  // files, descriptors, process input and memory mappings
  { name: "file_io",          group: "files", status: 0 },
  { name: "file_errno",       group: "files", status: 7 },
  { name: "dir_ops",          group: "files", status: 0 },
  { name: "stdio_files",      group: "files", status: 0 },
  { name: "stdin_read",       group: "files", status: 39, stdin: STDIN_TEXT },
  { name: "args_env",         group: "files", status: 6, env: ARGS_ENV_ENV,
    args: ["first", "", "with space", "ünïcödé", "--flag=value"] },
  { name: "pipe_fd",          group: "files", status: 0 },
  { name: "exit_atexit",      group: "files", status: 42 },
  { name: "mmap_ops",         group: "files", status: 0 },
  { name: "mmap_shared",      group: "files", status: 0 },
  { name: "brk_heap",         group: "files", status: 0 },
  // signals and faults
  { name: "sig_segv",         group: "signals", status: 11 },
  { name: "sig_timers",       group: "signals", status: 128 + 13 },
  { name: "sig_fpe",          group: "signals", status: 8 },
  { name: "sig_raise",        group: "signals", status: 0 },
  { name: "sig_mask_order",   group: "signals", status: 0 },
  { name: "sig_flags",        group: "signals", status: 128 + 1 },
  { name: "sig_altstack",     group: "signals", status: 0 },
  { name: "sig_alarm",        group: "signals", status: 0 },
  { name: "sig_abort",        group: "signals", status: 128 + 6 },
  { name: "sig_uncaught",     group: "signals", status: 128 + 11 },
  { name: "mprotect_segv",    group: "signals", status: 0 },
  // control flow, calling conventions, process identity, time
  { name: "setjmp_longjmp",   group: "control", status: 6, alsoO0: true },
  { name: "recursion",        group: "control", status: 0 },
  { name: "switch_table",     group: "control", status: 12, alsoO0: true },
  { name: "func_ptrs",        group: "control", status: 9 },
  { name: "varargs",          group: "control", status: 0, alsoO0: true },
  { name: "struct_copy",      group: "control", status: 0, alsoO0: true },
  { name: "uname_ids",        group: "control", status: 0 },
  { name: "tls_vars",         group: "control", status: 0 },
  { name: "time_clock",       group: "control", status: 0 },
];

/** The toolchains a guest is built with: gcc and musl always, gcc -O0 for some. */
export function toolchainsFor(guest: GuestSpec): Toolchain[] {
  return guest.alsoO0 ? ["gcc", "musl", "gcc -O0"] : ["gcc", "musl"];
}
