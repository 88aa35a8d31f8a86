/**
 * `squall bundle`: a self-contained folder Storm (or `squall run`) starts components from.
 *
 * <dir>/squall-topology.mjs      the topology module + squall's worker runtime, bundled by esbuild
 * <dir>/components/<id>.mjs      one stub per squall component: `await runTask("<id>")`
 * <dir>/topology.json            the description as Storm sees it: each squall component becomes a
 *                                shell component [execution_command, script] run with cwd = <dir>
 * <dir>/<file>                   what shell({ files }) components ship, at their paths relative to the
 *                                topology module's folder (a Python bolt's script and libraries)
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import type { TopologyDescription, ComponentDescription } from "../../lib/topology/description.ts";
import type { RuntimeName } from "../../lib/io.ts";
import type { SerializerName } from "../../lib/protocol/serializer.ts";
import { MULTILANG_SERIALIZERS } from "../../lib/topology/config.ts";
import type { LoadedTopology } from "./worker.ts";
import { describeBuildError } from "../cli/load.ts";

export interface BundleOptions {
  /** The topology module (TS or JS), or a folder holding topology.ts. */
  readonly module: string;
  readonly outDir: string;
  /** Runtime the components run under on the workers (default node). */
  readonly runtime?: RuntimeName;
  readonly serializer?: SerializerName;
  readonly minify?: boolean;
}

export interface BundleResult {
  readonly outDir: string;
  /** The topology as written to topology.json (squall components as shell components). */
  readonly description: TopologyDescription;
  /** The description as the module gave it. */
  readonly source: TopologyDescription;
  readonly files: readonly string[];
  readonly bytes: number;
}

export class BundleError extends Error {
  override readonly name = "BundleError";
}

/** squall's own folder (holds package.json "squall"), wherever this file was compiled or bundled to. */
export function squallRoot(): string {
  const starts = [path.dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      const pkg = path.join(dir, "package.json");
      if (fs.existsSync(pkg) && fs.existsSync(path.join(dir, "adapters", "bundle", "worker.ts"))) {
        try {
          if ((JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "squall") return dir;
        } catch {
          // not ours; keep walking
        }
      }
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new BundleError("cannot find squall's sources (adapters/bundle/worker.ts) above this file or the current folder; set up squall with npm install");
}

/** The module file behind a CLI argument (a folder means its topology.ts / index.ts). */
export function resolveModule(file: string): string {
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) throw new BundleError(`topology module ${file} does not exist (looked at ${absolute}); give the path of a .ts or .js file`);
  if (fs.statSync(absolute).isDirectory()) {
    for (const candidate of ["topology.ts", "index.ts", "topology.js", "index.js", "topology.mjs"]) {
      if (fs.existsSync(path.join(absolute, candidate))) return path.join(absolute, candidate);
    }
    throw new BundleError(`${file} is a folder without topology.ts or index.ts; name the module file`);
  }
  return absolute;
}

const commandFor = (runtime: RuntimeName): string => runtime;

export const STUB_DIR = "components";
export const ENTRY = "squall-topology.mjs";
export const scriptFor = (id: string): string => `${STUB_DIR}/${id}.mjs`;

/** Bundles a topology module into `outDir`. */
export async function bundleTopology(options: BundleOptions): Promise<BundleResult> {
  const module = resolveModule(options.module);
  const root = squallRoot();
  const runtime = options.runtime ?? "node";
  const serializer = options.serializer ?? "json";
  const outDir = path.resolve(options.outDir);
  fs.mkdirSync(path.join(outDir, STUB_DIR), { recursive: true });
  const entryFile = path.join(outDir, ENTRY);
  const { build } = await import("esbuild");
  const worker = path.join(root, "adapters", "bundle", "worker.ts");
  const contents = [
    `import * as userModule from ${JSON.stringify(module)};`,
    `import { topologyFrom, makeRunTask } from ${JSON.stringify(worker)};`,
    `export const topology = topologyFrom(userModule, ${JSON.stringify(path.relative(process.cwd(), module) || module)});`,
    `export const runTask = makeRunTask(topology, ${JSON.stringify(serializer)});`,
  ].join("\n");
  try {
    await build({
      stdin: { contents, resolveDir: path.dirname(module), sourcefile: "squall-entry.ts", loader: "ts" },
      outfile: entryFile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "es2022",
      logLevel: "silent",
      minify: options.minify ?? false,
      sourcemap: "linked",
      external: ["msgpackr-extract", "esbuild"],
      alias: { squall: path.join(root, "lib", "mod.ts") },
      banner: { js: 'import { createRequire as __squallRequire } from "node:module"; const require = __squallRequire(import.meta.url);' },
    });
  } catch (error) {
    throw new BundleError(`cannot bundle ${module}:\n  ${describeBuildError(error)}`);
  }
  const loaded = await importBundle(outDir);
  const source = loaded.description;
  const files = [ENTRY, ...shipShellFiles(source, path.dirname(module), outDir)];
  const components: ComponentDescription[] = source.components.map((c) => {
    if (c.implementation.kind !== "squall") return c;
    const script = scriptFor(c.id);
    fs.writeFileSync(path.join(outDir, script), `import { runTask } from "../${ENTRY}";\nawait runTask(${JSON.stringify(c.id)});\n`);
    files.push(script);
    return { ...c, implementation: { kind: "shell", command: commandFor(runtime), script } };
  });
  const config: Record<string, unknown> = { ...source.config };
  if (serializer === "msgpack") config["topology.multilang.serializer"] = MULTILANG_SERIALIZERS.msgpack;
  const description: TopologyDescription = { ...source, config, components };
  const json = { ...description, squall: { runtime, serializer, entry: ENTRY, module: path.relative(outDir, module) } };
  fs.writeFileSync(path.join(outDir, "topology.json"), `${JSON.stringify(json, null, 2)}\n`);
  files.push("topology.json");
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(outDir, f)).size, 0);
  return { outDir, description, source, files, bytes };
}

