// Turns bench/results/latest.json into bench/results/chart.svg: plain SVG, no chart library.
//   node bench/chart.mjs [results.json] [chart.svg]
// Top left: per-process multilang throughput (horizontal bars). Top right: word count end to end under
// `squall run`, tuples/s per runtime and serializer, one bar per parallelism. Below: tuples/s per pass
// bolt process on the real Storm cluster (squall vs storm.js vs pystorm), and acked tuples/s of
// `squall run` vs Storm's LocalCluster on the same components.
import { readFileSync, writeFileSync } from "node:fs";

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const k = (n) => (n >= 1000 ? `${(n / 1000).toFixed(n >= 10000 ? 0 : 1)}k` : String(Math.round(n)));
const niceMax = (max) => {
  if (!(max > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
};
const COLORS = { node: "#3c873a", bun: "#c78d3b", deno: "#3b6ec7", python3: "#7a4fb3", p1: "#8ab4f8", p2: "#4a86e8", p4: "#1c4587" };

/** Horizontal bars: rows of { label, value (null = skipped), skipped, color, note? }. */
function barPanel(title, rows, x0, y0, width) {
  const parts = [];
  const labelW = 250;
  const barW = width - labelW - 60;
  const max = niceMax(Math.max(...rows.map((r) => r.value ?? 0), 1));
  const rowH = 24;
  parts.push(`<text x="${x0}" y="${y0}" class="title">${esc(title)}</text>`);
  let y = y0 + 20;
  for (const r of rows) {
    parts.push(`<text x="${x0 + labelW - 8}" y="${y + 16}" class="label" text-anchor="end">${esc(r.label.length > 42 ? `${r.label.slice(0, 41)}…` : r.label)}</text>`);
    if (r.value === null) {
      parts.push(`<text x="${x0 + labelW}" y="${y + 16}" class="small">skipped: ${esc((r.skipped ?? "").slice(0, 50))}</text>`);
    } else {
      const w = (r.value / max) * barW;
      parts.push(`<rect x="${x0 + labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${r.color}"><title>${esc(r.label)}: ${Math.round(r.value)}</title></rect>`);
      parts.push(`<text x="${x0 + labelW + w + 4}" y="${y + 16}" class="small">${k(r.value)}${r.note ? ` · ${esc(r.note)}` : ""}</text>`);
    }
    y += rowH;
  }
  return { svg: parts.join("\n"), height: y - y0 };
}

const subjectColor = (subject, runtime) =>
  subject.startsWith("squall") ? COLORS[runtime] ?? COLORS.node : subject.startsWith("raw") ? "#999" : subject.startsWith("storm.js") ? "#d9534f" : COLORS.python3;

const protocolPanel = (rows, x0, y0, width) =>
  barPanel(
    "Per-process throughput (tuples/s, one bolt process)",
    rows.map((r) => ({ label: `${r.subject} · ${r.runtime} · ${r.serializer}`, value: r.tuplesPerSec, skipped: r.skipped, color: subjectColor(r.subject, r.runtime) })),
    x0,
    y0,
    width,
  );

const stormPanel = (rows, x0, y0, width) =>
  barPanel(
    "Real Storm cluster: tuples/s per pass bolt process",
    rows.map((r) => ({
      label: `${r.subject} · ${r.serializer}`,
      value: r.tuplesPerSec,
      skipped: r.skipped,
      color: subjectColor(r.subject, "node"),
      note: typeof r.boltCpu === "number" ? `bolt CPU ${Math.round(r.boltCpu * 100)}%` : undefined,
    })),
    x0,
    y0,
    width,
  );

const localPanel = (rows, x0, y0, width) =>
  barPanel(
    "One machine, same components: acked tuples/s",
    rows.map((r) => ({
      label: r.engine.replace(/\s*\(.*\)$/, ""),
      value: r.ackedPerSec,
      skipped: r.skipped,
      color: r.engine.startsWith("squall") ? COLORS.node : "#d9534f",
      note: typeof r.startupToFirstAckSecs === "number" ? `first ack after ${r.startupToFirstAckSecs.toFixed(1)} s` : undefined,
    })),
    x0,
    y0,
    width,
  );

function enginePanel(engine, x0, y0, width, height) {
  const parts = [];
  const rows = engine.rows;
  const ps = [...new Set(rows.map((r) => r.p))].sort((a, b) => a - b);
  const groups = [...new Set(rows.map((r) => `${r.runtime} ${r.serializer}`))];
  const plotH = height - 90;
  const plotW = width - 60;
  const max = niceMax(Math.max(...rows.map((r) => r.tuplesPerSec ?? 0), 1));
  const left = x0 + 50;
  const top = y0 + 30;
  parts.push(`<text x="${x0}" y="${y0}" class="title">Word count end to end with acking (bolt tuples/s)</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (max * i) / 5;
    const y = top + plotH - (plotH * i) / 5;
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${left - 6}" y="${y + 4}" class="small" text-anchor="end">${k(v)}</text>`);
  }
  const gw = plotW / Math.max(groups.length, 1);
  const bw = (gw * 0.8) / Math.max(ps.length, 1);
  groups.forEach((g, gi) => {
    ps.forEach((p, pi) => {
      const r = rows.find((x) => `${x.runtime} ${x.serializer}` === g && x.p === p);
      if (!r || r.tuplesPerSec === null) return;
      const h = (r.tuplesPerSec / max) * plotH;
      const x = left + gi * gw + gw * 0.1 + pi * bw;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[`p${p}`] ?? "#555"}"><title>${esc(g)} p=${p}: ${Math.round(r.tuplesPerSec)} tuples/s, p50 ${r.p50} ms, p99 ${r.p99} ms</title></rect>`);
    });
    parts.push(`<text x="${(left + gi * gw + gw / 2).toFixed(1)}" y="${top + plotH + 16}" class="label" text-anchor="middle">${esc(g)}</text>`);
  });
  let lx = left;
  for (const p of ps) {
    parts.push(`<rect x="${lx}" y="${top + plotH + 30}" width="12" height="12" fill="${COLORS[`p${p}`] ?? "#555"}"/><text x="${lx + 16}" y="${top + plotH + 40}" class="small">parallelism ${p}</text>`);
    lx += 110;
  }
  parts.push(`<text x="${left}" y="${top + plotH + 60}" class="small">RxJS in-process upper bound: ${k(engine.rxjs)} tuples/s (off scale)</text>`);
  return parts.join("\n");
}

