/* Order between releasing file locks and writing a pipe: a process that got a byte written after another closed its locked file finds the flock and the record lock free at once, in every round. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/file.h>

#include "mp.h"

#define ROUNDS 40

static char path[] = "/tmp/mp_lock_order_XXXXXX";

static int record_lock(int fd) {
  struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
  return fcntl(fd, F_SETLK, &l);
}

int main(void) {
  mp_watchdog();
  int made = mkstemp(path);
  if (made < 0) fail("mkstemp");
  close(made);
  int busy = 0;
  for (int k = 0; k < ROUNDS; k++) {
    int go[2];
    make_pipe(go);
    int fd = open(path, O_RDWR);
    if (fd < 0) fail("open");
    if (flock(fd, LOCK_EX) < 0) fail("flock");
    if (record_lock(fd) < 0) fail("record lock");
    pid_t child = mp_fork();
    if (child == 0) {
      close(go[1]);
      close(fd); /* the child's copy: the description stays open in the parent */
      int own = open(path, O_RDWR);
      if (own < 0) fail("open in the child");
      await_byte(go[0]);
      int flocked = flock(own, LOCK_EX | LOCK_NB) == 0;
      int recorded = record_lock(own) == 0;
      _exit(flocked && recorded ? 0 : 1);
    }
    close(go[0]);
    close(fd); /* releases both locks */
    send_byte(go[1]);
    close(go[1]);
    int status;
    wait_for(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) busy++;
  }
  unlink(path);
  say("%d rounds, %d found a lock still held after it was released\n", ROUNDS, busy);
  return 0;
}
