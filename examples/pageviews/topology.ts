/**
 * Real-time page-view analytics: Kafka -> count per URL per one-minute tumbling window (event time) ->
 * PostgreSQL, written in batches with idempotent upserts.
 *
 *   pageviews (KafkaSpout) -> route (keyBy url) -> count (tumblingWindow, fields url) -> store (PostgresSink)
 *
 * Run:    squall run examples/pageviews/topology.ts        (KAFKA_BROKERS, DATABASE_URL)
 * Submit: squall submit examples/pageviews/topology.ts -o squall.kafka.brokers=... -o squall.postgres.url=...
 *
 * Settings (read when the module loads, so set them for `squall run`; defaults suit a real-time feed):
 * PAGEVIEWS_TOPIC (pageviews), PAGEVIEWS_GROUP (pageviews-counter), PAGEVIEWS_TABLE (pageviews),
 * PAGEVIEWS_WINDOW_MS (60000), PAGEVIEWS_LATENESS_MS (10000), PAGEVIEWS_SPOUTS (1),
 * PAGEVIEWS_COUNTERS (2), PAGEVIEWS_BATCH (500), PAGEVIEWS_MAX_PENDING (50000).
 * @module
 */
import process from "node:process";
import { compileBuilder, from, keyBy, map, tumblingWindow, type Window } from "squall";
import { json, KafkaSpout } from "../../adapters/kafka/mod.ts";
import { countOnce, countOnceTables, PostgresSink } from "../../adapters/postgres/mod.ts";
import { PageViews, type PageView, type WindowCount } from "./events.ts";

const env = (name: string, fallback: string): string => process.env[name] ?? fallback;
const num = (name: string, fallback: number): number => {
  const v = Number(env(name, String(fallback)));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}=${process.env[name]}: expected a positive number`);
  return v;
};

export const TOPIC = env("PAGEVIEWS_TOPIC", "pageviews");
export const GROUP = env("PAGEVIEWS_GROUP", "pageviews-counter");
export const TABLE = env("PAGEVIEWS_TABLE", "pageviews");
export const WINDOW_MS = num("PAGEVIEWS_WINDOW_MS", 60_000);
export const LATENESS_MS = num("PAGEVIEWS_LATENESS_MS", 10_000);
const MAX_PENDING = num("PAGEVIEWS_MAX_PENDING", 50_000);

/** Page views from Kafka; a record that is not a page view goes to "<topic>.dlq". */
export class PageViewSpout extends KafkaSpout({ topic: TOPIC, groupId: GROUP, decode: json(PageViews), maxPending: MAX_PENDING }) {}

/** The counts table and the ids already counted (what makes replays harmless). */
const tables = { table: TABLE, key: { url: "text", window_start: "timestamptz" }, count: "views", applied: `${TABLE}_applied` } as const;

/** Writes window counts in batches: each view's id is counted once, however often it is delivered. */
export class PageViewStore extends PostgresSink<{ url: string; value: WindowCount }>({
  setup: countOnceTables(tables),
  write: countOnce({
    ...tables,
    contributions: (row: { url: string; value: WindowCount }) => ({ key: [row.value.url, new Date(row.value.windowStart).toISOString()], ids: row.value.ids }),
  }),
  batchSize: num("PAGEVIEWS_BATCH", 500),
  flushIntervalMs: 500,
}) {}

/** The pipeline: key by URL, one-minute event-time windows, a count (with the ids) per window. */
export const counts = from(PageViewSpout)
  .named("pageviews")
  .parallelism(num("PAGEVIEWS_SPOUTS", 1))
  .pipe(keyBy("url"))
  .named("route")
  .pipe(
    // late: "emit" counts stragglers (and replays of windows already written) instead of dropping them.
    tumblingWindow<PageView>({ ms: WINDOW_MS, timestamp: (v) => v.ts, allowedLatenessMs: LATENESS_MS, late: "emit" }),
    map((w: Window<PageView>): WindowCount => ({ url: w.key as string, windowStart: w.start, views: w.items.length, ids: w.items.map((v) => v.id) })),
  )
  .named("count")
  .parallelism(num("PAGEVIEWS_COUNTERS", 2));

const compiled = compileBuilder(counts, {
  name: "pageviews",
  // A window holds its views un-acked until it is written, so the timeout must outlast a window plus
  // its lateness, and max spout pending must hold a window's worth of views.
  // ShellBolt's max pending (Storm's default 100) bounds the tuples a bolt process may hold un-acked:
  // the window bolt holds a window's worth.
  config: {
    workers: 1,
    maxSpoutPending: MAX_PENDING,
    messageTimeoutSecs: Math.ceil((WINDOW_MS + LATENESS_MS) / 1000) + 60,
    "topology.shellbolt.max.pending": MAX_PENDING,
  },
});

export default compiled.builder.bolt("store", PageViewStore, { parallelism: 1 }).fields(compiled.last, ["url"]).build();
