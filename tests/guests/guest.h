/* Shared helpers for guest programs: errno names, FNV-1a hashing, a deterministic PRNG. */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Symbolic errno name, so output never depends on a libc's strerror wording. */
static inline const char *errno_name(int e) {
  static const struct {
    int value;
    const char *name;
  } names[] = {
#define GUEST_E(x) {x, #x},
      GUEST_E(EPERM) GUEST_E(ENOENT) GUEST_E(ESRCH) GUEST_E(EINTR) GUEST_E(EIO) GUEST_E(ENXIO)
      GUEST_E(E2BIG) GUEST_E(ENOEXEC) GUEST_E(EBADF) GUEST_E(ECHILD) GUEST_E(EAGAIN)
      GUEST_E(ENOMEM) GUEST_E(EACCES) GUEST_E(EFAULT) GUEST_E(EBUSY) GUEST_E(EEXIST)
      GUEST_E(EXDEV) GUEST_E(ENODEV) GUEST_E(ENOTDIR) GUEST_E(EISDIR) GUEST_E(EINVAL)
      GUEST_E(ENFILE) GUEST_E(EMFILE) GUEST_E(ENOTTY) GUEST_E(EFBIG) GUEST_E(ENOSPC)
      GUEST_E(ESPIPE) GUEST_E(EROFS) GUEST_E(EMLINK) GUEST_E(EPIPE) GUEST_E(EDOM) GUEST_E(ERANGE)
      GUEST_E(ENAMETOOLONG) GUEST_E(ENOSYS) GUEST_E(ENOTEMPTY) GUEST_E(ELOOP) GUEST_E(EOVERFLOW)
      GUEST_E(ENOTSUP) GUEST_E(ETIMEDOUT)
#undef GUEST_E
  };
  if (e == 0) return "0";
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (names[i].value == e) return names[i].name;
  return "E?";
}

/* FNV-1a over bytes, chainable through h (start with FNV_START). */
#define FNV_START 0xcbf29ce484222325ULL
static inline uint64_t fnv1a(const void *data, size_t len, uint64_t h) {
  const unsigned char *p = (const unsigned char *)data;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

static inline uint64_t fnv_u64(uint64_t h, uint64_t v) { return fnv1a(&v, sizeof v, h); }

/* splitmix64: the same sequence on every run and every libc. */
static uint64_t guest_rng_state = 0x9e3779b97f4a7c15ULL;
static inline uint64_t rng(void) {
  uint64_t z = (guest_rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* mkdtemp under $TMPDIR (the test harness gives every run its own), else under /tmp. */
static inline char *guest_mkdtemp(char *buf, size_t size, const char *tag) {
  const char *base = getenv("TMPDIR");
  snprintf(buf, size, "%s/guest-%s-XXXXXX", base && *base ? base : "/tmp", tag);
  return mkdtemp(buf);
}

#endif
