// SSE/SSE2 floating-point arithmetic, comparisons and shuffles on hand-assembled instructions.
// Expected bits and MXCSR values come from the host CPU.
import assert from "node:assert/strict";
import { arithFlags } from "../flags.ts";
import { CF, OF, PF, SF, ZF } from "../state.ts";
import { DATA, double, exec, mxcsr, poke32, setXmm, single, xmm } from "./sse_testing.ts";

const ADDSS = [0xf3, 0x0f, 0x58, 0xc1]; // addss xmm0, xmm1
const ADDSD = [0xf2, 0x0f, 0x58, 0xc1];
const SUBSS = [0xf3, 0x0f, 0x5c, 0xc1];
const MULSS = [0xf3, 0x0f, 0x59, 0xc1];
const MULSD = [0xf2, 0x0f, 0x59, 0xc1];
const DIVSS = [0xf3, 0x0f, 0x5e, 0xc1];
const DIVSD = [0xf2, 0x0f, 0x5e, 0xc1];
const SQRTSD = [0xf2, 0x0f, 0x51, 0xc1];
const SQRTSS = [0xf3, 0x0f, 0x51, 0xc1];

/** Runs a scalar single op on xmm0 = a, xmm1 = b; returns [xmm0 lane 0, mxcsr]. */
function scalar32(code: number[], a: number, b: number, mx = mxcsr()): [number, number] {
  const { cpu, signal } = exec(code, (c) => {
    setXmm(c, 0, [a, 0x11111111, 0x22222222, 0x33333333]);
    setXmm(c, 1, [b, 0x44444444]);
    c.mxcsr = mx;
  });
  assert.equal(signal, 0);
  assert.deepEqual(xmm(cpu, 0).slice(1), [0x11111111, 0x22222222, 0x33333333]);
  return [xmm(cpu, 0)[0], cpu.mxcsr];
}

/** The same for doubles; returns [[lo, hi], mxcsr]. */
function scalar64(code: number[], a: number[], b: number[], mx = mxcsr()): [number[], number] {
  const { cpu, signal } = exec(code, (c) => {
    setXmm(c, 0, [a[0], a[1], 0x22222222, 0x33333333]);
    setXmm(c, 1, [b[0], b[1]]);
    c.mxcsr = mx;
  });
  assert.equal(signal, 0);
  assert.deepEqual(xmm(cpu, 0).slice(2), [0x22222222, 0x33333333]);
  return [xmm(cpu, 0).slice(0, 2), cpu.mxcsr];
}

Deno.test("addss/addps compute per lane and keep the upper lanes of scalar forms", () => {
  assert.deepEqual(scalar32(ADDSS, single(1.5), single(2.25)), [single(3.75), 0x1f80]);
  const { cpu } = exec([0x0f, 0x58, 0xc1], (c) => {
    setXmm(c, 0, [single(1), single(2), single(3), single(4)]);
    setXmm(c, 1, [single(10), single(20), single(30), single(40)]);
  });
  assert.deepEqual(xmm(cpu, 0), [single(11), single(22), single(33), single(44)]);
});

Deno.test("NaN operands: the first source's NaN wins, quieted; SNaN raises IE", () => {
  assert.deepEqual(scalar32(ADDSS, 0x7f800001, 0xffc00005), [0x7fc00001, 0x1f81]);
  assert.deepEqual(scalar32(ADDSS, single(1), 0xff800005), [0xffc00005, 0x1f81]);
  assert.deepEqual(scalar32(ADDSS, 0x7fc12345, single(1)), [0x7fc12345, 0x1f80]);
  assert.deepEqual(scalar64(ADDSD, double(1), [1, 0x7ff00000]), [[1, 0x7ff80000], 0x1f81]);
});

