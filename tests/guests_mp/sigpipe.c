/* Writing to a pipe whose reader (another process) has exited: killed by SIGPIPE by default; EPIPE when ignored, blocked or handled. */
#define _GNU_SOURCE
#include "mp.h"

enum mode { DEFAULT, IGNORED, BLOCKED, HANDLED };
static const char *const mode_names[] = {"default", "ignored", "blocked", "handled"};

static volatile sig_atomic_t handler_ran;
static void on_pipe(int sig) {
  (void)sig;
  handler_ran++;
}

/* A reader process takes one byte and exits; then a writer process writes again. */
static void scenario(enum mode mode) {
  int p[2], go[2];
  make_pipe(p);
  make_pipe(go);
  pid_t reader = mp_fork();
  if (reader == 0) {
    close(p[1]);
    close(go[0]);
    close(go[1]);
    char c;
    _exit(read_full(p[0], &c, 1) == 1 && c == 'x' ? 0 : 1);
  }
  pid_t writer = mp_fork();
  if (writer == 0) {
    close(p[0]);
    close(go[1]);
    if (mode == IGNORED) signal(SIGPIPE, SIG_IGN);
    if (mode == HANDLED) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = on_pipe;
      sigaction(SIGPIPE, &sa, NULL);
    }
    if (mode == BLOCKED) {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      sigprocmask(SIG_BLOCK, &set, NULL);
    }
    write_all(p[1], "x", 1);
    await_byte(go[0]); /* end of file: the reader is gone */
    errno = 0;
    ssize_t n = write(p[1], "yz", 2);
    int error = errno;
    sigset_t pending;
    sigpending(&pending);
    say("%s: write returned %d %s, handler ran %d, SIGPIPE pending %s\n", mode_names[mode], (int)n,
        errno_name(error), (int)handler_ran, yes_no(sigismember(&pending, SIGPIPE)));
    _exit(error == EPIPE ? 32 : 1);
  }
  close(p[0]);
  close(p[1]);
  close(go[0]);
  char reader_status[64];
  snprintf(reader_status, sizeof reader_status, "%s", reap(reader));
  close(go[1]); /* releases the writer, now that no process holds the read end */
  say("%s: reader %s, writer %s\n", mode_names[mode], reader_status, reap(writer));
}

int main(void) {
  mp_watchdog();
  scenario(DEFAULT);
  scenario(IGNORED);
  scenario(BLOCKED);
  scenario(HANDLED);
  /* The parent itself, SIGPIPE ignored, writing to a pipe whose only reader exited. */
  signal(SIGPIPE, SIG_IGN);
  int p[2];
  make_pipe(p);
  pid_t reader = mp_fork();
  if (reader == 0) _exit(0);
  close(p[0]);
  say("parent: reader %s\n", reap(reader));
  errno = 0;
  ssize_t n = write(p[1], "late", 4);
  say("parent: write with no reader left: %d %s\n", (int)n, errno_name(errno));
  return 0;
}
