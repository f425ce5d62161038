// Benchmark driver: `deno task bench [--json] [--quick] [SUITE...]`.
// Each suite is a module in bench/ exporting `run(options)`, which returns rows; this file only
// selects suites and prints. Speed is measured here, never asserted in tests.
import { parseArgs } from "node:util";

/** One measured figure set; printed as a table row, or as one JSON object per line with --json. */
export interface BenchRow {
  suite: string;
  name: string;
  [figure: string]: string | number | null;
}

/** What every suite receives. */
export interface BenchOptions {
  /** Fewer repetitions, for a smoke run. */
  quick: boolean;
  /** Print progress lines (stderr) while running. */
  verbose: boolean;
}

type Suite = (options: BenchOptions) => Promise<BenchRow[]>;

const suites: Record<string, () => Promise<Suite>> = {
  cpu: async () => (await import("./cpu.ts")).run,
  // ipc: IPC round trips and throughput
  ipc: async () => (await import("./ipc.ts")).run,
  proc: async () => (await import("./proc.ts")).run,
  checkpoint: async () => (await import("./checkpoint.ts")).run,
};

function printTable(rows: BenchRow[]): void {
  if (rows.length === 0) return;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4)) : String(v ?? "-");
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  console.log(keys.map((k, i) => k.padEnd(widths[i])).join("  "));
  for (const r of rows) console.log(keys.map((k, i) => cell(r[k]).padEnd(widths[i])).join("  "));
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    options: {
      json: { type: "boolean", default: false },
      quick: { type: "boolean", default: false },
      verbose: { type: "boolean", short: "v", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(`usage: deno task bench [--json] [--quick] [-v] [SUITE...]
suites: ${Object.keys(suites).join(", ")}
  --json    one JSON object per line instead of tables
  --quick   fewer repetitions (smoke run)
  -v        progress on stderr`);
    Deno.exit(0);
  }
  const chosen = positionals.length ? positionals : Object.keys(suites);
  for (const name of chosen) {
    const load = suites[name];
    if (!load) {
      console.error(`supervisor: bench: unknown suite '${name}'`);
      Deno.exit(2);
    }
    const rows = await (await load())({ quick: values.quick, verbose: values.verbose });
    if (values.json) { for (const r of rows) console.log(JSON.stringify(r)); }
    else {
      console.log(`\n## ${name}`);
      printTable(rows);
    }
  }
}
