/* Terminal settings and window size are the real terminal's, and a child sees what its parent set. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "mp.h"

static void show(const char *who, const struct termios *t) {
  char cc[64] = "";
  for (int k = 0; k < 17; k++) snprintf(cc + strlen(cc), sizeof cc - strlen(cc), " %d", t->c_cc[k]);
  say("%s: iflag %o oflag %o cflag %o lflag %o cc%s\n", who, t->c_iflag, t->c_oflag, t->c_cflag,
      t->c_lflag, cc);
}

int main(int argc, char **argv) {
  mp_watchdog();
  struct termios saved, now;
  if (tcgetattr(0, &saved) < 0) fail("tcgetattr");
  struct termios raw = saved;
  raw.c_lflag &= ~(ECHO | ICANON);
  raw.c_cc[VMIN] = 1;
  if (argc > 1 && strcmp(argv[1], "leave-raw") == 0) {
    /* Exits with the terminal raw: what the terminal is left with is the caller's to check. */
    if (tcsetattr(0, TCSANOW, &raw) < 0) fail("tcsetattr");
    return 0;
  }
  say("isatty: %d %d %d\n", isatty(0), isatty(1), isatty(2));
  show("start", &saved);
  struct winsize w;
  if (ioctl(1, TIOCGWINSZ, &w) < 0) fail("TIOCGWINSZ");
  say("window: %d rows %d columns\n", w.ws_row, w.ws_col);

  if (tcsetattr(0, TCSANOW, &raw) < 0) fail("tcsetattr raw");
  pid_t child = mp_fork();
  if (child == 0) {
    if (tcgetattr(0, &now) < 0) fail("child tcgetattr");
    say("child sees echo %s, canonical %s\n", yes_no(now.c_lflag & ECHO),
        yes_no(now.c_lflag & ICANON));
    struct winsize bigger = w;
    bigger.ws_row += 1;
    if (ioctl(1, TIOCSWINSZ, &bigger) < 0) fail("TIOCSWINSZ");
    _exit(0);
  }
  int status;
  if (waitpid(child, &status, 0) != child) fail("waitpid");
  if (ioctl(0, TIOCGWINSZ, &w) < 0) fail("TIOCGWINSZ again");
  say("window after the child grew it: %d rows %d columns\n", w.ws_row, w.ws_col);

  if (tcsetattr(0, TCSANOW, &saved) < 0) fail("tcsetattr back");
  int tty = open("/dev/tty", O_RDWR);
  if (tty < 0) fail("open /dev/tty");
  if (tcgetattr(tty, &now) < 0) fail("tcgetattr /dev/tty");
  show("/dev/tty after restoring", &now);
  int p[2];
  if (pipe(p) < 0) fail("pipe");
  say("tcgetattr on a pipe: %s\n", tcgetattr(p[0], &now) < 0 ? errno_name(errno) : "ok");
  return 0;
}
