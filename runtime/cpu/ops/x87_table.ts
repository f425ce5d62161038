// x87 opcode rows (D8-DF) and the 0F AE group (FXSAVE FXRSTOR LDMXCSR STMXCSR fences).
// STUB: to be filled by the x87 family.
import type { Row } from "../table.ts";
export const X87_ONE: Record<number, Row> = {};
export const GROUP_0FAE: Row | undefined = undefined;
