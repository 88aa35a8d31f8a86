/**
 * The page-view generator: writes JSON page views to a Kafka topic (creating it with the partitions
 * asked for), as fast as it can or at a given rate.
 *
 *   npx bun examples/pageviews/generate.ts --events 100000 --rate 2000
 *   deno run -A examples/pageviews/generate.ts --events 100000
 *
 * Options: --brokers (KAFKA_BROKERS, 127.0.0.1:9092), --topic (PAGEVIEWS_TOPIC, pageviews),
 * --partitions (4), --events (10000; 0 = forever), --rate (events/s; 0 = as fast as possible),
 * --step-ms (event time between events; default: wall-clock time), --poison (N undecodable records).
 * @module
 */
import process from "node:process";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { URLS, type PageView } from "./events.ts";

export interface GenerateOptions {
  readonly brokers?: readonly string[];
  readonly topic: string;
  readonly partitions?: number;
  /** How many events (0: until stopped). */
  readonly events: number;
  /** Events per second (0: as fast as the broker takes them). */
  readonly rate?: number;
  /** Event time of the first event (default now), and between events (default: wall-clock time). */
  readonly startTs?: number;
  readonly stepMs?: number;
  /** Id prefix (default a random run id): ids are `${prefix}-${n}`. */
  readonly idPrefix?: string;
  /** After the events, one more event per URL at this event time (closes every earlier window). */
  readonly closeAt?: number;
  /** Records that are not page views, spread through the run. */
  readonly poison?: number;
  readonly batch?: number;
}

export interface Generated {
  /** Views per URL (without the closing events). */
  readonly perUrl: Record<string, number>;
  readonly events: number;
  readonly ms: number;
}

/** Picks a URL with a skew towards the first ones (deterministic per n). */
export const urlFor = (n: number): string => {
  const x = ((n * 2654435761) >>> 0) / 2 ** 32;
  return URLS[Math.min(URLS.length - 1, Math.floor(x * x * URLS.length))]!;
};

export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export async function generate(options: GenerateOptions): Promise<Generated> {
  const brokers = options.brokers ?? (process.env["KAFKA_BROKERS"] ?? "127.0.0.1:9092").split(",");
  const kafka = new Kafka({ clientId: "pageviews-generator", brokers: [...brokers], logLevel: logLevel.WARN });
  await ensureTopic(kafka, options.topic, options.partitions ?? 4);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const prefix = options.idPrefix ?? Math.random().toString(36).slice(2, 8);
  const perUrl: Record<string, number> = {};
  const batch = options.batch ?? 1000;
  const start = performance.now();
  const poisonEvery = options.poison ? Math.max(1, Math.floor(options.events / options.poison)) : 0;
  let poisoned = 0;
  let n = 0;
  try {
    while (options.events === 0 || n < options.events) {
      const messages: { key: string; value: string }[] = [];
      const size = options.events === 0 ? batch : Math.min(batch, options.events - n);
      for (let i = 0; i < size; i++, n++) {
        const url = urlFor(n);
        const ts = options.stepMs !== undefined ? (options.startTs ?? Date.now()) + n * options.stepMs : Date.now();
        const view: PageView = { id: `${prefix}-${n}`, url, ts, user: `u${n % 997}` };
        perUrl[url] = (perUrl[url] ?? 0) + 1;
        messages.push({ key: view.id, value: JSON.stringify(view) });
        if (poisonEvery && poisoned < options.poison! && n % poisonEvery === poisonEvery - 1) {
          poisoned++;
          messages.push({ key: `poison-${prefix}-${poisoned}`, value: `{"this is": not json ${poisoned}` });
        }
      }
      await producer.send({ topic: options.topic, acks: -1, messages });
      if (options.rate) {
        const due = (n / options.rate) * 1000 - (performance.now() - start);
        if (due > 0) await new Promise((r) => setTimeout(r, due));
      }
    }
    if (options.closeAt !== undefined) {
      await producer.send({
        topic: options.topic,
        acks: -1,
        messages: URLS.map((url) => ({ key: `close-${prefix}-${url}`, value: JSON.stringify({ id: `close-${prefix}-${url}`, url, ts: options.closeAt, user: "closer" }) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  return { perUrl, events: n, ms: performance.now() - start };
}

const arg = (name: string, fallback?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

if ((import.meta as { main?: boolean }).main) {
  const events = Number(arg("events", "10000"));
  const result = await generate({
    brokers: arg("brokers")?.split(","),
    topic: arg("topic", process.env["PAGEVIEWS_TOPIC"] ?? "pageviews")!,
    partitions: Number(arg("partitions", "4")),
    events,
    rate: Number(arg("rate", "0")),
    stepMs: arg("step-ms") === undefined ? undefined : Number(arg("step-ms")),
    poison: Number(arg("poison", "0")),
  });
  console.log(`produced ${result.events} page views in ${Math.round(result.ms)}ms:`, result.perUrl);
}
