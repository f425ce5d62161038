// `supervisor inspect PATH`: an image or a checkpoint directory as JSON (like CRIU's crit).
// Records are decoded by type; page data is summarized (count and bytes), unknown record types
// are listed by type and length. A directory shows its manifest, whether each listed file is
// present with the size and digest the manifest records, and each image.

import {
  decodeRecord,
  digest,
  IMAGE_VERSION,
  ImageError,
  readImage,
  REC_CPU_FEATURES,
  REC_FILES,
  REC_FPSTATE,
  REC_MANIFEST,
  REC_MEMORY_MAP,
  REC_PAGES,
  REC_PROCESS,
  REC_REGISTERS,
  REC_SHARED,
  REC_SIGNALS,
} from "./image.ts";
import { MANIFEST_FILE, parseManifest } from "./manifest.ts";

// deno-fmt-ignore
const RECORD_NAMES: Record<number, string> = {
  [REC_CPU_FEATURES]: "cpu_features", [REC_PROCESS]: "process", [REC_REGISTERS]: "registers",
  [REC_FPSTATE]: "fpstate", [REC_MEMORY_MAP]: "memory_map", [REC_PAGES]: "pages",
  [REC_FILES]: "files", [REC_SIGNALS]: "signals", [REC_SHARED]: "shared", [REC_MANIFEST]: "manifest",
};

/** JSON-friendly: byte arrays become {bytes, hex of the first 64}, bigints strings. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) {
    const head = [...v.subarray(0, 64)].map((b) => b.toString(16).padStart(2, "0")).join("");
    return { bytes: v.length, hex: head + (v.length > 64 ? "..." : "") };
  }
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

/** One image file as JSON-ready data; throws ImageError for a damaged one. */
export function inspectImage(data: Uint8Array, name: string): Record<string, unknown> {
  const records = readImage(data, name).map((r) => {
    const type = RECORD_NAMES[r.type] ?? `unknown(${r.type})`;
    if (r.type === REC_PAGES) {
      return { type, length: r.payload.length, pages: r.payload.length / 4096 };
    }
    if (!RECORD_NAMES[r.type]) return { type, length: r.payload.length };
    const value = decodeRecord<Record<string, unknown>>(r, name);
    if (r.type === REC_MEMORY_MAP) {
      const map = value as { vmas: unknown[]; pages: number[] };
      return {
        type,
        length: r.payload.length,
        vmas: plain(map.vmas),
        pages: map.pages.length,
        firstPages: map.pages.slice(0, 16).map((a) => "0x" + a.toString(16)),
      };
    }
    return { type, length: r.payload.length, value: plain(value) };
  });
  return { file: name, version: IMAGE_VERSION, size: data.length, records };
}

/** PATH: an image file, or a checkpoint directory (manifest plus every image it lists). */
export async function inspectPath(path: string): Promise<Record<string, unknown>> {
  const st = await Deno.stat(path);
  if (!st.isDirectory) return inspectImage(await Deno.readFile(path), path);
  const manifestPath = `${path}/${MANIFEST_FILE}`;
  let data: Uint8Array;
  try {
    data = await Deno.readFile(manifestPath);
  } catch {
    throw new ImageError(`${path}: no committed checkpoint here (${MANIFEST_FILE} is missing)`);
  }
  const manifest = parseManifest(data, manifestPath);
  const files = [];
  for (const entry of [manifest.shared, ...manifest.processes]) {
    const file = `${path}/${entry.file}`;
    try {
      const bytes = await Deno.readFile(file);
      const sum = await digest(bytes);
      files.push({
        file: entry.file,
        sizeOk: bytes.length === entry.size,
        digestOk: sum === entry.digest,
        image: inspectImage(bytes, file),
      });
    } catch (e) {
      files.push({ file: entry.file, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return { dir: path, manifest: plain(manifest), files };
}
