/* vfork then _exit, vfork then execve, and posix_spawn: statuses and the new image's parent. */
#define _GNU_SOURCE
#include <spawn.h>
#include "mp.h"

extern char **environ;

static int image(void) {
  mp_watchdog();
  const char *expected = getenv("MP_PARENT");
  say("image: parent is the process that vforked %s\n",
      yes_no(expected && atol(expected) == (long)getppid()));
  return 9;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--image") == 0) return image();
  mp_watchdog();
  pid_t self = getpid();
  char parent_entry[32];
  snprintf(parent_entry, sizeof parent_entry, "MP_PARENT=%ld", (long)self);
  char *image_argv[] = {"vfork-image", "--image", NULL};
  char *image_envp[] = {parent_entry, NULL};

  pid_t child = vfork();
  if (child < 0) fail("vfork");
  if (child == 0) _exit(getppid() == self ? 42 : 1);
  say("vfork + _exit: %s\n", reap(child));

  child = vfork();
  if (child < 0) fail("vfork");
  if (child == 0) {
    execve("/proc/self/exe", image_argv, image_envp);
    _exit(127);
  }
  say("vfork + execve: %s\n", reap(child));

  pid_t spawned;
  int r = posix_spawn(&spawned, "/proc/self/exe", NULL, NULL, image_argv, image_envp);
  /* The parent resumes once the child has exec'd: reap it before printing, to keep the order. */
  const char *how = r == 0 ? reap(spawned) : "not started";
  say("posix_spawn: %d, child %s\n", r, how);

  /* A failing exec in a posix_spawn child is reported to the caller. */
  char *missing_argv[] = {"missing", NULL};
  r = posix_spawn(&spawned, "/no/such/program", NULL, NULL, missing_argv, environ);
  if (r == 0) {
    int status;
    wait_for(spawned, &status, 0);
    say("posix_spawn of a missing program: child %s\n", status_text(status));
  } else {
    say("posix_spawn of a missing program: %s\n", errno_name(r));
  }
  return 0;
}
