/**
 * Streams: named, ordered fields with types.
 *
 * A stream is declared once and used everywhere: by components (what they may emit), by the topology
 * (what a fields grouping may name) and by the wire (the order values travel in).
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream, fields } from "squall";
 * const Words = stream({ word: t.string });          // typed: values are { word: string }
 * const Counts = stream({ word: t.string, count: t.number });
 * const Raw = fields("line", "source");              // untyped fields, like Storm's Fields
 * ```
 * @module
 */
import * as t from "io-ts";

/** Values of one tuple, by field name. */
export type Values = Readonly<Record<string, unknown>>;

/** An output stream declaration: ordered field names, an optional runtime codec, and directness. */
export interface StreamSpec<V extends Values = Values> {
  /** Field names in wire order. */
  readonly fields: readonly (keyof V & string)[];
  /** Direct streams are emitted to an explicit task and consumed with a direct grouping. */
  readonly direct: boolean;
  /** Checks values at run time when validation is on (squall.validate.emits). */
  readonly codec: t.Type<V, unknown, unknown>;
  /** Type-only marker of the values' type. */
  readonly _values?: V;
}

export interface StreamOptions {
  /** Declare a direct stream (emits name their target task). */
  readonly direct?: boolean;
}

/** Declares a stream whose fields are io-ts codecs; field order is the order of the keys. */
export function stream<P extends t.Props>(props: P, options: StreamOptions = {}): StreamSpec<t.TypeOf<t.TypeC<P>>> {
  const names = Object.keys(props);
  if (names.length === 0) throw new Error("stream({...}) needs at least one field");
  return { fields: names as never, direct: options.direct ?? false, codec: t.type(props) as never };
}

/** Declares a stream by field names only (values are `unknown`), as Storm's `Fields` does. */
export function fields<const F extends readonly [string, ...string[]]>(...names: F): StreamSpec<{ readonly [K in F[number]]: unknown }> {
  const props = Object.fromEntries(names.map((name) => [name, t.unknown]));
  if (new Set(names).size !== names.length) throw new Error(`fields(${names.join(", ")}): a field name is repeated`);
  return { fields: names as never, direct: false, codec: t.type(props) as never };
}

/** A direct variant of a stream. */
export const direct = <V extends Values>(spec: StreamSpec<V>): StreamSpec<V> => ({ ...spec, direct: true });

/** The values type of a stream. */
export type ValuesOf<S> = S extends StreamSpec<infer V> ? V : never;

/** A component's output streams by name. */
export type Outputs = Readonly<Record<string, StreamSpec<any>>>;

/** The values type of every output stream. */
export type OutputValues<O extends Outputs> = { readonly [K in keyof O & string]: ValuesOf<O[K]> };

/** Puts a values record into the stream's wire order; arrays pass through unchanged. */
export const toWire = (spec: StreamSpec<any> | undefined, values: Values | readonly unknown[], where: string): unknown[] => {
  if (Array.isArray(values)) return values as unknown[];
  if (!spec) throw new Error(`${where}: the stream is not declared in this component's outputs`);
  const names = spec.fields;
  const out = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    if (!(name in (values as object))) {
      throw new Error(`${where}: field "${name}" is missing; the stream's fields are [${names.join(", ")}]`);
    }
    out[i] = (values as Record<string, unknown>)[name];
  }
  return out;
};
