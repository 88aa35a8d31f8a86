/**
 * SVG drawing of a topology, laid out by squall itself (layout.ts): components as boxes (spouts
 * shaded) listing parallelism, fused operators and output fields; subscriptions as arrows labelled
 * with stream and grouping.
 * @module
 */
import type { TopologyDescription } from "../description.ts";
import { componentLines, edgeLabel } from "./labels.ts";
import { DEFAULT_LAYOUT, layout, type Box } from "./layout.ts";

const esc = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function toSvg(d: TopologyDescription): string {
  const o = DEFAULT_LAYOUT;
  const byId = new Map(d.components.map((c) => [c.id, componentLines(c)]));
  const lines = (id: string) => {
    const l = byId.get(id)!;
    return [l.title, ...l.details];
  };
  const titleBand = 28;
  const { boxes, width, height } = layout(d, lines, o);
  const out: string[] = [];
  const W = Math.ceil(Math.max(width, d.name.length * 8 + 40));
  const H = Math.ceil(height + titleBand);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${esc(d.name)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${o.nodeGap}" y="20" font-size="14" font-weight="bold" fill="#222">${esc(d.name)}</text>`,
    `<g transform="translate(0 ${titleBand})">`,
  );
  // edges first, so boxes are drawn over them
  for (const c of d.components) {
    for (const input of c.inputs) {
      const from = boxes.get(input.component);
      const to = boxes.get(c.id);
      if (!from || !to) continue;
      out.push(edge(from, to, edgeLabel(input)));
    }
  }
  for (const c of d.components) {
    const b = boxes.get(c.id)!;
    const { title, details } = byId.get(c.id)!;
    const fill = c.type === "spout" ? "#e8f1fb" : "#f7f7f2";
    out.push(
      `<g class="component ${c.type}" data-id="${esc(c.id)}">`,
      `<rect x="${b.x}" y="${b.y}" width="${b.width}" height="${b.height}" rx="${c.type === "spout" ? 14 : 4}" fill="${fill}" stroke="#333"/>`,
      `<text x="${b.x + o.padding}" y="${b.y + o.padding + 12}" font-weight="bold" fill="#111">${esc(title)}</text>`,
      ...details.map((line, i) => `<text x="${b.x + o.padding}" y="${b.y + o.padding + 12 + (i + 1) * o.lineHeight}" fill="#444">${esc(line)}</text>`),
      "</g>",
    );
  }
  out.push("</g>", "</svg>");
  return `${out.join("\n")}\n`;
}

function edge(from: Box, to: Box, label: string): string {
  if (from.id === to.id) {
    const x = from.x + from.width;
    const y = from.y + from.height / 2;
    return `<g class="edge"><path d="M${x},${y - 8} C${x + 40},${y - 40} ${x + 40},${y + 40} ${x},${y + 8}" fill="none" stroke="#555" marker-end="url(#arrow)"/><text x="${x + 44}" y="${y + 4}" font-size="11" fill="#333">${esc(label)}</text></g>`;
  }
  const forward = to.layer > from.layer;
  const x1 = forward ? from.x + from.width : from.x;
  const y1 = from.y + from.height / 2;
  const x2 = forward ? to.x : to.x + to.width;
  const y2 = to.y + to.height / 2;
  const bend = Math.max(30, Math.abs(x2 - x1) / 2);
  const c1 = forward ? x1 + bend : x1 - bend;
  const c2 = forward ? x2 - bend : x2 + bend;
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  return `<g class="edge"><path d="M${x1},${y1} C${c1},${y1} ${c2},${y2} ${x2},${y2}" fill="none" stroke="#555" marker-end="url(#arrow)"/><text x="${mx}" y="${my - 6}" text-anchor="middle" font-size="11" fill="#333" paint-order="stroke" stroke="#fff" stroke-width="3">${esc(label)}</text></g>`;
}
