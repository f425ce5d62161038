// Host side of the instruction differential test (tests/insn_diff_test.ts).
//
// Reads fixed-size records from stdin (layout in tests/insn/record.ts, mirrored by `struct rec`),
// and for each one: copies the instruction bytes to an RWX page at CODE_ADDR followed by an
// absolute `jmp [rip]` back into this program, copies the data window to the page at DATA_ADDR,
// loads every GPR (rsp included: the test points it into the scratch page at STACK_ADDR, or into
// the data window for stack forms), rflags, the 16 XMM registers, the eight MMX registers (then
// EMMS, so the x87 stack starts empty over known register contents), MXCSR and the x87 control
// word, runs the bytes, and writes the same record back with the resulting state. A SIGSEGV/SIGFPE/SIGILL/SIGBUS/SIGTRAP raised by the
// bytes is caught on an alternate stack; the record then carries the signal, si_code, the
// faulting rip and the register state at the fault (from the ucontext).
//
// Built by the test with `gcc -static -O1`; the build output lives in a temporary directory.

#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x10000000UL
#define DATA_ADDR 0x20000000UL
#define STACK_ADDR 0x30000000UL
#define PAGE 4096
#define WINDOW 256
#define CODE_MAX 48

struct rec {
  uint32_t code_len; // in: instruction byte count; out: signal number (0 when none)
  uint32_t mxcsr;
  uint16_t fcw;
  uint16_t fsw; // out: x87 status word (TOP included)
  uint16_t ftw; // out: abridged tag word (bit i: physical register i in use)
  uint16_t pad0;
  union {
    uint8_t code[CODE_MAX];
    struct {
      uint32_t si_code;
      uint32_t pad1;
      uint64_t rip;  // out: rip after the bytes, or of the faulting instruction
      uint64_t addr; // out: si_addr of the signal
    } fault;
  } u;
  uint64_t gpr[16]; // rax rcx rdx rbx rsp rbp rsi rdi r8-r15
  uint64_t rflags;
  uint64_t pad2;
  uint8_t xmm[16][16];
  uint8_t data[WINDOW];
  // in: MMX register values (8 bytes each, the exponent word is ignored and becomes 0xffff);
  // out: the eight physical x87 registers (80 bits each), indexed physically, not by ST(i).
  uint8_t x87[8][10];
};

_Static_assert(offsetof(struct rec, mxcsr) == 4, "layout");
_Static_assert(offsetof(struct rec, fcw) == 8, "layout");
_Static_assert(offsetof(struct rec, u) == 16, "layout");
_Static_assert(offsetof(struct rec, gpr) == 64, "layout");
_Static_assert(offsetof(struct rec, rflags) == 192, "layout");
_Static_assert(offsetof(struct rec, xmm) == 208, "layout");
_Static_assert(offsetof(struct rec, data) == 464, "layout");
_Static_assert(offsetof(struct rec, x87) == 720, "layout");
_Static_assert(sizeof(struct rec) == 800, "layout");

// State loaded before and stored after the bytes; the assembly below addresses it rip-relative.
struct rec g_state __attribute__((aligned(64)));
uint64_t g_host_rsp;
uint64_t g_entry = CODE_ADDR;
uint64_t g_flag_stack[8] __attribute__((aligned(16)));
uint8_t g_fx[512] __attribute__((aligned(64)));
static sigjmp_buf g_jmp;
static volatile int g_signal;

void run_case(void);

