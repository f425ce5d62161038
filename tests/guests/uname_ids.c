/* uname's stable fields and process identity relations: getpid/getppid/getuid/getgid consistency. */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
  struct utsname u;
  printf("uname %d sysname %s machine %s\n", uname(&u), u.sysname, u.machine);
  printf("release nonempty %d nodename nonempty %d\n", u.release[0] != 0, u.nodename[0] != 0);
  pid_t pid = getpid(), ppid = getppid();
  printf("pid positive %d stable %d raw syscall agrees %d\n", pid > 0, getpid() == pid,
      syscall(SYS_getpid) == pid);
  printf("ppid positive %d differs from pid %d\n", ppid > 0, ppid != pid);
  printf("tid equals pid %d\n", (pid_t)syscall(SYS_gettid) == pid);
  printf("uid==euid %d gid==egid %d\n", getuid() == geteuid(), getgid() == getegid());
  printf("pgid positive %d sid positive %d\n", getpgrp() > 0, getsid(0) > 0);
  char host[256];
  int r = gethostname(host, sizeof host);
  printf("gethostname %d matches nodename %d\n", r, strcmp(host, u.nodename) == 0);
  return 0;
}
