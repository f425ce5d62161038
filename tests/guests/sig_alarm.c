/* alarm() with pause(), setitimer(ITIMER_REAL) with sigsuspend, and the timer's remaining-time queries. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  printf("alarm prev %u\n", alarm(1));
  int r = pause();
  printf("pause %d eintr %d alarms %d\n", r, errno == EINTR, (int)alarms);
  unsigned first = alarm(5);
  unsigned replaced = alarm(3);
  unsigned cancelled = alarm(0);
  printf("alarm set %u, replaced remaining<=5 %d, cancel remaining<=3 %d\n", first, replaced <= 5,
         cancelled <= 3);

  struct itimerval it = {.it_interval = {0, 20000}, .it_value = {0, 30000}};
  printf("setitimer %d\n", setitimer(ITIMER_REAL, &it, NULL));
  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGALRM);
  int before = alarms;
  while (alarms < before + 3) sigsuspend(&wait_mask);
  printf("periodic ticks %d\n", alarms - before);
  struct itimerval cur;
  getitimer(ITIMER_REAL, &cur);
  printf("interval kept %ld us, value <= interval %d\n", (long)cur.it_interval.tv_usec,
         cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 20000);
  struct itimerval zero = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &zero, NULL);
  getitimer(ITIMER_REAL, &cur);
  printf("disarmed %d\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
  sigprocmask(SIG_UNBLOCK, &block, NULL);
  return 0;
}
