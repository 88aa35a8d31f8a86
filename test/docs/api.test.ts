/** The generated API reference (TypeDoc, `npm run docs` into docs/api) builds with no warning: no broken {@link}. */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = path.resolve(new URL("../..", import.meta.url).pathname);

it("typedoc validates every public entry point", async () => {
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(root, "node_modules/typedoc/bin/typedoc"), "--emit", "none", "--treatWarningsAsErrors"], {
    cwd: root,
    maxBuffer: 1 << 24,
  });
  expect(`${stdout}${stderr}`).not.toMatch(/\[(warning|error)\]/);
}, 180_000);
