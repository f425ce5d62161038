/* argc/argv (including empty and spaced arguments) and the environment, via environ and getenv/setenv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a,
    *(char *const *)b); }

int main(int argc, char **argv) {
  printf("argc %d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d] [%s]\n", i, argv[i]);
  printf("argv[argc] null %d\n", argv[argc] == NULL);
  int n = 0;
  while (environ[n]) n++;
  char **copy = malloc(sizeof(char *) * (size_t)(n + 1));
  memcpy(copy, environ, sizeof(char *) * (size_t)n);
  qsort(copy, (size_t)n, sizeof copy[0], cmp);
  printf("envc %d\n", n);
  for (int i = 0; i < n; i++) printf("env [%s]\n", copy[i]);
  free(copy);
  printf("getenv GUEST_A [%s] missing %d\n", getenv("GUEST_A"), getenv("GUEST_MISSING") == NULL);
  setenv("GUEST_NEW", "fresh", 1);
  setenv("GUEST_A", "ignored", 0);
  unsetenv("GUEST_B");
  printf("after setenv [%s] [%s] unset %d\n", getenv("GUEST_NEW"), getenv("GUEST_A"),
      getenv("GUEST_B") == NULL);
  return argc;
}
