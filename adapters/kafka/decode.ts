/**
 * Decoders: how a Kafka record becomes the values of a stream (or is rejected as poison).
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { json, raw } from "squall/kafka";
 *
 * const PageViews = stream({ id: t.string, url: t.string, ts: t.number });
 * export const decodeViews = json(PageViews); // JSON value checked against the stream's codec
 * export const decodeRaw = raw(); // key, value (UTF-8), partition, offset, timestamp
 * ```
 * @module
 */
import type { Buffer } from "node:buffer";
import * as t from "io-ts";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import { stream, type StreamSpec, type Values } from "../../lib/component/stream.ts";

/** One record as read from Kafka. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** Milliseconds since the epoch, as a string (Kafka's record timestamp). */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** A decoded record: values for the stream, or why the record is poison. */
export type Decoded<V> = { readonly ok: true; readonly values: V } | { readonly ok: false; readonly error: string };

/** Turns a record into stream values; a record it rejects is reported, dead-lettered and skipped. */
export interface KafkaDecoder<V extends Values> {
  /** The stream the values belong to (the spout's "default" output). */
  readonly stream: StreamSpec<V>;
  decode(record: KafkaRecord): Decoded<V>;
}

const where = (r: KafkaRecord): string => `${r.topic}/${r.partition}@${r.offset}`;

/**
 * JSON values checked against the stream's io-ts codec. `map` may derive the values from the parsed
 * document and the record (e.g. an id from the partition and offset); its result is checked too.
 */
export function json<V extends Values>(spec: StreamSpec<V>, map?: (document: unknown, record: KafkaRecord) => unknown): KafkaDecoder<V> {
  return {
    stream: spec,
    decode(record) {
      if (record.value === null) return { ok: false, error: `${where(record)}: the record has no value (a tombstone)` };
      let document: unknown;
      try {
        document = JSON.parse(record.value.toString("utf8"));
      } catch (error) {
        return { ok: false, error: `${where(record)}: the value is not JSON (${(error as Error).message}): ${preview(record.value)}` };
      }
      let values: unknown;
      try {
        values = map ? map(document, record) : document;
      } catch (error) {
        return { ok: false, error: `${where(record)}: map() threw: ${(error as Error).message}` };
      }
      const checked = spec.codec.decode(values);
      if (checked._tag === "Left") {
        return { ok: false, error: `${where(record)}: the value does not fit the stream (fields ${spec.fields.join(", ")}): ${PathReporter.report(checked).join("; ")}` };
      }
      return { ok: true, values: checked.right };
    },
  };
}

/** The stream `raw()` emits. */
export const RawRecords = stream({
  key: t.union([t.string, t.null]),
  value: t.union([t.string, t.null]),
  partition: t.number,
  offset: t.string,
  timestamp: t.number,
});
export type RawRecord = t.TypeOf<typeof RawRecords.codec>;

/** Records as they are: key and value as UTF-8 text (never poison). */
export function raw(): KafkaDecoder<RawRecord> {
  return {
    stream: RawRecords,
    decode: (r) => ({
      ok: true,
      values: {
        key: r.key === null ? null : r.key.toString("utf8"),
        value: r.value === null ? null : r.value.toString("utf8"),
        partition: r.partition,
        offset: r.offset,
        timestamp: Number(r.timestamp),
      },
    }),
  };
}

const preview = (b: Buffer): string => {
  const s = b.toString("utf8", 0, Math.min(b.length, 80));
  return JSON.stringify(b.length > 80 ? `${s}...` : s);
};
