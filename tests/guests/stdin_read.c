/* Reading stdin to EOF: byte, line and word counts, a checksum, and lines echoed in reverse order. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"

int main(void) {
  size_t cap = 1 << 12, len = 0;
  char *data = malloc(cap);
  ssize_t n;
  int reads = 0;
  /* Small reads on purpose, so short reads and EOF handling are exercised. */
  while ((n = read(0, data + len, cap - len < 777 ? cap - len : 777)) > 0) {
    len += (size_t)n;
    reads++;
    if (len == cap) data = realloc(data, cap *= 2);
  }
  if (n < 0) return 2;
  size_t lines = 0, words = 0;
  int in_word = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)data[i];
    lines += c == '\n';
    if (isspace(c)) in_word = 0;
    else if (!in_word) in_word = 1, words++;
  }
  printf("bytes %zu lines %zu words %zu hash %016llx nonzero reads %d\n", len, lines, words,
         (unsigned long long)fnv1a(data, len, FNV_START), reads > 0);
  size_t end = len;
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && data[start - 1] != '\n') start--;
    size_t l = end - start;
    if (l && data[start + l - 1] == '\n') l--;
    printf("%.*s|\n", (int)l, data + start);
    end = start;
  }
  free(data);
  printf("read after eof %zd\n", read(0, &(char){0}, 1));
  return (int)(lines % 50);
}
