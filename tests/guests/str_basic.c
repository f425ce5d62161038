/* strlen, strcmp/strncmp, strcpy/strncpy, strcat, strdup at every alignment and lengths 0..300. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "guest.h"

static char buf[1024], other[1024];

static int sign(int x) { return (x > 0) - (x < 0); }

int main(void) {
  int bad = 0;
  uint64_t h = FNV_START;
  for (size_t len = 0; len <= 300; len++) {
    for (size_t al = 0; al < 16; al++) {
      memset(buf, 'x', sizeof buf);
      char *s = buf + 16 + al;
      for (size_t i = 0; i < len; i++) s[i] = (char)('a' + (i + al) % 26);
      s[len] = 0;
      bad += strlen(s) != len;
      bad += strnlen(s, len / 2) != len / 2;
      char *d = other + 16 + (al * 3 + len) % 16;
      char *r = strcpy(d, s);
      bad += r != d || strcmp(d, s) != 0 || strlen(d) != len;
      if (al == (len % 16)) {
        char *dup = strdup(s);
        bad += dup == NULL || strcmp(dup, s) != 0;
        free(dup);
      }
    }
  }
  printf("strlen/strcpy bad %d\n", bad);
  const char *words[] = {"", "a", "b", "ab", "abc", "abd", "abcd", "ABC", "a\x80", "a\x7f", "zzzz",
      "abcdefghijklmnopqrstuvwxyz"};
  const int nw = sizeof words / sizeof words[0];
  for (int i = 0; i < nw; i++) {
    for (int j = 0; j < nw; j++) {
      printf("%d%d%d%d ", sign(strcmp(words[i], words[j])), sign(strncmp(words[i], words[j], 2)),
             sign(strcasecmp(words[i], words[j])), sign(strncmp(words[i], words[j], 0)));
    }
    printf("\n");
  }
  for (size_t n = 0; n < 12; n++) {
    char d[16];
    memset(d, '#', sizeof d);
    strncpy(d, "hello", n);
    h = fnv1a(d, sizeof d, h);
    char cat[64] = "base";
    strcat(cat, "-");
    strncat(cat, "abcdefghij", n);
    printf("strncpy %zu %.*s strncat %s\n", n, (int)n, d, cat);
  }
  printf("hash %016llx\n", (unsigned long long)h);
  return bad ? 1 : 2;
}
