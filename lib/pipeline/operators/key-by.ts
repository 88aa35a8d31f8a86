/**
 * keyBy: partitions the stream by a key. In a topology it ends its bolt: the key travels as a field
 * (named after the property, or `options.name`, default "key") and the next bolt is subscribed with a
 * fields grouping on it, so every element of a key reaches the same task. Per-key operators (scan,
 * reduce, windows, batch) that follow keep their state per key.
 *
 * Keys are compared by `JSON.stringify`, so they must be JSON values (strings, numbers, arrays...).
 * @module
 */
import { map } from "rxjs";
import { keyIdOf, type Operator } from "../operator.ts";

export interface KeyByOptions {
  /** The key's field name on the wire (and in `squall visualize`). */
  readonly name?: string;
}

export function keyBy<A, const P extends keyof A & string>(property: P): Operator<A, A>;
export function keyBy<A>(fn: (value: A) => unknown, options?: KeyByOptions): Operator<A, A>;
export function keyBy<A>(by: string | ((value: A) => unknown), options: KeyByOptions = {}): Operator<A, A> {
  const keyOf = typeof by === "string" ? (value: A) => (value as Record<string, unknown>)[by] : by;
  const name = typeof by === "string" ? by : (options.name ?? "key");
  if (name === "value" || name === "" || name.startsWith("__")) {
    throw new Error(`keyBy: the key field cannot be named "${name}" ("value" carries the element, and "" or "__..." are not valid field names); pass { name: "..." }`);
  }
  const keyed = (item: { value: unknown; anchors: readonly unknown[] }) => {
    const key = keyOf(item.value as A);
    return { keyId: keyIdOf(key), key, value: item.value, anchors: item.anchors };
  };
  return {
    name: `keyBy(${name})`,
    kind: "keyBy",
    keyName: name,
    processor: () => ({ push: (item, emit) => emit(keyed(item)) }),
    rx: (source) => source.pipe(map(keyed)),
  };
}
