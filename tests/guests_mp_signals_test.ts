// Differential tests of the "signals" multi-process guest programs (see mp_suite.ts).
import { defineMpGuestTests } from "./mp_suite.ts";

defineMpGuestTests("signals");
