// Multiply and divide: MUL IMUL DIV IDIV (F6/F7 /4-/7), IMUL G,E (0F AF), IMUL G,E,imm (69, 6B).
// STUB: to be implemented.
import { invalidOpcode } from "../insn.ts";
export const mulE = invalidOpcode, imulE1 = invalidOpcode, divE = invalidOpcode;
export const idivE = invalidOpcode, imulGE = invalidOpcode, imulGEI = invalidOpcode;
