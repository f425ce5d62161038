// Differential tests of the "signals" guest programs (see guest_catalog.ts), natively and supervised.
import { defineGuestTests } from "./guest_suite.ts";

defineGuestTests("signals");
