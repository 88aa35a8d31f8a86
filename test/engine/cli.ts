/**
 * Builds the squall CLI once (esbuild, into node_modules/.cache so squall's folder is found from it)
 * and runs it as a real process, for the engine tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../support/storm-side.ts";

export { ROOT };
const OUT = path.join(ROOT, "node_modules", ".cache", "squall-test", "cli.mjs");
let built: Promise<string> | undefined;

export function cliPath(): Promise<string> {
  built ??= (async () => {
    const { build } = await import("esbuild");
    await build({
      entryPoints: [path.join(ROOT, "adapters/cli/main.ts")],
      outfile: OUT,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      logLevel: "silent",
      external: ["esbuild", "msgpackr-extract", "thrift", "yazl"],
      alias: { squall: path.join(ROOT, "lib/mod.ts") },
      banner: { js: 'import { createRequire as __r } from "node:module"; const require = __r(import.meta.url);' },
    });
    return OUT;
  })();
  return built;
}

export interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Started {
  readonly child: ChildProcess;
  readonly done: Promise<Ran>;
  output(): { stdout: string; stderr: string };
}

/** Starts `squall <args>` under node (or another runtime's binary for the runner itself). */
export async function startCli(args: readonly string[], options: { cwd?: string; runner?: readonly string[] } = {}): Promise<Started> {
  const cli = await cliPath();
  const argv = [...(options.runner ?? [process.execPath]), cli, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Ran>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

export async function runCli(args: readonly string[], options: { cwd?: string; runner?: readonly string[] } = {}): Promise<Ran> {
  return (await startCli(args, options)).done;
}

export const readJson = <T>(file: string): T | undefined => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
