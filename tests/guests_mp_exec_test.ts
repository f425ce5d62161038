// Differential tests of the "exec" multi-process guest programs (see mp_suite.ts).
import { defineMpGuestTests } from "./mp_suite.ts";

defineMpGuestTests("exec");
