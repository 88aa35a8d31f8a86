/**
 * loadModule, how the CLI (and `npm run bench`) imports a user's TypeScript under Node: bundled with
 * esbuild into a temporary .mjs, then imported. Errors name the file and say what to give instead.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleModule, LoadError, loadModule } from "../../adapters/cli/load.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-load-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const write = (rel: string, text: string): string => {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
};

describe("loadModule", () => {
  it("imports a TypeScript module and its relative imports", async () => {
    write("lib/answer.ts", "export const answer: number = 42;\n");
    const file = write("main.ts", 'import { answer } from "./lib/answer.ts";\nexport const doubled: number = answer * 2;\n');
    expect((await loadModule(file))["doubled"]).toBe(84);
  });

  it("imports a module that uses esbuild, which stays outside the bundle (written to a temporary folder)", async () => {
    const file = write("uses-esbuild.ts", 'import { transform } from "esbuild";\nexport const js = (await transform("const x: number = 1", { loader: "ts" })).code;\n');
    expect(String((await loadModule(file))["js"]).trim()).toBe("const x = 1;");
    const bundled = fs.readFileSync(await bundleModule(file), "utf8");
    expect(bundled).toMatch(/from "file:\/\/[^"]*\/esbuild\/lib\/main\.js"/);
  });

  it("loads topology.ts from a folder", async () => {
    write("proj/topology.ts", "export default 7;\n");
    expect((await loadModule(path.join(tmp, "proj")))["default"]).toBe(7);
  });

  it("says which file is missing and where it looked", async () => {
    await expect(loadModule(path.join(tmp, "nope.ts"))).rejects.toThrowError(LoadError);
    await expect(loadModule(path.join(tmp, "nope.ts"))).rejects.toThrowError(/module .*nope\.ts does not exist \(looked at .*\); give the path of a \.ts or \.js file/);
  });

  it("says a folder lacks topology.ts", async () => {
    fs.mkdirSync(path.join(tmp, "empty"), { recursive: true });
    await expect(loadModule(path.join(tmp, "empty"))).rejects.toThrowError(/is a folder without topology\.ts or index\.ts; name the module file/);
  });

  it("reports a compile error with file, line and column", async () => {
    const file = write("broken.ts", 'export const x = ;\n');
    await expect(loadModule(file)).rejects.toThrowError(/cannot compile .*broken\.ts:\n {2}.*broken\.ts:1:17: /);
  });
});
