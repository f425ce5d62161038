// Comparison of a native run with a supervised run of the same program, with failure messages that
// point at the first difference (not a wall of output) and show the supervisor's stderr, which is
// where its own diagnostics go.
import assert from "node:assert/strict";
import {
  runNative,
  type RunOptions,
  type RunResult,
  runSupervisor,
  supervisorLabel,
} from "./supervisor.ts";

const decoder = new TextDecoder();

/** What to compare besides stdout and exit status. */
export interface CompareOptions {
  /** Also require identical stderr (only for programs whose stderr is part of their contract). */
  stderr?: boolean;
}

/** Runs PROGRAM natively, then under the supervisor, and asserts they behaved the same. */
export async function assertSameAsNative(
  program: string,
  options: RunOptions = {},
  compare: CompareOptions = {},
): Promise<{ native: RunResult; supervised: RunResult }> {
  const native = await runNative(program, options);
  const supervised = await runSupervisor(program, options);
  assertSameOutcome(native, supervised, compare);
  return { native, supervised };
}

/** Asserts that two runs wrote the same stdout (and stderr if asked) and exited the same way. */
export function assertSameOutcome(
  native: RunResult,
  supervised: RunResult,
  compare: CompareOptions = {},
): void {
  const streams: ["stdout" | "stderr", Uint8Array, Uint8Array][] = [
    ["stdout", native.stdout, supervised.stdout],
  ];
  if (compare.stderr) streams.push(["stderr", native.stderr, supervised.stderr]);
  for (const [name, expected, actual] of streams) {
    const at = firstDifference(expected, actual);
    if (at !== -1) {
      assert.fail(
        `${name} differs from native at byte ${at} ` +
          `(native ${expected.length} bytes, ${supervisorLabel()} ${actual.length} bytes)\n` +
          `${showAround(expected, actual, at)}${stderrTail(supervised)}`,
      );
    }
  }
  if (native.status !== supervised.status) {
    assert.fail(
      `exit status differs: native ${describeStatus(native)}, ${supervisorLabel()} ` +
        `${describeStatus(supervised)}${stderrTail(supervised)}`,
    );
  }
}

/** "134 (SIGABRT)" or "3". */
export function describeStatus(result: RunResult): string {
  return result.signal ? `${result.status} (${result.signal})` : String(result.status);
}

/** The last lines of a run's stderr, formatted for a failure message; empty if there were none. */
export function stderrTail(result: RunResult, maxChars = 3000): string {
  const text = decoder.decode(result.stderr);
  if (text.length === 0) return "";
  const tail = text.length > maxChars ? "…" + text.slice(-maxChars) : text;
  return `\n--- ${supervisorLabel()} stderr ---\n${tail.trimEnd()}`;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** The line holding byte `at` on both sides (one line of context before), escaped for printing. */
function showAround(expected: Uint8Array, actual: Uint8Array, at: number): string {
  const lineStart = (bytes: Uint8Array) => {
    let start = Math.min(at, bytes.length);
    let newlines = 0;
    while (start > 0) {
      if (bytes[start - 1] === 0x0a && ++newlines === 2) break;
      start--;
    }
    return start;
  };
  const excerpt = (bytes: Uint8Array) => {
    const start = lineStart(bytes);
    let end = at;
    while (end < bytes.length && bytes[end] !== 0x0a && end - at < 200) end++;
    return JSON.stringify(decoder.decode(bytes.subarray(start, Math.min(end + 1, bytes.length))));
  };
  const label = `${supervisorLabel()}:`;
  const width = Math.max(label.length, "native:".length) + 1;
  return `  ${"native:".padEnd(width)}${excerpt(expected)}\n  ${label.padEnd(width)}${
    excerpt(actual)
  }`;
}
