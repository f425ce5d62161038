/* mmap (anonymous and file), munmap, mprotect, mremap (grow in place or move), MAP_FIXED, contents preserved. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "guest.h"

int main(void) {
  long page = sysconf(_SC_PAGESIZE);
  printf("page %ld\n", page);
  size_t len = 16 * (size_t)page;
  unsigned char *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("anon ok %d aligned %d zeroed %d\n", a != MAP_FAILED,
      ((uintptr_t)a % (uintptr_t)page) == 0,
         a[0] == 0 && a[len - 1] == 0);
  for (size_t i = 0; i < len; i++) a[i] = (unsigned char)(i * 7);
  uint64_t h = fnv1a(a, len, FNV_START);
  unsigned char *b = mremap(a, len, 64 * (size_t)page, MREMAP_MAYMOVE);
  printf("mremap grow ok %d preserved %d new zero %d\n", b != MAP_FAILED, fnv1a(b, len,
      FNV_START) == h,
         b[64 * page - 1] == 0);
  unsigned char *c = mremap(b, 64 * (size_t)page, 4 * (size_t)page, 0);
  printf("mremap shrink in place %d preserved %d\n", c == b, fnv1a(c, 4 * (size_t)page,
      FNV_START) ==
                                                                   fnv1a(b, 4 * (size_t)page,
                                                                       FNV_START));
  printf("mprotect read-only %d\n", mprotect(c, (size_t)page, PROT_READ));
  printf("still readable %d\n", c[5] == 35);
  printf("munmap %d\n", munmap(c, 4 * (size_t)page));
  errno = 0;
  int r = munmap((void *)1, (size_t)page);
  printf("munmap unaligned %d %s\n", r, errno_name(errno));
  errno = 0;
  void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("mmap zero length failed %d %s\n", bad == MAP_FAILED, errno_name(errno));

  /* A file mapping sees the file's bytes; MAP_SHARED writes reach the file. */
  char dir[256];
  if (!guest_mkdtemp(dir, sizeof dir, "mmap")) return 2;
  char path[512];
  snprintf(path, sizeof path, "%s/mapped", dir);
  int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  char text[3 * 4096];
  for (size_t i = 0; i < sizeof text; i++) text[i] = (char)('a' + i % 26);
  write(fd, text, sizeof text);
  char *m = mmap(NULL, sizeof text, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  printf("file map ok %d same bytes %d\n", m != MAP_FAILED, memcmp(m, text, sizeof text) == 0);
  memcpy(m + 4096, "SHARED", 6);
  msync(m, sizeof text, MS_SYNC);
  char back[8] = {0};
  pread(fd, back, 6, 4096);
  printf("shared write visible via read [%s]\n", back);
  char *off = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 8192);
  printf("offset map [%.4s]\n", off);
  char *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  priv[0] = 'Z';
  pread(fd, back, 1, 0);
  printf("private write not in file %c %c\n", priv[0], back[0]);
  munmap(m, sizeof text);
  munmap(off, 4096);
  munmap(priv, 4096);
  close(fd);
  unlink(path);
  rmdir(dir);

  /* MAP_FIXED over part of a mapping replaces just those pages. */
  unsigned char *base = mmap(NULL, 8 * (size_t)page, PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(base, 0x11, 8 * (size_t)page);
  unsigned char *fixed = mmap(base + 2 * page, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  printf("fixed at requested %d before %x inside %x after %x\n", fixed == base + 2 * page,
      base[2 * page - 1],
         base[2 * page], base[4 * page]);
  munmap(base, 8 * (size_t)page);
  return 0;
}
