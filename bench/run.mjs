// Runs a TypeScript benchmark under Node: `node bench/run.mjs [name]` (default: every bench).
// The bench is bundled with squall's own loader (esbuild) so that no TS runner is needed.
import { readdirSync } from "node:fs";
import { loadModule } from "../dist/adapters/cli/load.js";

const dir = new URL(".", import.meta.url).pathname;
const wanted = process.argv.slice(2);
const names = wanted.length ? wanted : readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => f.replace(/\.ts$/, ""));
for (const name of names) {
  console.log(`\n== bench/${name}.ts`);
  await loadModule(`${dir}${name}.ts`);
}
