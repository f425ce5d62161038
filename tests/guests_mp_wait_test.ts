// Differential tests of the "wait" multi-process guest programs (see mp_suite.ts).
import { defineMpGuestTests } from "./mp_suite.ts";

defineMpGuestTests("wait");
