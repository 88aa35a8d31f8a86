/**
 * One script (check.ts) exercises the public API (squall and squall/testing); it runs under Node,
 * Bun and Deno, and must print the same, expected results under each.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const SCRIPT = path.join(ROOT, "test/runtimes/check.ts");
const exec = promisify(execFile);

const EXPECTED = {
  bolt: { acked: true, words: ["x", "y"], anchored: true, heartbeat: true },
  spout: { ids: [0, 1], replayed: [0] },
  batching: { before: 0, after: [{ n: 6 }], acks: 3, now: 500 },
  pipeline: [1, 1, 1, 2, 2],
  compiled: ["source:", "flatMap:shuffle", "scan:fields"],
  simulate: { fates: ["acked", "acked", "acked", "acked", "acked", "acked"], replays: true, struck: ["kill", "fail"] },
  brokenCaught: { ok: false, faults: 1 },
  msgpack: [{ command: "emit", tuple: ["é", 1, true, null] }],
};

/** Node 20 cannot run TypeScript: bundle the script the way `squall` loads a TS module under Node. */
async function nodeScript(): Promise<string> {
  const { build } = await import("esbuild");
  const out = path.join(ROOT, "node_modules/.cache/squall-test/runtime-check.mjs");
  await build({
    entryPoints: [SCRIPT],
    outfile: out,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "silent",
    external: ["esbuild", "msgpackr-extract"],
    alias: { squall: path.join(ROOT, "lib/mod.ts"), "squall/testing": path.join(ROOT, "lib/testing/mod.ts") },
    banner: { js: 'import { createRequire as __r } from "node:module"; const require = __r(import.meta.url);' },
  });
  return out;
}

const runtimes: [string, () => Promise<string[]>][] = [
  ["node", async () => [process.execPath, await nodeScript()]],
  ["bun", async () => [path.join(ROOT, "node_modules/.bin/bun"), SCRIPT]],
  ["deno", async () => [path.join(ROOT, "node_modules/.bin/deno"), "run", "-A", SCRIPT]],
];

describe("the public API under each runtime", () => {
  it.each(runtimes)("%s", async (runtime, argv) => {
    const [command, ...args] = await argv();
    expect(fs.existsSync(command!), `${command} is missing: run npm install (bun and deno come from npm)`).toBe(true);
    const { stdout } = await exec(command!, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 24 });
    const line = stdout.trim().split("\n").at(-1)!;
    const report = JSON.parse(line) as { runtime: string; results: unknown };
    expect(report.runtime).toBe(runtime);
    expect(report.results).toEqual(EXPECTED);
  }, 120_000);
});
