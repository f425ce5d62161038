// Compare-exchange family: CMPXCHG, XADD, CMPXCHG8B/16B.
// STUB: to be implemented.
import { invalidOpcode } from "../insn.ts";
export const cmpxchg = invalidOpcode, xadd = invalidOpcode, cmpxchg8b16b = invalidOpcode;
