/**
 * KafkaSpout: reads a Kafka topic as a consumer group, one consumer per spout task, at least once.
 *
 * - Balancing: every task of the spout joins the consumer group `groupId`; Kafka gives each partition
 *   to one task and rebalances when tasks come and go (a task killed with -9 leaves the group once its
 *   session times out, `sessionTimeoutMs`).
 * - Tracking: each record taken from a partition stays pending until its tuple tree is acked (or it is
 *   dead-lettered); the commit (every `commitIntervalMs` and at close) is the highest contiguous
 *   acked offset of each partition, so a crash or a rebalance replays what was not done, never skips it.
 * - Replay: a failed tuple is emitted again (before new records), up to `maxRetries` times, then
 *   dead-lettered.
 * - Bound: at most `maxPending` records are held (fetched, in flight, or being dead-lettered); past it
 *   the fetch loop waits for acks (records past the bound stay in Kafka, unresolved). `nextTuple` never
 *   waits: it emits what is there or returns.
 * - Poison: a record the decoder rejects is reported (Storm's error report and the log), produced to
 *   the dead-letter topic (`deadLetterTopic`, default "<topic>.dlq") with the reason in its headers, and
 *   committed past once the broker confirmed it.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { json, KafkaSpout } from "squall/kafka";
 *
 * const PageViews = stream({ id: t.string, url: t.string, ts: t.number });
 *
 * export class PageViewSpout extends KafkaSpout({
 *   topic: "pageviews",
 *   groupId: "pageviews-counter",
 *   decode: json(PageViews),
 *   start: "committed", // or "earliest" / "latest": ignore the group's position when a task starts
 *   maxPending: 2000,
 * }) {}
 * ```
 * @module
 */
import { Kafka, type Admin, type Consumer, type EachBatchPayload, type Producer } from "kafkajs";
import type { Declaration, MessageId } from "../../lib/component/component.ts";
import { SpoutBase } from "../../lib/component/spout.ts";
import type { StreamSpec, Values } from "../../lib/component/stream.ts";
import { PartitionOffsets } from "../../lib/kafka/offsets.ts";
import type { KafkaDecoder, KafkaRecord } from "./decode.ts";
import { KAFKA_CONF, logTo, resolveBrokers } from "./settings.ts";

export interface KafkaSpoutOptions<V extends Values> {
  readonly topic: string;
  /** The consumer group every task of the spout joins. */
  readonly groupId: string;
  /** Record -> stream values (json(Stream) or raw()); rejected records are poison. */
  readonly decode: KafkaDecoder<V>;
  /** "host:port" list; default: config "squall.kafka.brokers", else KAFKA_BROKERS, else 127.0.0.1:9092. */
  readonly brokers?: string | readonly string[];
  /**
   * Where a task starts reading a partition it is given:
   * "committed" (default): the group's committed offset (partitions without one start at `reset`);
   * "earliest" / "latest": the partition's first / next offset, the first time this process gets it
   * (later rebalances resume from the committed offset).
   */
  readonly start?: "committed" | "earliest" | "latest";
  /** Where a partition without a committed offset starts (default "earliest"). */
  readonly reset?: "earliest" | "latest";
  /** Most records held by one task: fetched, in flight or being dead-lettered (default 1000). */
  readonly maxPending?: number;
  /** Replays of a failed tuple before it is dead-lettered (default Infinity: replay until it succeeds). */
  readonly maxRetries?: number;
  /** Where poison records (and tuples past maxRetries) go; default "<topic>.dlq"; null: only reported. */
  readonly deadLetterTopic?: string | null;
  /** How often the committable offsets are committed (default 1000 ms). */
  readonly commitIntervalMs?: number;
  /** The group's session timeout: how soon a dead task's partitions move (default 10000 ms). */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Tuples emitted per nextTuple call at most (default 10). */
  readonly emitPerCall?: number;
  readonly clientId?: string;
}

interface Held {
  readonly partition: number;
  readonly offset: number;
  readonly generation: number;
  readonly record: KafkaRecord;
  readonly values: Values | undefined;
  attempts: number;
}