Deno.test("invalid operations give the default NaN (negative QNaN) and IE", () => {
  assert.deepEqual(scalar32(SUBSS, 0x7f800000, 0x7f800000), [0xffc00000, 0x1f81]);
  assert.deepEqual(scalar32(MULSS, 0, 0xff800000), [0xffc00000, 0x1f81]);
  assert.deepEqual(scalar32(DIVSS, 0, 0x80000000), [0xffc00000, 0x1f81]);
  assert.deepEqual(scalar32(SQRTSS, 0, single(-1)), [0xffc00000, 0x1f81]);
  assert.deepEqual(scalar64(SQRTSD, [0, 0], double(-0)), [double(-0), 0x1f80]);
  assert.deepEqual(scalar64(DIVSD, [0, 0], [0, 0]), [[0, 0xfff80000], 0x1f81]);
});

Deno.test("division by zero gives a signed infinity and ZE (not DE for a denormal dividend)", () => {
  assert.deepEqual(scalar32(DIVSS, single(-3), 0), [0xff800000, 0x1f84]);
  assert.deepEqual(scalar32(DIVSS, 1, 0), [0x7f800000, 0x1f84]);
});

Deno.test("PE reports inexact results, exact ones leave MXCSR alone", () => {
  assert.deepEqual(scalar32(ADDSS, single(1), single(2 ** -30)), [single(1), 0x1fa0]);
  assert.deepEqual(scalar32(MULSS, single(3), single(0.5)), [single(1.5), 0x1f80]);
  assert.deepEqual(scalar64(DIVSD, double(1), double(3)), [double(1 / 3), 0x1fa0]);
  assert.deepEqual(scalar64(SQRTSD, [0, 0], double(2.25)), [double(1.5), 0x1f80]);
  assert.deepEqual(scalar64(MULSD, double(0.1), double(0.1)), [double(0.1 * 0.1), 0x1fa0]);
});

Deno.test("MXCSR.RC rounds arithmetic results in all four modes", () => {
  // 1/3 in single precision: nearest 0x3eaaaaab, down and toward zero 0x3eaaaaaa.
  const third = [0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaaa];
  for (let rc = 0; rc < 4; rc++) {
    assert.deepEqual(scalar32(DIVSS, single(1), single(3), mxcsr(rc)), [
      third[rc],
      mxcsr(rc, 0x20),
    ]);
    const minus = (third[rc] | 0x80000000) >>> 0;
    const expected = rc === 1 ? 0xbeaaaaab : rc === 2 ? 0xbeaaaaaa : minus;
    assert.deepEqual(scalar32(DIVSS, single(-1), single(3), mxcsr(rc))[0], expected);
  }
  // 1 + 2^-60 in double precision.
  const up = [[0, 0x3ff00000], [0, 0x3ff00000], [1, 0x3ff00000], [0, 0x3ff00000]];
  for (let rc = 0; rc < 4; rc++) {
    assert.deepEqual(scalar64(ADDSD, double(1), double(2 ** -60), mxcsr(rc))[0], up[rc]);
  }
  // sqrt(2) rounds up to nearest; down and toward zero give the double below.
  const root2 = [0x667f3bcd, 0x667f3bcc, 0x667f3bcd, 0x667f3bcc];
  for (let rc = 0; rc < 4; rc++) {
    assert.deepEqual(scalar64(SQRTSD, [0, 0], double(2), mxcsr(rc)), [
      [root2[rc], 0x3ff6a09e],
      mxcsr(rc, 0x20),
    ]);
  }
  // x - x is -0 when rounding down, +0 otherwise.
  assert.deepEqual(scalar32(SUBSS, single(5), single(5), mxcsr(1))[0], 0x80000000);
  assert.deepEqual(scalar32(SUBSS, single(5), single(5), mxcsr(0))[0], 0);
});

Deno.test("overflow: infinity or the largest finite value by rounding mode, OE and PE", () => {
  const big = 0x7f7fffff, two = single(2);
  assert.deepEqual(scalar32(MULSS, big, two, mxcsr(0)), [0x7f800000, mxcsr(0, 0x28)]);
  assert.deepEqual(scalar32(MULSS, big, two, mxcsr(3)), [0x7f7fffff, mxcsr(3, 0x28)]);
  assert.deepEqual(scalar32(MULSS, big, single(-2), mxcsr(1))[0], 0xff800000);
  assert.deepEqual(scalar32(MULSS, big, single(-2), mxcsr(2))[0], 0xff7fffff);
  assert.deepEqual(scalar64(MULSD, double(1e300), double(1e300)), [[0, 0x7ff00000], 0x1fa8]);
});

