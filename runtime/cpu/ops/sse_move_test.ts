// SSE/SSE2/MMX data movement: alignment faults, partial moves, MOVD/MOVQ, masks.
// Expected behaviour checked against the host CPU.
import assert from "node:assert/strict";
import { DATA, DATA_END, exec, mm, peek32, poke32, setMm, setXmm, xmm } from "./sse_testing.ts";

const X0 = [0x7f800001, 0xffc12345, 0x12345678, 0x9abcdef0]; // NaN payloads must survive
const X1 = [0x11111111, 0x22222222, 0x33333333, 0x44444444];
const MEM = [0xa0a0a0a0, 0xb1b1b1b1, 0xc2c2c2c2, 0xd3d3d3d3];

function move(code: number[], memAt = DATA) {
  return exec(code, (c) => {
    setXmm(c, 0, X0);
    setXmm(c, 1, X1);
    poke32(c, memAt, MEM);
  });
}

Deno.test("movaps/movdqa with a misaligned operand raise #GP; movups/movdqu do not", () => {
  for (const code of [[0x0f, 0x28, 0x46, 0x01], [0x66, 0x0f, 0x6f, 0x46, 0x08]]) {
    const r = move(code);
    assert.deepEqual([r.signal, r.code, r.address, r.cpu.rip], [11, 0x80, 0, 0x400000]);
    assert.deepEqual(xmm(r.cpu, 0), X0);
  }
  for (const code of [[0x0f, 0x29, 0x46, 0x04], [0x0f, 0x2b, 0x46, 0x04]]) {
    assert.equal(move(code).signal, 11); // movaps / movntps store
  }
  const r = move([0xf3, 0x0f, 0x6f, 0x46, 0x04]); // movdqu xmm0, [rsi+4]
  assert.equal(r.signal, 0);
  assert.deepEqual(xmm(r.cpu, 0), [0xb1b1b1b1, 0xc2c2c2c2, 0xd3d3d3d3, 0]);
  const a = move([0x0f, 0x28, 0x46, 0x00]); // movaps xmm0, [rsi]
  assert.deepEqual(xmm(a.cpu, 0), MEM);
});

Deno.test("16-byte accesses straddling an unmapped page fault without partial effects", () => {
  // movups xmm0, [rsi + 4088]: the second half is unmapped.
  let r = exec([0x0f, 0x10, 0x86, 0xf8, 0x0f, 0, 0], (c) => setXmm(c, 0, X0));
  assert.deepEqual([r.signal, r.code, r.address], [11, 1, DATA_END]);
  assert.deepEqual(xmm(r.cpu, 0), X0);
  // movups [rsi + 4088], xmm1: nothing written
  r = exec([0x0f, 0x11, 0x8e, 0xf8, 0x0f, 0, 0], (c) => setXmm(c, 1, X1));
  assert.deepEqual([r.signal, r.code], [11, 1]);
  assert.deepEqual(peek32(r.cpu, DATA_END - 8, 2), [0, 0]);
  // movsd xmm0, [rsi + 4088] reads 8 bytes only: fine
  r = exec([0xf2, 0x0f, 0x10, 0x86, 0xf8, 0x0f, 0, 0]);
  assert.equal(r.signal, 0);
});

Deno.test("movss/movsd: register forms merge, memory loads zero the rest", () => {
  assert.deepEqual(xmm(move([0xf3, 0x0f, 0x10, 0xc1]).cpu, 0), [X1[0], X0[1], X0[2], X0[3]]);
  assert.deepEqual(xmm(move([0xf3, 0x0f, 0x10, 0x06]).cpu, 0), [MEM[0], 0, 0, 0]);
  assert.deepEqual(xmm(move([0xf2, 0x0f, 0x10, 0xc1]).cpu, 0), [X1[0], X1[1], X0[2], X0[3]]);
  assert.deepEqual(xmm(move([0xf2, 0x0f, 0x10, 0x06]).cpu, 0), [MEM[0], MEM[1], 0, 0]);
  // stores: movss [rsi], xmm0 writes 4 bytes; movsd xmm1, xmm0 (11 /r) merges
  const s = move([0xf3, 0x0f, 0x11, 0x06]);
  assert.deepEqual(peek32(s.cpu, DATA, 4), [X0[0], MEM[1], MEM[2], MEM[3]]);
  assert.deepEqual(xmm(move([0xf2, 0x0f, 0x11, 0xc1]).cpu, 1), [X0[0], X0[1], X1[2], X1[3]]);
});

