// The integer, float and control guest programs again (gcc builds), with every block translated to
// JS on first use: whole programs through the JIT tier, compared with native.
import { defineGuestTests } from "./guest_suite.ts";

defineGuestTests("integer", true);
defineGuestTests("float", true);
defineGuestTests("control", true);