interface PartitionState {
  readonly generation: number;
  readonly offsets: PartitionOffsets;
}

/** Counters a KafkaSpout keeps (also logged every 10 s at debug level). */
export interface KafkaSpoutStats {
  assigned: number[];
  fetched: number;
  emitted: number;
  acked: number;
  failed: number;
  replayed: number;
  poison: number;
  deadLettered: number;
  commits: number;
  rebalances: number;
  paused: boolean;
}

/** A KafkaSpout task. */
export interface KafkaSpoutInstance<V extends Values> extends SpoutBase<{ readonly default: StreamSpec<V> }> {
  nextTuple(): void;
  /** What this task did so far. */
  readonly stats: KafkaSpoutStats;
  /** Records held: buffered, in flight, waiting for a replay, being dead-lettered. */
  readonly held: number;
  /** Commits the committable offsets now (also done every commitIntervalMs and at close). */
  commit(): Promise<void>;
}

export type KafkaSpoutClass<V extends Values> = (new () => KafkaSpoutInstance<V>) & {
  readonly declaration: Declaration<{ readonly default: StreamSpec<V> }>;
  readonly options: KafkaSpoutOptions<V>;
};

const idOf = (h: { generation: number; partition: number; offset: number }): string => `${h.generation}:${h.partition}:${h.offset}`;
const parseId = (id: MessageId): { generation: number; partition: number; offset: number } | undefined => {
  if (typeof id !== "string") return undefined;
  const [g, p, o] = id.split(":").map(Number);
  return g === undefined || p === undefined || o === undefined || [g, p, o].some((n) => !Number.isSafeInteger(n)) ? undefined : { generation: g, partition: p, offset: o };
};