Deno.test("underflow: denormal results, FTZ, and tininess detected after rounding", () => {
  // (1 + 2^-23) * 2^-126 * 0.5 is tiny and inexact: UE and PE.
  assert.deepEqual(scalar32(MULSS, 0x00800001, single(0.5)), [0x00400000, 0x1fb0]);
  // 2^-70 * 2^-70 = 2^-140 is tiny but exact: no flag while UE is masked.
  assert.deepEqual(scalar32(MULSS, single(2 ** -70), single(2 ** -70)), [0x200, 0x1f80]);
  // Flush to zero: UE and PE even for the exact one.
  const ftz = mxcsr(0, 0x8000);
  assert.deepEqual(scalar32(MULSS, single(2 ** -70), single(-(2 ** -70)), ftz), [
    0x80000000,
    ftz | 0x30,
  ]);
  // 2^-960 * 2^-202 underflows to zero: UE and PE.
  assert.deepEqual(scalar64(MULSD, double(2 ** -960), double(-(2 ** -202))), [
    double(-0),
    0x1fb0,
  ]);
  // (1 - 2^-53) * (1 + 2^-52) * 2^-1022 rounds (unbounded exponent) to 2^-1022: not tiny.
  assert.deepEqual(scalar64(MULSD, [0xffffffff, 0x3fefffff], [1, 0x00100000]), [
    [0, 0x00100000],
    0x1fa0,
  ]);
});

Deno.test("denormal operands: DE, or zeros with DAZ", () => {
  assert.deepEqual(scalar32(ADDSS, single(1), 1), [single(1), 0x1fa2]);
  assert.deepEqual(scalar32(ADDSS, single(1), 1, mxcsr(0, 0x40)), [single(1), 0x1fc0]);
  // A QNaN operand takes precedence over the denormal one.
  assert.deepEqual(scalar32(ADDSS, 0x7fc00000, 1), [0x7fc00000, 0x1f80]);
});

Deno.test("unmasked exceptions raise SIGFPE before the destination is written", () => {
  const run = (code: number[], a: number, b: number, mx: number) =>
    exec(code, (c) => {
      setXmm(c, 0, [a]);
      setXmm(c, 1, [b]);
      c.mxcsr = mx;
    });
  // Overflow unmasked: FPE_FLTOVF, OE only (the exact 2 * MAX has no PE).
  let r = run(MULSS, 0x7f7fffff, single(2), 0x1f80 & ~0x400);
  assert.deepEqual([r.signal, r.code, r.cpu.mxcsr, xmm(r.cpu, 0)[0]], [8, 4, 0x1b88, 0x7f7fffff]);
  // Divide by zero unmasked: FPE_FLTDIV.
  r = run(DIVSS, single(1), 0, 0x1f80 & ~0x200);
  assert.deepEqual([r.signal, r.code, r.cpu.mxcsr, xmm(r.cpu, 0)[0]], [8, 3, 0x1d84, single(1)]);
  // Invalid unmasked on a packed op: IE only, even though another lane overflows.
  r = exec([0x0f, 0x58, 0xc1], (c) => {
    setXmm(c, 0, [0x7f800001, 0x7f7fffff]);
    setXmm(c, 1, [single(1), 0x7f7fffff]);
    c.mxcsr = 0x1f00;
  });
  assert.deepEqual([r.signal, r.code, r.cpu.mxcsr], [8, 7, 0x1f01]);
  assert.deepEqual(xmm(r.cpu, 0).slice(0, 2), [0x7f800001, 0x7f7fffff]);
  // Inexact unmasked: FPE_FLTRES; the rip stays on the instruction.
  r = run(ADDSS, single(1), single(2 ** -30), 0x0f80);
  assert.deepEqual([r.signal, r.code, r.cpu.mxcsr, r.address], [8, 6, 0x0fa0, 0x400000]);
});

