// `npm run bench` (after `npm run build`): every benchmark in one run, unattended, then
// bench/results/latest.json, bench/results/latest.md (README-ready tables) and bench/results/chart.svg.
//   node bench/run.mjs [protocol] [engine] [localmode] [storm] [pageviews]   (default: all; localmode needs Java +
//   STORM_HOME, storm needs test/services/storm/start.sh, pageviews Kafka + PostgreSQL (test/services/*/start.sh))
// env: BENCH_TUPLES (per-process tuples, default 100000), BENCH_SECS (end-to-end window, default 8),
//      BENCH_QUICK=1 (node only, parallelism 1 and 2), BENCH_STORM_WINDOW / BENCH_STORM_WARMUP (s, 20 / 10),
//      BENCH_PV_EVENTS (30000), BENCH_PV_CONFIGS (window ms x sink batch, "5000x100,10x10,10x100,10x1000").
// The TypeScript benches are bundled with squall's own loader (esbuild), so no TS runner is needed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import { loadModule } from "../dist/adapters/cli/load.js";
import { writeChart } from "./chart.mjs";

const dir = new URL(".", import.meta.url).pathname;
const wanted = process.argv.slice(2);
const all = ["protocol", "engine", "localmode", "storm", "pageviews"];
const names = wanted.length ? wanted : all;
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length) {
  console.error(`unknown bench ${unknown.join(", ")}; choose from ${all.join(", ")}`);
  process.exit(2);
}

const version = (argv) => {
  try {
    return execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "ignore"] }).toString().trim().split("\n")[0];
  } catch {
    return "not installed";
  }
};
const bin = (name) => `${dir}../node_modules/.bin/${name}`;
const machine = {
  date: new Date().toISOString(),
  cpu: os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  node: process.version,
  bun: version([bin("bun"), "--version"]),
  deno: version([bin("deno"), "--version"]),
  python: version(["python3", "--version"]),
};

// One throwaway folder for the peers (storm.js, pystorm's venv) shared by the protocol and Storm benches.
process.env.SQUALL_BENCH_PEERS ??= mkdtempSync(`${os.tmpdir()}/squall-bench-peers-`);
process.on("exit", () => rmSync(process.env.SQUALL_BENCH_PEERS, { recursive: true, force: true }));

const started = performance.now();
const results = { machine, command: "npm run bench" };
const sections = [];
if (names.includes("protocol")) {
  console.log("\n== bench/protocol.ts");
  const m = await loadModule(`${dir}protocol.ts`);
  results.protocol = await m.benchProtocol();
  sections.push(["Per-process multilang throughput", m.formatProtocol(results.protocol)]);
  console.log(`\n${m.formatProtocol(results.protocol)}\n`);
}
if (names.includes("engine")) {
  console.log("\n== bench/engine.ts");
  const m = await loadModule(`${dir}engine.ts`);
  results.engine = await m.benchEngine();
  const raw = results.protocol?.rows.find((r) => r.subject === "raw pipe ceiling")?.tuplesPerSec ?? null;
  sections.push(["End to end: word count under `squall run`", m.formatEngine(results.engine, raw)]);
  console.log(`\n${m.formatEngine(results.engine, raw)}\n`);
}
if (names.includes("localmode")) {
  console.log("\n== bench/localmode.ts");
  const m = await loadModule(`${dir}localmode.ts`);
  results.localmode = await m.benchLocalMode();
  sections.push(["One machine: `squall run` versus Storm's LocalCluster, same components", m.formatLocalMode(results.localmode)]);
  console.log(`\n${m.formatLocalMode(results.localmode)}\n`);
}
if (names.includes("storm")) {
  console.log("\n== bench/storm.ts");
  const m = await loadModule(`${dir}storm.ts`);
  results.storm = await m.benchStorm();
  sections.push(["On a real Storm cluster (test/services/storm)", m.formatStorm(results.storm)]);
  console.log(`\n${m.formatStorm(results.storm)}\n`);
}
if (names.includes("pageviews")) {
  console.log("\n== bench/pageviews.ts");
  const m = await loadModule(`${dir}pageviews.ts`);
  results.pageviews = await m.benchPageviews();
  sections.push(["Kafka -> pageviews pipeline -> PostgreSQL", m.formatPageviews(results.pageviews)]);
  console.log(`\n${m.formatPageviews(results.pageviews)}\n`);
}
results.durationSecs = Math.round((performance.now() - started) / 1000);

const out = `${dir}results/`;
mkdirSync(out, { recursive: true });
// A partial run (one bench) keeps the other bench's last results.
let previous = {};
try {
  previous = JSON.parse(readFileSync(`${out}latest.json`, "utf8"));
} catch {}
const merged = { ...previous, ...results };
writeFileSync(`${out}latest.json`, `${JSON.stringify(merged, null, 2)}\n`);
const md = [
  "# squall benchmarks (latest run)",
  "",
  `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.os}; load average at start ${machine.loadAverageAtStart.join(" / ")}.`,
  `Runtimes: Node ${machine.node}, Bun ${machine.bun}, ${machine.deno}, ${machine.python}. ${machine.date}. Reproduce: \`npm run bench\` (${results.durationSecs}s).`,
  "",
  ...sections.flatMap(([title, table]) => [`## ${title}`, "", table, ""]),
  "![benchmark chart](chart.svg)",
  "",
].join("\n");
writeFileSync(`${out}latest.md`, md);
writeChart(merged, `${out}chart.svg`);
console.log(`results: bench/results/latest.json, bench/results/latest.md, bench/results/chart.svg (${results.durationSecs}s)`);
