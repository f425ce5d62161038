/* ctype classification and case mapping for every byte value in the C locale. */
#include <ctype.h>
#include <stdio.h>

int main(void) {
  for (int c = -1; c < 256; c++) {
    int (*const classes[])(int) = {isalpha, isdigit, isalnum, isspace, isupper, islower,
                                   ispunct, isprint, iscntrl, isxdigit, isgraph, isblank};
    int bits = 0;
    for (unsigned k = 0; k < sizeof classes / sizeof classes[0]; k++)
      bits |= (classes[k](c) != 0) << k;
    printf("%d:%03x:%d:%d%c", c, bits, toupper(c), tolower(c), (c & 7) == 7 ? '\n' : ' ');
  }
  printf("\n");
  return 0;
}
