/* pipe2(O_CLOEXEC), F_DUPFD_CLOEXEC and FD_CLOEXEC are closed across execve while plain descriptors stay open; the parent sees end of file once the child has exec'd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include "mp.h"

/* The exec'd image: argv[2..] are descriptor numbers, each "c" (must be closed) or "o" (open). */
static int image(int argc, char **argv) {
  mp_watchdog();
  int wrong = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    int fd = atoi(argv[i]);
    int expect_open = argv[i + 1][0] == 'o';
    errno = 0;
    int flags = fcntl(fd, F_GETFD);
    say("image: %s descriptor %s: %s%s\n", expect_open ? "plain" : "close-on-exec",
        flags >= 0 ? "open" : "closed", flags >= 0 ? "" : errno_name(errno),
        flags >= 0 ? (flags & FD_CLOEXEC ? "with FD_CLOEXEC" : "without FD_CLOEXEC") : "");
    if ((flags >= 0) != expect_open) wrong++;
  }
  /* The plain pipe still works: read what the parent wrote before the exec. */
  int plain_read = atoi(argv[2]);
  char text[16] = {0};
  size_t n = read_full(plain_read, text, 5);
  say("image: read %d [%s] from the plain pipe\n", (int)n, text);
  return wrong;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--image") == 0) return image(argc, argv);
  mp_watchdog();
  int plain[2], cloexec[2];
  make_pipe(plain);
  if (pipe2(cloexec, O_CLOEXEC) < 0) fail("pipe2");
  say("pipe2(O_CLOEXEC) ends have FD_CLOEXEC %s %s; plain ends %s %s\n",
      yes_no(fcntl(cloexec[0], F_GETFD) & FD_CLOEXEC), yes_no(fcntl(cloexec[1], F_GETFD) & FD_CLOEXEC),
      yes_no(fcntl(plain[0], F_GETFD) & FD_CLOEXEC), yes_no(fcntl(plain[1], F_GETFD) & FD_CLOEXEC));
  int dup_cloexec = fcntl(plain[1], F_DUPFD_CLOEXEC, 20);
  int flag_set = dup(plain[1]);
  fcntl(flag_set, F_SETFD, FD_CLOEXEC);
  int flag_cleared = dup3(plain[1], 30, O_CLOEXEC);
  fcntl(flag_cleared, F_SETFD, 0);
  write_all(plain[1], "hello", 5);

  pid_t child = mp_fork();
  if (child == 0) {
    char a[8][16];
    int fds[8] = {plain[0], plain[1], cloexec[0], cloexec[1], dup_cloexec, flag_set, flag_cleared};
    const char *open_after[8] = {"o", "o", "c", "c", "c", "c", "o"};
    char *argv2[20] = {"cloexec-image", "--image"};
    int k = 2;
    for (int i = 0; i < 7; i++) {
      snprintf(a[i], sizeof a[i], "%d", fds[i]);
      argv2[k++] = a[i];
      argv2[k++] = (char *)open_after[i];
    }
    argv2[k] = NULL;
    char *envp[] = {NULL};
    execve("/proc/self/exe", argv2, envp);
    fail("execve");
  }
  /* The child's copy of the close-on-exec write end vanishes at exec; ours goes now. */
  close(cloexec[1]);
  char c;
  size_t n = read_full(cloexec[0], &c, 1);
  /* Printed after the child is reaped, so its lines always come first. */
  const char *how = reap(child);
  say("parent: read on the close-on-exec pipe returned end of file: %s\n", yes_no(n == 0));
  say("parent: child %s\n", how);
  return 0;
}
