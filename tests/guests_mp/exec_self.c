/* execve of /proc/self/exe from a child and from the first process: argv, envp, pid, ppid and signal dispositions seen by the new image. */
#define _GNU_SOURCE
#include "mp.h"

extern char **environ;

static void on_signal(int sig) { (void)sig; }

/* The new image: reports what it was given and what survived the exec. */
static int image(int argc, char **argv) {
  mp_watchdog();
  say("image: argc %d\n", argc);
  for (int i = 0; i < argc; i++) say("image: argv[%d] [%s]\n", i, argv[i]);
  const char *pre_pid = NULL, *pre_ppid = NULL;
  int count = 0;
  for (char **e = environ; *e; e++) {
    count++;
    if (strncmp(*e, "MP_PID=", 7) == 0) pre_pid = *e + 7;
    else if (strncmp(*e, "MP_PPID=", 8) == 0) pre_ppid = *e + 8;
    else say("image: env [%s]\n", *e);
  }
  say("image: %d environment entries\n", count);
  say("image: pid kept across exec %s\n", yes_no(pre_pid && atol(pre_pid) == (long)getpid()));
  say("image: ppid kept across exec %s\n", yes_no(pre_ppid && atol(pre_ppid) == (long)getppid()));
  struct sigaction sa;
  sigaction(SIGUSR1, NULL, &sa);
  say("image: handled SIGUSR1 reset to default %s\n", yes_no(sa.sa_handler == SIG_DFL));
  sigaction(SIGUSR2, NULL, &sa);
  say("image: ignored SIGUSR2 still ignored %s\n", yes_no(sa.sa_handler == SIG_IGN));
  sigset_t mask;
  sigprocmask(SIG_BLOCK, NULL, &mask);
  say("image: blocked SIGHUP still blocked %s\n", yes_no(sigismember(&mask, SIGHUP)));
  return strcmp(argv[0], "first-process") == 0 ? 31 : 23;
}

static void exec_self(const char *argv0) {
  char pid_entry[32], ppid_entry[32];
  snprintf(pid_entry, sizeof pid_entry, "MP_PID=%ld", (long)getpid());
  snprintf(ppid_entry, sizeof ppid_entry, "MP_PPID=%ld", (long)getppid());
  char *const argv[] = {(char *)argv0, "--image", "two words", "", "\xc3\xbcn\xc3\xaf", NULL};
  char *const envp[] = {"A=1", "EMPTY=", "EQUALS=a=b=c", pid_entry, ppid_entry, "LAST=z", NULL};
  execve("/proc/self/exe", argv, envp);
  fail("execve /proc/self/exe");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--image") == 0) return image(argc, argv);
  mp_watchdog();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGUSR1, &sa, NULL);
  signal(SIGUSR2, SIG_IGN);
  sigset_t block;
  sigemptyset(&block);
  sigaddset(&block, SIGHUP);
  sigprocmask(SIG_BLOCK, &block, NULL);

  pid_t child = mp_fork();
  if (child == 0) exec_self("child-argv0");
  say("parent: child %s\n", reap(child));
  /* Now the first process itself becomes the image; its status is the program's. */
  exec_self("first-process");
  return 1;
}
