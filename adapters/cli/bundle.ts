/**
 * `squall bundle <topology> -o <dir>`: the self-contained folder Storm starts components from.
 * @module
 */
import * as path from "node:path";
import { Option, type Command } from "commander";
import type { RuntimeName } from "../../lib/io.ts";
import type { SerializerName } from "../../lib/protocol/serializer.ts";
import { bundleTopology } from "../bundle/bundle.ts";

export function registerBundle(program: Command): void {
  program
    .command("bundle")
    .description("bundle a topology: one self-contained entry script per component plus topology.json (no node_modules needed)")
    .argument("<topology>", "topology module (.ts/.js) or a folder with topology.ts")
    .requiredOption("-o, --out <dir>", "output folder")
    .addOption(new Option("--runtime <name>", "runtime on the workers (execution_command)").choices(["node", "bun", "deno"]).default("node"))
    .addOption(new Option("--serializer <name>", "multilang wire format").choices(["json", "msgpack"]).default("json"))
    .option("--minify", "minify the bundle")
    .action(async (module: string, options: { out: string; runtime: RuntimeName; serializer: SerializerName; minify?: boolean }) => {
      const result = await bundleTopology({ module, outDir: options.out, runtime: options.runtime, serializer: options.serializer, minify: options.minify === true });
      const rel = path.relative(process.cwd(), result.outDir) || ".";
      process.stdout.write(`bundled "${result.description.name}" into ${rel} (${(result.bytes / 1024).toFixed(0)} KiB):\n${result.files.map((f) => `  ${f}`).join("\n")}\n`);
    });
}
