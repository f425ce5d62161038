// Instruction differential test: every form of tests/insn/forms_*.ts runs with many random input
// states (seeded, so deterministic) on the host CPU (tests/insn/harness.c) and in the interpreter,
// in both tiers (interpreted handlers, and blocks translated by runtime/cpu/jit.ts); GPRs, rflags
// (minus the bits the SDM leaves undefined for that form and input), XMM registers, MXCSR, the
// eight x87/MMX registers with the x87 status/tag/control words, the data window and any signal
// (number, si_code, si_addr, rip) must agree. Every listed form is required to match; a form whose
// CPUID feature the interpreter does not advertise is reported as such, never silently dropped.
//
// Environment: INSN_DIFF_VECTORS (vectors per form, default 96; producer/consumer pairs get a
// third), INSN_DIFF_FILTER (regular expression on form names or families), INSN_DIFF_EXAMPLES
// (failing vectors shown per form, default 3).

import assert from "node:assert/strict";
import { cpuidFeatures } from "../runtime/cpu/ops/misc.ts";
import { compare, type Diff, inputText } from "./insn/compare.ts";
import { draw } from "./insn/draw.ts";
import type { Feature, Form } from "./insn/form.ts";
import { EXT_FORMS } from "./insn/forms_ext.ts";
import { FLOW_FORMS } from "./insn/forms_flow.ts";
import { INT_FORMS } from "./insn/forms_int.ts";
import { LAZY_FORMS } from "./insn/forms_lazy.ts";
import { MMX_FORMS } from "./insn/forms_mmx.ts";
import { SSE_FORMS } from "./insn/forms_sse.ts";
import { X87_FORMS } from "./insn/forms_x87.ts";
import { buildHarness, runHarness } from "./insn/host.ts";
import { runInterpreter, type Tier } from "./insn/interp.ts";
import { Rec, REC_SIZE } from "./insn/record.ts";
import { formSeed, Rng } from "./insn/values.ts";

const VECTORS = Number(Deno.env.get("INSN_DIFF_VECTORS") ?? 96);
const FILTER = Deno.env.get("INSN_DIFF_FILTER");
const EXAMPLES = Number(Deno.env.get("INSN_DIFF_EXAMPLES") ?? 3);
const TIERS: Tier[] = ["interp", "jit"];

/** CPUID.1:ECX bits of the features some forms need. */
const FEATURE_BITS: Record<Feature, number> = {
  "sse3": 1 << 0,
  "ssse3": 1 << 9,
  "sse4.1": 1 << 19,
  "sse4.2": 1 << 20,
  "popcnt": 1 << 23,
};

/** Vectors drawn for a form: the producer/consumer pairs are many and share their producers. */
function vectorsOf(form: Form): number {
  return form.family === "lazy" ? Math.ceil(VECTORS / 3) : VECTORS;
}

function advertised(f: Feature): boolean {
  return (cpuidFeatures.leaf1Ecx & FEATURE_BITS[f]) !== 0;
}

interface Failure {
  form: Form;
  tier: Tier;
  vectors: number;
  fields: Map<string, number>;
  examples: string[];
}

function describe(f: Failure): string {
  const fields = [...f.fields].map(([k, n]) => `${k}×${n}`).join(", ");
  const n = vectorsOf(f.form);
  return `${f.form.name} [${f.form.family}, ${f.tier}]: ${f.vectors}/${n} vectors (${fields})`;
}

/** Forms per batch: bounds the memory held by records (about 77 KB per form at 96 vectors). */
const BATCH = 200;

