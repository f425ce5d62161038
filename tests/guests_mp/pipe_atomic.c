/* Four writer processes each write 128 records of 512 bytes (<= PIPE_BUF) to one pipe: no record is ever split or interleaved, and each writer's records arrive in order. */
#define _GNU_SOURCE
#include <limits.h>
#include "mp.h"

#define WRITERS 4
#define RECORDS 128
#define RECORD 512

static unsigned char fill(int writer, int seq, int i) { return (unsigned char)(writer * 37 + seq * 11 + i); }

int main(void) {
  mp_watchdog();
  say("PIPE_BUF >= 512 %s\n", yes_no(PIPE_BUF >= RECORD));
  int p[2], go[2];
  make_pipe(p);
  make_pipe(go);
  pid_t writers[WRITERS];
  for (int w = 0; w < WRITERS; w++) {
    writers[w] = mp_fork();
    if (writers[w] == 0) {
      close(p[0]);
      close(go[1]);
      await_byte(go[0]); /* all start together */
      unsigned char record[RECORD];
      for (int seq = 0; seq < RECORDS; seq++) {
        record[0] = (unsigned char)w;
        record[1] = (unsigned char)seq;
        for (int i = 2; i < RECORD; i++) record[i] = fill(w, seq, i);
        /* One write per record: a short write would itself break atomicity. */
        ssize_t n = write(p[1], record, RECORD);
        if (n != RECORD) fail("write of one record");
      }
      _exit(0);
    }
  }
  close(p[1]);
  close(go[0]);
  close(go[1]);
  int next_seq[WRITERS] = {0};
  long records = 0, damaged = 0, out_of_order = 0;
  unsigned char record[RECORD];
  /* Reads of an odd size, reassembled into records. */
  static unsigned char buffer[1000];
  size_t have = 0;
  for (;;) {
    ssize_t n = read(p[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read");
    if (n == 0) break;
    for (ssize_t k = 0; k < n; k++) {
      record[have++] = buffer[k];
      if (have < RECORD) continue;
      have = 0;
      records++;
      int w = record[0], seq = record[1];
      int ok = w < WRITERS;
      for (int i = 2; ok && i < RECORD; i++) ok = record[i] == fill(w, seq, i);
      if (!ok) {
        damaged++;
        continue;
      }
      if (seq != next_seq[w]) out_of_order++;
      next_seq[w] = seq + 1;
    }
  }
  say("records %ld, leftover bytes %d, damaged or interleaved %ld, out of order %ld\n", records,
      (int)have, damaged, out_of_order);
  for (int w = 0; w < WRITERS; w++) say("writer %d: %d records, %s\n", w, next_seq[w], reap(writers[w]));
  return 0;
}
