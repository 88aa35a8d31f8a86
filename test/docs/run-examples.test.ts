/**
 * Docs are code that runs: every ```ts block in README.md and every @example in lib/ is also executed
 * (examples.test.ts type-checks them). Blocks that start a process on stdin/stdout (squall/serve) or
 * need a service (Kafka, PostgreSQL) are type-checked only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(new URL("../..", import.meta.url).pathname);
const out = path.join(root, "test/docs/.generated-run"); // not .generated: examples.test.ts empties that one

const walk = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });

const fromMarkdown = (file: string) =>
  [...fs.readFileSync(file, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({ source: `${path.relative(root, file)}#${i + 1}`, code: m[1]! }));
const fromJsDoc = (file: string) =>
  [...fs.readFileSync(file, "utf8").matchAll(/@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g)].map((m, i) => ({
    source: `${path.relative(root, file)}@example${i + 1}`,
    code: m[1]!.split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n"),
  }));

const NOT_RUN = /from "squall\/(serve|kafka|postgres)"|squall\.config\.ts/;
const examples = [...fromMarkdown(path.join(root, "README.md")), ...walk(path.join(root, "lib")).flatMap(fromJsDoc)].filter((e) => !NOT_RUN.test(e.code));

describe("documentation examples run", () => {
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  it("are found", () => expect(examples.length).toBeGreaterThan(10));
  it.each(examples.map((e, i) => [e.source, i, e.code] as const))("%s", async (_source, i, code) => {
    const file = path.join(out, `example${i}.ts`);
    fs.writeFileSync(file, `${code}\nexport {};\n`);
    await import(file);
  }, 60_000);
});
