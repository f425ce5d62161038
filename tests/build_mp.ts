// The multi-process guest programs (tests/guests_mp/*.c), built by build.ts into
// tests/guests_mp/bin/, static, with gcc and with musl-gcc. Their shared header mp.h includes
// guest.h from tests/guests/, so both headers are part of every build's identity.
import { buildGuest, type GuestDir, guestSource, listGuestSources } from "./build.ts";

const MP_DIR = new URL("./guests_mp/", import.meta.url).pathname;
const GUESTS_DIR = new URL("./guests/", import.meta.url).pathname;

const MP_GUESTS_DIR: GuestDir = {
  dir: MP_DIR,
  headers: [`${MP_DIR}mp.h`, `${GUESTS_DIR}guest.h`],
  flags: [`-I${GUESTS_DIR}`],
  what: "multi-process guest",
};

/** The ways a multi-process guest is built; the name appears in test names. */
export type MpToolchain = "gcc" | "musl";

/** Both toolchains, in the order tests are declared. */
export const MP_TOOLCHAINS: readonly MpToolchain[] = ["gcc", "musl"];

/** Path of the multi-process guest's source file. */
export function mpGuestSource(name: string): string {
  return guestSource(name, MP_GUESTS_DIR);
}

/** Names of all multi-process guest sources (without .c), sorted. */
export function listMpGuestSources(): string[] {
  return listGuestSources(MP_GUESTS_DIR);
}

/** Builds (or reuses) the multi-process guest NAME with TOOLCHAIN; see buildGuest. */
export function buildMpGuest(name: string, toolchain: MpToolchain): Promise<string> {
  return buildGuest(name, toolchain, MP_GUESTS_DIR);
}
