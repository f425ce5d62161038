/* File I/O in a mkdtemp directory: open/write/read/lseek/pread/pwrite/ftruncate/fstat/rename/unlink. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "guest.h"

int main(void) {
  char dir[256];
  if (!guest_mkdtemp(dir, sizeof dir, "file-io")) return 2;
  char path[512], path2[512];
  snprintf(path, sizeof path, "%s/data.bin", dir);
  snprintf(path2, sizeof path2, "%s/renamed.bin", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0640);
  printf("open %d\n", fd >= 0);
  unsigned char block[5000];
  for (size_t i = 0; i < sizeof block; i++) block[i] = (unsigned char)(i * 37 + 11);
  printf("write %zd\n", write(fd, block, sizeof block));
  long cur = (long)lseek(fd, 0, SEEK_CUR);
  long end = (long)lseek(fd, 0, SEEK_END);
  long set = (long)lseek(fd, 100, SEEK_SET);
  printf("lseek cur %ld end %ld set %ld\n", cur, end, set);
  unsigned char got[6000];
  ssize_t n = read(fd, got, 50);
  cur = (long)lseek(fd, 0, SEEK_CUR);
  printf("read %zd match %d pos %ld\n", n, memcmp(got, block + 100, 50) == 0, cur);
  n = pread(fd, got, 10, 4995);
  cur = (long)lseek(fd, 0, SEEK_CUR);
  printf("pread at end %zd match %d pos %ld\n", n, memcmp(got, block + 4995, 5) == 0, cur);
  printf("pwrite %zd\n", pwrite(fd, "HELLO", 5, 6000));
  struct stat st;
  fstat(fd, &st);
  printf("size %ld reg %d mode %o\n", (long)st.st_size, S_ISREG(st.st_mode),
      (unsigned)(st.st_mode & 0777));
  n = pread(fd, got, 1015, 4990);
  int hole_zero = 1;
  for (int i = 10; i < 1010 && i < n; i++) hole_zero &= got[i] == 0;
  printf("hole read %zd zeros %d tail %.5s\n", n, hole_zero, (char *)got + 1010);
  printf("ftruncate %d\n", ftruncate(fd, 1234));
  fstat(fd, &st);
  n = pread(fd, got, 10, 2000);
  printf("size after truncate %ld read at 2000 %zd\n", (long)st.st_size, n);
  set = (long)lseek(fd, 3000, SEEK_SET);
  n = write(fd, "x", 1);
  printf("lseek beyond %ld write %zd\n", set, n);
  fstat(fd, &st);
  printf("size %ld\n", (long)st.st_size);
  errno = 0;
  set = (long)lseek(fd, -1, SEEK_SET);
  printf("lseek negative %ld %s\n", set, errno_name(errno));
  close(fd);
  printf("rename %d\n", rename(path, path2));
  int r = stat(path, &st);
  printf("stat old %d %s\n", r, errno_name(errno));
  printf("stat new %d size %ld\n", stat(path2, &st), (long)st.st_size);
  fd = open(path2, O_WRONLY | O_APPEND);
  lseek(fd, 0, SEEK_SET);
  write(fd, "APPENDED", 8);
  close(fd);
  fd = open(path2, O_RDONLY);
  n = read(fd, got, sizeof got);
  printf("after append %zd tail %.8s\n", n, (char *)got + n - 8);
  n = read(fd, got, 10);
  printf("read at eof %zd\n", n);
  close(fd);
  fd = open(path2, O_WRONLY | O_TRUNC);
  fstat(fd, &st);
  printf("O_TRUNC size %ld\n", (long)st.st_size);
  close(fd);
  r = unlink(path2);
  printf("unlink %d", r);
  printf(" rmdir %d\n", rmdir(dir));
  return 0;
}
