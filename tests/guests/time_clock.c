/* Clocks: monotonic time never decreases, nanosleep(10ms) sleeps at least that long, realtime agrees with time(). */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(void) {
  struct timespec a, b, res;
  int ok = 1;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < 1000; i++) {
    clock_gettime(CLOCK_MONOTONIC, &b);
    ok &= ns(&b) >= ns(&a);
    a = b;
  }
  printf("monotonic non-decreasing %d nsec in range %d\n", ok,
      b.tv_nsec >= 0 && b.tv_nsec < 1000000000);
  printf("resolution ok %d\n", clock_getres(CLOCK_MONOTONIC,
      &res) == 0 && ns(&res) > 0 && ns(&res) <= 1000000);
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec req = {0, 10000000}, rem = {0, 0};
  int r = nanosleep(&req, &rem);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long slept = ns(&b) - ns(&a);
  printf("nanosleep %d slept >= 10ms %d under 30s %d\n", r, slept >= 10000000, slept < 30000000000LL);
  struct timespec rt;
  clock_gettime(CLOCK_REALTIME, &rt);
  time_t t = time(NULL);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  printf("realtime after 2020 %d time() agrees %d gettimeofday agrees %d\n", rt.tv_sec > 1577836800,
         t - rt.tv_sec >= 0 && t - rt.tv_sec <= 2,
             tv.tv_sec - rt.tv_sec >= 0 && tv.tv_sec - rt.tv_sec <= 2);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  volatile double x = 1;
  for (int i = 0; i < 200000; i++) x = x * 1.0000001 + 1e-9;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  printf("cputime non-decreasing %d\n", ns(&b) >= ns(&a));
  clock_gettime(CLOCK_MONOTONIC, &a);
  usleep(5000);
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("usleep >= 5ms %d\n", ns(&b) - ns(&a) >= 5000000);
  struct tm tm;
  time_t fixed = 1234567890;
  gmtime_r(&fixed, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %a %j", &tm);
  printf("gmtime fixed %s yday %d\n", buf, tm.tm_yday);
  return 0;
}
