/**
 * Renderers of a topology description: pure functions from description to text.
 * @module
 */
import type { TopologyDescription } from "../description.ts";
import { toDot } from "./dot.ts";
import { toMermaid } from "./mermaid.ts";
import { toSvg } from "./svg.ts";

export { toDot, toMermaid, toSvg };
export type RenderFormat = "dot" | "mermaid" | "svg";

export const render = (d: TopologyDescription, format: RenderFormat): string =>
  format === "dot" ? toDot(d) : format === "svg" ? toSvg(d) : toMermaid(d);
