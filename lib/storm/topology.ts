/**
 * TopologyDescription -> Storm's Thrift StormTopology (the value NimbusClient.submitTopology sends).
 *
 * @module
 */
import type {
  ComponentDescription,
  GroupingDescription,
  ImplementationDescription,
  JavaArg,
  TopologyDescription,
} from "../topology/description.ts";
import type {
  Bolt,
  ComponentCommon,
  ComponentObject,
  GlobalStreamId,
  Grouping,
  JavaObject,
  JavaObjectArg,
  SpoutSpec,
  StormTopology,
} from "./model.ts";
import { validateForStorm } from "./validate.ts";

export interface StormTopologyOptions {
  /** Interpreter that runs squall components on the workers; default "node". */
  readonly command?: string;
  /** Script of a squall component, relative to the jar's resources/ folder; default `components/<id>.mjs`. */
  readonly scriptFor?: (componentId: string) => string;
  /** Sent as StormTopology.storm_version when set (Nimbus picks a compatible worker classpath by it). */
  readonly stormVersion?: string;
}

export const defaultScriptFor = (componentId: string): string => `components/${componentId}.mjs`;

/** Translates and validates; throws StormTopologyError listing every problem Storm would reject. */
export function toStormTopology(description: TopologyDescription, options: StormTopologyOptions = {}): StormTopology {
  validateForStorm(description);
  const spouts: Record<string, SpoutSpec> = {};
  const bolts: Record<string, Bolt> = {};
  for (const c of description.components) {
    const object = componentObject(c.implementation, c.id, options);
    const common = componentCommon(c);
    if (c.type === "spout") spouts[c.id] = { spout_object: object, common };
    else bolts[c.id] = { bolt_object: object, common };
  }
  return {
    spouts,
    bolts,
    state_spouts: {},
    ...(options.stormVersion !== undefined && { storm_version: options.stormVersion }),
  };
}

function componentObject(impl: ImplementationDescription, id: string, options: StormTopologyOptions): ComponentObject {
  switch (impl.kind) {
    case "squall":
      return { shell: { execution_command: options.command ?? "node", script: (options.scriptFor ?? defaultScriptFor)(id) } };
    case "shell":
      return { shell: { execution_command: impl.command, script: impl.script } };
    case "java":
      return { java_object: javaObject(impl.className, impl.args) };
  }
}

function componentCommon(c: ComponentDescription): ComponentCommon {
  const inputs = c.inputs.map(
    (i) => [{ componentId: i.component, streamId: i.stream } satisfies GlobalStreamId, grouping(i.grouping)] as const,
  );
  const streams = Object.fromEntries(
    Object.entries(c.outputs).map(([name, s]) => [name, { output_fields: [...s.fields], direct: s.direct }]),
  );
  const conf = { ...c.config, ...(c.numTasks !== undefined && { "topology.tasks": c.numTasks }) };
  return {
    inputs,
    streams,
    parallelism_hint: c.parallelism,
    ...(Object.keys(conf).length > 0 && { json_conf: JSON.stringify(conf) }),
  };
}

/** A squall grouping as Storm's Grouping union (global is an empty fields list). */
export function grouping(g: GroupingDescription): Grouping {
  switch (g.type) {
    case "shuffle":
      return { shuffle: {} };
    case "fields":
      return { fields: [...g.fields] };
    case "global":
      return { fields: [] };
    case "all":
      return { all: {} };
    case "none":
      return { none: {} };
    case "direct":
      return { direct: {} };
    case "localOrShuffle":
      return { local_or_shuffle: {} };
    case "custom":
      return { custom_object: javaObject(g.className, g.args ?? []) };
  }
}

/**
 * Constructor arguments as Storm's JavaObjectArg: integers in the i32 range become int_arg, other integers
 * long_arg, other numbers double_arg. Storm matches the constructor by these boxed types.
 */
export function javaObject(className: string, args: readonly JavaArg[]): JavaObject {
  return { full_class_name: className, args_list: args.map((a, i) => javaArg(a, className, i)) };
}

function javaArg(a: JavaArg, className: string, index: number): JavaObjectArg {
  if (typeof a === "string") return { string_arg: a };
  if (typeof a === "boolean") return { bool_arg: a };
  if (typeof a === "number") {
    if (Number.isInteger(a)) return a >= -(2 ** 31) && a < 2 ** 31 ? { int_arg: a } : { long_arg: BigInt(a) };
    return { double_arg: a };
  }
  throw new TypeError(
    `Argument ${index} of ${className} is null; Storm's JavaObject cannot carry null. Pass a value or use another constructor.`,
  );
}
