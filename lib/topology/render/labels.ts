/**
 * What every renderer shows, worded once: a component's lines and an edge's label.
 * @module
 */
import type { ComponentDescription, GroupingDescription, InputDescription } from "../description.ts";

export const groupingLabel = (g: GroupingDescription): string => {
  switch (g.type) {
    case "fields":
      return `fields(${g.fields.join(", ")})`;
    case "custom":
      return `custom(${g.className.split(".").pop()})`;
    default:
      return g.type;
  }
};

/** "shuffle", or "errors: fields(word)" for a stream other than "default". */
export const edgeLabel = (input: InputDescription): string =>
  input.stream === "default" ? groupingLabel(input.grouping) : `${input.stream}: ${groupingLabel(input.grouping)}`;

const implementationLabel = (c: ComponentDescription): string | undefined => {
  const impl = c.implementation;
  if (impl.kind === "shell") return `shell: ${impl.command} ${impl.script}`;
  if (impl.kind === "java") return `java: ${impl.className.split(".").pop()}`;
  return undefined;
};

/** Title line and detail lines of a component box. */
export const componentLines = (c: ComponentDescription): { title: string; details: string[] } => {
  const tasks = c.numTasks !== undefined && c.numTasks !== c.parallelism ? `, ${c.numTasks} tasks` : "";
  const details = [`${c.type} ×${c.parallelism}${tasks}`];
  const impl = implementationLabel(c);
  if (impl) details.push(impl);
  if (c.operators && c.operators.length > 0) details.push(...c.operators.map((op) => `· ${op}`));
  const streams = Object.entries(c.outputs);
  for (const [name, s] of streams) details.push(`${name === "default" ? "→" : `→ ${name}`} [${s.fields.join(", ")}]${s.direct ? " direct" : ""}`);
  return { title: c.id, details };
};
