/* execve failures as errno names: ENOENT, EACCES, ENOEXEC, ENOTDIR, and a failing exec leaves the caller running (in a child and in the first process). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include "mp.h"

static char dir[64];

static void make_file(const char *name, const void *content, size_t length, mode_t mode) {
  char path[128];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) fail("open");
  write_all(fd, content, length);
  close(fd);
  if (chmod(path, mode) < 0) fail("chmod");
}

static int try_exec(const char *name) {
  char path[128];
  if (name[0] == '/') snprintf(path, sizeof path, "%s", name);
  else snprintf(path, sizeof path, "%s/%s", dir, name);
  char *argv[] = {path, NULL};
  char *envp[] = {NULL};
  errno = 0;
  int r = execve(path, argv, envp);
  return r < 0 ? errno : 0;
}

int main(void) {
  mp_watchdog();
  snprintf(dir, sizeof dir, "/tmp/mp-exec-errors-XXXXXX");
  if (!mkdtemp(dir)) fail("mkdtemp");
  static const char garbage[] = "\x01\x02\x03 this is not an executable of any kind\n";
  static const char script[] = "#!/no/such/interpreter\necho hi\n";
  static const char elf_magic_only[] = "\x7f" "ELF";
  make_file("not-executable", "#!/bin/sh\nexit 0\n", 17, 0644);
  make_file("garbage", garbage, sizeof garbage - 1, 0755);
  make_file("empty", "", 0, 0755);
  make_file("bad-interpreter", script, sizeof script - 1, 0755);
  make_file("elf-magic-only", elf_magic_only, 4, 0755);
  char sub[128];
  snprintf(sub, sizeof sub, "%s/a-directory", dir);
  mkdir(sub, 0755);

  static const char *const cases[] = {
      "missing", "not-executable", "garbage", "empty", "bad-interpreter", "elf-magic-only",
      "a-directory", "garbage/below-a-file", "/no/such/dir/program",
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    say("execve %s: %s\n", cases[i], errno_name(try_exec(cases[i])));

  /* The same failures seen by a parent through a child's exit status, as a shell sees them. */
  static const char *const in_child[] = {"missing", "not-executable", "garbage"};
  for (int i = 0; i < 3; i++) {
    /* Not mp_fork(): a failing fork must still let the temporary files be removed below. */
    pid_t child = fork();
    if (child < 0) {
      say("fork: %s\n", errno_name(errno));
      break;
    }
    if (child == 0) _exit(try_exec(in_child[i]));
    int status;
    wait_for(child, &status, 0);
    say("child execve %s: exit status names %s\n", in_child[i],
        WIFEXITED(status) ? errno_name(WEXITSTATUS(status)) : status_text(status));
  }

  static const char *const names[] = {"not-executable", "garbage", "empty", "bad-interpreter",
                                      "elf-magic-only"};
  for (int i = 0; i < 5; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(sub);
  rmdir(dir);
  say("still running after the failed execs\n");
  return 0;
}
