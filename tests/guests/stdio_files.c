/* Buffered stdio on a temp file: fopen/fprintf/fputs/fgets/fscanf/fseek/ftell/ungetc/fread/fwrite/feof. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"

int main(void) {
  char dir[256];
  if (!guest_mkdtemp(dir, sizeof dir, "stdio")) return 2;
  char path[512];
  snprintf(path, sizeof path, "%s/notes.txt", dir);
  FILE *f = fopen(path, "w+");
  if (!f) return 3;
  for (int i = 0; i < 200; i++) fprintf(f, "line %03d value %d %s\n", i, i * i - 50,
      i % 2 ? "odd" : "even");
  fputs("last line without newline", f);
  printf("ftell after write %ld\n", ftell(f));
  rewind(f);
  char line[128];
  int count = 0;
  long sum = 0;
  while (fgets(line, sizeof line, f)) {
    int idx, value;
    char kind[8];
    if (sscanf(line, "line %d value %d %7s", &idx, &value,
        kind) == 3) sum += value + (kind[0] == 'o');
    count++;
  }
  printf("lines %d sum %ld eof %d last [%s]\n", count, sum, feof(f) != 0, line);
  fseek(f, 5, SEEK_SET);
  int c = fgetc(f);
  ungetc('X', f);
  int again = fgetc(f);
  printf("fgetc %c after ungetc %c pos %ld\n", c, again, ftell(f));
  fseek(f, -10, SEEK_END);
  size_t n = fread(line, 1, 20, f);
  line[n] = 0;
  printf("tail %zu [%s] eof %d\n", n, line, feof(f) != 0);
  clearerr(f);
  fseek(f, 0, SEEK_SET);
  int idx = 0, value = 0;
  printf("fscanf %d", fscanf(f, "line %d value %d", &idx, &value));
  printf(" -> %d %d\n", idx, value);
  fclose(f);
  f = fopen(path, "a");
  fwrite("\nappended\n", 1, 10, f);
  fclose(f);
  f = fopen(path, "rb");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  printf("size %ld\n", size);
  char *all = malloc((size_t)size + 1);
  rewind(f);
  printf("fread all %zu\n", fread(all, 1, (size_t)size, f));
  all[size] = 0;
  printf("tail text [%s]\n", all + size - 30);
  free(all);
  fclose(f);
  printf("fopen missing %d\n", fopen("/nonexistent/dir/file", "r") == NULL);
  unlink(path);
  rmdir(dir);
  fprintf(stdout, "%s", "done via fprintf\n");
  return 0;
}
