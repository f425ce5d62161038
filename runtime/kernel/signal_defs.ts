// Linux signal numbers, names, sigaction flags, si_code values and default actions (x86-64), and
// the 64-bit signal sets the kernel uses (bit n-1 stands for signal n). Plain data: no state here.

export const SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6;
export const SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12;
export const SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15, SIGSTKFLT = 16, SIGCHLD = 17;
export const SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22, SIGURG = 23;
export const SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29;
export const SIGPWR = 30, SIGSYS = 31, SIGRTMIN = 32, SIGRTMAX = 64, NSIG = 64;

export const SIG_DFL = 0, SIG_IGN = 1;

export const SA_NOCLDSTOP = 0x1, SA_NOCLDWAIT = 0x2, SA_SIGINFO = 0x4, SA_UNSUPPORTED = 0x400;
export const SA_EXPOSE_TAGBITS = 0x800, SA_RESTORER = 0x04000000, SA_ONSTACK = 0x08000000;
export const SA_RESTART = 0x10000000, SA_NODEFER = 0x40000000, SA_RESETHAND = 0x80000000;
/** Flags rt_sigaction keeps; others are cleared so userspace can detect missing support. */
export const SA_KNOWN = SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS |
  SA_RESTORER | SA_ONSTACK | SA_RESTART | SA_NODEFER | SA_RESETHAND;

export const SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

export const SS_ONSTACK = 1, SS_DISABLE = 2, SS_AUTODISARM = 0x80000000;
export const MINSIGSTKSZ = 2048;

// si_code values.
export const SI_USER = 0, SI_KERNEL = 0x80, SI_QUEUE = -1, SI_TIMER = -2, SI_MESGQ = -3;
export const SI_ASYNCIO = -4, SI_SIGIO = -5, SI_TKILL = -6;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2;

/** Kernel-internal "restart the syscall" results (never seen by the guest). */
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514;
export const ERESTART_RESTARTBLOCK = 516;

export type DefaultAction = "term" | "core" | "ign" | "stop";

// deno-fmt-ignore
const NAMES = [
  "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
  "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
  "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
  "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
];

/** The signal's name as strace prints it (SIGRT_n for real-time signals). */
export function signalName(sig: number): string {
  if (sig >= 1 && sig < SIGRTMIN) return NAMES[sig];
  if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
    return sig === SIGRTMIN ? "SIGRTMIN" : `SIGRT_${sig - 32}`;
  }
  return String(sig);
}

/** What SIG_DFL does with `sig`. */
export function defaultAction(sig: number): DefaultAction {
  switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
      return "core";
    case SIGCHLD:
    case SIGCONT:
    case SIGURG:
    case SIGWINCH:
      return "ign";
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
      return "stop";
    default:
      return "term";
  }
}

/** The set holding only `sig`. */
export function sigbit(sig: number): bigint {
  return 1n << BigInt(sig - 1);
}

/** Signals that can be neither caught, blocked nor ignored. */
export const UNBLOCKABLE = sigbit(SIGKILL) | sigbit(SIGSTOP);
export const ALL_SIGNALS = (1n << 64n) - 1n;
/** Synchronous (fault) signals, delivered before any other pending signal as Linux does. */
export const SYNCHRONOUS = sigbit(SIGSEGV) | sigbit(SIGBUS) | sigbit(SIGILL) | sigbit(SIGTRAP) |
  sigbit(SIGFPE) | sigbit(SIGSYS);
export const STOP_SIGNALS = sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU);

/** Lowest signal number in a non-empty set, synchronous signals first. */
export function nextSignal(set: bigint): number {
  const sync = set & SYNCHRONOUS;
  const from = sync !== 0n ? sync : set;
  const lo = Number(from & 0xffffffffn);
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  const hi = Number(from >> 32n);
  return 64 - Math.clz32(hi & -hi);
}

/** Signal numbers in a set, ascending (for strace and tests). */
export function signalsIn(set: bigint): number[] {
  const out: number[] = [];
  for (let s = 1; s <= NSIG; s++) if (set & sigbit(s)) out.push(s);
  return out;
}

/** strace's rendering of a signal set: [], [INT TERM], or ~[KILL STOP] for near-full sets. */
export function formatSigset(set: bigint): string {
  const names = (s: bigint) => signalsIn(s).map((n) => signalName(n).replace(/^SIG/, ""));
  const count = signalsIn(set).length;
  return count > 32 ? `~[${names(~set & ALL_SIGNALS).join(" ")}]` : `[${names(set).join(" ")}]`;
}
