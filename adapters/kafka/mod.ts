/**
 * squall's Kafka components (on kafkajs): a consumer-group spout with at-least-once offset commits,
 * and a batching sink bolt that acks after the broker confirmed.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { json, KafkaSpout } from "squall/kafka";
 *
 * export class Orders extends KafkaSpout({ topic: "orders", groupId: "billing", decode: json(stream({ order: t.string })) }) {}
 * ```
 * @module
 */
export { KafkaSpout, type KafkaSpoutClass, type KafkaSpoutInstance, type KafkaSpoutOptions, type KafkaSpoutStats } from "./spout.ts";
export { KafkaSink, type KafkaSinkClass, type KafkaSinkInstance, type KafkaSinkOptions, type OutgoingRecord } from "./sink.ts";
export { json, raw, RawRecords, type Decoded, type KafkaDecoder, type KafkaRecord, type RawRecord } from "./decode.ts";
export { KAFKA_CONF, resolveBrokers } from "./settings.ts";
