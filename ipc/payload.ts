// Checks on decoded payloads: every handler reads untrusted data through these.
//
// Owns: the shape checks shared by handlers. Each throws a TypeError naming the message and the
// field, which the worker sends back to the requester as RESPONSE_ERROR. A payload that decodes
// but has the wrong shape is the requester's error, not a broken link.

/** The payload as a plain object, or a TypeError. */
export function expectRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} payload must be a map`);
  }
  return value as Record<string, unknown>;
}

/** An integer in [min, max], or a TypeError. */
export function expectInt(
  value: unknown,
  what: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${what} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A string of at most maxLength UTF-16 units, or a TypeError. */
export function expectString(value: unknown, what: string, maxLength = 4096): string {
  if (typeof value !== "string" || value.length > maxLength) {
    throw new TypeError(`${what} must be a string of at most ${maxLength} characters`);
  }
  return value;
}

/** A boolean, or a TypeError. */
export function expectBoolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean`);
  return value;
}

/** Bytes or null, or a TypeError. */
export function expectBytesOrNull(value: unknown, what: string): Uint8Array | null {
  if (value === null || value === undefined) return null;
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be bytes or null`);
  return value;
}
