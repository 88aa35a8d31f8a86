/**
 * Where Kafka connection settings come from: the component's options, else the topology config
 * (`squall.kafka.brokers`, which `squall run -o` and `squall submit` carry to every worker), else the
 * KAFKA_BROKERS environment variable, else 127.0.0.1:9092.
 * @module
 */
import process from "node:process";
import { logLevel, type Kafka, type KafkaConfig, type logCreator } from "kafkajs";
import type { Logger } from "../../lib/component/logger.ts";

/** Topology config keys the Kafka components read. */
export const KAFKA_CONF = {
  brokers: "squall.kafka.brokers",
  clientId: "squall.kafka.client_id",
} as const;

export const DEFAULT_BROKERS = "127.0.0.1:9092";

/** Brokers as a list from "host:port,host:port" or a list. */
export const brokerList = (value: string | readonly string[]): string[] =>
  (typeof value === "string" ? value.split(",") : [...value]).map((b) => b.trim()).filter((b) => b !== "");

export function resolveBrokers(option: string | readonly string[] | undefined, conf: Readonly<Record<string, unknown>>): string[] {
  const fromConf = conf[KAFKA_CONF.brokers];
  const chosen =
    option ??
    (typeof fromConf === "string" || Array.isArray(fromConf) ? (fromConf as string | string[]) : undefined) ??
    process.env["KAFKA_BROKERS"] ??
    DEFAULT_BROKERS;
  const list = brokerList(chosen);
  if (list.length === 0) throw new Error(`Kafka: no brokers given; set the component's brokers option, the topology config "${KAFKA_CONF.brokers}" or KAFKA_BROKERS (e.g. 127.0.0.1:9092)`);
  return list;
}

/** kafkajs logs go to the component's logger (never to stdout, the protocol channel). */
export const logTo = (log: Logger): logCreator => () => (entry) => {
  const { message, ...extra } = entry.log;
  const text = `kafkajs ${entry.namespace}: ${message} ${JSON.stringify(extra)}`;
  if (entry.level <= logLevel.ERROR) log.error(text);
  else if (entry.level === logLevel.WARN) log.warn(text);
  else if (entry.level === logLevel.INFO) log.debug(text);
  else log.trace(text);
};

export type { Kafka, KafkaConfig };
