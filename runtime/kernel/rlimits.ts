// Resource limits (getrlimit/setrlimit/prlimit64) with Linux's defaults for a login session.
// Process.rlimits holds [soft, hard] per RLIMIT_* number, Infinity for RLIM_INFINITY; missing
// entries read as the defaults here. RLIMIT_NOFILE's soft value is mirrored in FdTable.limit.

import type { Process } from "./process.ts";

export const RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3;
export const RLIMIT_CORE = 4, RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7;
export const RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10, RLIMIT_SIGPENDING = 11;
export const RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15;
export const RLIM_NLIMITS = 16;
/** fs.nr_open: the most RLIMIT_NOFILE may be raised to. */
export const NR_OPEN = 1048576;

const INF = Infinity;

// deno-fmt-ignore
const DEFAULTS: [number, number][] = [
  [INF, INF],                  // CPU
  [INF, INF],                  // FSIZE
  [INF, INF],                  // DATA
  [8 * 1024 * 1024, INF],      // STACK
  [0, INF],                    // CORE
  [INF, INF],                  // RSS
  [63432, 63432],              // NPROC
  [1024, 4096],                // NOFILE
  [8 * 1024 * 1024, 8 * 1024 * 1024], // MEMLOCK
  [INF, INF],                  // AS
  [INF, INF],                  // LOCKS
  [63432, 63432],              // SIGPENDING
  [819200, 819200],            // MSGQUEUE
  [0, 0],                      // NICE
  [0, 0],                      // RTPRIO
  [INF, INF],                  // RTTIME
];

/** [soft, hard] of resource `r` (0 <= r < RLIM_NLIMITS). */
export function getRlimit(p: Process, r: number): [number, number] {
  const v = p.rlimits[r] ?? DEFAULTS[r];
  return [v[0], v[1]];
}

/** Stores a limit already validated by the caller, keeping the descriptor table in step. */
export function setRlimit(p: Process, r: number, soft: number, hard: number): void {
  p.rlimits[r] = [soft, hard];
  if (r === RLIMIT_NOFILE) p.fds.limit = Math.min(soft, NR_OPEN);
}
