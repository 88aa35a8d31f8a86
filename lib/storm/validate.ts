/**
 * The checks Nimbus would make on a topology (and a few it would not catch until runtime), done before
 * anything is uploaded so the error names the component and says how to fix it.
 *
 * @module
 */
import type { ComponentDescription, TopologyDescription } from "../topology/description.ts";

/** Storm's topology name rule (Utils.TOPOLOGY_NAME_REGEX). */
export const TOPOLOGY_NAME_PATTERN = /^[^/.:\\]+$/;

/** One or more problems that Storm would reject; `problems` lists each on its own. */
export class StormTopologyError extends Error {
  override name = "StormTopologyError";
  constructor(
    readonly topology: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Topology "${topology}" cannot run on Storm:\n` + problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

/** Returns the problems with a topology name (empty when Storm accepts it). */
export function topologyNameProblems(name: string): string[] {
  if (name.length === 0) return ["the topology name is empty; give the topology a name"];
  if (!TOPOLOGY_NAME_PATTERN.test(name)) {
    return [
      `the topology name "${name}" contains a character Storm forbids (/ . : or \\); ` +
        `rename it, e.g. "${name.replace(/[/.:\\]+/g, "-") || "topology"}"`,
    ];
  }
  return [];
}

/** Throws StormTopologyError if Storm would refuse the name. */
export function validateTopologyName(name: string): void {
  const problems = topologyNameProblems(name);
  if (problems.length > 0) throw new StormTopologyError(name, problems);
}

const isSystemId = (id: string): boolean => id.startsWith("__");

/** Checks a description against Storm's rules; returns every problem found. */
export function stormProblems(d: TopologyDescription): string[] {
  const problems = topologyNameProblems(d.name);
  const byId = new Map<string, ComponentDescription>();
  for (const c of d.components) {
    const where = `component "${c.id}"`;
    if (c.id.length === 0) problems.push("a component has an empty id; give every component an id");
    if (isSystemId(c.id)) problems.push(`${where}: ids starting with "__" are reserved for Storm's system components; rename it`);
    if (byId.has(c.id)) problems.push(`${where} is defined twice; component ids must be unique across spouts and bolts`);
    byId.set(c.id, c);
    if (!Number.isInteger(c.parallelism) || c.parallelism < 1) {
      problems.push(`${where}: parallelism must be an integer >= 1, got ${c.parallelism}`);
    }
    if (c.numTasks !== undefined && (!Number.isInteger(c.numTasks) || c.numTasks < 1)) {
      problems.push(`${where}: numTasks must be an integer >= 1, got ${c.numTasks}`);
    }
    for (const s of Object.keys(c.outputs)) {
      if (isSystemId(s)) problems.push(`${where}: stream ids starting with "__" are reserved for Storm; rename stream "${s}"`);
      if (s.length === 0) problems.push(`${where}: a stream has an empty name; name it (the usual one is "default")`);
    }
    if (c.type === "spout" && c.inputs.length > 0) {
      problems.push(`${where} is a spout but subscribes to ${c.inputs.map((i) => i.component).join(", ")}; spouts take no inputs, make it a bolt`);
    }
    if (c.type === "bolt" && c.inputs.length === 0) {
      problems.push(`${where} is a bolt with no inputs, so it would never receive a tuple; subscribe it to a spout or bolt`);
    }
    if (c.implementation.kind === "java" && c.implementation.args.some((a) => a === null)) {
      problems.push(`${where}: Storm's JavaObject cannot pass a null constructor argument; pass a value or use another constructor`);
    }
  }
  if (!d.components.some((c) => c.type === "spout")) {
    problems.push("the topology has no spout; Storm needs at least one spout to feed it");
  }
  for (const c of d.components) {
    for (const input of c.inputs) {
      const where = `component "${c.id}", input from "${input.component}" stream "${input.stream}"`;
      const source = byId.get(input.component);
      if (!source) {
        problems.push(`${where}: there is no component "${input.component}"; known ids: ${[...byId.keys()].join(", ")}`);
        continue;
      }
      const stream = source.outputs[input.stream];
      if (!stream) {
        const names = Object.keys(source.outputs);
        problems.push(
          `${where}: "${input.component}" declares no stream "${input.stream}"` +
            (names.length ? `; its streams are ${names.join(", ")}` : "; it declares no streams at all"),
        );
        continue;
      }
      const g = input.grouping;
      if (g.type === "fields") {
        if (g.fields.length === 0) problems.push(`${where}: a fields grouping needs at least one field (use a global grouping for "all to one task")`);
        const missing = g.fields.filter((f) => !stream.fields.includes(f));
        if (missing.length > 0) {
          problems.push(`${where}: grouping on field(s) ${missing.join(", ")} that the stream does not carry; its fields are ${stream.fields.join(", ") || "(none)"}`);
        }
      }
      if (g.type === "direct" && !stream.direct) {
        problems.push(`${where}: a direct grouping needs a direct stream; declare stream "${input.stream}" of "${input.component}" with direct: true`);
      }
      if (g.type !== "direct" && stream.direct) {
        problems.push(`${where}: stream "${input.stream}" is direct, so subscribers must use a direct grouping (got ${g.type})`);
      }
      if (g.type === "custom" && g.args?.some((a) => a === null)) {
        problems.push(`${where}: Storm's JavaObject cannot pass a null constructor argument to ${g.className}`);
      }
    }
  }
  return problems;
}

/** Throws StormTopologyError listing every problem, if any. */
export function validateForStorm(d: TopologyDescription): void {
  const problems = stormProblems(d);
  if (problems.length > 0) throw new StormTopologyError(d.name, problems);
}
