/**
 * Topology jars: META-INF/MANIFEST.MF first, then the bundle folder under resources/ (Storm's supervisor
 * extracts resources/ as the shell components' working directory), then optional entries merged from other
 * jars (e.g. a JVM multilang serializer). Output is deterministic: fixed mtimes, fixed modes, sorted entries.
 *
 * @module
 */
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import { inflateRawSync } from "node:zlib";
import yazl from "yazl";

/** Every entry gets this mtime, so the same inputs give the same bytes. */
export const JAR_MTIME = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

export interface JarEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

export interface JarOptions {
  /** Folder whose files go under resources/<relative path> (a bundle: components, node_modules, ...). */
  readonly resourcesDir?: string;
  /** Extra main-section manifest attributes (e.g. Main-Class). */
  readonly manifest?: Readonly<Record<string, string>>;
  /** Jars whose entries are merged in, minus their manifest and signature files. */
  readonly mergeJars?: readonly string[];
  /** Entries added as they are (full names inside the jar). */
  readonly extraEntries?: readonly JarEntry[];
}

export interface JarResult {
  /** Entry names in jar order. */
  readonly entries: readonly string[];
  /** Entries of merged jars skipped because an earlier entry had the same name. */
  readonly duplicates: readonly string[];
}

/** Raised for an unreadable input or a jar that cannot be merged. */
export class JarError extends Error {
  override name = "JarError";
}

/** Writes a jar to `outPath` (parent folders are created). */
export async function writeJar(outPath: string, options: JarOptions): Promise<JarResult & { bytes: number }> {
  const { zip, result } = await assemble(options);
  await mkdir(dirname(outPath), { recursive: true });
  await pipeline(zip.outputStream, createWriteStream(outPath));
  return { ...result, bytes: (await stat(outPath)).size };
}

/** Builds a jar in memory. */
export async function buildJar(options: JarOptions): Promise<JarResult & { data: Uint8Array }> {
  const { zip, result } = await assemble(options);
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return { ...result, data: Buffer.concat(chunks) };
}

/** The text of a manifest: Manifest-Version first, CRLF line ends, 72-byte lines continued by a space. */
export function manifestText(attributes: Readonly<Record<string, string>> = {}): string {
  const all = { "Manifest-Version": "1.0", "Created-By": "squall", ...attributes };
  const lines: string[] = [];
  for (const [k, v] of Object.entries(all)) {
    let line = `${k}: ${v}`;
    lines.push(line.slice(0, 72));
    for (line = line.slice(72); line.length > 0; line = line.slice(71)) lines.push(" " + line.slice(0, 71));
  }
  return lines.join("\r\n") + "\r\n\r\n";
}

async function assemble(options: JarOptions): Promise<{ zip: yazl.ZipFile; result: JarResult }> {
  const files = new Map<string, Uint8Array | (() => Promise<Uint8Array>)>();
  const duplicates: string[] = [];
  if (options.resourcesDir !== undefined) {
    const root = options.resourcesDir;
    for (const rel of await listFiles(root, root)) files.set(`resources/${rel}`, () => readFile(join(root, rel)));
  }
  for (const e of options.extraEntries ?? []) {
    checkName(e.name);
    files.set(e.name, e.data);
  }
  for (const jar of options.mergeJars ?? []) {
    for (const e of await readJarEntries(jar)) {
      if (isManifestOrSignature(e.name) || e.name.endsWith("/")) continue;
      if (files.has(e.name)) duplicates.push(e.name);
      else files.set(e.name, e.data);
    }
  }
  if (files.has("META-INF/MANIFEST.MF")) throw new JarError("META-INF/MANIFEST.MF is written by squall; pass attributes via the manifest option instead");

  const names = [...files.keys()].sort();
  const dirs = new Set<string>();
  for (const n of names) for (let i = n.indexOf("/"); i >= 0; i = n.indexOf("/", i + 1)) dirs.add(n.slice(0, i + 1));
  dirs.delete("META-INF/");
  const order = ["META-INF/", "META-INF/MANIFEST.MF", ...[...dirs, ...names].sort()];

  const zip = new yazl.ZipFile();
  zip.addEmptyDirectory("META-INF/", { mtime: JAR_MTIME, mode: 0o40755 });
  zip.addBuffer(Buffer.from(manifestText(options.manifest), "utf8"), "META-INF/MANIFEST.MF", { mtime: JAR_MTIME, mode: 0o100644 });
  for (const name of order.slice(2)) {
    if (name.endsWith("/")) {
      zip.addEmptyDirectory(name, { mtime: JAR_MTIME, mode: 0o40755 });
      continue;
    }
    const source = files.get(name)!;
    const data = typeof source === "function" ? await source() : source;
    zip.addBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), name, { mtime: JAR_MTIME, mode: 0o100644 });
  }
  zip.end();
  return { zip, result: { entries: order, duplicates } };
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new JarError(`Cannot read the resources folder ${dir}: ${(e as Error).message}. Build the bundle first.`, { cause: e });
  }
  for (const d of entries) {
    const full = join(dir, d.name);
    const kind = d.isSymbolicLink() ? await stat(full).catch(() => undefined) : d;
    if (kind?.isDirectory()) out.push(...(await listFiles(root, full)));
    else if (kind?.isFile()) out.push(relative(root, full).split(sep).join("/"));
  }
  return out;
}

function checkName(name: string): void {
  if (name.length === 0 || name.startsWith("/") || name.split("/").includes("..")) {
    throw new JarError(`Invalid jar entry name "${name}": use a relative path with "/" separators and no "..".`);
  }
}

function isManifestOrSignature(name: string): boolean {
  const upper = name.toUpperCase();
  if (!upper.startsWith("META-INF/") || upper.indexOf("/", 9) >= 0) return false;
  return upper === "META-INF/MANIFEST.MF" || upper === "META-INF/INDEX.LIST" || /\.(SF|RSA|DSA|EC)$/.test(upper) || /^META-INF\/SIG-/.test(upper);
}

/** Reads every entry of a zip/jar file (stored or deflated; no ZIP64, no encryption). */
export async function readJarEntries(path: string): Promise<JarEntry[]> {
  const buf = await readFile(path).catch((e: Error) => {
    throw new JarError(`Cannot read jar ${path}: ${e.message}`, { cause: e });
  });
  return parseZip(buf, path);
}

/** Parses a zip held in memory; `label` names it in errors. */
export function parseZip(buf: Buffer, label = "zip"): JarEntry[] {
  const bad = (why: string): never => {
    throw new JarError(`${label} is not a readable jar: ${why}. Rebuild it, or merge a plain (non-ZIP64, unencrypted) jar.`);
  };
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad("no end-of-central-directory record");
  const count = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) bad("ZIP64 archives are not supported");
  const out: JarEntry[] = [];
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) bad(`bad central directory entry ${n}`);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) bad(`entry ${name} is encrypted`);
    if (buf.readUInt32LE(local) !== 0x04034b50) bad(`bad local header for ${name}`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) data = inflateRawSync(raw);
    else return bad(`entry ${name} uses compression method ${method}`);
    if (data.byteLength !== size) bad(`entry ${name} has ${data.byteLength} bytes, expected ${size}`);
    out.push({ name, data });
  }
  return out;
}
