// Differential tests of the "pipes" multi-process guest programs (see mp_suite.ts).
import { defineMpGuestTests } from "./mp_suite.ts";

defineMpGuestTests("pipes");
