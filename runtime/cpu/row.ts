// Row format of the opcode tables (table.ts and the families' own tables), and the operand-size and
// immediate kinds decode.ts understands. A module of its own, without imports of handlers, so that
// family tables can use it while table.ts imports them (no initialization cycle).

import type { Exec, Insn } from "./insn.ts";

// Operand size rules.
export const SZ_V = 0; // 16/32/64 by 0x66 and REX.W (default 32)
export const SZ_B = 1; // byte
export const SZ_D64 = 2; // default 64 in long mode, 16 with 0x66
export const SZ_F64 = 3; // always 64

// Immediates.
export const IMM_NONE = 0;
export const IMM_IB = 1; // imm8, zero-extended
export const IMM_IBS = 2; // imm8, sign-extended
export const IMM_IW = 3; // imm16
export const IMM_IZ = 4; // imm16 or imm32 (sign-extended to 64)
export const IMM_IV = 5; // imm16, imm32 or imm64
export const IMM_JB = 6; // rel8 -> Insn.target
export const IMM_JZ = 7; // rel32 -> Insn.target
export const IMM_IWIB = 8; // ENTER
export const IMM_MOFFS = 9; // absolute address (A0-A3)

export interface Row {
  name: string;
  modrm?: boolean;
  size?: number;
  imm?: number;
  exec?: Exec;
  /** Sub-rows by ModRM.reg; a sub-row's fields override this row's. */
  group?: (Row | undefined)[];
  /** Variants by mandatory prefix: none, 66, F3, F2. */
  sse?: (Row | undefined)[];
  /** Chooses the handler at decode time (x87, register/memory splits). */
  select?: (i: Insn) => Exec | undefined;
  /** Valid only with a memory / register operand. */
  memOnly?: boolean;
  regOnly?: boolean;
  /** LOCK prefix allowed (with a memory destination). */
  lockable?: boolean;
  /** The decoded block ends after this instruction. */
  ends?: boolean;
}
