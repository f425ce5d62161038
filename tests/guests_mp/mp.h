/* Shared helpers for multi-process guest programs: atomic line output, a fork with a watchdog, status text. */
#ifndef MP_H
#define MP_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

/*
 * Every process of these programs (the first, each child, each exec'd image) arms an alarm, so a
 * process that would wait forever dies of SIGALRM well inside the harness's 60 s bound and the
 * failure names itself. Alarms are not inherited across fork, hence mp_fork().
 */
#define MP_WATCHDOG_SECONDS 45

/*
 * Output goes through say(): one write(2) per call, never stdio buffers. Several processes share
 * stdout, and a stdio buffer copied by fork would print twice; a single write of a short line is
 * also what keeps lines from different processes whole.
 */
static inline void say(const char *format, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *format, ...) {
  char line[2048];
  va_list args;
  va_start(args, format);
  int length = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (length < 0) return;
  if ((size_t)length >= sizeof line) length = sizeof line - 1;
  const char *p = line;
  while (length > 0) {
    ssize_t n = write(1, p, (size_t)length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    length -= (int)n;
  }
}

static inline const char *yes_no(int condition) { return condition ? "yes" : "no"; }

/* Reports a failed call and exits with 99: the output then differs from the native run. */
static inline void fail(const char *what) {
  say("FAIL %s: %s\n", what, errno_name(errno));
  _exit(99);
}

static inline void mp_watchdog(void) { alarm(MP_WATCHDOG_SECONDS); }

static inline pid_t mp_fork(void) {
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) mp_watchdog();
  return pid;
}

static inline const char *signal_name(int sig) {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGCHLD: return "SIGCHLD";
    case SIGCONT: return "SIGCONT";
    case SIGSTOP: return "SIGSTOP";
    case SIGTSTP: return "SIGTSTP";
    default: return "SIG?";
  }
}

/* "exited 3", "killed by SIGTERM", "stopped by SIGSTOP"; never the core-dump bit (ulimit-dependent). */
static inline const char *status_text(int status) {
  static char text[64];
  if (WIFEXITED(status)) snprintf(text, sizeof text, "exited %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) snprintf(text, sizeof text, "killed by %s", signal_name(WTERMSIG(status)));
  else if (WIFSTOPPED(status)) snprintf(text, sizeof text, "stopped by %s", signal_name(WSTOPSIG(status)));
  else snprintf(text, sizeof text, "status %#x", status);
  return text;
}

/* waitpid(2) that retries on EINTR; returns its result and leaves errno as the call set it. */
static inline pid_t wait_for(pid_t pid, int *status, int options) {
  pid_t r;
  do r = waitpid(pid, status, options);
  while (r < 0 && errno == EINTR);
  return r;
}

/* Reaps PID, which must be a child, and returns its status text. */
static inline const char *reap(pid_t pid) {
  int status;
  pid_t r = wait_for(pid, &status, 0);
  if (r != pid) fail("waitpid");
  return status_text(status);
}

static inline void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) < 0 && errno == EINTR) {
  }
}

static inline void write_all(int fd, const void *data, size_t length) {
  const char *p = (const char *)data;
  while (length > 0) {
    ssize_t n = write(fd, p, length);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write");
    p += n;
    length -= (size_t)n;
  }
}

/* Reads exactly LENGTH bytes unless end of file comes first; returns the count read. */
static inline size_t read_full(int fd, void *data, size_t length) {
  char *p = (char *)data;
  size_t total = 0;
  while (total < length) {
    ssize_t n = read(fd, p + total, length - total);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read");
    if (n == 0) break;
    total += (size_t)n;
  }
  return total;
}

/* Blocks until one byte arrives on FD (a "go" signal); returns 0 at end of file instead. */
static inline int await_byte(int fd) {
  char c;
  return read_full(fd, &c, 1) == 1;
}

static inline void send_byte(int fd) { write_all(fd, "!", 1); }

static inline void make_pipe(int fds[2]) {
  if (pipe(fds) < 0) fail("pipe");
}

#endif
