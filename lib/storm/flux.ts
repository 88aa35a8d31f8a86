/**
 * TopologyDescription -> Flux YAML (org.apache.storm.flux.Flux), for `storm jar topo.jar
 * org.apache.storm.flux.Flux topo.yaml` or a local LocalCluster run.
 *
 * Shell and squall components use Flux's FluxShellSpout/FluxShellBolt wrappers: constructorArgs
 * [[command, script], [default stream fields]], further streams via setNamedStream, per-component config via
 * addComponentConfig. Those wrappers cannot declare a direct stream: a topology whose shell components emit
 * direct streams must be submitted over Thrift instead (toStormTopology + NimbusClient).
 *
 * @module
 */
import { stringify } from "yaml";
import type { ComponentDescription, GroupingDescription, TopologyDescription } from "../topology/description.ts";
import { defaultScriptFor, type StormTopologyOptions } from "./topology.ts";
import { StormTopologyError, validateForStorm } from "./validate.ts";

export const FLUX_SHELL_SPOUT = "org.apache.storm.flux.wrappers.spouts.FluxShellSpout";
export const FLUX_SHELL_BOLT = "org.apache.storm.flux.wrappers.bolts.FluxShellBolt";

export type FluxOptions = StormTopologyOptions;

interface ConfigMethod {
  name: string;
  args: unknown[];
}

/** Flux YAML for the description; throws StormTopologyError for what Storm or Flux would reject. */
export function toFluxYaml(description: TopologyDescription, options: FluxOptions = {}): string {
  return stringify(toFluxDocument(description, options), { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The Flux document as plain data (what toFluxYaml serializes). */
export function toFluxDocument(description: TopologyDescription, options: FluxOptions = {}): Record<string, unknown> {
  validateForStorm(description);
  const problems: string[] = [];
  const components = description.components.map((c) => fluxComponent(c, options, problems));
  if (problems.length > 0) throw new StormTopologyError(description.name, problems);
  const streams = description.components.flatMap((c) =>
    c.inputs.map((i) => ({
      name: `${i.component} --> ${c.id}`,
      from: i.component,
      to: c.id,
      grouping: fluxGrouping(i.grouping, i.stream),
    })),
  );
  return {
    name: description.name,
    ...(Object.keys(description.config).length > 0 && { config: description.config }),
    spouts: components.filter((_, i) => description.components[i]!.type === "spout"),
    bolts: components.filter((_, i) => description.components[i]!.type === "bolt"),
    streams,
  };
}

function fluxComponent(c: ComponentDescription, options: FluxOptions, problems: string[]): Record<string, unknown> {
  const common = { parallelism: c.parallelism, ...(c.numTasks !== undefined && { numTasks: c.numTasks }) };
  const impl = c.implementation;
  if (impl.kind === "java") {
    if (Object.keys(c.config).length > 0) {
      problems.push(
        `component "${c.id}": Flux (Storm 2.8) cannot set per-component config on a Java component; ` +
          `move ${Object.keys(c.config).join(", ")} to the topology config, or submit over Thrift`,
      );
    }
    return { id: c.id, className: impl.className, ...(impl.args.length > 0 && { constructorArgs: [...impl.args] }), ...common };
  }
  const argv = impl.kind === "shell" ? [impl.command, impl.script] : [options.command ?? "node", (options.scriptFor ?? defaultScriptFor)(c.id)];
  const configMethods: ConfigMethod[] = [];
  for (const [name, s] of Object.entries(c.outputs)) {
    if (s.direct) {
      problems.push(
        `component "${c.id}", stream "${name}": Flux's ${c.type === "spout" ? "FluxShellSpout" : "FluxShellBolt"} cannot declare a direct stream; ` +
          `submit this topology over Thrift (squall submit), or make the stream non-direct`,
      );
    }
    if (name !== "default") configMethods.push({ name: "setNamedStream", args: [name, [...s.fields]] });
  }
  for (const [key, value] of Object.entries(c.config)) configMethods.push({ name: "addComponentConfig", args: [key, value] });
  const fields = c.outputs["default"]?.fields;
  return {
    id: c.id,
    className: c.type === "spout" ? FLUX_SHELL_SPOUT : FLUX_SHELL_BOLT,
    constructorArgs: fields ? [argv, [...fields]] : [argv],
    ...(configMethods.length > 0 && { configMethods }),
    ...common,
  };
}

function fluxGrouping(g: GroupingDescription, stream: string): Record<string, unknown> {
  const streamId = stream === "default" ? {} : { streamId: stream };
  switch (g.type) {
    case "fields":
      return { type: "FIELDS", args: [...g.fields], ...streamId };
    case "custom":
      return {
        type: "CUSTOM",
        customClass: { className: g.className, ...(g.args && g.args.length > 0 && { constructorArgs: [...g.args] }) },
        ...streamId,
      };
    default:
      return { type: fluxType[g.type], ...streamId };
  }
}

const fluxType = {
  shuffle: "SHUFFLE",
  all: "ALL",
  global: "GLOBAL",
  none: "NONE",
  direct: "DIRECT",
  localOrShuffle: "LOCAL_OR_SHUFFLE",
} as const;
