/* errno values of failing file operations (ENOENT, EEXIST, ENOTDIR, EISDIR, ENOTEMPTY, EBADF, EINVAL...). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

static char dir[256];

static const char *at(const char *name) {
  static char buf[4][512];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  return p;
}

#define SHOW(label, expr)                                         \
  do {                                                            \
    errno = 0;                                                    \
    long r_ = (long)(expr);                                       \
    printf("%-28s %ld %s\n", label, r_ < 0 ? -1L : 0L, errno_name(errno)); \
  } while (0)

int main(void) {
  if (!guest_mkdtemp(dir, sizeof dir, "errno")) return 2;
  int fd = open(at("file"), O_CREAT | O_WRONLY, 0644);
  write(fd, "abc", 3);
  close(fd);
  mkdir(at("sub"), 0755);
  close(open(at("sub/inner"), O_CREAT | O_WRONLY, 0644));
  char buf[16];
  struct stat st;
  SHOW("open missing", open(at("missing"), O_RDONLY));
  SHOW("open excl existing", open(at("file"), O_CREAT | O_EXCL | O_WRONLY, 0644));
  SHOW("open through file", open(at("file/x"), O_RDONLY));
  SHOW("open dir for write", open(at("sub"), O_WRONLY));
  SHOW("open O_DIRECTORY file", open(at("file"), O_RDONLY | O_DIRECTORY));
  SHOW("mkdir existing", mkdir(at("sub"), 0755));
  SHOW("mkdir missing parent", mkdir(at("nope/deeper"), 0755));
  SHOW("rmdir non-empty", rmdir(at("sub")));
  SHOW("rmdir file", rmdir(at("file")));
  SHOW("rmdir missing", rmdir(at("missing")));
  SHOW("unlink dir", unlink(at("sub")));
  SHOW("unlink missing", unlink(at("missing")));
  SHOW("rename missing", rename(at("missing"), at("other")));
  SHOW("rename dir over file", rename(at("sub"), at("file")));
  SHOW("rename file over dir", rename(at("file"), at("sub")));
  SHOW("stat missing", stat(at("missing"), &st));
  SHOW("stat through file", stat(at("file/x"), &st));
  SHOW("read bad fd", read(-1, buf, 1));
  SHOW("read closed fd", read(99, buf, 1));
  SHOW("write bad fd", write(77, buf, 1));
  SHOW("close bad fd", close(1234));
  fd = open(at("file"), O_RDONLY);
  SHOW("write to read-only fd", write(fd, "x", 1));
  SHOW("lseek bad whence", lseek(fd, 0, 42));
  SHOW("lseek negative", lseek(fd, -10, SEEK_SET));
  SHOW("read into dir fd", read(open(at("sub"), O_RDONLY), buf, 1));
  SHOW("ftruncate read-only", ftruncate(fd, 0));
  close(fd);
  SHOW("chdir file", chdir(at("file")));
  SHOW("opendir file", opendir(at("file")) ? 0 : -1);
  SHOW("opendir missing", opendir(at("missing")) ? 0 : -1);
  SHOW("access missing", access(at("missing"), F_OK));
  SHOW("access existing", access(at("file"), R_OK | W_OK));
  SHOW("link existing target", link(at("file"), at("sub/inner")));
  SHOW("symlink existing", symlink("whatever", at("file")));
  SHOW("readlink not link", readlink(at("file"), buf, sizeof buf));
  char long_name[400];
  size_t prefix = (size_t)snprintf(long_name, sizeof long_name, "%s/", dir);
  memset(long_name + prefix, 'n', sizeof long_name - prefix - 1);
  long_name[sizeof long_name - 1] = 0;
  SHOW("name longer than NAME_MAX", open(long_name, O_RDONLY));
  unlink(at("sub/inner"));
  rmdir(at("sub"));
  unlink(at("file"));
  SHOW("rmdir temp dir", rmdir(dir));
  return 7;
}
