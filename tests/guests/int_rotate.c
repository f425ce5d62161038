/* Rotations left and right at every width and count (the rol/ror idioms compilers recognise). */
#include <stdint.h>
#include <stdio.h>

static inline uint64_t rotl64(uint64_t x, unsigned c) { return (x << (c & 63)) | (x >> (-c & 63)); }
static inline uint64_t rotr64(uint64_t x, unsigned c) { return (x >> (c & 63)) | (x << (-c & 63)); }
static inline uint32_t rotl32(uint32_t x, unsigned c) { return (x << (c & 31)) | (x >> (-c & 31)); }
static inline uint32_t rotr32(uint32_t x, unsigned c) { return (x >> (c & 31)) | (x << (-c & 31)); }
static inline uint16_t rotl16(uint16_t x, unsigned c) {
  return (uint16_t)((x << (c & 15)) | (x >> (-c & 15)));
}
static inline uint8_t rotr8(uint8_t x,
    unsigned c) { return (uint8_t)((x >> (c & 7)) | (x << (-c & 7))); }

static volatile uint64_t values[] = {1, 0x8000000000000001ULL, 0x0123456789abcdefULL,
    0xf0e1d2c3b4a59687ULL};

int main(void) {
  for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
    uint64_t v = values[i];
    for (volatile unsigned c = 0; c < 70; c++) {
      printf("%u %u: %016llx %016llx %08x %08x %04x %02x\n", i, c, (unsigned long long)rotl64(v, c),
             (unsigned long long)rotr64(v, c), rotl32((uint32_t)v, c), rotr32((uint32_t)(v >> 32),
                 c),
             rotl16((uint16_t)v, c), rotr8((uint8_t)v, c));
    }
    /* Constant counts compile to immediate forms. */
    printf("imm %016llx %016llx %08x\n", (unsigned long long)rotl64(v, 13),
           (unsigned long long)rotr64(v, 1), rotl32((uint32_t)v, 31));
  }
  return 0;
}