// clang-format off
__asm__(
    ".text\n"
    ".globl run_case\n"
    "run_case:\n"
    "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
    "  mov %rsp, g_host_rsp(%rip)\n"
    "  fninit\n"
    "  movq g_state+720+0*10(%rip), %mm0\n"
    "  movq g_state+720+1*10(%rip), %mm1\n"
    "  movq g_state+720+2*10(%rip), %mm2\n"
    "  movq g_state+720+3*10(%rip), %mm3\n"
    "  movq g_state+720+4*10(%rip), %mm4\n"
    "  movq g_state+720+5*10(%rip), %mm5\n"
    "  movq g_state+720+6*10(%rip), %mm6\n"
    "  movq g_state+720+7*10(%rip), %mm7\n"
    "  emms\n"
    "  fldcw g_state+8(%rip)\n"
    "  ldmxcsr g_state+4(%rip)\n"
    "  movdqu g_state+208+0*16(%rip), %xmm0\n"
    "  movdqu g_state+208+1*16(%rip), %xmm1\n"
    "  movdqu g_state+208+2*16(%rip), %xmm2\n"
    "  movdqu g_state+208+3*16(%rip), %xmm3\n"
    "  movdqu g_state+208+4*16(%rip), %xmm4\n"
    "  movdqu g_state+208+5*16(%rip), %xmm5\n"
    "  movdqu g_state+208+6*16(%rip), %xmm6\n"
    "  movdqu g_state+208+7*16(%rip), %xmm7\n"
    "  movdqu g_state+208+8*16(%rip), %xmm8\n"
    "  movdqu g_state+208+9*16(%rip), %xmm9\n"
    "  movdqu g_state+208+10*16(%rip), %xmm10\n"
    "  movdqu g_state+208+11*16(%rip), %xmm11\n"
    "  movdqu g_state+208+12*16(%rip), %xmm12\n"
    "  movdqu g_state+208+13*16(%rip), %xmm13\n"
    "  movdqu g_state+208+14*16(%rip), %xmm14\n"
    "  movdqu g_state+208+15*16(%rip), %xmm15\n"
    "  lea g_flag_stack+64(%rip), %rsp\n"
    "  pushq g_state+192(%rip)\n"
    "  popfq\n"
    "  mov g_state+64+4*8(%rip), %rsp\n"
    "  mov g_state+64+0*8(%rip), %rax\n"
    "  mov g_state+64+1*8(%rip), %rcx\n"
    "  mov g_state+64+2*8(%rip), %rdx\n"
    "  mov g_state+64+3*8(%rip), %rbx\n"
    "  mov g_state+64+5*8(%rip), %rbp\n"
    "  mov g_state+64+6*8(%rip), %rsi\n"
    "  mov g_state+64+7*8(%rip), %rdi\n"
    "  mov g_state+64+8*8(%rip), %r8\n"
    "  mov g_state+64+9*8(%rip), %r9\n"
    "  mov g_state+64+10*8(%rip), %r10\n"
    "  mov g_state+64+11*8(%rip), %r11\n"
    "  mov g_state+64+12*8(%rip), %r12\n"
    "  mov g_state+64+13*8(%rip), %r13\n"
    "  mov g_state+64+14*8(%rip), %r14\n"
    "  mov g_state+64+15*8(%rip), %r15\n"
    "  jmp *g_entry(%rip)\n"
    ".globl run_case_return\n"
    "run_case_return:\n"
    "  mov %rax, g_state+64+0*8(%rip)\n"
    "  mov %rcx, g_state+64+1*8(%rip)\n"
    "  mov %rdx, g_state+64+2*8(%rip)\n"
    "  mov %rbx, g_state+64+3*8(%rip)\n"
    "  mov %rsp, g_state+64+4*8(%rip)\n"
    "  mov %rbp, g_state+64+5*8(%rip)\n"
    "  mov %rsi, g_state+64+6*8(%rip)\n"
    "  mov %rdi, g_state+64+7*8(%rip)\n"
    "  mov %r8, g_state+64+8*8(%rip)\n"
    "  mov %r9, g_state+64+9*8(%rip)\n"
    "  mov %r10, g_state+64+10*8(%rip)\n"
    "  mov %r11, g_state+64+11*8(%rip)\n"
    "  mov %r12, g_state+64+12*8(%rip)\n"
    "  mov %r13, g_state+64+13*8(%rip)\n"
    "  mov %r14, g_state+64+14*8(%rip)\n"
    "  mov %r15, g_state+64+15*8(%rip)\n"
    "  lea g_flag_stack+64(%rip), %rsp\n"
    "  pushfq\n"
    "  popq g_state+192(%rip)\n"
    "  cld\n"
    "  movdqu %xmm0, g_state+208+0*16(%rip)\n"
    "  movdqu %xmm1, g_state+208+1*16(%rip)\n"
    "  movdqu %xmm2, g_state+208+2*16(%rip)\n"
    "  movdqu %xmm3, g_state+208+3*16(%rip)\n"
    "  movdqu %xmm4, g_state+208+4*16(%rip)\n"
    "  movdqu %xmm5, g_state+208+5*16(%rip)\n"
    "  movdqu %xmm6, g_state+208+6*16(%rip)\n"
    "  movdqu %xmm7, g_state+208+7*16(%rip)\n"
    "  movdqu %xmm8, g_state+208+8*16(%rip)\n"
    "  movdqu %xmm9, g_state+208+9*16(%rip)\n"
    "  movdqu %xmm10, g_state+208+10*16(%rip)\n"
    "  movdqu %xmm11, g_state+208+11*16(%rip)\n"
    "  movdqu %xmm12, g_state+208+12*16(%rip)\n"
    "  movdqu %xmm13, g_state+208+13*16(%rip)\n"
    "  movdqu %xmm14, g_state+208+14*16(%rip)\n"
    "  movdqu %xmm15, g_state+208+15*16(%rip)\n"
    "  fxsave g_fx(%rip)\n"
    "  mov g_host_rsp(%rip), %rsp\n"
    "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
    "  ret\n");
