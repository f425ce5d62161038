// Bit tests and scans: BT BTS BTR BTC (register and immediate forms), BSF, BSR.
// STUB: to be implemented.
import { invalidOpcode } from "../insn.ts";
export const btEG = invalidOpcode, btsEG = invalidOpcode, btrEG = invalidOpcode;
export const btcEG = invalidOpcode, btEI = invalidOpcode, bsf = invalidOpcode, bsr = invalidOpcode;
