/**
 * Starting task processes: which binary runs a runtime, and the argv of a component.
 * Uses node:child_process, which Node, Bun and Deno all implement, so the runner runs on each.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RuntimeName } from "../../lib/io.ts";
import { detectRuntime } from "../runtime.ts";

/** The executable of a runtime: this process's own when it matches, else squall's node_modules/.bin, else PATH. */
export function runtimeBinary(runtime: RuntimeName, root: string): string {
  const current = detectRuntime();
  const g = globalThis as { process?: { execPath?: string } };
  if (runtime === current && g.process?.execPath) return g.process.execPath;
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", ".bin", runtime);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  return runtime;
}

/** argv for a bundled component script under a runtime. */
export function componentArgv(runtime: RuntimeName, binary: string, script: string): string[] {
  switch (runtime) {
    case "deno":
      return [binary, "run", "-A", "--quiet", script];
    case "bun":
      return [binary, script];
    default:
      return [binary, script];
  }
}
