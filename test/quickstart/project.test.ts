/**
 * The newcomer's path, for real: pack this repository (`npm pack`, as npm publishes it), generate a
 * project with `squall quickstart`, install it with npm (the tarball, plus the registry for the rest),
 * then run its word count with `npx squall run` (no module named: squall.config.ts says which), its
 * tests with `npm test`, and its type check. One project, slow on purpose.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const exec = promisify(execFile);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-quickstart-"));
const project = path.join(tmp, "my-topology");
const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", CI: "true" };

const run = (command: string, args: readonly string[], cwd: string, timeoutMs: number) =>
  new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });

const show = (r: { code: number | null; stdout: string; stderr: string }) => `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;

/**
 * Packs squall as npm would publish it, from a staged copy built on its own: building in place would
 * rewrite dist/ under the feet of other tests that run the CLI from it.
 */
async function pack(): Promise<void> {
  const stage = path.join(tmp, "stage");
  fs.mkdirSync(stage);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { files: string[] };
  for (const entry of [...pkg.files.filter((f) => f !== "dist"), "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(stage, "node_modules"));
  await exec(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: stage, env, maxBuffer: 1 << 26 });
  await exec("npm", ["pack", "--ignore-scripts", "--pack-destination", tmp, "--silent"], { cwd: stage, env, maxBuffer: 1 << 26 });
}

beforeAll(async () => {
  await pack();
  const tarball = fs.readdirSync(tmp).find((f) => /^squall-.*\.tgz$/.test(f));
  if (!tarball) throw new Error(`npm pack wrote no squall-*.tgz into ${tmp}: ${fs.readdirSync(tmp).join(", ")}`);
  const made = await run(process.execPath, [path.join(tmp, "stage/dist/adapters/cli/main.js"), "quickstart", "my-topology", "--squall", `file:${path.join(tmp, tarball)}`], tmp, 60_000);
  if (made.code !== 0) throw new Error(`squall quickstart failed:\n${show(made)}`);
  const installed = await run("npm", ["install", "--no-audit", "--no-fund"], project, 600_000);
  if (installed.code !== 0) throw new Error(`npm install in the generated project failed:\n${show(installed)}`);
}, 900_000);

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("a project made by squall quickstart", () => {
  it("npx squall run -t 5 runs the word count (counts in the summary and in the logs)", async () => {
    const r = await run("npx", ["squall", "run", "-t", "5", "--no-ui"], project, 120_000);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout, show(r)).toMatch(/wordcount: summary/);
    const count = /bolt\s+count\s+2\s+(\S+)\s+(\S+)\s+0\s/.exec(r.stdout);
    expect(count, show(r)).not.toBeNull();
    expect(count![2]).not.toBe("0"); // count acked words
    const logs = fs.readdirSync(path.join(project, "logs")).filter((f) => /^wordcount_count_\d+_\d+\.log$/.test(f));
    const lines = logs.map((f) => fs.readFileSync(path.join(project, "logs", f), "utf8")).join("");
    expect(lines).toMatch(/INFO\s+count\[\d+\] count the \d+/);
  }, 180_000);

  it("npm test passes (the testing kit, from the installed package)", async () => {
    const r = await run("npm", ["test"], project, 300_000);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+8 passed \(8\)/);
  }, 300_000);

  it("type-checks against the installed package's declarations", async () => {
    const r = await run("npm", ["run", "typecheck"], project, 180_000);
    expect(r.code, show(r)).toBe(0);
  }, 180_000);
});
