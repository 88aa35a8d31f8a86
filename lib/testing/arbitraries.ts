/**
 * fast-check arbitraries for property tests: tuples of a stream (from its io-ts codec) and fault
 * schedules for the simulator.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { faultSchedule, tupleOf } from "squall/testing";
 *
 * const Views = stream({ url: t.string, n: t.number, bot: t.boolean });
 * fc.assert(fc.property(tupleOf(Views), (view) => Views.codec.is(view)));
 * fc.sample(faultSchedule({ maxFaults: 2, kinds: ["kill", "stall"] }), 3); // e.g. [[{ at: 12, kind: "kill" }], [], ...]
 * ```
 * @module
 */
import fc from "fast-check";
import type * as t from "io-ts";
import type { StreamSpec, Values } from "../component/stream.ts";
import type { Fault, FaultKind } from "../engine/simulator.ts";

/** Arbitraries for some fields, replacing the ones derived from the codec. */
export type FieldArbitraries<V> = { readonly [K in keyof V]?: fc.Arbitrary<V[K]> };

type AnyCodec = t.Mixed & { readonly _tag?: string; readonly [key: string]: unknown };

/** An arbitrary of the values an io-ts codec accepts (the common codecs; others need an override). */
export function arbitraryOf<A>(codec: t.Type<A, unknown, unknown>, where = codec.name): fc.Arbitrary<A> {
  const c = codec as unknown as AnyCodec;
  const any = (a: fc.Arbitrary<unknown>): fc.Arbitrary<A> => a as fc.Arbitrary<A>;
  switch (c._tag) {
    case "StringType":
      return any(fc.string({ maxLength: 20 }));
    case "NumberType":
      return any(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }));
    case "BigIntType":
      return any(fc.bigInt());
    case "BooleanType":
      return any(fc.boolean());
    case "NullType":
      return any(fc.constant(null));
    case "UndefinedType":
    case "VoidType":
      return any(fc.constant(undefined));
    case "UnknownType":
    case "AnyType":
      return any(fc.jsonValue());
    case "LiteralType":
      return any(fc.constant(c["value"]));
    case "KeyofType":
      return any(fc.constantFrom(...Object.keys(c["keys"] as object)));
    case "UnionType":
      return any(fc.oneof(...(c["types"] as AnyCodec[]).map((member, i) => arbitraryOf(member, `${where}|${i}`))));
    case "ArrayType":
    case "ReadonlyArrayType":
      return any(fc.array(arbitraryOf(c["type"] as AnyCodec, `${where}[]`), { maxLength: 5 }));
    case "TupleType":
      return any(fc.tuple(...(c["types"] as AnyCodec[]).map((member, i) => arbitraryOf(member, `${where}[${i}]`))));
    case "InterfaceType":
    case "StrictType":
      return any(fc.record(propsOf(c["props"] as t.Props, where)));
    case "PartialType":
      return any(fc.record(propsOf(c["props"] as t.Props, where), { requiredKeys: [] }));
    case "IntersectionType":
      return any(
        fc.tuple(...(c["types"] as AnyCodec[]).map((member, i) => arbitraryOf(member, `${where}&${i}`))).map((parts) => Object.assign({}, ...(parts as object[]))),
      );
    case "ExactType":
    case "ReadonlyType":
      return arbitraryOf(c["type"] as t.Type<A, unknown, unknown>, where);
    case "DictionaryType":
      return any(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), arbitraryOf(c["codomain"] as AnyCodec, `${where}{}`), { maxKeys: 4 }));
    case "RefinementType": {
      const base = c["type"] as AnyCodec;
      // t.Int and friends: integers satisfy every refinement of number that matters in practice.
      const source = base._tag === "NumberType" ? fc.integer({ min: -1_000_000, max: 1_000_000 }) : arbitraryOf(base, where);
      return any(source.filter((value) => codec.is(value)));
    }
    default:
      throw new Error(
        `tupleOf: cannot derive values for ${where} (io-ts ${c._tag ?? "codec"} "${codec.name}"); pass an arbitrary for that field: tupleOf(stream, { field: fc.constantFrom(...) })`,
      );
  }
}

const propsOf = (props: t.Props, where: string): Record<string, fc.Arbitrary<unknown>> =>
  Object.fromEntries(Object.entries(props).map(([name, codec]) => [name, arbitraryOf(codec as AnyCodec, `${where}.${name}`)]));

/**
 * An arbitrary of one tuple's values for a stream, derived from its io-ts codec field by field.
 * Fields whose codec cannot be derived (or should be narrower) take an arbitrary in `fields`.
 */
export function tupleOf<V extends Values>(spec: StreamSpec<V>, fields: FieldArbitraries<V> = {}): fc.Arbitrary<V> {
  const props = ((spec.codec as unknown as AnyCodec)["props"] ?? {}) as t.Props;
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const name of spec.fields) {
    const override = (fields as Record<string, fc.Arbitrary<unknown> | undefined>)[name];
    const codec = props[name];
    if (override) record[name] = override;
    else if (codec) record[name] = arbitraryOf(codec as AnyCodec, `field "${name}"`);
    else record[name] = fc.jsonValue();
  }
  return fc.record(record) as unknown as fc.Arbitrary<V>;
}

export interface FaultScheduleOptions {
  /** Most faults in one schedule (default 4). */
  readonly maxFaults?: number;
  /** Latest bolt delivery a fault may strike (default 60). */
  readonly maxAt?: number;
  /** Kinds to draw from (default: fail, throw, kill, stall). */
  readonly kinds?: readonly FaultKind[];
}

/** An arbitrary fault schedule for `simulate` and `assertAtLeastOnce`; shrinks towards fewer, earlier faults. */
export function faultSchedule(options: FaultScheduleOptions = {}): fc.Arbitrary<Fault[]> {
  const kinds = options.kinds ?? (["fail", "throw", "kill", "stall"] as const);
  if (kinds.length === 0) throw new Error("faultSchedule: kinds is empty; name at least one of fail, throw, kill, stall");
  return fc.array(fc.record({ at: fc.nat(options.maxAt ?? 60), kind: fc.constantFrom(...kinds) }), { maxLength: options.maxFaults ?? 4 }) as fc.Arbitrary<Fault[]>;
}
