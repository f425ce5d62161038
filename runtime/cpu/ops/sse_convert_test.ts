// SSE/SSE2 conversions: rounding by MXCSR.RC, the integer indefinite, NaN payloads, MMX forms.
// Expected values come from the host CPU.
import assert from "node:assert/strict";
import type { Cpu } from "../state.ts";
import { double, exec, mm, mxcsr, setMm, setXmm, single, xmm } from "./sse_testing.ts";

/** Runs `code` with xmm1 = source dwords (and rcx = integer source); returns the cpu. */
function convert(code: number[], source: number[], mx = mxcsr(), rcx = [0, 0]): Cpu {
  const { cpu, signal } = exec(code, (c) => {
    setXmm(c, 0, [0x44444444, 0x33333333, 0x22222222, 0x11111111]);
    setXmm(c, 1, source);
    c.lo[1] = rcx[0];
    c.hi[1] = rcx[1];
    c.mxcsr = mx;
  });
  assert.equal(signal, 0);
  return cpu;
}

const rax = (c: Cpu) => [c.lo[0] >>> 0, c.hi[0] >>> 0];

Deno.test("cvtss2si rounds by MXCSR.RC, cvttss2si truncates; inexact sets PE", () => {
  const CVTSS2SI = [0xf3, 0x0f, 0x2d, 0xc1]; // cvtss2si eax, xmm1
  const inputs = [2.5, -2.5, 3.5, -0.5];
  const expected = [
    [2, -2, 4, 0], // nearest even
    [2, -3, 3, -1], // down
    [3, -2, 4, 0], // up
    [2, -2, 3, 0], // toward zero
  ];
  for (let rc = 0; rc < 4; rc++) {
    inputs.forEach((x, k) => {
      const c = convert(CVTSS2SI, [single(x)], mxcsr(rc));
      assert.deepEqual(rax(c), [expected[rc][k] >>> 0, 0], `${x} rc ${rc}`);
      assert.equal(c.mxcsr, mxcsr(rc, 0x20));
    });
  }
  assert.deepEqual(rax(convert([0xf3, 0x0f, 0x2c, 0xc1], [single(-2.7)], mxcsr(2))), [
    0xfffffffe,
    0,
  ]);
});

Deno.test("out-of-range and NaN conversions give the integer indefinite and IE", () => {
  let c = convert([0xf2, 0x0f, 0x2d, 0xc1], double(3e9)); // cvtsd2si eax
  assert.deepEqual([...rax(c), c.mxcsr], [0x80000000, 0, 0x1f81]);
  c = convert([0xf2, 0x0f, 0x2c, 0xc1], double(-2147483648.9)); // in range once truncated
  assert.deepEqual([...rax(c), c.mxcsr], [0x80000000, 0, 0x1fa0]);
  c = convert([0xf2, 0x48, 0x0f, 0x2d, 0xc1], double(1e19)); // cvtsd2si rax
  assert.deepEqual([...rax(c), c.mxcsr], [0, 0x80000000, 0x1f81]);
  c = convert([0xf2, 0x48, 0x0f, 0x2d, 0xc1], double(-(2 ** 63)));
  assert.deepEqual([...rax(c), c.mxcsr], [0, 0x80000000, 0x1f80]);
  c = convert([0xf3, 0x0f, 0x2d, 0xc1], [0x7fc00000]);
  assert.deepEqual([...rax(c), c.mxcsr], [0x80000000, 0, 0x1f81]);
  c = convert([0xf3, 0x48, 0x0f, 0x2d, 0xc1], [0x7fc00000]);
  assert.deepEqual([...rax(c), c.mxcsr], [0, 0x80000000, 0x1f81]);
  // Unmasked IE: SIGFPE (FPE_FLTINV) and the register unchanged.
  const r = exec([0xf3, 0x0f, 0x2d, 0xc1], (c) => {
    setXmm(c, 1, [0x7f800000]);
    c.lo[0] = 1234;
    c.mxcsr = 0x1f00;
  });
  assert.deepEqual([r.signal, r.code, r.cpu.lo[0], r.cpu.mxcsr], [8, 7, 1234, 0x1f01]);
});

Deno.test("cvtsi2ss/cvtsi2sd round integers by MXCSR.RC (64-bit sources with REX.W)", () => {
  const single16777217 = [0x4b800000, 0x4b800000, 0x4b800001, 0x4b800000];
  const doubleMax = [0x43e00000, 0x43dfffff, 0x43e00000, 0x43dfffff];
  for (let rc = 0; rc < 4; rc++) {
    let c = convert([0xf3, 0x0f, 0x2a, 0xc1], [], mxcsr(rc), [16777217, 0]);
    assert.deepEqual([xmm(c, 0)[0], c.mxcsr], [single16777217[rc], mxcsr(rc, 0x20)]);
    c = convert([0xf2, 0x48, 0x0f, 0x2a, 0xc1], [], mxcsr(rc), [-1, 0x7fffffff]);
    assert.deepEqual(xmm(c, 0).slice(0, 2), [rc & 1 ? 0xffffffff : 0, doubleMax[rc]]);
  }
  // 2^62 + 2^38 + 1 lies just above a midpoint between singles; rounding through a double
  // would land on the midpoint and round to even (down).
  let c = convert([0xf3, 0x48, 0x0f, 0x2a, 0xc1], [], mxcsr(), [1, 0x40000040]);
  assert.deepEqual([xmm(c, 0)[0], c.mxcsr], [0x5e800001, 0x1fa0]);
  c = convert([0xf3, 0x48, 0x0f, 0x2a, 0xc1], [], mxcsr(), [-1, -1]);
  assert.deepEqual([xmm(c, 0), c.mxcsr], [
    [0xbf800000, 0x33333333, 0x22222222, 0x11111111],
    0x1f80,
  ]);
  c = convert([0xf2, 0x0f, 0x2a, 0xc1], [], mxcsr(), [-5, 0]);
  assert.deepEqual(xmm(c, 0), [0, 0xc0140000, 0x22222222, 0x11111111]);
});