Deno.test("movlps/movhps/movlpd/movhpd, movhlps/movlhps move one qword", () => {
  assert.deepEqual(xmm(move([0x0f, 0x12, 0x06]).cpu, 0), [MEM[0], MEM[1], X0[2], X0[3]]);
  assert.deepEqual(xmm(move([0x0f, 0x12, 0xc1]).cpu, 0), [X1[2], X1[3], X0[2], X0[3]]); // movhlps
  assert.deepEqual(xmm(move([0x66, 0x0f, 0x16, 0x06]).cpu, 0), [X0[0], X0[1], MEM[0], MEM[1]]);
  assert.deepEqual(xmm(move([0x0f, 0x16, 0xc1]).cpu, 0), [X0[0], X0[1], X1[0], X1[1]]); // movlhps
  assert.deepEqual(peek32(move([0x0f, 0x17, 0x06]).cpu, DATA, 4), [X0[2], X0[3], MEM[2], MEM[3]]);
  assert.deepEqual(peek32(move([0x66, 0x0f, 0x13, 0x06]).cpu, DATA, 2), [X0[0], X0[1]]);
  // movlpd with a register operand is invalid
  assert.equal(move([0x66, 0x0f, 0x12, 0xc1]).signal, 4);
});

Deno.test("movd/movq between general, mm and xmm registers", () => {
  // movd xmm0, ecx: zero-extended to 128 bits
  let r = exec([0x66, 0x0f, 0x6e, 0xc1], (c) => {
    setXmm(c, 0, X0);
    c.lo[1] = -2;
    c.hi[1] = 5;
  });
  assert.deepEqual(xmm(r.cpu, 0), [0xfffffffe, 0, 0, 0]);
  // movq xmm0, rcx
  r = exec([0x66, 0x48, 0x0f, 0x6e, 0xc1], (c) => {
    c.lo[1] = -2;
    c.hi[1] = 5;
  });
  assert.deepEqual(xmm(r.cpu, 0), [0xfffffffe, 5, 0, 0]);
  // movd eax, xmm1 zero-extends rax; movq rax, xmm1
  r = exec([0x66, 0x0f, 0x7e, 0xc8], (c) => {
    setXmm(c, 1, X1);
    c.hi[0] = -1;
  });
  assert.deepEqual([r.cpu.lo[0] >>> 0, r.cpu.hi[0]], [X1[0], 0]);
  r = exec([0x66, 0x48, 0x0f, 0x7e, 0xc8], (c) => setXmm(c, 1, X1));
  assert.deepEqual([r.cpu.lo[0] >>> 0, r.cpu.hi[0] >>> 0], [X1[0], X1[1]]);
  // movq xmm0, xmm1 (F3 0F 7E) zeroes the upper half; movq xmm1, xmm0 (66 0F D6) too
  assert.deepEqual(xmm(move([0xf3, 0x0f, 0x7e, 0xc1]).cpu, 0), [X1[0], X1[1], 0, 0]);
  assert.deepEqual(xmm(move([0x66, 0x0f, 0xd6, 0xc1]).cpu, 1), [X0[0], X0[1], 0, 0]);
  // movd mm2, ecx; movq mm3, [rsi]; movq [rsi+8], mm3; movd edx, mm2
  r = exec([0x0f, 0x6e, 0xd1], (c) => {
    c.lo[1] = 0x1234;
    c.x87.top = 2;
  });
  assert.deepEqual([mm(r.cpu, 2), r.cpu.x87.top, r.cpu.x87.tags], [[0x1234, 0], 0, 0xff]);
  r = exec([0x0f, 0x6f, 0x1e], (c) => poke32(c, DATA, MEM));
  assert.deepEqual(mm(r.cpu, 3), [MEM[0], MEM[1]]);
  r = exec([0x0f, 0x7f, 0x5e, 0x08], (c) => setMm(c, 3, 5, 6));
  assert.deepEqual(peek32(r.cpu, DATA + 8, 2), [5, 6]);
  r = exec([0x0f, 0x7e, 0xd2], (c) => setMm(c, 2, -7, 6));
  assert.deepEqual([r.cpu.lo[2], r.cpu.hi[2]], [-7, 0]);
  // movq2dq xmm0, mm1; movdq2q mm0, xmm1
  r = exec([0xf3, 0x0f, 0xd6, 0xc1], (c) => {
    setXmm(c, 0, X0);
    setMm(c, 1, 8, 9);
  });
  assert.deepEqual(xmm(r.cpu, 0), [8, 9, 0, 0]);
  r = exec([0xf2, 0x0f, 0xd6, 0xc1], (c) => setXmm(c, 1, X1));
  assert.deepEqual(mm(r.cpu, 0), [X1[0], X1[1]]);
});

