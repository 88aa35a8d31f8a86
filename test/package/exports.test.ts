/** package.json (npm) and deno.json (Deno/JSR) must offer the same entry points. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const deno = JSON.parse(fs.readFileSync(path.join(root, "deno.json"), "utf8"));

describe("export maps", () => {
  const npmEntries = Object.entries(pkg.exports as Record<string, unknown>).filter(([k]) => k !== "./package.json");

  it("name the same entry points", () => {
    expect(npmEntries.map(([k]) => k).sort()).toEqual(Object.keys(deno.exports).sort());
  });

  it("point at the same sources (dist/X.js is built from X.ts) with types", () => {
    for (const [key, target] of npmEntries) {
      const { types, default: js } = target as { types: string; default: string };
      expect(types).toBe(js.replace(/\.js$/, ".d.ts"));
      expect(`./${path.relative("dist", js.replace(/^\.\//, "")).replace(/\.js$/, ".ts")}`).toBe(deno.exports[key]);
      expect(fs.existsSync(path.join(root, deno.exports[key]))).toBe(true);
    }
  });

  it("keep versions in step", () => {
    expect(deno.version).toBe(pkg.version);
  });

  it("map the package name to the same entry for Deno users of this repository", () => {
    expect(deno.imports.squall).toBe(deno.exports["."]);
  });
});

describe("deno check", () => {
  it("type-checks the public entry points under Deno", async () => {
    const { execFileSync } = await import("node:child_process");
    const deno = path.join(root, "node_modules/.bin/deno");
    const entries = Object.values(JSON.parse(fs.readFileSync(path.join(root, "deno.json"), "utf8")).exports) as string[];
    // Throws (failing the test with Deno's report) when a file does not type-check.
    execFileSync(deno, ["check", "--quiet", ...entries, "adapters/cli/main.ts"], { cwd: root, stdio: "pipe" });
  }, 180_000);
});
