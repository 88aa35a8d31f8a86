/**
 * `squall visualize <topology module> [-o file]`: draws a topology as Mermaid (default, to stdout),
 * DOT (.dot, .gv) or SVG (.svg), picked by the output file's extension. The renderers are pure and
 * live in lib/topology/render; this command only loads the module and writes the file.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { render, type RenderFormat } from "../../lib/topology/render/mod.ts";
import { topologyFrom } from "../bundle/worker.ts";
import { loadModule, pickExport } from "./load.ts";
import { UsageError } from "./run.ts";

const FORMATS: Readonly<Record<string, RenderFormat>> = { ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".md": "mermaid", ".svg": "svg" };

export interface VisualizeOptions {
  readonly output?: string;
  readonly export?: string;
  readonly format?: RenderFormat;
}

/** The format an output file asks for, with an error listing the choices. */
export const formatFor = (file: string): RenderFormat => {
  const ext = path.extname(file).toLowerCase();
  const format = FORMATS[ext];
  if (!format) {
    throw new UsageError(`cannot tell the format of ${file} from "${ext || "(no extension)"}"; use one of ${Object.keys(FORMATS).join(", ")} (or --format dot|mermaid|svg)`);
  }
  return format;
};

/** Renders the module's topology; returns the text (and writes it when -o is given). */
export async function visualize(module: string, options: VisualizeOptions): Promise<string> {
  const exports = await loadModule(module);
  const chosen = options.export !== undefined ? { default: pickExport(exports, options.export, module) } : exports;
  const { description } = topologyFrom(chosen, module);
  const format = options.format ?? (options.output ? formatFor(options.output) : "mermaid");
  const text = render(description, format);
  if (options.output) {
    fs.mkdirSync(path.dirname(path.resolve(options.output)), { recursive: true });
    fs.writeFileSync(options.output, text);
  }
  return text;
}

export function registerVisualize(program: Command): void {
  program
    .command("visualize")
    .description("draw a topology: Mermaid to stdout, or DOT/Mermaid/SVG to a file picked by -o's extension (.dot, .mmd, .svg)")
    .argument("<module>", "topology module (its default export is the topology)")
    .option("-o, --output <file>", "write to this file (.dot, .gv, .mmd, .md, .svg)")
    .option("--export <name>", "use this named export instead of the default export")
    .option("--format <format>", "dot | mermaid | svg (overrides the extension)")
    .action(async (module: string, options: VisualizeOptions) => {
      if (options.format !== undefined && !["dot", "mermaid", "svg"].includes(options.format)) {
        throw new UsageError(`--format ${options.format}: choose dot, mermaid or svg`);
      }
      const text = await visualize(module, options);
      if (options.output) process.stderr.write(`squall: wrote ${options.output}\n`);
      else process.stdout.write(text);
    });
}