Deno.test("cvtsd2ss/cvtss2sd keep a NaN's sign and payload top, quieted; SNaN raises IE", () => {
  let c = convert([0xf2, 0x0f, 0x5a, 0xc1], [0x00001234, 0xfff40000]);
  assert.deepEqual([xmm(c, 0)[0], c.mxcsr], [0xffe00000, 0x1f81]);
  c = convert([0xf2, 0x0f, 0x5a, 0xc1], [0x321fffff, 0x7ff87654]);
  assert.deepEqual([xmm(c, 0)[0], c.mxcsr], [0x7fc3b2a1, 0x1f80]);
  c = convert([0xf3, 0x0f, 0x5a, 0xc1], [0x7f800001]);
  assert.deepEqual([xmm(c, 0).slice(0, 2), c.mxcsr], [[0x20000000, 0x7ff80000], 0x1f81]);
  c = convert([0xf3, 0x0f, 0x5a, 0xc1], [0xffc12345]);
  assert.deepEqual([xmm(c, 0), c.mxcsr], [
    [0xa0000000, 0xfff82468, 0x22222222, 0x11111111],
    0x1f80,
  ]);
});

Deno.test("packed conversions between precisions and from integers", () => {
  // cvtpd2ps: overflow to infinity, upper half zeroed
  let c = convert([0x66, 0x0f, 0x5a, 0xc1], [...double(1.5), ...double(1e300)]);
  assert.deepEqual([xmm(c, 0), c.mxcsr], [[0x3fc00000, 0x7f800000, 0, 0], 0x1fa8]);
  // cvtps2pd
  c = convert([0x0f, 0x5a, 0xc1], [single(1.5), single(-0)]);
  assert.deepEqual(xmm(c, 0), [0, 0x3ff80000, 0, 0x80000000]);
  // cvtdq2ps rounding up
  c = convert([0x0f, 0x5b, 0xc1], [0x80000000, 0x7fffffff, -1, 16777217], mxcsr(2));
  assert.deepEqual([xmm(c, 0), c.mxcsr], [
    [0xcf000000, 0x4f000000, 0xbf800000, 0x4b800001],
    0x5fa0,
  ]);
  // cvttps2dq: NaN and out of range give the indefinite
  c = convert([0xf3, 0x0f, 0x5b, 0xc1], [single(1.9), single(-1.9), single(3e9), 0x7fc00000]);
  assert.deepEqual([xmm(c, 0), c.mxcsr], [[1, 0xffffffff, 0x80000000, 0x80000000], 0x1fa1]);
  // cvtpd2dq: nearest even, upper half zeroed
  c = convert([0xf2, 0x0f, 0xe6, 0xc1], [...double(2.5), ...double(-2.5)]);
  assert.deepEqual([xmm(c, 0), c.mxcsr], [[2, 0xfffffffe, 0, 0], 0x1fa0]);
  // cvtdq2pd is exact
  c = convert([0xf3, 0x0f, 0xe6, 0xc1], [0x7fffffff, -1]);
  assert.deepEqual([xmm(c, 0), c.mxcsr], [[0xffc00000, 0x41dfffff, 0, 0xbff00000], 0x1f80]);
});

Deno.test("MMX conversions move between xmm and mm and enter MMX state", () => {
  // cvtps2pi mm0, xmm1
  let r = exec([0x0f, 0x2d, 0xc1], (c) => {
    setXmm(c, 1, [single(7.5), single(-7.5)]);
    c.x87.top = 5;
    c.x87.tags = 0;
  });
  assert.deepEqual(mm(r.cpu, 0), [8, 0xfffffff8]);
  assert.deepEqual([r.cpu.x87.top, r.cpu.x87.tags, r.cpu.x87.se[0]], [0, 0xff, 0xffff]);
  // cvtpi2ps xmm0, mm1 keeps the upper half
  r = exec([0x0f, 0x2a, 0xc1], (c) => {
    setXmm(c, 0, [0x44444444, 0x33333333, 0x22222222, 0x11111111]);
    setMm(c, 1, 16777217, -3);
  });
  assert.deepEqual([xmm(r.cpu, 0), r.cpu.mxcsr], [
    [0x4b800000, 0xc0400000, 0x22222222, 0x11111111],
    0x1fa0,
  ]);
  // cvtpi2pd xmm0, mm1
  r = exec([0x66, 0x0f, 0x2a, 0xc1], (c) => setMm(c, 1, 16777217, -3));
  assert.deepEqual(xmm(r.cpu, 0), [0x10000000, 0x41700000, 0, 0xc0080000]);
  // cvttpd2pi mm0, xmm1
  r = exec([0x66, 0x0f, 0x2c, 0xc1], (c) => setXmm(c, 1, [...double(-3.99), ...double(-1e10)]));
  assert.deepEqual([mm(r.cpu, 0), r.cpu.mxcsr], [[0xfffffffd, 0x80000000], 0x1fa1]);
});

Deno.test("a 66 prefix beside F3/F2 leaves the general-register operand 32-bit", () => {
  let c = convert([0x66, 0xf3, 0x0f, 0x2a, 0xc1], [], mxcsr(), [0xffff0005 | 0, 0]);
  assert.equal(xmm(c, 0)[0], 0xc77ffb00);
  c = convert([0x66, 0xf3, 0x0f, 0x2d, 0xc1], [single(-70000)]);
  assert.deepEqual(rax(c), [0xfffeee90, 0]);
});