/** Draws, runs on the host and in both tiers, and compares one batch of forms. */
async function runBatch(
  forms: Form[],
  harness: string,
  failures: Failure[],
  time: Record<string, number>,
): Promise<void> {
  let t = performance.now();
  const lap = (what: string) => {
    const now = performance.now();
    time[what] = (time[what] ?? 0) + now - t;
    t = now;
  };
  const start: number[] = [];
  let count = 0;
  for (const form of forms) {
    start.push(count);
    count += vectorsOf(form);
  }
  const input = new Uint8Array(count * REC_SIZE);
  const undef = new Uint32Array(count);
  const s = new Rec(input);
  forms.forEach((form, fi) => {
    const g = new Rng(formSeed(form.name));
    for (let v = 0; v < vectorsOf(form); v++) {
      const k = start[fi] + v;
      undef[k] = draw(form, s.at(k), g);
    }
  });
  lap("draw");
  const hostOut = await runHarness(harness, input);
  lap("host");
  for (const tier of TIERS) {
    const notes = new Map<number, string>();
    const out = runInterpreter(input, count, tier, notes);
    lap(tier);
    const inRec = new Rec(input), hostRec = new Rec(hostOut), outRec = new Rec(out);
    forms.forEach((form, fi) => {
      let failure: Failure | undefined;
      for (let v = 0; v < vectorsOf(form); v++) {
        const k = start[fi] + v;
        const diffs: Diff[] = compare(form, undef[k], hostRec.at(k), outRec.at(k));
        const note = notes.get(k);
        if (note) diffs.push({ field: "internal error", host: "-", interp: note });
        if (diffs.length === 0) continue;
        failure ??= { form, tier, vectors: 0, fields: new Map(), examples: [] };
        failure.vectors++;
        for (const d of diffs) failure.fields.set(d.field, (failure.fields.get(d.field) ?? 0) + 1);
        if (failure.examples.length < EXAMPLES) {
          const lines = diffs.map((d) => `  ${d.field}: host ${d.host} | interp ${d.interp}`);
          failure.examples.push(
            `vector ${v}:\n${inputText(form, inRec.at(k))}\n${lines.join("\n")}`,
          );
        }
      }
      if (failure) failures.push(failure);
    });
    lap("compare");
  }
}

Deno.test({
  name: "insn-diff: every instruction form matches the host CPU on random inputs",
  ignore: Deno.build.os !== "linux" || Deno.build.arch !== "x86_64",
  async fn() {
    const all = [
      ...INT_FORMS,
      ...FLOW_FORMS,
      ...SSE_FORMS,
      ...MMX_FORMS,
      ...X87_FORMS,
      ...LAZY_FORMS,
      ...EXT_FORMS,
    ];
    const names = new Set<string>();
    for (const f of all) {
      assert.ok(!names.has(f.name), `duplicate form name: ${f.name}`);
      names.add(f.name);
    }
    const filter = FILTER ? new RegExp(FILTER) : undefined;
    const selected = all.filter((f) => !filter || filter.test(f.name) || filter.test(f.family));
    const notAdvertised = selected.filter((f) => f.requires && !advertised(f.requires));
    const forms = selected.filter((f) => !f.requires || advertised(f.requires));

    const failures: Failure[] = [];
    const time: Record<string, number> = {};
    const dir = await Deno.makeTempDir({ prefix: "insn-diff-" });
    try {
      const harness = await buildHarness(dir);
      for (let at = 0; at < forms.length; at += BATCH) {
        await runBatch(forms.slice(at, at + BATCH), harness, failures, time);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }

    for (const f of failures) {
      console.log(`\nMISMATCH ${describe(f)}`);
      for (const e of f.examples) console.log(e.replace(/^/gm, "    "));
    }
    if (notAdvertised.length) {
      const byFeature = new Map<string, number>();
      for (const f of notAdvertised) {
        byFeature.set(f.requires!, (byFeature.get(f.requires!) ?? 0) + 1);
      }
      console.log(
        `\ninsn-diff: not required until CPUID advertises the feature: ` +
          [...byFeature].map(([k, n]) => `${k} (${n} forms)`).join(", "),
      );
    }
    const total = forms.reduce((n, f) => n + vectorsOf(f), 0);
    const failingForms = new Set(failures.map((f) => f.form.name));
    const seconds = Object.entries(time).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`);
    console.log(
      `\ninsn-diff: ${forms.length} forms, ${total} vectors ` +
        `(x${TIERS.length} tiers), ${failingForms.size} mismatching forms [${seconds.join(", ")}]`,
    );
    assert.deepEqual(failures.map(describe), [], "forms whose results differ from the host CPU");
  },
});
