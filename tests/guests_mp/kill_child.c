/* SIGTERM sent to a child blocked in pause(): default action kills it (WTERMSIG SIGTERM); a handler runs instead when installed; kill(pid, 0) probes. */
#define _GNU_SOURCE
#include "mp.h"

static void on_term(int sig) {
  (void)sig;
  _exit(7);
}

/* A child that optionally installs a SIGTERM handler, reports readiness, then pauses. */
static pid_t spawn_paused(int handled) {
  int ready[2];
  make_pipe(ready);
  pid_t pid = mp_fork();
  if (pid == 0) {
    close(ready[0]);
    if (handled) {
      struct sigaction sa;
      memset(&sa, 0, sizeof sa);
      sa.sa_handler = on_term;
      sigaction(SIGTERM, &sa, NULL);
    }
    send_byte(ready[1]);
    for (;;) pause();
  }
  close(ready[1]);
  if (!await_byte(ready[0])) fail("child readiness");
  close(ready[0]);
  return pid;
}

int main(void) {
  mp_watchdog();
  pid_t child = spawn_paused(0);
  say("kill(child, 0) while alive: %d\n", kill(child, 0));
  say("kill(child, SIGTERM): %d\n", kill(child, SIGTERM));
  int status;
  pid_t r = wait_for(child, &status, 0);
  say("waitpid returned the child %s, WIFSIGNALED %d, WTERMSIG is SIGTERM %s\n", yes_no(r == child),
      WIFSIGNALED(status) != 0, yes_no(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM));
  errno = 0;
  int k = kill(child, 0);
  say("kill(child, 0) after reaping: %d %s\n", k, errno_name(errno));

  child = spawn_paused(1);
  say("kill(handled child, SIGTERM): %d\n", kill(child, SIGTERM));
  say("handled child %s\n", reap(child));

  /* SIGKILL cannot be caught: the handler for SIGTERM does not matter. */
  child = spawn_paused(1);
  say("kill(child, SIGKILL): %d\n", kill(child, SIGKILL));
  say("child %s\n", reap(child));

  /* A stopped and continued child still dies of the later SIGTERM. */
  child = spawn_paused(0);
  kill(child, SIGSTOP);
  r = wait_for(child, &status, WUNTRACED);
  say("after SIGSTOP, WUNTRACED reports %s\n", status_text(status));
  kill(child, SIGCONT);
  r = wait_for(child, &status, WCONTINUED);
  say("after SIGCONT, WCONTINUED reports continued %s\n", yes_no(r == child && WIFCONTINUED(status)));
  kill(child, SIGTERM);
  say("child %s\n", reap(child));
  return 0;
}
