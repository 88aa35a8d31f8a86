#!/usr/bin/env node
/**
 * The squall command line.
 * @module
 */
import { Command, Option } from "commander";
import { serve } from "../serve.ts";
import { LoadError, loadModule, pickExport } from "./load.ts";
import { registerBundle } from "./bundle.ts";
import { registerRun } from "./run.ts";
import { registerQuickstart } from "./quickstart.ts";
import { registerVisualize } from "./visualize.ts";
import { registerClusterCommands } from "./cluster.ts";
import { registerStormCommands } from "./storm.ts";

const program = new Command();
program.name("squall").description("Real-time stream topologies in TypeScript, on Apache Storm").version("0.1.0");

program
  .command("component")
  .description("run one component as a Storm multilang process on stdin/stdout (what Storm, `squall run` and test harnesses start)")
  .argument("<module>", "TypeScript or JavaScript module file")
  .argument("<export>", "name of the exported component class (or instance, or factory)")
  .addOption(new Option("--serializer <name>", "wire format").choices(["json", "msgpack"]).default(process.env["SQUALL_SERIALIZER"] || "json"))
  .action(async (file: string, exportName: string, options: { serializer: "json" | "msgpack" }) => {
    const exports = await loadModule(file);
    const target = pickExport(exports, exportName, file);
    await serve(target, { serializer: options.serializer, name: exportName });
  });

registerQuickstart(program);
registerBundle(program);
registerRun(program);
registerVisualize(program);
registerClusterCommands(program);
registerStormCommands(program);

/** Errors whose message is the whole story (what, where, how to fix): no stack trace. */
const EXPECTED = new Set(["LoadError", "BundleError", "TopologyModuleError", "TopologyValidationError", "TopologyError", "UsageError", "ConfigError", "StormPitfallError", "StormTopologyError"]);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Nimbus errors (NimbusUnreachableError, NimbusAlreadyAliveError, ...) also say what to do.
  if (error instanceof LoadError || EXPECTED.has((error as Error)?.name) || /^Nimbus/.test((error as Error)?.name ?? "")) {
    process.stderr.write(`squall: ${(error as LoadError).message}\n`);
    process.exit(1);
  }
  process.stderr.write(`squall: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