Deno.test("minss/maxss return the second operand for NaNs and for two zeros", () => {
  const MINSS = [0xf3, 0x0f, 0x5d, 0xc1], MAXSS = [0xf3, 0x0f, 0x5f, 0xc1];
  assert.deepEqual(scalar32(MINSS, single(1), 0x7f800001), [0x7f800001, 0x1f81]);
  assert.deepEqual(scalar32(MINSS, 0x7fc00000, single(1)), [single(1), 0x1f81]);
  assert.deepEqual(scalar32(MAXSS, 0x80000000, 0), [0, 0x1f80]);
  assert.deepEqual(scalar32(MAXSS, 0, 0x80000000), [0x80000000, 0x1f80]);
  assert.deepEqual(scalar32(MINSS, single(-2), single(3)), [single(-2), 0x1f80]);
});

Deno.test("rcpss/rsqrtss reproduce the host's 12-bit approximations", () => {
  const RCPSS = [0xf3, 0x0f, 0x53, 0xc1], RSQRTSS = [0xf3, 0x0f, 0x52, 0xc1];
  const rcp: [number, number][] = [
    [single(1), 0x3f7ff000],
    [single(3), 0x3eaaa800],
    [single(7), 0x3e124000],
    [0x00800000, 0x7e7ff000],
    [253 << 23, 0], // tiny reciprocal flushed
    [1, 0x7f800000], // denormal: infinity
    [0x7f800001, 0x7fc00001], // quieted, no IE
  ];
  for (const [x, r] of rcp) assert.deepEqual(scalar32(RCPSS, 0, x), [r, 0x1f80]);
  const rsqrt: [number, number][] = [
    [single(1), 0x3f7ff800],
    [single(3), 0x3f13c800],
    [single(0.1), 0x404a6800],
    [0x00800000, 0x5efff800],
    [single(-1), 0xffc00000],
    [0x80000000, 0xff800000],
    [0x7f800000, 0],
  ];
  for (const [x, r] of rsqrt) assert.deepEqual(scalar32(RSQRTSS, 0, x), [r, 0x1f80]);
});

Deno.test("cmpps evaluates the eight predicates, NaN lanes unordered", () => {
  // lanes: 1 vs 2, 2 vs 1, QNaN vs 1, 1 vs 1
  const a = [single(1), single(2), 0x7fc00000, single(1)];
  const b = [single(2), single(1), single(1), single(1)];
  const expected = [
    [0, 0, 0, 1], // EQ
    [1, 0, 0, 0], // LT
    [1, 0, 0, 1], // LE
    [0, 0, 1, 0], // UNORD
    [1, 1, 1, 0], // NEQ
    [0, 1, 1, 1], // NLT
    [0, 1, 1, 0], // NLE
    [1, 1, 0, 1], // ORD
  ];
  for (let p = 0; p < 8; p++) {
    const { cpu } = exec([0x0f, 0xc2, 0xc1, p], (c) => {
      setXmm(c, 0, a);
      setXmm(c, 1, b);
    });
    assert.deepEqual(xmm(cpu, 0), expected[p].map((v) => v ? 0xffffffff : 0), `predicate ${p}`);
    // LT, LE, NLT, NLE signal on a QNaN.
    assert.equal(cpu.mxcsr, [1, 2, 5, 6].includes(p) ? 0x1f81 : 0x1f80);
  }
});

