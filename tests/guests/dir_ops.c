/* Directories: mkdir, nested files, opendir/readdir listing (sorted), stat types, rename of dirs, rmdir. */
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

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a,
    *(char *const *)b); }

static void list(const char *rel) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  DIR *d = opendir(path);
  if (!d) {
    printf("opendir %s failed %s\n", rel, errno_name(errno));
    return;
  }
  char *names[200];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 200) {
    char full[1024];
    snprintf(full, sizeof full, "%s/%s", path, e->d_name);
    struct stat st;
    lstat(full, &st);
    char *entry = malloc(300);
    snprintf(entry, 300, "%s%s(%ld)", e->d_name,
             S_ISDIR(st.st_mode) ? "/" : S_ISLNK(st.st_mode) ? "@" : "",
             S_ISREG(st.st_mode) ? (long)st.st_size : -1L);
    names[n++] = entry;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp_names);
  printf("%s:", rel);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

static void make_file(const char *rel, int size) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, rel);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
  for (int i = 0; i < size; i++) write(fd, "z", 1);
  close(fd);
}

int main(void) {
  if (!guest_mkdtemp(dir, sizeof dir, "dirs")) return 2;
  char path[512], path2[512];
  const char *subdirs[] = {"alpha", "beta", "beta/inner", "gamma"};
  for (int i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, subdirs[i]);
    printf("mkdir %s %d\n", subdirs[i], mkdir(path, 0700));
  }
  for (int i = 0; i < 40; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "%s/file%02d.txt", i % 3 ? "alpha" : "beta/inner", i);
    make_file(rel, i);
  }
  make_file("top.dat", 123);
  snprintf(path, sizeof path, "%s/link", dir);
  printf("symlink %d\n", symlink("top.dat", path));
  char target[64] = {0};
  ssize_t n = readlink(path, target, sizeof target - 1);
  printf("readlink %zd %s\n", n, target);
  list(".");
  list("alpha");
  list("beta");
  list("beta/inner");
  snprintf(path, sizeof path, "%s/beta", dir);
  snprintf(path2, sizeof path2, "%s/gamma/moved", dir);
  printf("rename dir %d\n", rename(path, path2));
  list(".");
  list("gamma/moved/inner");
  printf("chdir %d\n", chdir(dir));
  struct stat st;
  int r = stat("gamma/moved/inner/file00.txt", &st);
  printf("relative stat %d %d\n", r, S_ISREG(st.st_mode));
  /* Remove everything, deepest first. */
  for (int i = 0; i < 40; i++) {
    char rel[64];
    snprintf(rel, sizeof rel, "%s/file%02d.txt", i % 3 ? "alpha" : "gamma/moved/inner", i);
    if (unlink(rel) != 0) printf("unlink %s failed\n", rel);
  }
  const char *dirs[] = {"gamma/moved/inner", "gamma/moved", "gamma", "alpha"};
  for (int i = 0; i < 4; i++) printf("rmdir %s %d\n", dirs[i], rmdir(dirs[i]));
  printf("unlink link %d\n", unlink("link"));
  printf("unlink top.dat %d\n", unlink("top.dat"));
  list(".");
  printf("chdir / %d\n", chdir("/"));
  printf("rmdir %d\n", rmdir(dir));
  return 0;
}
