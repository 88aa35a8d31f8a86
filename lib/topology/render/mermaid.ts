/**
 * Mermaid flowchart text of a topology (renders in GitHub markdown).
 * @module
 */
import type { TopologyDescription } from "../description.ts";
import { componentLines, edgeLabel } from "./labels.ts";

// Mermaid labels are quoted strings; quotes and angle brackets become entities.
const escape = (text: string): string => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

export function toMermaid(d: TopologyDescription): string {
  const ids = new Map(d.components.map((c, i) => [c.id, `c${i}`]));
  const node = (id: string): string => ids.get(id) ?? `missing_${id.replace(/\W/g, "_")}`;
  const lines = ["flowchart LR", `  %% topology ${escape(d.name)}`];
  for (const c of d.components) {
    const { title, details } = componentLines(c);
    const label = escape([`<b>${title}</b>`, ...details].join("<br/>")).replace(/#lt;(\/?)b#gt;/g, "<$1b>").replace(/#lt;br\/#gt;/g, "<br/>");
    lines.push(c.type === "spout" ? `  ${node(c.id)}(["${label}"])` : `  ${node(c.id)}["${label}"]`);
  }
  for (const c of d.components) {
    for (const input of c.inputs) lines.push(`  ${node(input.component)} -->|"${escape(edgeLabel(input))}"| ${node(c.id)}`);
  }
  return `${lines.join("\n")}\n`;
}
