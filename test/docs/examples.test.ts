/**
 * Docs are code: every ```ts block in README.md and every @example in lib/ and adapters/ is extracted,
 * and type-checked with the project's strict settings. Examples must be whole modules (with imports).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const out = path.join(root, "test/docs/.generated");

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });

interface Example {
  readonly source: string;
  readonly code: string;
}

const fromMarkdown = (file: string): Example[] =>
  [...fs.readFileSync(file, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ source: `${path.relative(root, file)}#${i + 1}`, code: m[1]! }));

const fromJsDoc = (file: string): Example[] =>
  [...fs.readFileSync(file, "utf8").matchAll(/@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g)].map((m, i) => ({
    source: `${path.relative(root, file)}@example${i + 1}`,
    code: m[1]!.split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n"),
  }));

const examples = [
  ...fromMarkdown(path.join(root, "README.md")),
  ...[...walk(path.join(root, "lib")), ...walk(path.join(root, "adapters"))].flatMap(fromJsDoc),
];

describe("documentation examples", () => {
  it("are found", () => {
    expect(examples.length).toBeGreaterThan(5);
  });

  it("type-check under the project's strict settings", () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const files = examples.map((e, i) => {
      const file = path.join(out, `example${i}.ts`);
      // Each example is a module of its own; relative imports in examples mean the docs' own context.
      fs.writeFileSync(file, `// from ${e.source}\n${e.code.includes("import ") || e.code.includes("export ") ? "" : "export {};\n"}${e.code}\n`);
      return file;
    });
    fs.writeFileSync(
      path.join(out, "tsconfig.json"),
      JSON.stringify({ extends: "../../../tsconfig.json", compilerOptions: { noUnusedLocals: false, baseUrl: "../../.." }, include: ["*.ts"] }),
    );
    let report = "";
    try {
      execFileSync(process.execPath, [path.join(root, "node_modules/typescript/bin/tsc"), "-p", path.join(out, "tsconfig.json"), "--noEmit"], { cwd: root, stdio: "pipe" });
    } catch (error) {
      report = String((error as { stdout?: Buffer }).stdout ?? error);
      for (const [i, e] of examples.entries()) report = report.replaceAll(`example${i}.ts`, `example${i}.ts (${e.source})`);
    }
    expect(report).toBe("");
    expect(files.length).toBe(examples.length);
  }, 120_000);
});
