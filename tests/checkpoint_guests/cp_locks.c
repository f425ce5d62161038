// A guest holding file locks across a checkpoint: it takes an fcntl write lock and a flock on
// argv[1], says "locked", sleeps (the checkpoint lands here), then forks a child that finds both
// locks still held (by its parent's pid and description), and free once the parent lets go.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *setlk(int fd, short type) {
  struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
  return fcntl(fd, F_SETLK, &l) == 0 ? "ok" : strerror(errno);
}

static const char *try_flock(int fd) {
  return flock(fd, LOCK_EX | LOCK_NB) == 0 ? "ok" : strerror(errno);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  int record = open(argv[1], O_RDWR | O_CREAT, 0600), whole = open(argv[1], O_RDONLY);
  if (record < 0 || whole < 0) return 3;
  printf("record lock: %s, flock: %s\n", setlk(record, F_WRLCK), try_flock(whole));
  printf("locked\n");
  fflush(stdout);
  sleep(3);
  int go[2], asked[2];
  if (pipe(go) < 0 || pipe(asked) < 0) return 4;
  pid_t parent = getpid(), child = fork();
  if (child == 0) {
    close(whole); // the parent's description, and its flock, stay the parent's alone
    int mine = open(argv[1], O_RDWR);
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 5, .l_len = 1};
    fcntl(mine, F_GETLK, &l);
    printf("child: record lock %s, held by the parent %s; flock %s\n", setlk(mine, F_WRLCK),
           l.l_type == F_WRLCK && l.l_pid == parent ? "yes" : "no", try_flock(mine));
    fflush(stdout);
    char c;
    if (write(asked[1], "a", 1) != 1 || read(go[0], &c, 1) != 1) return 5;
    printf("child, after the parent closed: record lock %s; flock %s\n", setlk(mine, F_WRLCK),
           try_flock(mine));
    return 0;
  }
  char c;
  if (read(asked[0], &c, 1) != 1) return 6;
  close(record);
  close(whole);
  if (write(go[1], "g", 1) != 1) return 7;
  int status;
  waitpid(child, &status, 0);
  printf("done %d\n", WEXITSTATUS(status));
  return 0;
}
