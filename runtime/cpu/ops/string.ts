// String instructions: MOVS STOS LODS CMPS SCAS with REP/REPE/REPNE.
// STUB: to be implemented.
import { invalidOpcode } from "../insn.ts";
export const movs = invalidOpcode, stos = invalidOpcode, lods = invalidOpcode;
export const cmps = invalidOpcode, scas = invalidOpcode;
