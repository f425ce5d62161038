/* fcntl record locks, OFD locks and flock between processes: conflicts, F_GETLK, waits, release on close and exit. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/file.h>
#include "mp.h"

static char path[] = "/tmp/mp_file_locks_XXXXXX";

static int lock(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  return fcntl(fd, cmd, &l) < 0 ? -errno : 0;
}

static const char *result(int r) { return r == 0 ? "ok" : errno_name(-r); }

static int reopen(void) {
  int fd = open(path, O_RDWR);
  if (fd < 0) fail("open");
  return fd;
}

static void wait_child(pid_t pid) {
  int status;
  if (waitpid(pid, &status, 0) != pid) fail("waitpid");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) say("child failed: %d\n", status);
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  mp_watchdog();
  int fd = mkstemp(path);
  if (fd < 0) fail("mkstemp");
  if (ftruncate(fd, 4096) < 0) fail("ftruncate");
  pid_t parent = getpid();
  int sync[2], back[2]; /* child to parent, parent to child */
  if (pipe(sync) < 0 || pipe(back) < 0) fail("pipe");

  say("parent write-locks 0..99: %s\n", result(lock(fd, F_SETLK, F_WRLCK, 0, 100)));
  pid_t child = mp_fork();
  if (child == 0) {
    int mine = reopen();
    say("child locks 50..60: %s\n", result(lock(mine, F_SETLK, F_WRLCK, 50, 11)));
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 50, .l_len = 11};
    if (fcntl(mine, F_GETLK, &l) < 0) fail("F_GETLK");
    say("F_GETLK: type %s start %ld len %ld pid is the parent's %s\n",
        l.l_type == F_WRLCK ? "F_WRLCK" : "other", (long)l.l_start, (long)l.l_len,
        yes_no(l.l_pid == parent));
    say("child locks 100..199: %s\n", result(lock(mine, F_SETLK, F_WRLCK, 100, 100)));
    say("child read-locks 0..0 with F_SETLK: %s\n", result(lock(mine, F_SETLK, F_RDLCK, 0, 1)));
    /* Interrupted by a signal without SA_RESTART: EINTR. */
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    say("F_SETLKW interrupted by a signal: %s\n", result(lock(mine, F_SETLKW, F_WRLCK, 0, 1)));
    mp_watchdog();
    if (write(sync[1], "w", 1) != 1) fail("write sync");
    int r = lock(mine, F_SETLKW, F_WRLCK, 0, 1);
    say("child got 0..0 after waiting: %s\n", result(r));
    _exit(0);
  }
  char c;
  if (read(sync[0], &c, 1) != 1) fail("read sync");
  usleep(100000);
  say("parent unlocks 0..99\n");
  if (lock(fd, F_SETLK, F_UNLCK, 0, 100) < 0) fail("unlock");
  wait_child(child);

  /* A process's locks go when it closes any descriptor of the file, and when it exits. */
  say("parent locks 0..9: %s\n", result(lock(fd, F_SETLK, F_WRLCK, 0, 10)));
  close(reopen());
  child = mp_fork();
  if (child == 0) {
    say("after the parent closed another descriptor, child locks 0..9: %s\n",
        result(lock(reopen(), F_SETLK, F_WRLCK, 0, 10)));
    _exit(0);
  }
  wait_child(child);
  say("after the child exited, parent locks 0..9: %s\n", result(lock(fd, F_SETLK, F_WRLCK, 0, 10)));
  lock(fd, F_SETLK, F_UNLCK, 0, 0);

  /* flock belongs to the open file description, which fork shares. */
  int shared = reopen();
  say("parent flock LOCK_EX: %s\n", flock(shared, LOCK_EX) == 0 ? "ok" : errno_name(errno));
  child = mp_fork();
  if (child == 0) {
    say("child flock on the shared description: %s\n",
        flock(shared, LOCK_EX | LOCK_NB) == 0 ? "ok" : errno_name(errno));
    int own = reopen();
    say("child flock on its own description: %s\n",
        flock(own, LOCK_EX | LOCK_NB) == 0 ? "ok" : errno_name(errno));
    if (write(sync[1], "c", 1) != 1) fail("write sync");
    if (read(back[0], &c, 1) != 1) fail("read back"); /* parent closed its descriptor */
    say("parent closed its descriptor, child still holds one: %s\n",
        flock(own, LOCK_EX | LOCK_NB) == 0 ? "ok" : errno_name(errno));
    close(shared);
    say("child closed the shared one too: %s\n",
        flock(own, LOCK_SH | LOCK_NB) == 0 ? "ok" : errno_name(errno));
    _exit(0);
  }
  if (read(sync[0], &c, 1) != 1) fail("read sync");
  close(shared);
  if (write(back[1], "p", 1) != 1) fail("write back");
  wait_child(child);

  /* OFD locks: owned by the description; F_GETLK reports pid -1. */
  int ofd = reopen();
  say("parent OFD lock 0..9: %s\n", result(lock(ofd, F_OFD_SETLK, F_WRLCK, 0, 10)));
  say("parent classic lock 5..5 conflicts with its own OFD lock: %s\n",
      result(lock(fd, F_SETLK, F_WRLCK, 5, 1)));
  child = mp_fork();
  if (child == 0) {
    say("child OFD lock on the shared description: %s\n",
        result(lock(ofd, F_OFD_SETLK, F_WRLCK, 0, 20)));
    int own = reopen();
    struct flock l = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
    if (fcntl(own, F_OFD_GETLK, &l) < 0) fail("F_OFD_GETLK");
    say("F_OFD_GETLK: len %ld pid %d\n", (long)l.l_len, (int)l.l_pid);
    _exit(0);
  }
  wait_child(child);
  unlink(path);
  return 0;
}