// clang-format on

void run_case_return(void);

// ucontext gregs index of each GPR in our order.
static const int GREG[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                             REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                             REG_R12, REG_R13, REG_R14, REG_R15};

/** Copies ST(0)..ST(7), `stride` bytes apart, into the physical register slots of g_state. */
static void store_x87(uint16_t fsw, const uint8_t *st, int stride) {
  int top = (fsw >> 11) & 7;
  for (int i = 0; i < 8; i++) memcpy(g_state.x87[(top + i) & 7], st + i * stride, 10);
}

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  ucontext_t *uc = ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  g_signal = sig;
  g_state.u.fault.si_code = (uint32_t)si->si_code;
  g_state.u.fault.pad1 = 0;
  g_state.u.fault.rip = (uint64_t)g[REG_RIP];
  g_state.u.fault.addr = (uint64_t)(uintptr_t)si->si_addr;
  for (int r = 0; r < 16; r++) g_state.gpr[r] = (uint64_t)g[GREG[r]];
  g_state.rflags = (uint64_t)g[REG_EFL];
  struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
  memcpy(g_state.xmm, fp->_xmm, sizeof g_state.xmm);
  g_state.mxcsr = fp->mxcsr;
  g_state.fcw = fp->cwd;
  g_state.fsw = fp->swd;
  g_state.ftw = fp->ftw & 0xff;
  store_x87(fp->swd, (const uint8_t *)fp->_st, 16);
  siglongjmp(g_jmp, 1);
}

static void *map_fixed(uint64_t addr, int prot) {
  void *p = mmap((void *)addr, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
                 0);
  if (p != (void *)addr) {
    perror("insn harness: mmap");
    exit(2);
  }
  return p;
}

static void reset_fp(void) {
  uint32_t mxcsr = 0x1f80;
  __asm__ volatile("fninit\n ldmxcsr %0" : : "m"(mxcsr));
}

int main(void) {
  uint8_t *code = map_fixed(CODE_ADDR, PROT_READ | PROT_WRITE | PROT_EXEC);
  uint8_t *data = map_fixed(DATA_ADDR, PROT_READ | PROT_WRITE);
  map_fixed(STACK_ADDR, PROT_READ | PROT_WRITE);

  static uint8_t altstack[1 << 16];
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
  if (sigaltstack(&ss, NULL) != 0) return perror("insn harness: sigaltstack"), 2;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  const int sigs[] = {SIGSEGV, SIGFPE, SIGILL, SIGBUS, SIGTRAP};
  for (unsigned k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaction(sigs[k], &sa, NULL);

  static uint8_t inbuf[1 << 20], outbuf[1 << 20];
  setvbuf(stdin, (char *)inbuf, _IOFBF, sizeof inbuf);
  setvbuf(stdout, (char *)outbuf, _IOFBF, sizeof outbuf);
  alarm(120); // a runaway case must not hang the test

  struct rec in;
  while (fread(&in, sizeof in, 1, stdin) == 1) {
    uint32_t len = in.code_len;
    if (len > CODE_MAX) return fprintf(stderr, "insn harness: code too long\n"), 2;
    memcpy(code, in.u.code, len);
    // jmp qword [rip+0]; dq run_case_return
    static const uint8_t jmp[6] = {0xff, 0x25, 0, 0, 0, 0};
    memcpy(code + len, jmp, sizeof jmp);
    uint64_t back = (uint64_t)(uintptr_t)run_case_return;
    memcpy(code + len + 6, &back, 8);
    memset(data, 0, PAGE);
    memcpy(data, in.data, WINDOW);

    g_state = in;
    g_signal = 0;
    if (sigsetjmp(g_jmp, 1) == 0) {
      run_case();
      g_state.fcw = (uint16_t)(g_fx[0] | g_fx[1] << 8);
      g_state.fsw = (uint16_t)(g_fx[2] | g_fx[3] << 8);
      g_state.ftw = g_fx[4];
      memcpy(&g_state.mxcsr, g_fx + 24, 4);
      store_x87(g_state.fsw, g_fx + 32, 16);
      g_state.u.fault.si_code = 0;
      g_state.u.fault.pad1 = 0;
      g_state.u.fault.rip = CODE_ADDR + len;
      g_state.u.fault.addr = 0;
    }
    reset_fp();
    g_state.code_len = (uint32_t)g_signal;
    g_state.pad0 = 0;
    g_state.pad2 = 0;
    memset(g_state.u.code + 24, 0, CODE_MAX - 24);
    memcpy(g_state.data, data, WINDOW);
    if (fwrite(&g_state, sizeof g_state, 1, stdout) != 1) return 2;
  }
  return fflush(stdout) == 0 ? 0 : 2;
}
