/* Atomic builtins in one thread: fetch-add/and/or/xor, exchange, compare-exchange success and failure, all widths. */
#include <stdint.h>
#include <stdio.h>

static uint8_t v8 = 250;
static uint16_t v16 = 65530;
static uint32_t v32 = 0xfffffff0u;
static uint64_t v64 = 0x7ffffffffffffff0ULL;

int main(void) {
  for (int i = 0; i < 5; i++) {
    uint8_t o8 = __atomic_fetch_add(&v8, 3, __ATOMIC_SEQ_CST);
    uint16_t o16 = __atomic_fetch_sub(&v16, 7, __ATOMIC_SEQ_CST);
    uint32_t o32 = __atomic_fetch_or(&v32, 1u << (i * 3), __ATOMIC_SEQ_CST);
    uint64_t o64 = __atomic_fetch_add(&v64, 5, __ATOMIC_SEQ_CST);
    printf("%d: %u %u %x %llx -> %u %u %x %llx\n", i, o8, o16, o32, (unsigned long long)o64, v8,
        v16, v32,
           (unsigned long long)v64);
  }
  uint32_t before_and = __atomic_fetch_and(&v32, 0x0f0f0f0fu, __ATOMIC_SEQ_CST);
  uint32_t after_xor = __atomic_xor_fetch(&v32, 0xffu, __ATOMIC_SEQ_CST);
  uint16_t after_nand = __atomic_nand_fetch(&v16, 0x00ff, __ATOMIC_SEQ_CST);
  printf("and %x xor %x nand %x\n", before_and, after_xor, after_nand);
  uint64_t old = __atomic_exchange_n(&v64, 42, __ATOMIC_SEQ_CST);
  printf("exchange old %llx new %llu\n", (unsigned long long)old, (unsigned long long)v64);
  uint64_t expected = 41;
  int ok = __atomic_compare_exchange_n(&v64, &expected, 100, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("cas fail %d expected now %llu value %llu\n", ok, (unsigned long long)expected,
      (unsigned long long)v64);
  ok = __atomic_compare_exchange_n(&v64, &expected, 100, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("cas ok %d value %llu\n", ok, (unsigned long long)v64);
  uint8_t e8 = v8;
  ok = __atomic_compare_exchange_n(&v8, &e8, 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  printf("cas8 %d %u\n", ok, v8);
  static volatile _Bool flag;
  int first = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
  int second = __atomic_test_and_set(&flag, __ATOMIC_SEQ_CST);
  uint32_t seen = __sync_val_compare_and_swap(&v32, after_xor, 7);
  printf("test_and_set %d %d sync cas saw %x\n", first, second, seen);
  long counter = 0;
  for (int i = 0; i < 1000; i++) __sync_fetch_and_add(&counter, i);
  printf("sync counter %ld final v32 %u\n", counter, v32);
  return 0;
}
