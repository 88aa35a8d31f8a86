/**
 * Loads a user's TypeScript module from the CLI.
 *
 * Bun and Deno import TypeScript directly. Node cannot, so the module is bundled with esbuild into a
 * temporary ES module first (dependencies included), then imported.
 * @module
 */
import { detectRuntime } from "../runtime.ts";

export class LoadError extends Error {
  override readonly name = "LoadError";
}

const toFileUrl = async (file: string): Promise<string> => (await import("node:url")).pathToFileURL(file).href;

/** Imports a module file (TS or JS) and returns its exports. */
export async function loadModule(file: string): Promise<Record<string, unknown>> {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const absolute = path.resolve(file);
  if (!fs.existsSync(absolute)) {
    throw new LoadError(`module ${file} does not exist (looked at ${absolute}); give the path of a .ts or .js file`);
  }
  if (fs.statSync(absolute).isDirectory()) {
    for (const candidate of ["topology.ts", "index.ts", "topology.js", "index.js"]) {
      if (fs.existsSync(path.join(absolute, candidate))) return loadModule(path.join(absolute, candidate));
    }
    throw new LoadError(`${file} is a folder without topology.ts or index.ts; name the module file`);
  }
  if (detectRuntime() !== "node" || /\.(m?js)$/.test(absolute)) {
    return (await import(await toFileUrl(absolute))) as Record<string, unknown>;
  }
  const bundled = await bundleModule(absolute);
  return (await import(await toFileUrl(bundled))) as Record<string, unknown>;
}

/** Bundles one module (and everything it imports) into a temporary .mjs file; returns its path. */
export async function bundleModule(absolute: string): Promise<string> {
  const os = await import("node:os");
  const path = await import("node:path");
  const fs = await import("node:fs");
  const { build } = await import("esbuild");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-load-"));
  const outfile = path.join(dir, `${path.basename(absolute).replace(/\.[^.]+$/, "")}.mjs`);
  try {
    await build({
      entryPoints: [absolute],
      outfile,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "silent",
      sourcemap: "inline",
      plugins: [externalsFrom(absolute)],
      banner: { js: 'import { createRequire as __squallRequire } from "node:module"; const require = __squallRequire(import.meta.url);' },
    });
  } catch (error) {
    throw new LoadError(`cannot compile ${absolute}:\n  ${describeBuildError(error)}`);
  }
  return outfile;
}

/** Packages left out of bundles: esbuild (native binary) and msgpackr's optional native extension. */
export const EXTERNAL_PACKAGES = ["esbuild", "msgpackr-extract"] as const;

/**
 * Keeps EXTERNAL_PACKAGES out of the bundle but imports them by absolute file URL, resolved from the
 * module's folder (else squall's own): the bundle is written to a temporary folder, where a bare
 * "esbuild" would not resolve. A package found nowhere stays a bare import (msgpackr copes without
 * its extension; anything else fails with Node's own "cannot find package" naming it).
 */
function externalsFrom(absolute: string): import("esbuild").Plugin {
  return {
    name: "squall-externals",
    setup(build) {
      const filter = new RegExp(`^(${EXTERNAL_PACKAGES.join("|")})$`);
      build.onResolve({ filter }, async (args) => {
        const { createRequire } = await import("node:module");
        for (const from of [absolute, new URL(import.meta.url).pathname]) {
          try {
            return { path: await toFileUrl(createRequire(from).resolve(args.path)), external: true };
          } catch {
            // not installed there; try the next place
          }
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/** esbuild's errors as "file:line:column: text" lines (or the error's message). */
export const describeBuildError = (error: unknown): string => {
  const messages = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors ?? [];
  return messages.length
    ? messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text)).join("\n  ")
    : (error as Error).message;
};

/** Picks a named export, listing the module's exports when it is missing. */
export const pickExport = (exports: Record<string, unknown>, name: string, file: string): unknown => {
  if (name in exports) return exports[name];
  const names = Object.keys(exports);
  throw new LoadError(`module ${file} has no export named "${name}"; its exports: ${names.length ? names.join(", ") : "(none)"}`);
};
