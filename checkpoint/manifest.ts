// The checkpoint directory and its commit point. Layout:
//   DIR/manifest.img             the manifest: written last, atomically (write, fsync, rename,
//                                fsync DIR); a directory without one holds no checkpoint
//   DIR/<session>/<vmid>.img     one image per process (process_image.ts)
//   DIR/<session>/shared.img     the leader's shared state (REC_SHARED: tree, pipes, offsets, ids)
// A new checkpoint into the same DIR writes a new session beside the committed one and replaces
// the manifest atomically; only then are older sessions removed, so a crash at any moment leaves
// the previous checkpoint whole. The manifest names every file with its size and SHA-256.

import type { SupervisorSnapshot } from "../runtime/host/supervisor.ts";
import {
  cborRecord,
  decodeRecord,
  digest,
  ImageError,
  readImage,
  REC_MANIFEST,
  REC_SHARED,
  writeImage,
} from "./image.ts";

export const MANIFEST_FILE = "manifest.img";
export const MANIFEST_FORMAT = 1;

export interface ManifestFile {
  file: string;
  size: number;
  digest: string;
}

export interface ManifestProcess extends ManifestFile {
  vmid: number;
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
}

export interface Manifest {
  format: number;
  session: string;
  created: string;
  rootPid: number;
  processes: ManifestProcess[];
  shared: ManifestFile;
  /** Milliseconds the tree was frozen for this checkpoint. */
  frozenMs: number;
}

/** Writes `data` to `path` durably and atomically: a temporary file, fsync, rename, fsync dir. */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  const tmp = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  await writeFileSynced(tmp, data);
  try {
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  await syncDir(dir);
}

/** Writes a new file and fsyncs it. */
export async function writeFileSynced(path: string, data: Uint8Array): Promise<void> {
  const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  try {
    let at = 0;
    while (at < data.length) at += await file.write(data.subarray(at));
    await file.sync();
  } finally {
    file.close();
  }
}

export async function syncDir(dir: string): Promise<void> {
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch { /* a host that cannot fsync directories: rename is still atomic */ }
}

/** Writes the shared state of a session; returns its manifest entry. */
export async function writeShared(
  dir: string,
  session: string,
  state: SupervisorSnapshot,
): Promise<ManifestFile> {
  const data = writeImage([cborRecord(REC_SHARED, state)]);
  const file = `${session}/shared.img`;
  await writeFileSynced(`${dir}/${file}`, data);
  return { file, size: data.length, digest: await digest(data) };
}

export async function readShared(dir: string, entry: ManifestFile): Promise<SupervisorSnapshot> {
  const path = `${dir}/${entry.file}`;
  const data = await readChecked(path, entry);
  const rec = readImage(data, path).find((r) => r.type === REC_SHARED);
  if (!rec) throw new ImageError(`${path}: no shared-state record (type ${REC_SHARED})`);
  return decodeRecord<SupervisorSnapshot>(rec, path);
}

/** Reads a file the manifest names and checks its size (and digest, unless `skipDigest`). */
export async function readChecked(
  path: string,
  entry: ManifestFile,
  skipDigest = false,
): Promise<Uint8Array> {
  let data: Uint8Array;
  try {
    data = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ImageError(`${path}: missing (the manifest lists it)`);
    }
    throw e;
  }
  if (data.length !== entry.size) {
    throw new ImageError(
      `${path}: ${data.length} bytes, the manifest says ${entry.size} (truncated or replaced)`,
    );
  }
  if (!skipDigest && await digest(data) !== entry.digest) {
    throw new ImageError(`${path}: SHA-256 differs from the manifest's (damaged)`);
  }
  return data;
}

/** Commits a checkpoint: the manifest, atomically. */
export async function commitManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(
    `${dir}/${MANIFEST_FILE}`,
    writeImage([cborRecord(REC_MANIFEST, manifest)]),
  );
}

/** Parses and checks a manifest image's bytes; `name` is used in errors. */
export function parseManifest(data: Uint8Array, name: string): Manifest {
  const rec = readImage(data, name).find((r) => r.type === REC_MANIFEST);
  if (!rec) throw new ImageError(`${name}: no manifest record (type ${REC_MANIFEST})`);
  const m = decodeRecord<Manifest>(rec, name);
  const bad = (what: string) =>
    new ImageError(`${name}: record of type ${REC_MANIFEST} (manifest): ${what}`);
  if (typeof m !== "object" || m === null) throw bad("not a map");
  if (m.format !== MANIFEST_FORMAT) throw bad(`format ${m.format}, expected ${MANIFEST_FORMAT}`);
  if (typeof m.session !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(m.session)) {
    throw bad("bad session name");
  }
  if (!Array.isArray(m.processes) || !m.shared) throw bad("process list or shared state missing");
  for (const p of [...m.processes, m.shared]) {
    if (
      typeof p.file !== "string" || !p.file.startsWith(`${m.session}/`) || p.file.includes("..")
    ) {
      throw bad(`bad file name '${p.file}'`);
    }
  }
  return m;
}

/** Reads the committed manifest of DIR; a directory without one holds no checkpoint. */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = `${dir}/${MANIFEST_FILE}`;
  let data: Uint8Array;
  try {
    data = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ImageError(`${dir}: no committed checkpoint here (${MANIFEST_FILE} is missing)`);
    }
    throw e;
  }
  return parseManifest(data, path);
}

/** Removes sessions other than `keep` (uncommitted leftovers and superseded checkpoints). */
export async function removeOtherSessions(dir: string, keep: string): Promise<void> {
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory && e.name !== keep && e.name.startsWith("cp-")) {
      await Deno.remove(`${dir}/${e.name}`, { recursive: true }).catch(() => {});
    }
    if (e.isFile && e.name.startsWith(`${MANIFEST_FILE}.tmp-`)) {
      await Deno.remove(`${dir}/${e.name}`).catch(() => {});
    }
  }
}