Deno.test("movmskps/movmskpd/pmovmskb gather sign bits", () => {
  const r = (code: number[]) =>
    exec(code, (c) => {
      setXmm(c, 1, [0x80000000, 0x7fffffff, 0x00ff0080, 0xff000001]);
      setMm(c, 1, 0x00800080, 0x80000000);
      c.lo[0] = -1;
      c.hi[0] = -1;
    }).cpu;
  let c = r([0x0f, 0x50, 0xc1]);
  assert.deepEqual([c.lo[0], c.hi[0]], [0b1001, 0]);
  c = r([0x66, 0x0f, 0x50, 0xc1]);
  assert.deepEqual([c.lo[0], c.hi[0]], [0b10, 0]);
  c = r([0x66, 0x0f, 0xd7, 0xc1]);
  assert.deepEqual([c.lo[0], c.hi[0]], [0x8578, 0]);
  c = r([0x0f, 0xd7, 0xc1]);
  assert.deepEqual([c.lo[0], c.hi[0]], [0b1000_0101, 0]);
});

Deno.test("maskmovdqu/maskmovq store the selected bytes at [rdi]", () => {
  let r = exec([0x66, 0x0f, 0xf7, 0xc1], (c) => {
    setXmm(c, 0, [0x44332211, 0x88776655, 0xccbbaa99, 0x00ffeedd]);
    setXmm(c, 1, [0x80000080, 0, 0, 0xff000000]);
    c.setReg(7, DATA);
    poke32(c, DATA, [-1, -1, -1, -1]);
  });
  assert.deepEqual(peek32(r.cpu, DATA, 4), [0x44ffff11, 0xffffffff, 0xffffffff, 0x00ffffff]);
  r = exec([0x0f, 0xf7, 0xc1], (c) => {
    setMm(c, 0, 0x44332211, 0x88776655);
    setMm(c, 1, 0x00008000, 0x80000000);
    c.setReg(7, DATA + 16);
  });
  assert.deepEqual(peek32(r.cpu, DATA + 16, 2), [0x00002200, 0x88000000]);
});

Deno.test("REX.R and REX.B select xmm8-xmm15 and r8-r15; MMX register numbers ignore them", () => {
  // addps xmm8, xmm9 (45 0f 58 c1)
  let r = exec([0x45, 0x0f, 0x58, 0xc1], (c) => {
    setXmm(c, 8, [0x3f800000, 0, 0, 0]);
    setXmm(c, 9, [0x3f800000, 0x3f800000, 0, 0]);
  });
  assert.deepEqual(xmm(r.cpu, 8), [0x40000000, 0x3f800000, 0, 0]);
  // movq xmm10, r9 (66 4d 0f 6e d1)
  r = exec([0x66, 0x4d, 0x0f, 0x6e, 0xd1], (c) => {
    c.lo[9] = 7;
    c.hi[9] = 8;
  });
  assert.deepEqual(xmm(r.cpu, 10), [7, 8, 0, 0]);
  // movq mm1, r9 (4d 0f 6e c9): REX.R does not make it mm9
  r = exec([0x4d, 0x0f, 0x6e, 0xc9], (c) => {
    c.lo[9] = 7;
    c.hi[9] = 8;
  });
  assert.deepEqual(mm(r.cpu, 1), [7, 8]);
  // movdqa xmm15, [rsi]
  r = exec([0x66, 0x44, 0x0f, 0x6f, 0x3e], (c) => poke32(c, DATA, MEM));
  assert.deepEqual(xmm(r.cpu, 15), MEM);
});
