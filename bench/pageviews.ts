/**
 * The pageviews pipeline end to end, printed, never asserted: page views from a real Kafka topic
 * through `squall run` (KafkaSpout -> keyBy url -> event-time tumbling windows -> PostgresSink with
 * countOnce) into a real PostgreSQL, for several sink batch sizes.
 *
 * How a run is measured: N events are produced first (event time 1 ms apart, so windows close as the
 * stream advances, plus one closing event per URL); `squall run` starts; the bench polls the table's
 * total until it reaches N. events/s = views counted between the first rows and the last, over that
 * time (start-up excluded). Also printed: the window rows the sink wrote and the spout's replays.
 *
 * Needs test/services/kafka/start.sh and test/services/postgres/start.sh (KAFKA_BROKERS, DATABASE_URL).
 * Run alone: npx bun bench/pageviews.ts   (env: BENCH_PV_EVENTS, default 30000;
 * BENCH_PV_CONFIGS, "<window ms>x<batch size>,...", default "5000x100,10x10,10x100,10x1000")
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import pg from "pg";
import { generate } from "../examples/pageviews/generate.ts";
import { cliPath, readJson, ROOT, sleep, startCli } from "../test/engine/cli.ts";
import { DATABASE_URL, KAFKA_BROKERS, kafkaRunning, postgresRunning } from "../test/support/services.ts";

export interface PageviewsRow {
  readonly windowMs: number;
  readonly batchSize: number;
  readonly events: number;
  readonly eventsPerSec: number;
  readonly seconds: number;
  /** Window tuples the sink wrote (rows upserted, before merging). */
  readonly rows: number;
  readonly replayed: number;
}

interface Metrics {
  readonly components: readonly { id: string; acked: number; failed: number; emitted?: number; executed?: number }[];
}

async function one(windowMs: number, batchSize: number, events: number, tmp: string): Promise<PageviewsRow> {
  const tag = `${process.pid}-${windowMs}-${batchSize}-${Date.now().toString(36)}`;
  const topic = `bench-pv-${tag}`;
  const table = `bench_pv_${tag.replace(/-/g, "_")}`;
  const start = Date.UTC(2026, 0, 1);
  const closeAt = start + 3_600_000;
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
  await generate({ brokers: KAFKA_BROKERS.split(","), topic, partitions: 4, events, startTs: start, stepMs: 1, closeAt, idPrefix: "b" });
  const dir = path.join(tmp, `${windowMs}-${batchSize}`);
  const saved = { ...process.env };
  Object.assign(process.env, {
    PAGEVIEWS_TOPIC: topic, PAGEVIEWS_GROUP: `g-${topic}`, PAGEVIEWS_TABLE: table, PAGEVIEWS_WINDOW_MS: String(windowMs), PAGEVIEWS_LATENESS_MS: String(Math.min(1000, windowMs)),
    PAGEVIEWS_SPOUTS: "1", PAGEVIEWS_COUNTERS: "2", PAGEVIEWS_MAX_PENDING: "20000", PAGEVIEWS_BATCH: String(batchSize), DATABASE_URL, KAFKA_BROKERS,
  });
  console.log(`    ${since()}: ${events} events produced to ${topic}; starting squall run`);
  const run = await startCli(["run", path.join(ROOT, "examples/pageviews/topology.ts"), "--no-ui", "--log-dir", path.join(dir, "logs"), "--json-metrics", path.join(dir, "metrics.json")]);
  process.env = saved;
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const counted = async (): Promise<number> =>
    Number((await db.query(`select coalesce(sum(views), 0)::bigint as n from ${table} where window_start < to_timestamp($1 / 1000.0)`, [closeAt]).catch(() => ({ rows: [{ n: 0 }] }))).rows[0].n);
  let first: { t: number; n: number } | undefined;
  const deadline = Date.now() + 300_000;
  let n = 0;
  try {
    for (;;) {
      n = await counted();
      if (n > 0 && !first) {
        first = { t: performance.now(), n };
        console.log(`    ${since()}: first counts in PostgreSQL`);
      }
      if (n >= events) break;
      if (Date.now() > deadline || run.child.exitCode !== null) throw new Error(`pageviews bench (batch ${batchSize}): ${n}/${events} counted before ${run.child.exitCode !== null ? "the run exited" : "the deadline"}\n${run.output().stderr.slice(-2000)}`);
      await sleep(100);
    }
    const seconds = (performance.now() - first!.t) / 1000;
    const m = readJson<Metrics>(path.join(dir, "metrics.json"));
    const store = m?.components.find((c) => c.id === "store");
    const spout = m?.components.find((c) => c.id === "pageviews");
    return {
      windowMs,
      batchSize,
      events,
      eventsPerSec: Math.round((events - first!.n) / Math.max(seconds, 0.001)),
      seconds: Math.round(seconds * 10) / 10,
      rows: store?.acked ?? 0,
      replayed: spout?.failed ?? 0,
    };
  } finally {
    // The last window (the one holding the closing event) never closes, so a clean stop would wait the
    // whole message timeout (window + lateness + 60 s) for its trees: interrupt twice, as a user would.
    console.log(`    ${since()}: all counted; stopping`);
    run.child.kill("SIGINT");
    await Promise.race([run.done, sleep(2000)]);
    if (run.child.exitCode === null) run.child.kill("SIGINT");
    await run.done;
    console.log(`    ${since()}: stopped`);
    await db.query(`drop table if exists ${table}, ${table}_applied`).catch(() => undefined);
    await db.end();
  }
}

export async function benchPageviews(): Promise<{ rows: PageviewsRow[]; skipped?: string }> {
  if (!(await kafkaRunning()) || !(await postgresRunning())) {
    return { rows: [], skipped: `needs Kafka at ${KAFKA_BROKERS} and PostgreSQL at ${DATABASE_URL} (test/services/{kafka,postgres}/start.sh)` };
  }
  await cliPath();
  const events = Number(process.env["BENCH_PV_EVENTS"] ?? 30_000);
  // window (event-time ms) x sink batch size: 5 s windows write few rows (the pipeline is the limit);
  // 10 ms windows write about a row per view, where the batch size shows.
  const configs = (process.env["BENCH_PV_CONFIGS"] ?? "5000x100,10x10,10x100,10x1000").split(",").map((c) => c.split("x").map(Number) as [number, number]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-bench-pv-"));
  const rows: PageviewsRow[] = [];
  try {
    for (const [w, b] of configs) {
      const row = await one(w, b, events, tmp);
      console.log(`  window ${w}ms, batch ${b}: ${row.eventsPerSec} events/s (${row.events} in ${row.seconds}s, ${row.rows} rows)`);
      rows.push(row);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { rows };
}

export function formatPageviews(result: { rows: readonly PageviewsRow[]; skipped?: string }): string {
  if (result.skipped) return `(skipped: ${result.skipped})`;
  return [
    "| window (event time) | sink batch size | events | window rows written | events/s (Kafka -> windows -> PostgreSQL) | seconds | spout replays |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...result.rows.map((r) => `| ${r.windowMs} ms | ${r.batchSize} | ${r.events} | ${r.rows} | ${r.eventsPerSec.toLocaleString("en-US")} | ${r.seconds} | ${r.replayed} |`),
  ].join("\n");
}

if ((import.meta as { main?: boolean }).main) {
  const result = await benchPageviews();
  console.log(`\n${formatPageviews(result)}`);
}
