/** `squall quickstart` (the files it writes, the names it refuses) and `squall run`'s default topology. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageNameProblem, quickstart } from "../../adapters/cli/quickstart.ts";
import { defaultTopology } from "../../adapters/cli/run.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-quickstart-unit-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("squall quickstart", () => {
  it("writes a project: topologies in both styles, tests, config, package.json, tsconfig, README", () => {
    const result = quickstart("wordcount-app", { cwd: tmp, squall: "file:/x/squall-0.1.0.tgz" });
    expect(result.dir).toBe(path.join(tmp, "wordcount-app"));
    expect([...result.files].sort()).toEqual(
      [
        ".gitignore",
        "README.md",
        "package.json",
        "squall.config.ts",
        "test/wordcount.test.ts",
        "topologies/components.ts",
        "topologies/wordcount-pipeline.ts",
        "topologies/wordcount.ts",
        "tsconfig.json",
      ].sort(),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(result.dir, "package.json"), "utf8"));
    expect(pkg.name).toBe("wordcount-app");
    expect(pkg.dependencies.squall).toBe("file:/x/squall-0.1.0.tgz");
    expect(pkg.scripts.test).toBe("vitest run");
    const readme = fs.readFileSync(path.join(result.dir, "README.md"), "utf8");
    expect(readme).toMatch(/npm install\nnpx squall run -t 10/);
    expect(fs.readFileSync(path.join(result.dir, "squall.config.ts"), "utf8")).toMatch(/\/\/ prod: \{\n\s*\/\/\s+nimbus:/);
  });

  it("depends on the published version range by default", () => {
    const result = quickstart(path.join(tmp, "nested", "other-app"), { cwd: tmp });
    const own = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
    expect(JSON.parse(fs.readFileSync(path.join(result.dir, "package.json"), "utf8")).dependencies.squall).toBe(`^${own}`);
  });

  it("refuses an existing non-empty folder, and never overwrites", () => {
    fs.mkdirSync(path.join(tmp, "taken"));
    fs.writeFileSync(path.join(tmp, "taken", "notes.txt"), "mine");
    expect(() => quickstart("taken", { cwd: tmp })).toThrow(/the folder .*taken exists and is not empty \(notes\.txt\); pick another name/);
    expect(fs.readdirSync(path.join(tmp, "taken"))).toEqual(["notes.txt"]);
    fs.mkdirSync(path.join(tmp, "empty"));
    expect(quickstart("empty", { cwd: tmp }).files.length).toBeGreaterThan(5);
    fs.writeFileSync(path.join(tmp, "afile"), "");
    expect(() => quickstart("afile", { cwd: tmp })).toThrow(/exists and is a file/);
  });

  it("refuses names that are not npm package names, saying why", () => {
    expect(() => quickstart("My App", { cwd: tmp })).toThrow(/"My App" is not a valid npm package name: it has capital letters/);
    expect(() => quickstart("my app", { cwd: tmp })).toThrow(/may hold only lowercase letters/);
    expect(() => quickstart(".hidden", { cwd: tmp })).toThrow(/starts with "\." or "_"/);
    expect(() => quickstart("node_modules", { cwd: tmp })).toThrow(/reserved/);
    expect(() => quickstart("squall", { cwd: tmp })).toThrow(/reserved/);
    expect(() => quickstart("a/b/..", { cwd: tmp })).toThrow(/not a valid npm package name/);
    expect(packageNameProblem("@team/stream-jobs")).toBeUndefined();
    expect(packageNameProblem("x".repeat(215))).toMatch(/214/);
    expect(fs.existsSync(path.join(tmp, "My App"))).toBe(false);
  });
});

describe("squall run with no module", () => {
  it("runs the config's topology, relative to the config file, from a subfolder too", async () => {
    // squall.config.ts is loaded the same way once squall is installed (the generated project's test covers it).
    const dir = fs.mkdtempSync(path.join(tmp, "configured-"));
    fs.mkdirSync(path.join(dir, "jobs", "deep"), { recursive: true });
    fs.writeFileSync(path.join(dir, "jobs", "main.ts"), "");
    fs.writeFileSync(path.join(dir, "squall.config.json"), JSON.stringify({ topology: "jobs/main.ts", envs: { local: {} } }));
    expect(await defaultTopology(dir)).toBe(path.join(dir, "jobs/main.ts"));
    expect(await defaultTopology(path.join(dir, "jobs", "deep"))).toBe(path.join(dir, "jobs/main.ts"));
  });

  it("says what it looked for when there is nothing to run", async () => {
    const empty = fs.mkdtempSync(path.join(tmp, "bare-"));
    await expect(defaultTopology(empty)).rejects.toThrow(/none was found: looked for "topology" in squall\.config\.ts \(there is none here or above\), then for topology\.ts and topologies\/wordcount\.ts in/);
    fs.writeFileSync(path.join(empty, "topology.ts"), "");
    expect(await defaultTopology(empty)).toBe(path.join(empty, "topology.ts"));
  });

  it("reports a config that names a missing module", async () => {
    const dir = fs.mkdtempSync(path.join(tmp, "broken-"));
    fs.writeFileSync(path.join(dir, "squall.config.json"), JSON.stringify({ topology: "nope.ts", envs: { local: {} } }));
    await expect(defaultTopology(dir)).rejects.toThrow(/squall\.config\.json names topology "nope\.ts", but .*nope\.ts does not exist/);
  });
});
