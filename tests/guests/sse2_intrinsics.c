/* SSE2 integer and double vector operations via intrinsics: add/sub/mul, saturation, packs, shuffles, compares. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "guest.h"

static void show(const char *label, __m128i v) {
  uint8_t b[16];
  _mm_storeu_si128((__m128i *)b, v);
  printf("%s", label);
  for (int i = 15; i >= 0; i--) printf("%02x", b[i]);
  printf("\n");
}

int main(void) {
  for (int round = 0; round < 6; round++) {
    uint64_t r[4] = {rng(), rng(), rng(), rng()};
    if (round == 0) memset(r, 0xff, sizeof r);
    if (round == 1) r[0] = r[2] = 0x7fff80007fff8000ULL;
    __m128i a = _mm_set_epi64x((long long)r[0], (long long)r[1]);
    __m128i b = _mm_set_epi64x((long long)r[2], (long long)r[3]);
    printf("round %d\n", round);
    show(" add8  ", _mm_add_epi8(a, b));
    show(" add16 ", _mm_add_epi16(a, b));
    show(" add32 ", _mm_add_epi32(a, b));
    show(" sub64 ", _mm_sub_epi64(a, b));
    show(" adds8 ", _mm_adds_epi8(a, b));
    show(" addsu8", _mm_adds_epu8(a, b));
    show(" subs16", _mm_subs_epi16(a, b));
    show(" subsu16", _mm_subs_epu16(a, b));
    show(" mullo ", _mm_mullo_epi16(a, b));
    show(" mulhi ", _mm_mulhi_epi16(a, b));
    show(" mulhiu", _mm_mulhi_epu16(a, b));
    show(" mulu32", _mm_mul_epu32(a, b));
    show(" madd  ", _mm_madd_epi16(a, b));
    show(" sad   ", _mm_sad_epu8(a, b));
    show(" avg   ", _mm_avg_epu8(a, b));
    show(" min   ", _mm_min_epu8(a, b));
    show(" max16 ", _mm_max_epi16(a, b));
    show(" cmpeq ", _mm_cmpeq_epi8(a, b));
    show(" cmpgt ", _mm_cmpgt_epi32(a, b));
    show(" packs ", _mm_packs_epi32(a, b));
    show(" packus", _mm_packus_epi16(a, b));
    show(" unplo ", _mm_unpacklo_epi8(a, b));
    show(" unphi ", _mm_unpackhi_epi32(a, b));
    show(" shuf  ", _mm_shuffle_epi32(a, 0x1b));
    show(" shufhi", _mm_shufflehi_epi16(a, 0xb1));
    show(" slli  ", _mm_slli_epi32(a, 5));
    show(" srai  ", _mm_srai_epi16(a, 3));
    show(" srl64 ", _mm_srl_epi64(a, _mm_cvtsi32_si128(13)));
    show(" bslli ", _mm_slli_si128(a, 3));
    show(" bsrli ", _mm_srli_si128(a, 5));
    show(" andnot", _mm_andnot_si128(a, b));
    show(" xor   ", _mm_xor_si128(a, b));
    printf(" movemask %04x cvtsi %d\n", _mm_movemask_epi8(a), _mm_cvtsi128_si32(b));
    __m128d x = _mm_set_pd((double)(int64_t)r[0] / 3.0, (double)r[1] * 1e-10);
    __m128d y = _mm_set_pd(1.0 / ((double)(r[2] >> 40) + 1), -2.5);
    double out[2];
    _mm_storeu_pd(out, _mm_add_pd(x, y));
    printf(" addpd %a %a", out[0], out[1]);
    _mm_storeu_pd(out, _mm_mul_pd(x, y));
    printf(" mulpd %a %a", out[0], out[1]);
    _mm_storeu_pd(out, _mm_div_pd(x, y));
    printf(" divpd %a %a", out[0], out[1]);
    _mm_storeu_pd(out, _mm_sqrt_pd(_mm_max_pd(x, y)));
    printf(" sqrtmax %a %a", out[0], out[1]);
    _mm_storeu_pd(out, _mm_unpackhi_pd(x, y));
    printf(" unpckh %a %a movmsk %d\n", out[0], out[1], _mm_movemask_pd(_mm_cmplt_pd(x, y)));
    show(" cvttpd", _mm_cvttpd_epi32(_mm_set_pd(-2.75, 1e9)));
    show(" cvtps ", _mm_cvtps_epi32(_mm_set_ps(2.5f, 3.5f, -1.5f, 1e3f)));
  }
  return 0;
}
