// A guest that checkpoints its own tree (supervisor_checkpoint, runtime/syscalls/sys_supervisor.ts).
// argv[1]: the checkpoint directory; argv[2]: flags (1: stop the job after the commit).
// The parent forks a child blocked reading a pipe, hashes for a while, asks for a checkpoint with
// a bad directory (an error is expected) and then with argv[1], prints what the call returned
// (0 in the original, 1 once restored), then feeds the child, waits for it and prints a summary.
// Output is deterministic apart from the line naming the call's result.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define SYS_supervisor_checkpoint 1000

static void say(const char *fmt, unsigned long long a, unsigned long long b) {
  char line[200];
  int n = snprintf(line, sizeof line, fmt, a, b);
  write(1, line, n);
}

static unsigned long long hash(unsigned long long h, int rounds) {
  for (int k = 0; k < rounds; k++) h = (h ^ (unsigned)k) * 1099511628211ULL;
  return h;
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  unsigned flags = argc > 2 ? (unsigned)atoi(argv[2]) : 0;
  int fds[2];
  if (pipe(fds) != 0) return 3;
  pid_t child = fork();
  if (child == 0) {
    close(fds[1]);
    unsigned long long got = 0, sum = 0;
    char buf[64];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) sum = sum * 31 + (unsigned char)buf[i];
      got += n;
    }
    say("child: %llu bytes, sum %llx\n", got, sum);
    return 0;
  }
  close(fds[0]);
  unsigned long long h = hash(1469598103934665603ULL, 300000);
  say("before: %llx (%llu)\n", h, 0);
  long bad = syscall(SYS_supervisor_checkpoint, "/dev/null/cp", 0);
  say("bad directory: %lld errno %llu\n", (unsigned long long)bad, bad < 0 ? errno : 0);
  long bad_flags = syscall(SYS_supervisor_checkpoint, argv[1], 0x80);
  say("bad flags: %lld errno %llu\n", (unsigned long long)bad_flags, bad_flags < 0 ? errno : 0);
  long r = syscall(SYS_supervisor_checkpoint, argv[1], flags);
  if (r == 0) say("checkpoint: taken (%llu)\n", 0, 0);
  else if (r == 1) say("checkpoint: restored (%llu)\n", 1, 0);
  else say("checkpoint: failed errno %llu (%llu)\n", errno, 0);
  for (int round = 0; round < 5; round++) {
    h = hash(h, 100000);
    char line[64];
    int n = snprintf(line, sizeof line, "%d:%016llx\n", round, h);
    write(fds[1], line, n);
    say("after %llu: %llx\n", round, h);
  }
  close(fds[1]);
  int status = 0;
  waitpid(child, &status, 0);
  say("child status %llu, final %llx\n", WEXITSTATUS(status), h);
  return (int)(h & 0x3f);
}
