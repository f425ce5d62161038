/* MAP_SHARED file mappings, mapping checks and misuse errnos. */
/* MAP_SHARED file mappings written back (msync, munmap, exit) without extending the file, access
 * checks against the open mode, MAP_FIXED_NOREPLACE, mremap MREMAP_FIXED/DONTUNMAP, mincore,
 * MADV_DONTNEED, and the errno of each misuse. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "guest.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static void report(const char *what, void *r) {
  printf("%s: %s\n", what, r == MAP_FAILED ? errno_name(errno) : "ok");
}

static void report_int(const char *what, int r) {
  printf("%s: %s\n", what, r < 0 ? errno_name(errno) : "ok");
}

static void show_file(const char *path) {
  char buf[64] = {0};
  int fd = open(path, O_RDONLY);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("file (%zd bytes): %s\n", n, buf);
}

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  const char *tmp = getenv("TMPDIR");
  char path[512];
  snprintf(path, sizeof path, "%s/mmap_shared.data", tmp ? tmp : "/tmp");
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
  write(fd, "hello, mapped world", 19);

  int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
  report("shared writable map of O_RDONLY", mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0));
  report("map of O_WRONLY", mmap(NULL, page, PROT_READ, MAP_PRIVATE, wo, 0));
  report("length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0));
  report("unaligned offset", mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 100));
  report("bad fd", mmap(NULL, page, PROT_READ, MAP_PRIVATE, 99, 0));
  int dir = open(tmp ? tmp : "/tmp", O_RDONLY | O_DIRECTORY);
  report("directory", mmap(NULL, page, PROT_READ, MAP_PRIVATE, dir, 0));
  char *shro = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
  report_int("mprotect shared read-only to write", mprotect(shro, page, PROT_READ | PROT_WRITE));
  munmap(shro, page);

  char *priv = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
  priv[0] = 'J';
  /* (The second page lies wholly past EOF: touching it would raise SIGBUS.) */
  printf("private: %.19s, past EOF %d\n", priv, priv[19]);

  char *s = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd); /* the mapping keeps the file */
  memcpy(s + 7, "MAPPED", 6);
  s[100] = 'Z'; /* past EOF: never reaches the file */
  int synced = msync(s, page, MS_SYNC);
  printf("msync %d\n", synced);
  show_file(path);
  s[0] = 'H';
  int unmapped = munmap(s, page);
  printf("munmap %d\n", unmapped);
  show_file(path);
  struct stat st;
  stat(path, &st);
  printf("size still %lld\n", (long long)st.st_size);
  printf("private copy untouched: %.19s\n", priv);

  /* Placement and replacement. */
  char *area = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("FIXED_NOREPLACE over a mapping",
         mmap(area + page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
  munmap(area + 3 * page, page);
  void *nr = mmap(area + 3 * page, page, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  printf("FIXED_NOREPLACE into a hole: %d\n", nr == area + 3 * page);
  report("FIXED unaligned",
         mmap(area + 1, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));

  /* mincore and MADV_DONTNEED. */
  area[page] = 1;
  unsigned char vec[4];
  mincore(area, 4 * page, vec);
  printf("mincore second page %d\n", vec[1] & 1);
  area[0] = 42;
  int adv = madvise(area, page, MADV_DONTNEED);
  printf("madvise %d zeroed %d\n", adv, area[0] == 0);
  report_int("madvise bad advice", madvise(area, page, 12345));
  /* (musl's mprotect rounds the start down itself: ask the kernel directly.) */
  report_int("mprotect unaligned", (int)syscall(SYS_mprotect, area + 1, page, PROT_READ));
  report_int("munmap length 0", munmap(area, 0));
  report_int("msync bad flags", msync(area, page, MS_SYNC | MS_ASYNC));

  /* mremap: fixed destination and DONTUNMAP. */
  area[0] = 7;
  char *dst = mmap(NULL, 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *moved = mremap(area, page, page, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
  printf("MREMAP_FIXED at dst %d value %d\n", moved == dst, moved[0]);
  report("mremap FIXED without MAYMOVE", mremap(moved, page, page, MREMAP_FIXED, area));
  char *kept = mremap(moved, page, page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  if (kept == MAP_FAILED) {
    printf("DONTUNMAP unsupported\n");
  } else {
    printf("DONTUNMAP moved %d, old range empty %d\n", kept[0] == 7, moved[0] == 0);
  }
  munmap(dst + page, page);
  report("mremap of unmapped", mremap(dst + page, page, 2 * page, MREMAP_MAYMOVE));

  /* Written back at exit, after the descriptor is gone. */
  fd = open(path, O_RDWR);
  s = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  s[18] = 'D';
  fflush(stdout);
  return 0;
}
