/**
 * Graphviz DOT text of a topology.
 * @module
 */
import type { TopologyDescription } from "../description.ts";
import { componentLines, edgeLabel } from "./labels.ts";

const quote = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export function toDot(d: TopologyDescription): string {
  const lines = [`digraph ${quote(d.name)} {`, "  rankdir=LR;", '  node [shape=box, style="rounded", fontname="Helvetica", fontsize=11];', '  edge [fontname="Helvetica", fontsize=10];'];
  for (const c of d.components) {
    const { title, details } = componentLines(c);
    const label = [title, ...details].map((l) => l.replace(/\\/g, "\\\\").replace(/"/g, '\\"')).join("\\n");
    lines.push(`  ${quote(c.id)} [label="${label}"${c.type === "spout" ? ', shape=cds, style="filled", fillcolor="#e8f1fb"' : ""}];`);
  }
  for (const c of d.components) {
    for (const input of c.inputs) lines.push(`  ${quote(input.component)} -> ${quote(c.id)} [label=${quote(edgeLabel(input))}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
