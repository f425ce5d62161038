/* Searching: strchr/strrchr/memchr/memrchr/strstr/memmem/strspn/strcspn/strpbrk/strtok_r at many positions. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

static char buf[1024];

int main(void) {
  int bad = 0;
  for (size_t len = 1; len <= 300; len++) {
    for (size_t al = 0; al < 16; al += 5) {
      char *s = buf + 16 + al;
      memset(buf, '.', sizeof buf);
      for (size_t i = 0; i < len; i++) s[i] = (char)('a' + (i % 20));
      s[len] = 0;
      size_t pos = (len * 7) % len;
      s[pos] = 'Z';
      bad += strchr(s, 'Z') != s + pos;
      bad += strrchr(s, 'Z') != s + pos;
      bad += memchr(s, 'Z', len) != s + pos;
      bad += memrchr(s, 'Z', len) != s + pos;
      bad += strchr(s, 0) != s + len;
      bad += strchr(s, 'Q') != NULL;
      bad += memchr(s, 'Z', pos) != NULL;
      bad += strstr(s, "Z") != s + pos;
      bad += strcspn(s, "QZ") != pos;
      bad += strpbrk(s, "YZ") != s + pos;
      bad += strspn(s, "abcdefghijklmnopqrst") != pos;
      if (len > 4) {
        char needle[5];
        memcpy(needle, s + len - 4, 4);
        needle[4] = 0;
        const char *found = strstr(s, needle);
        bad += found == NULL || found > s + len - 4 || memcmp(found, needle, 4) != 0;
        bad += memmem(s, len, needle, 4) != found;
      }
    }
  }
  printf("search bad %d\n", bad);
  const char *hay = "the quick brown fox jumps over the lazy dog; the end";
  const char *needles[] = {"the", "fox", "dog;", "end", "", "lazy dog", "cat", "the lazy", "e"};
  for (unsigned i = 0; i < sizeof needles / sizeof needles[0]; i++) {
    const char *p = strstr(hay, needles[i]);
    printf("strstr '%s' -> %ld\n", needles[i], p ? (long)(p - hay) : -1L);
  }
  char text[] = "  alpha,beta;;gamma , delta,,";
  char *save = NULL;
  for (char *t = strtok_r(text, " ,;", &save); t; t = strtok_r(NULL, " ,;",
      &save)) printf("tok [%s]\n", t);
  printf("strspn %zu strcspn %zu\n", strspn("aaabbbccc", "ab"), strcspn("hello world", " "));
  return bad ? 1 : 0;
}
