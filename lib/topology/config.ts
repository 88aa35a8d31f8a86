/**
 * Topology configuration: typed names for the Storm keys users set most, plus any raw Storm key.
 *
 * @example
 * ```ts
 * import type { TopologyConfig } from "squall";
 *
 * // topology("wordcount", { config }) takes this
 * export const config: TopologyConfig = { workers: 2, maxSpoutPending: 1000, "topology.debug": true };
 * ```
 * @module
 */

/** The multilang wire formats squall speaks. msgpack needs squall's JVM serializer in the jar. */
export type SerializerChoice = "json" | "msgpack";

export interface TopologyConfig {
  /** topology.workers: worker processes (JVMs) across the cluster. */
  readonly workers?: number;
  /** topology.acker.executors: 0 acks every spout tuple at once (no reliability). */
  readonly ackers?: number;
  /** topology.message.timeout.secs: a tuple tree not completed in time fails (and is replayed). */
  readonly messageTimeoutSecs?: number;
  /** topology.max.spout.pending: most un-acked tuples per spout task. */
  readonly maxSpoutPending?: number;
  /** topology.tick.tuple.freq.secs: every bolt gets a tick tuple this often. */
  readonly tickTupleFreqSecs?: number;
  /** The multilang wire format (sets topology.multilang.serializer and squall.serializer). */
  readonly serializer?: SerializerChoice;
  /** topology.debug: Storm logs every emitted tuple. */
  readonly debug?: boolean;
  /** Any Storm or squall key, written as is, e.g. `"topology.subprocess.timeout.secs": 60`. */
  readonly [stormKey: string]: unknown;
}

/** Storm's JVM serializer classes for each wire format. */
export const MULTILANG_SERIALIZERS: Readonly<Record<SerializerChoice, string>> = {
  json: "org.apache.storm.multilang.JsonSerializer",
  msgpack: "dev.squall.storm.MsgpackSerializer",
};

const TYPED_KEYS = {
  workers: "topology.workers",
  ackers: "topology.acker.executors",
  messageTimeoutSecs: "topology.message.timeout.secs",
  maxSpoutPending: "topology.max.spout.pending",
  tickTupleFreqSecs: "topology.tick.tuple.freq.secs",
  debug: "topology.debug",
} as const;

/** The config as Storm reads it: typed names become Storm keys, raw keys pass through. */
export const toStormConfig = (config: TopologyConfig = {}): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (key === "serializer") {
      const choice = value as SerializerChoice;
      out["squall.serializer"] = choice;
      out["topology.multilang.serializer"] = MULTILANG_SERIALIZERS[choice] ?? value;
      continue;
    }
    out[(TYPED_KEYS as Record<string, string>)[key] ?? key] = value;
  }
  return out;
};

/** Checks the typed keys; returns problems as text (the validator adds where and how). */
export const configProblems = (config: TopologyConfig = {}): string[] => {
  const problems: string[] = [];
  const positive = (name: string, value: unknown, min: number): void => {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      problems.push(`config.${name} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
    }
  };
  positive("workers", config.workers, 1);
  positive("ackers", config.ackers, 0);
  positive("messageTimeoutSecs", config.messageTimeoutSecs, 1);
  positive("maxSpoutPending", config.maxSpoutPending, 1);
  positive("tickTupleFreqSecs", config.tickTupleFreqSecs, 1);
  if (config.serializer !== undefined && !(config.serializer in MULTILANG_SERIALIZERS)) {
    problems.push(`config.serializer must be "json" or "msgpack" (got ${JSON.stringify(config.serializer)})`);
  }
  return problems;
};
