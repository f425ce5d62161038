/* Interval and POSIX timers, signal waits and restart semantics. */
/* Timers and signal waits: SA_RESTART vs EINTR on a blocking pipe read (ITIMER_REAL), a POSIX
 * timer with overruns while its signal is blocked, ITIMER_PROF in a busy loop, sigqueue with
 * sigwaitinfo/sigtimedwait, FP registers kept across a handler, and death by SIGPIPE. */
#define _GNU_SOURCE
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "guest.h"

static volatile sig_atomic_t alarms, profs, ticks;
static volatile double fp_in_handler;
static int pipe_write_end;

static void on_alarm(int sig) { (void)sig; alarms++; }
static void on_prof(int sig) { (void)sig; profs++; }
static void on_tick(int sig) {
  (void)sig;
  if (++ticks == 3) write(pipe_write_end, "x", 1);
}
static void fp_handler(int sig) {
  (void)sig;
  volatile double x = 1.0;
  for (int i = 0; i < 10; i++) x = x * 1.5 + 0.25;
  fp_in_handler = x;
}

static void handle(int sig, void (*fn)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0); /* the program dies of SIGPIPE: nothing may stay buffered */
  int fds[2];
  pipe(fds);
  pipe_write_end = fds[1];
  char c = 0;

  handle(SIGALRM, on_alarm, 0);
  struct itimerval it = {{0, 0}, {0, 20000}};
  setitimer(ITIMER_REAL, &it, NULL);
  ssize_t r = read(fds[0], &c, 1);
  int e = errno;
  printf("read without SA_RESTART: %zd %s alarms %d\n", r, errno_name(r < 0 ? e : 0), alarms);

  /* With SA_RESTART the read survives three timer signals and gets the byte the third writes. */
  handle(SIGUSR2, on_tick, SA_RESTART);
  timer_t timer;
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_SIGNAL;
  ev.sigev_signo = SIGUSR2;
  printf("timer_create %d\n", timer_create(CLOCK_MONOTONIC, &ev, &timer));
  struct itimerspec its = {{0, 15000000}, {0, 15000000}};
  timer_settime(timer, 0, &its, NULL);
  r = read(fds[0], &c, 1);
  printf("read with SA_RESTART: %zd '%c' ticks>=3 %d\n", r, c, ticks >= 3);

  /* Blocked: expiries pile up as overruns of one queued signal. */
  sigset_t usr2, old;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  sigprocmask(SIG_BLOCK, &usr2, &old);
  struct timespec nap = {0, 100000000};
  while (nanosleep(&nap, &nap) != 0) {}
  siginfo_t si;
  int got = sigwaitinfo(&usr2, &si);
  printf("timer signal %d code SI_TIMER %d overrun>=3 %d getoverrun same %d\n", got == SIGUSR2,
         si.si_code == SI_TIMER, si.si_overrun >= 3, timer_getoverrun(timer) == si.si_overrun);
  struct itimerspec cur;
  timer_gettime(timer, &cur);
  printf("interval %ld ns, armed %d\n", cur.it_interval.tv_nsec,
         cur.it_value.tv_sec != 0 || cur.it_value.tv_nsec != 0);
  timer_delete(timer);
  int again = timer_delete(timer); /* musl returns the raw -EINVAL here */
  printf("timer_delete again fails %d\n", again != 0);
  sigprocmask(SIG_SETMASK, &old, NULL);

  /* FP and x87 registers are the same after a handler ran in the middle. */
  handle(SIGUSR1, fp_handler, 0);
  volatile double a = 3.0, b = 7.0;
  double acc = 0;
  for (int i = 0; i < 1000; i++) {
    acc += sqrt(a * i + b);
    if (i == 500) raise(SIGUSR1);
  }
  long double third = 1.0L / 3.0L;
  raise(SIGUSR1);
  printf("fp %.6f handler %.6f long double %.15Lf\n", acc, fp_in_handler, third * 3.0L);

  /* sigqueue's value arrives through sigwaitinfo; sigtimedwait times out. */
  sigset_t rt;
  sigemptyset(&rt);
  sigaddset(&rt, SIGRTMIN + 1);
  sigprocmask(SIG_BLOCK, &rt, NULL);
  union sigval v = {.sival_int = 4242};
  sigqueue(getpid(), SIGRTMIN + 1, v);
  sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = 4343});
  int s1 = sigwaitinfo(&rt, &si);
  int v1 = si.si_value.sival_int;
  int s2 = sigwaitinfo(&rt, &si);
  printf("sigqueue %d %d code SI_QUEUE %d values %d %d pid ok %d\n", s1 - SIGRTMIN, s2 - SIGRTMIN,
         si.si_code == SI_QUEUE, v1, si.si_value.sival_int, si.si_pid == getpid());
  struct timespec short_wait = {0, 1000000};
  int s3 = sigtimedwait(&rt, &si, &short_wait);
  printf("sigtimedwait %d %s\n", s3, errno_name(errno));

  /* ITIMER_PROF counts CPU time in a busy loop. */
  handle(SIGPROF, on_prof, 0);
  struct itimerval prof = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_PROF, &prof, NULL);
  volatile unsigned long spin = 0;
  while (profs < 3) spin++;
  prof.it_value.tv_usec = 0;
  setitimer(ITIMER_PROF, &prof, NULL);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("profs %d cpu time %d\n", profs, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec > 0);

  /* Writing to a pipe without readers: EPIPE when SIGPIPE is ignored, death by default. */
  close(fds[0]);
  signal(SIGPIPE, SIG_IGN);
  r = write(fds[1], "x", 1);
  printf("write to closed pipe %zd %s\n", r, errno_name(errno));
  signal(SIGPIPE, SIG_DFL);
  write(fds[1], "x", 1);
  printf("not reached\n");
  return 0;
}
