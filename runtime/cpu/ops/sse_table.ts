// SSE/SSE2 (and MMX) opcode rows of the 0F map, keyed by the second opcode byte; each row's `sse`
// array holds the variants for no prefix, 66, F3, F2. STUB: to be filled by the SSE family.
import type { Row } from "../table.ts";
export const SSE_0F: Record<number, Row> = {};
export const SSE_0F38: Record<number, Row> = {};
export const SSE_0F3A: Record<number, Row> = {};