const RESERVED = new Set([ENTRY, `${ENTRY}.map`, STUB_DIR, "topology.json"]);

/** Every file under `p` (itself when it is a file), relative to `root`. */
const filesUnder = (p: string, root: string): string[] =>
  fs.statSync(p).isDirectory() ? fs.readdirSync(p).flatMap((name) => filesUnder(path.join(p, name), root)) : [path.relative(root, p)];

/**
 * Copies what shell components ship (`shell({ files })`) from the module's folder into the bundle at
 * the same relative paths, and checks each one's script is among them. Returns the copied files.
 */
export function shipShellFiles(source: TopologyDescription, moduleDir: string, outDir: string): string[] {
  const copied = new Set<string>();
  for (const c of source.components) {
    const impl = c.implementation;
    if (impl.kind !== "shell" || !impl.files?.length) continue;
    for (const file of impl.files) {
      const rel = path.normalize(file.replace(/\\/g, "/")).replace(/\/+$/, "");
      const from = path.join(moduleDir, rel);
      const top = rel.split(path.sep)[0]!;
      if (RESERVED.has(top)) {
        throw new BundleError(`component "${c.id}" ships ${JSON.stringify(file)}, but squall's bundle uses that name (${[...RESERVED].join(", ")}); move or rename it`);
      }
      if (!fs.existsSync(from)) {
        throw new BundleError(`component "${c.id}" ships ${JSON.stringify(file)}, but ${from} does not exist; shell({ files }) paths are relative to the topology module's folder (${moduleDir})`);
      }
      fs.cpSync(from, path.join(outDir, rel), { recursive: true, dereference: true });
      for (const f of filesUnder(from, moduleDir)) copied.add(f);
    }
    if (!path.isAbsolute(impl.script) && !fs.existsSync(path.join(outDir, impl.script))) {
      throw new BundleError(
        `component "${c.id}" runs ${impl.command} ${impl.script}, but ${impl.script} is not among the files it ships (${impl.files.join(", ")}); add it to shell({ files }) so Storm finds it in the jar`,
      );
    }
  }
  return [...copied].sort();
}

/** Imports a bundle's entry (runs the topology module once) and returns its topology. */
export async function importBundle(outDir: string): Promise<LoadedTopology> {
  const url = pathToFileURL(path.join(outDir, ENTRY)).href;
  const mod = (await import(url)) as { topology: LoadedTopology };
  return mod.topology;
}
