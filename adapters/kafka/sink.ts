/**
 * KafkaSink: a batching bolt that produces its input tuples to a Kafka topic, a batch per request,
 * and acks the batch's tuples only once the broker confirmed the write (acks = all); a batch the
 * broker refuses (or that times out) fails all of its tuples, which Storm replays from the spout.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { KafkaSink } from "squall/kafka";
 *
 * const Counts = stream({ url: t.string, views: t.number });
 * export class CountsToKafka extends KafkaSink({
 *   topic: "pageview-counts",
 *   input: Counts,
 *   encode: (row) => ({ key: row.url, value: JSON.stringify(row) }),
 *   batchSize: 500,
 * }) {}
 * ```
 * @module
 */
import { Kafka, type Producer } from "kafkajs";
import { BatchingBoltBase, type BatchingBoltDeclaration } from "../../lib/component/batching-bolt.ts";
import type { Outcome } from "../../lib/component/effects.ts";
import type { StreamSpec, Values } from "../../lib/component/stream.ts";
import type { Tuple } from "../../lib/component/tuple.ts";
import { KAFKA_CONF, logTo, resolveBrokers } from "./settings.ts";

/** One record to produce. */
export interface OutgoingRecord {
  readonly key?: string | null;
  readonly value: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send to this partition (default: by key hash, or round robin without a key). */
  readonly partition?: number;
}

export interface KafkaSinkOptions<I extends Values> {
  /** The topic, or a function choosing it per tuple. */
  readonly topic: string | ((values: I) => string);
  /** The input stream (types `encode`'s argument). */
  readonly input?: StreamSpec<I>;
  /** Tuple values -> record (default: no key, the values as JSON). */
  readonly encode?: (values: I, tuple: Tuple<I>) => OutgoingRecord;
  readonly brokers?: string | readonly string[];
  /** Records per produce request at most (default 500). */
  readonly batchSize?: number;
  /** A partial batch is produced after this long (default 200 ms). */
  readonly flushIntervalMs?: number;
  /** How long the broker may take to confirm (default 10000 ms). */
  readonly timeoutMs?: number;
  readonly clientId?: string;
}

/** A KafkaSink task. */
export interface KafkaSinkInstance<I extends Values> extends BatchingBoltBase<{}, I> {
  processBatch(key: string, tuples: readonly Tuple<I>[]): Promise<Outcome<{}>>;
  /** Records the broker confirmed. */
  readonly produced: number;
}

export type KafkaSinkClass<I extends Values> = (new () => KafkaSinkInstance<I>) & {
  readonly declaration: BatchingBoltDeclaration<{}, I>;
  readonly options: KafkaSinkOptions<I>;
};

/** Declares a Kafka sink bolt class. */
export function KafkaSink<I extends Values = Values>(options: KafkaSinkOptions<I>): KafkaSinkClass<I> {
  const encode = options.encode ?? ((values: I) => ({ value: JSON.stringify(values) }));
  const declaration = { outputs: {}, input: options.input, batchSize: options.batchSize ?? 500, flushIntervalMs: options.flushIntervalMs ?? 200 };

  abstract class DeclaredKafkaSink extends BatchingBoltBase<{}, I> {
    static readonly declaration = declaration;
    static readonly options = options;
    private producer: Producer | undefined;
    /** Records the broker confirmed. */
    produced = 0;

    constructor() {
      super(declaration);
    }

    override async initialize(): Promise<void> {
      const brokers = resolveBrokers(options.brokers, this.conf);
      const clientId = options.clientId ?? (typeof this.conf[KAFKA_CONF.clientId] === "string" ? (this.conf[KAFKA_CONF.clientId] as string) : `squall-${this.componentId}-${this.taskId}`);
      const kafka = new Kafka({ clientId, brokers, logCreator: logTo(this.log), connectionTimeout: 3000, retry: { initialRetryTime: 250, maxRetryTime: 3000, retries: 5 } });
      this.producer = kafka.producer({ allowAutoTopicCreation: true });
      await this.producer.connect();
    }

    async processBatch(_key: string, tuples: readonly Tuple<I>[]): Promise<Outcome<{}>> {
      const byTopic = new Map<string, { key?: string | null; value: string | null; headers?: Record<string, string>; partition?: number }[]>();
      for (const tuple of tuples) {
        const values = tuple.fields;
        const topic = typeof options.topic === "string" ? options.topic : options.topic(values);
        let list = byTopic.get(topic);
        if (!list) byTopic.set(topic, (list = []));
        list.push({ ...encode(values, tuple) } as never);
      }
      try {
        await this.producer!.sendBatch({ acks: -1, timeout: options.timeoutMs ?? 10_000, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (error) {
        const reason = `KafkaSink: the broker did not confirm ${tuples.length} records (failed, Storm replays them): ${(error as Error).message}`;
        this.log.warn(reason);
        this.reportError(reason);
        return this.fail(reason);
      }
      this.produced += tuples.length;
      return this.ack();
    }

    override async close(): Promise<void> {
      await this.producer?.disconnect().catch(() => undefined);
    }
  }
  return DeclaredKafkaSink as unknown as KafkaSinkClass<I>;
}
