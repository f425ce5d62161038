// Differential tests of the "control" guest programs (see guest_catalog.ts), natively and supervised.
import { defineGuestTests } from "./guest_suite.ts";

defineGuestTests("control");
