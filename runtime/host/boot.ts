// How the supervisor starts a guest host process, and what the host is told at start: the same
// program re-run in its hidden `__guest` mode, with the IPC bootstrap in one environment variable
// (runtime directory, run secret, its VMID, the leader's). The host's stdin, stdout and stderr
// are the supervisor's own, inherited, so every guest process shares the job's terminal or pipes
// exactly as processes share descriptors on Linux; IPC uses Unix sockets only.

export const BOOT_ENV = "SUPERVISOR_HOST_BOOT";
/** Set instead of BOOT_ENV in a warm host of `supervisor serve`: it waits for its boot (serve.ts). */
export const WARM_ENV = "SUPERVISOR_HOST_WARM";

/** The variables of a host's environment that change how it runs (its malloc, JIT, sharing). */
const HOST_ENV_KEYS = ["GLIBC_TUNABLES", "SUPERVISOR_JIT", "SUPERVISOR_SHARED_MEMORY"];

/**
 * The environment a guest host gets beyond the supervisor's own: glibc malloc settings (unless
 * the user set their own). Hosts allocate and free many 64 KiB buffers (pipe data, frames), and
 * with the default 128 KiB trim threshold the heap top goes back to the kernel and faults back
 * in, page by page, over and over.
 */
export function hostEnv(): Record<string, string> {
  try {
    if (Deno.env.get("GLIBC_TUNABLES") !== undefined) return {};
  } catch {
    return {}; // no permission to read the environment: leave it alone
  }
  return {
    GLIBC_TUNABLES: "glibc.malloc.trim_threshold=16777216:glibc.malloc.mmap_threshold=4194304",
  };
}

/** What a host started here would run with: its command and the variables that matter. */
export function hostIdentity(): string {
  const env: Record<string, string | null> = {};
  const extra = hostEnv();
  for (const key of HOST_ENV_KEYS) {
    try {
      env[key] = extra[key] ?? Deno.env.get(key) ?? null;
    } catch {
      env[key] = null;
    }
  }
  return JSON.stringify({ ...hostCommand(), env });
}

/** What a guest host needs to join the job. */
export interface HostBoot {
  runtimeDir: string;
  secret: string;
  vmid: number;
  leader: number;
}

/** Largest IPC frame of a job: a fork carries the whole address space of the parent. */
export const JOB_MAX_PAYLOAD = 1024 * 1024 * 1024;

/**
 * V8 settings for hosts that run guest code: room to inline memory accessors in hot blocks. The
 * compiled binary has them built in (deno.json's compile task repeats them: keep the two alike).
 */
export const GUEST_V8_FLAGS =
  "--max-inlined-bytecode-size-cumulative=4000,--max-inlined-bytecode-size=1000";

const MAIN_MODULE = new URL("../../main.ts", import.meta.url);

/** The command line that starts a guest host (`deno run ... main.ts __guest`, or the binary). */
export function hostCommand(): { command: string; args: string[] } {
  const exe = Deno.execPath();
  const isDeno = /(^|\/)deno(\.exe)?$/.test(exe);
  if (isDeno && MAIN_MODULE.protocol === "file:") {
    return {
      command: exe,
      args: [
        "run",
        "-A",
        "--quiet", // no progress lines from Deno on the terminal the guests share
        `--v8-flags=${GUEST_V8_FLAGS}`,
        decodeURIComponent(MAIN_MODULE.pathname), // a file: URL (node:url costs a host 10 ms)
        "__guest",
      ],
    };
  }
  return { command: exe, args: ["__guest"] };
}

export function encodeBoot(boot: HostBoot): string {
  return JSON.stringify(boot);
}

/** A bootstrap checked field by field; throws TypeError naming `where` if malformed. */
export function checkBoot(v: unknown, where: string): HostBoot {
  const b = v as Partial<HostBoot> | null;
  if (
    typeof b?.runtimeDir !== "string" || typeof b.secret !== "string" ||
    !Number.isInteger(b.vmid) || !Number.isInteger(b.leader)
  ) throw new TypeError(`Malformed ${where}`);
  return { runtimeDir: b.runtimeDir, secret: b.secret, vmid: b.vmid!, leader: b.leader! };
}

/** Reads and removes the bootstrap from the environment; throws TypeError if malformed. */
export function takeBoot(): HostBoot {
  const raw = Deno.env.get(BOOT_ENV);
  Deno.env.delete(BOOT_ENV);
  if (!raw) throw new TypeError(`__guest is internal: started without ${BOOT_ENV}`);
  return checkBoot(JSON.parse(raw), BOOT_ENV);
}