export function renderChart(results) {
  const W = 1200;
  const panels = [];
  let height = 80;
  let protocolH = 0;
  if (results.protocol) {
    const p = protocolPanel(results.protocol.rows, 20, 80, 560);
    panels.push(p.svg);
    protocolH = p.height;
  }
  const engineX = results.protocol ? 600 : 20;
  const engineH = Math.max(protocolH, 300);
  if (results.engine) panels.push(enginePanel(results.engine, engineX, 80, W - engineX - 20, engineH));
  height += Math.max(protocolH, results.engine ? engineH : 0) + 30;
  // Second row: the real cluster (left) and squall run vs Storm's local mode (right).
  const storm = results.storm?.pass?.length ? stormPanel(results.storm.pass, 20, height + 10, 560) : undefined;
  const local = Array.isArray(results.localmode) && results.localmode.length ? localPanel(results.localmode, 600, height + 10, 580) : undefined;
  for (const p of [storm, local]) if (p) panels.push(p.svg);
  if (storm || local) height += Math.max(storm?.height ?? 0, local?.height ?? 0) + 40;
  const m = results.machine ?? {};
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif">
<style>.title{font-size:15px;font-weight:bold}.label{font-size:12px;fill:#222}.small{font-size:11px;fill:#444}.h{font-size:18px;font-weight:bold}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="26" class="h">squall benchmarks</text>
<text x="20" y="44" class="small">${esc(`${m.cpu ?? "?"}, ${m.cores ?? "?"} cores, ${m.os ?? ""}; Node ${m.node ?? "?"}, Bun ${m.bun ?? "?"}, ${m.deno ?? ""}; ${m.date ?? ""}; npm run bench`)}</text>
${panels.join("\n")}
</svg>
`;
}

export function writeChart(results, file) {
  writeFileSync(file, renderChart(results));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL(".", import.meta.url).pathname;
  const input = process.argv[2] ?? `${dir}results/latest.json`;
  const output = process.argv[3] ?? `${dir}results/chart.svg`;
  writeChart(JSON.parse(readFileSync(input, "utf8")), output);
  console.log(`wrote ${output}`);
}
