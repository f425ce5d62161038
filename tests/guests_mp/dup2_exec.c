/* dup2 of pipe ends onto stdin and stdout, then execve: a filter process between two pipes, and a two-stage pipeline of exec'd programs. */
#define _GNU_SOURCE
#include <ctype.h>
#include <sys/stat.h>
#include "mp.h"

static int is_fifo(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* Upper-cases stdin to stdout, then reports what it saw. */
static int filter(void) {
  int in_fifo = is_fifo(0), out_fifo = is_fifo(1);
  static char buffer[4096];
  long total = 0;
  for (;;) {
    ssize_t n = read(0, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) buffer[i] = (char)toupper((unsigned char)buffer[i]);
    write_all(1, buffer, (size_t)n);
    total += n;
  }
  say("[filter: %ld bytes, stdin is a pipe %s, stdout is a pipe %s]\n", total, yes_no(in_fifo),
      yes_no(out_fifo));
  return 0;
}

/* Writes 5000 numbered lines to stdout. */
static int generate(void) {
  char line[64];
  for (int i = 1; i <= 5000; i++) {
    int n = snprintf(line, sizeof line, "line %d of the generator\n", i);
    write_all(1, line, (size_t)n);
  }
  return 0;
}

/* Counts lines and bytes of stdin and a checksum, and writes one summary line. */
static int count(void) {
  static unsigned char buffer[3000];
  long lines = 0, bytes = 0;
  uint64_t hash = FNV_START;
  for (;;) {
    ssize_t n = read(0, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) lines += buffer[i] == '\n';
    bytes += n;
    hash = fnv1a(buffer, (size_t)n, hash);
  }
  say("count: %ld lines, %ld bytes, fnv1a %016llx\n", lines, bytes, (unsigned long long)hash);
  return 3;
}

static void exec_self(const char *mode) {
  char *argv[] = {(char *)mode, (char *)mode, NULL};
  char *envp[] = {"MP_STAGE=1", NULL};
  execve("/proc/self/exe", argv, envp);
  fail("execve");
}

/* Forks a child running MODE with stdin and stdout moved to IN and OUT (-1: keep). */
static pid_t spawn(const char *mode, int in, int out, int close1, int close2) {
  pid_t pid = mp_fork();
  if (pid == 0) {
    if (in >= 0 && dup2(in, 0) < 0) fail("dup2 stdin");
    if (out >= 0 && dup2(out, 1) < 0) fail("dup2 stdout");
    if (in > 2) close(in);
    if (out > 2) close(out);
    if (close1 >= 0) close(close1);
    if (close2 >= 0) close(close2);
    exec_self(mode);
  }
  return pid;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--filter") == 0) return mp_watchdog(), filter();
  if (argc > 1 && strcmp(argv[1], "--generate") == 0) return mp_watchdog(), generate();
  if (argc > 1 && strcmp(argv[1], "--count") == 0) return mp_watchdog(), count();
  mp_watchdog();

  /* parent -> filter -> parent */
  int to_filter[2], from_filter[2];
  make_pipe(to_filter);
  make_pipe(from_filter);
  pid_t f = spawn("--filter", to_filter[0], from_filter[1], to_filter[1], from_filter[0]);
  close(to_filter[0]);
  close(from_filter[1]);
  const char *text = "The quick brown fox\njumps over the lazy dog.\nmixed Case 123 !?\n";
  for (int i = 0; i < 3; i++) write_all(to_filter[1], text, strlen(text));
  close(to_filter[1]);
  static char output[8192];
  size_t n = read_full(from_filter[0], output, sizeof output - 1);
  close(from_filter[0]);
  output[n] = 0;
  say("from the filter (%d bytes):\n%s", (int)n, output);
  say("filter %s\n", reap(f));

  /* generate | count, both exec'd, the parent reading count's stdout */
  int middle[2], result[2];
  make_pipe(middle);
  make_pipe(result);
  pid_t g = spawn("--generate", -1, middle[1], middle[0], result[0]);
  pid_t c = spawn("--count", middle[0], result[1], middle[1], result[0]);
  close(middle[0]);
  close(middle[1]);
  close(result[1]);
  n = read_full(result[0], output, sizeof output - 1);
  output[n] = 0;
  say("from the pipeline: %s", output);
  say("generator %s\n", reap(g));
  say("counter %s\n", reap(c));
  return 0;
}