Deno.test("comiss/ucomiss set ZF PF CF and clear OF SF AF; comiss signals on QNaN", () => {
  const flags = (code: number[], a: number, b: number) => {
    const { cpu } = exec(code, (c) => {
      setXmm(c, 0, [a]);
      setXmm(c, 1, [b]);
      c.fop = 0;
      c.fexp = OF | SF | 0x10;
    });
    return [arithFlags(cpu), cpu.mxcsr];
  };
  const COMISS = [0x0f, 0x2f, 0xc1], UCOMISS = [0x0f, 0x2e, 0xc1];
  assert.deepEqual(flags(COMISS, single(1), single(2)), [CF, 0x1f80]);
  assert.deepEqual(flags(COMISS, single(2), single(1)), [0, 0x1f80]);
  assert.deepEqual(flags(COMISS, single(-0), single(0)), [ZF, 0x1f80]);
  assert.deepEqual(flags(COMISS, 0x7fc00000, single(0)), [ZF | PF | CF, 0x1f81]);
  assert.deepEqual(flags(UCOMISS, 0x7fc00000, single(0)), [ZF | PF | CF, 0x1f80]);
  assert.deepEqual(flags(UCOMISS, 0x7f800001, single(0)), [ZF | PF | CF, 0x1f81]);
  assert.deepEqual(flags(UCOMISS, 1, 0), [0, 0x1f82]);
  // comisd xmm0, xmm1
  const { cpu } = exec([0x66, 0x0f, 0x2f, 0xc1], (c) => {
    setXmm(c, 0, double(-1));
    setXmm(c, 1, double(1));
  });
  assert.equal(arithFlags(cpu), CF);
});

Deno.test("packed arithmetic with a misaligned memory operand raises #GP (SIGSEGV)", () => {
  // addps xmm0, [rsi+4]
  const r = exec([0x0f, 0x58, 0x46, 0x04], (c) => poke32(c, DATA, [0, 0, 0, 0, 0]));
  assert.deepEqual([r.signal, r.code, r.address, r.cpu.rip], [11, 0x80, 0, 0x400000]);
  // addss xmm0, [rsi+4] has no alignment rule.
  const s = exec([0xf3, 0x0f, 0x58, 0x46, 0x04], (c) => {
    poke32(c, DATA, [0, single(2)]);
    setXmm(c, 0, [single(1)]);
  });
  assert.equal(s.signal, 0);
  assert.equal(xmm(s.cpu, 0)[0], single(3));
});

Deno.test("bitwise ops, shufps, shufpd and unpck* move bits untouched", () => {
  const A = [0x7f800001, 0xffc00001, 0x12345678, 0x9abcdef0];
  const B = [0x0f0f0f0f, 0xf0f0f0f0, 0xffffffff, 0x00000000];
  const op = (code: number[]) =>
    xmm(
      exec(code, (c) => {
        setXmm(c, 0, A);
        setXmm(c, 1, B);
      }).cpu,
      0,
    );
  assert.deepEqual(op([0x0f, 0x54, 0xc1]), A.map((a, k) => (a & B[k]) >>> 0)); // andps
  assert.deepEqual(op([0x0f, 0x55, 0xc1]), A.map((a, k) => (~a & B[k]) >>> 0)); // andnps
  assert.deepEqual(op([0x66, 0x0f, 0x56, 0xc1]), A.map((a, k) => (a | B[k]) >>> 0)); // orpd
  assert.deepEqual(op([0x0f, 0x57, 0xc1]), A.map((a, k) => (a ^ B[k]) >>> 0)); // xorps
  assert.deepEqual(op([0x0f, 0xc6, 0xc1, 0x1b]), [A[3], A[2], B[1], B[0]]); // shufps 0x1b
  assert.deepEqual(op([0x66, 0x0f, 0xc6, 0xc1, 0x01]), [A[2], A[3], B[0], B[1]]); // shufpd 1
  assert.deepEqual(op([0x0f, 0x14, 0xc1]), [A[0], B[0], A[1], B[1]]); // unpcklps
  assert.deepEqual(op([0x0f, 0x15, 0xc1]), [A[2], B[2], A[3], B[3]]); // unpckhps
  assert.deepEqual(op([0x66, 0x0f, 0x15, 0xc1]), [A[2], A[3], B[2], B[3]]); // unpckhpd
});

Deno.test("SSE3 and later opcodes stay invalid (SIGILL)", () => {
  for (
    const code of [
      [0xf2, 0x0f, 0x7c, 0xc1], // haddps
      [0xf2, 0x0f, 0x12, 0xc1], // movddup
      [0x66, 0x0f, 0x38, 0x00, 0xc1], // pshufb
      [0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x01], // palignr
      [0xf2, 0x0f, 0xf0, 0x06], // lddqu
    ]
  ) {
    assert.equal(exec(code).signal, 4, code.map((b) => b.toString(16)).join(" "));
  }
});