/** Declares a Kafka spout class; extend it (`class X extends KafkaSpout({...}) {}`) to name it. */
export function KafkaSpout<V extends Values>(options: KafkaSpoutOptions<V>): KafkaSpoutClass<V> {
  if (!options.topic) throw new Error("KafkaSpout: give a topic");
  if (!options.groupId) throw new Error(`KafkaSpout(${options.topic}): give a groupId (the consumer group all of the spout's tasks join)`);
  const maxPending = options.maxPending ?? 1000;
  if (!(Number.isInteger(maxPending) && maxPending >= 1)) throw new Error(`KafkaSpout(${options.topic}): maxPending must be an integer >= 1 (got ${maxPending})`);
  const maxRetries = options.maxRetries ?? Infinity;
  const dlqTopic = options.deadLetterTopic === undefined ? `${options.topic}.dlq` : options.deadLetterTopic;
  const emitPerCall = Math.max(1, options.emitPerCall ?? 10);
  const declaration = { outputs: { default: options.decode.stream } } as const;

  abstract class DeclaredKafkaSpout extends SpoutBase<{ readonly default: StreamSpec<V> }> {
    static readonly declaration = declaration;
    static readonly options = options;
    private consumer: Consumer | undefined;
    private producer: Producer | undefined;
    private generation = 0;
    private readonly partitions = new Map<number, PartitionState>();
    private readonly seen = new Set<number>();
    private readonly seeking = new Set<number>();
    private admin: Admin | undefined;
    private buffer: Held[] = [];
    private readonly inFlight = new Map<string, Held>();
    private readonly replays: Held[] = [];
    private deadLettering = 0;
    private roomWaiters: (() => void)[] = [];
    private lastHeartbeat = 0;
    private commitTimer: ReturnType<typeof setInterval> | undefined;
    private committing: Promise<void> | undefined;
    /** Consecutive failed commits (a warning on the first, and when commits work again). */
    private commitFailures = 0;
    /**
     * True from a consumer crash until it joins the group again: kafkajs's commitOffsets then resolves
     * without committing anything, which must not count as a commit.
     */
    private consumerDown = false;
    private closed = false;
    /** What this task did so far. */
    readonly stats: KafkaSpoutStats = { assigned: [], fetched: 0, emitted: 0, acked: 0, failed: 0, replayed: 0, poison: 0, deadLettered: 0, commits: 0, rebalances: 0, paused: false };

    constructor() {
      super(declaration);
    }

    /** Records held by this task: buffered, in flight, waiting for a replay, being dead-lettered. */
    get held(): number {
      return this.buffer.length + this.inFlight.size + this.deadLettering;
    }

    override async initialize(): Promise<void> {
      const brokers = resolveBrokers(options.brokers, this.conf);
      const clientId = options.clientId ?? (typeof this.conf[KAFKA_CONF.clientId] === "string" ? (this.conf[KAFKA_CONF.clientId] as string) : `squall-${this.componentId}-${this.taskId}`);
      const kafka = new Kafka({
        clientId,
        brokers,
        logCreator: logTo(this.log),
        connectionTimeout: 3000,
        retry: { initialRetryTime: 250, maxRetryTime: 5000, retries: 12 },
      });
      const consumer = kafka.consumer({
        groupId: options.groupId,
        sessionTimeout: options.sessionTimeoutMs ?? 10_000,
        rebalanceTimeout: Math.max(options.sessionTimeoutMs ?? 10_000, 10_000),
        heartbeatInterval: options.heartbeatIntervalMs ?? 1000,
        maxWaitTimeInMs: 250,
        maxBytesPerPartition: 256 * 1024,
        retry: { initialRetryTime: 250, maxRetryTime: 5000, retries: 12, restartOnFailure: async () => !this.closed },
      });
      this.consumer = consumer;
      consumer.on(consumer.events.GROUP_JOIN, (event) => this.joined(event.payload.memberAssignment[options.topic] ?? []));
      consumer.on(consumer.events.CRASH, (event) => {
        const { error, restart } = event.payload;
        this.consumerDown = true;
        this.log.warn(`Kafka consumer crashed (${error.message}); ${restart ? "kafkajs restarts it" : "not restarted"}`);
        if (!restart && !this.closed) this.reportError(`KafkaSpout(${options.topic}): the consumer stopped: ${error.message}`);
      });
      if (dlqTopic !== null) {
        this.producer = kafka.producer({ allowAutoTopicCreation: true, retry: { initialRetryTime: 250, maxRetryTime: 5000, retries: 12 } });
        await this.producer.connect();
      }
      if ((options.start ?? "committed") !== "committed") {
        this.admin = kafka.admin();
        await this.admin.connect();
      }
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: (options.reset ?? "earliest") === "earliest" });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.batch(payload) });
      const every = options.commitIntervalMs ?? 1000;
      this.commitTimer = setInterval(() => void this.commit(), every);
      this.log.info(`KafkaSpout reading ${options.topic} as group ${options.groupId} from ${brokers.join(",")} (start ${options.start ?? "committed"}, maxPending ${maxPending})`);
    }

    /** A (re)join of the group: everything taken before is forgotten and will be re-read from the commits. */
    private joined(partitions: readonly number[]): void {
      this.consumerDown = false;
      this.generation++;
      this.stats.rebalances++;
      this.partitions.clear();
      this.buffer = [];
      this.replays.length = 0;
      this.inFlight.clear();
      const sorted = [...partitions].sort((a, b) => a - b);
      this.stats.assigned = sorted;
      this.log.info(`KafkaSpout ${options.topic}: assigned partitions [${sorted.join(", ")}] (generation ${this.generation})`);
      const start = options.start ?? "committed";
      for (const p of sorted) {
        if (start !== "committed" && !this.seen.has(p)) {
          this.seeking.add(p);
          void this.seekTo(p, start, this.generation);
        }
        this.seen.add(p);
      }
      this.flow();
    }

    /** Moves a partition to its first or next offset (kafkajs's special offsets do not work without auto-commit). */
    private async seekTo(partition: number, where: "earliest" | "latest", generation: number): Promise<void> {
      for (let attempt = 0; !this.closed && generation === this.generation; attempt++) {
        try {
          const offsets = await this.admin!.fetchTopicOffsets(options.topic);
          const found = offsets.find((o) => o.partition === partition);
          if (!found) throw new Error(`partition ${partition} not found`);
          if (generation !== this.generation) return;
          this.consumer!.seek({ topic: options.topic, partition, offset: where === "earliest" ? found.low : found.high });
          this.partitions.delete(partition);
          this.buffer = this.buffer.filter((h) => h.partition !== partition);
          this.seeking.delete(partition);
          this.log.info(`KafkaSpout ${options.topic}: partition ${partition} starts at its ${where} offset ${where === "earliest" ? found.low : found.high}`);
          return;
        } catch (error) {
          this.log.warn(`KafkaSpout ${options.topic}: cannot look up the ${where} offset of partition ${partition} yet (${(error as Error).message}); retrying`);
          await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
        }
      }
    }

    private async batch({ batch, isStale, isRunning, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
      if (this.closed || !isRunning() || isStale() || this.seeking.has(batch.partition)) return; // unresolved: fetched again
      this.log.debug(`KafkaSpout ${options.topic}: batch of ${batch.messages.length} from partition ${batch.partition} at ${batch.firstOffset()}; held ${this.held}`);
      const generation = this.generation;
      for (const m of batch.messages) {
        // Full: wait for acks here (kafkajs fetches nothing meanwhile); the group still gets heartbeats.
        while (this.held >= maxPending) {
          this.stats.paused = true;
          await new Promise<void>((resolve) => {
            this.roomWaiters.push(resolve);
            setTimeout(resolve, 1000);
          });
          if (this.closed || !isRunning() || isStale() || generation !== this.generation) return;
          try {
            if (Date.now() - this.lastHeartbeat > 1000) {
              this.lastHeartbeat = Date.now();
              await heartbeat();
            }
          } catch {
            return; // a rebalance: the unresolved rest is fetched again by whoever owns the partition
          }
        }
        this.stats.paused = false;
        resolveOffset(m.offset);
        const offset = Number(m.offset);
        let state = this.partitions.get(batch.partition);
        if (!state) this.partitions.set(batch.partition, (state = { generation, offsets: new PartitionOffsets(offset) }));
        if (offset < state.offsets.nextOffset) continue; // already taken (a re-delivery)
        state.offsets.add(offset);
        this.stats.fetched++;
        const record: KafkaRecord = { topic: batch.topic, partition: batch.partition, offset: m.offset, timestamp: m.timestamp, key: m.key, value: m.value, headers: m.headers as never };
        const decoded = options.decode.decode(record);
        const held: Held = { partition: batch.partition, offset, generation: state.generation, record, values: decoded.ok ? decoded.values : undefined, attempts: 0 };
        if (decoded.ok) this.buffer.push(held);
        else {
          this.stats.poison++;
          const text = `KafkaSpout: poison record ${decoded.error}; ${dlqTopic === null ? "skipped" : `sent to ${dlqTopic} and skipped`}`;
          this.log.warn(text);
          this.reportError(text);
          void this.deadLetter(held, decoded.error);
        }
      }
    }

    /** Wakes the fetch loop once a quarter of the bound is free again. */
    private flow(): void {
      if (this.roomWaiters.length === 0 || this.held > maxPending - Math.max(1, Math.floor(maxPending / 4))) return;
      const waiters = this.roomWaiters;
      this.roomWaiters = [];
      for (const w of waiters) w();
    }

    private current(h: { generation: number; partition: number }): PartitionState | undefined {
      const state = this.partitions.get(h.partition);
      return state && state.generation === h.generation ? state : undefined;
    }

    nextTuple(): void {
      for (let n = 0; n < emitPerCall; n++) {
        const replay = this.replays.shift();
        const next = replay ?? this.buffer.shift();
        if (!next) return;
        if (!this.current(next)) continue; // from before a rebalance: it will be re-read
        if (replay) this.stats.replayed++;
        else this.stats.emitted++;
        this.inFlight.set(idOf(next), next);
        this.emit(next.values as never, { id: idOf(next) });
      }
    }

    override ack(id: MessageId): void {
      const key = String(id);
      const held = this.inFlight.get(key);
      if (!held) return;
      this.inFlight.delete(key);
      this.stats.acked++;
      this.current(held)?.offsets.ack(held.offset);
      this.flow();
    }

    override fail(id: MessageId): void | Promise<void> {
      const key = String(id);
      const held = this.inFlight.get(key);
      if (!held) return;
      this.stats.failed++;
      if (!this.current(held)) {
        this.inFlight.delete(key);
        return;
      }
      held.attempts++;
      if (held.attempts > maxRetries) {
        this.inFlight.delete(key);
        const reason = `${options.topic}/${held.partition}@${held.offset} failed ${held.attempts} times (maxRetries ${maxRetries})`;
        this.log.error(`KafkaSpout: giving up on ${reason}`);
        return this.deadLetter(held, reason);
      }
      this.replays.push(held); // stays in inFlight (held) until replayed and acked
    }

    /** Produces the record to the dead-letter topic, then marks it done; retries until it can. */
    private async deadLetter(held: Held, reason: string): Promise<void> {
      this.deadLettering++;
      try {
        for (let attempt = 0; this.producer && !this.closed; attempt++) {
          try {
            await this.producer.send({
              topic: dlqTopic!,
              acks: -1,
              messages: [
                {
                  key: held.record.key,
                  value: held.record.value,
                  headers: { "squall.error": reason.slice(0, 2000), "squall.source": `${options.topic}/${held.partition}@${held.offset}`, "squall.group": options.groupId },
                },
              ],
            });
            this.stats.deadLettered++;
            break;
          } catch (error) {
            this.log.warn(`KafkaSpout: cannot produce to dead-letter topic ${dlqTopic} yet (${(error as Error).message}); retrying`);
            await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
          }
        }
        if (this.closed && dlqTopic !== null && this.producer) return; // not produced: stays uncommitted, re-read later
        this.current(held)?.offsets.ack(held.offset);
      } finally {
        this.deadLettering--;
        this.flow();
      }
    }

    /** Commits every partition's highest contiguous acked position that moved. */
    commit(): Promise<void> {
      if (this.committing) return this.committing;
      const consumer = this.consumer;
      if (!consumer || this.consumerDown) return Promise.resolve();
      const due: { partition: number; offset: number; state: PartitionState }[] = [];
      for (const [partition, state] of this.partitions) if (state.offsets.dirty) due.push({ partition, offset: state.offsets.committable, state });
      if (due.length === 0) return Promise.resolve();
      this.committing = consumer
        .commitOffsets(due.map((d) => ({ topic: options.topic, partition: d.partition, offset: String(d.offset) })))
        .then(
          () => {
            if (this.consumerDown) return; // kafkajs skipped it (the consumer is restarting): retried after the rejoin
            if (this.commitFailures > 0) this.log.warn(`KafkaSpout ${options.topic}: commits work again after ${this.commitFailures} failed attempt(s)`);
            this.commitFailures = 0;
            this.stats.commits++;
            for (const d of due) d.state.offsets.committedTo(d.offset);
            this.log.debug(`KafkaSpout ${options.topic}: committed ${due.map((d) => `${d.partition}@${d.offset}`).join(" ")}`);
          },
          (error: unknown) => {
            this.commitFailures++;
            const text = `KafkaSpout ${options.topic}: commit of ${due.map((d) => `${d.partition}@${d.offset}`).join(" ")} failed (${(error as Error).message}); retrying every interval`;
            // The first failure of a streak (and every 30th) reaches the terminal; the rest the task log.
            if (this.commitFailures === 1 || this.commitFailures % 30 === 0) this.log.warn(`${text} (failure ${this.commitFailures})`);
            else this.log.info(text);
          },
        )
        .finally(() => (this.committing = undefined));
      return this.committing;
    }

    override async close(): Promise<void> {
      if (this.commitTimer) clearInterval(this.commitTimer);
      await this.commit().catch(() => undefined);
      this.closed = true;
      await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect(), this.admin?.disconnect()]);
    }
  }
  return DeclaredKafkaSpout as unknown as KafkaSpoutClass<V>;
}
