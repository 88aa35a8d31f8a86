/**
 * A simple layered layout (left to right), so squall draws topologies without Graphviz.
 *
 * Layers: a component's layer is the longest path to it from a spout (edges that close a cycle are
 * ignored). Order within a layer: one barycenter pass (a node sits near the average position of its
 * sources), which keeps the usual pipeline shapes free of crossings.
 * @module
 */
import type { TopologyDescription } from "../description.ts";

export interface Box {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly layer: number;
}

export interface LayoutOptions {
  /** Width of one character (the renderer's font), in px. */
  readonly charWidth: number;
  readonly lineHeight: number;
  readonly padding: number;
  readonly layerGap: number;
  readonly nodeGap: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = { charWidth: 7, lineHeight: 16, padding: 10, layerGap: 120, nodeGap: 30 };

export interface Layout {
  readonly boxes: ReadonlyMap<string, Box>;
  readonly width: number;
  readonly height: number;
}

/** `lines(id)` gives the text lines of a component's box. */
export function layout(d: TopologyDescription, lines: (id: string) => readonly string[], o: LayoutOptions = DEFAULT_LAYOUT): Layout {
  const ids = d.components.map((c) => c.id);
  const sources = new Map(ids.map((id) => [id, [] as string[]]));
  for (const c of d.components) for (const input of c.inputs) if (sources.has(input.component) && input.component !== c.id) sources.get(c.id)!.push(input.component);

  // longest path from the roots, ignoring back edges
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1; // back edge
    visiting.add(id);
    let best = 0;
    for (const s of sources.get(id) ?? []) {
      const ds = depth(s);
      if (ds >= 0) best = Math.max(best, ds + 1);
    }
    visiting.delete(id);
    layer.set(id, best);
    return best;
  };
  for (const id of ids) depth(id);

  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  const size = new Map(
    ids.map((id) => {
      const text = lines(id);
      const width = Math.max(60, ...text.map((t) => t.length * o.charWidth)) + 2 * o.padding;
      return [id, { width, height: text.length * o.lineHeight + 2 * o.padding }];
    }),
  );

  const position = new Map<string, number>();
  layers.forEach((ids, i) => {
    if (i > 0) {
      const center = (id: string): number => {
        const ss = (sources.get(id) ?? []).map((s) => position.get(s)).filter((p): p is number => p !== undefined);
        return ss.length ? ss.reduce((a, b) => a + b, 0) / ss.length : Infinity;
      };
      ids.sort((a, b) => center(a) - center(b));
    }
    ids.forEach((id, k) => position.set(id, k));
  });

  const layerWidth = layers.map((ids) => Math.max(...ids.map((id) => size.get(id)!.width)));
  const layerHeight = layers.map((ids) => ids.reduce((sum, id) => sum + size.get(id)!.height, 0) + o.nodeGap * (ids.length - 1));
  const height = Math.max(0, ...layerHeight) + 2 * o.nodeGap;
  const boxes = new Map<string, Box>();
  let x = o.nodeGap;
  layers.forEach((ids, i) => {
    let y = (height - layerHeight[i]!) / 2;
    for (const id of ids) {
      const { width, height: h } = size.get(id)!;
      boxes.set(id, { id, x: x + (layerWidth[i]! - width) / 2, y, width, height: h, layer: i });
      y += h + o.nodeGap;
    }
    x += layerWidth[i]! + o.layerGap;
  });
  return { boxes, width: x - o.layerGap + o.nodeGap, height };
}
