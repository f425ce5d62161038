// Shifts and rotates: group 2 (ROL ROR RCL RCR SHL SHR SAL SAR) by 1, CL or imm8; SHLD, SHRD.
// STUB: to be implemented.
import { invalidOpcode } from "../insn.ts";
export const shiftE1 = invalidOpcode, shiftECL = invalidOpcode, shiftEI = invalidOpcode;
export const shldI = invalidOpcode, shldCL = invalidOpcode, shrdI = invalidOpcode;
export const shrdCL = invalidOpcode;
