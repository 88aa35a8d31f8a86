/**
 * reduce: a fold per key, emitted once at the end of input and anchored to every input it folded.
 * Streams on Storm do not end: use it for bounded runs, and windows for unbounded streams.
 * @module
 */
import { reduce as rxReduce } from "rxjs";
import { keyed, type Item, type Operator } from "../operator.ts";
import { unionAnchors } from "../operator.ts";

export const reduce = <A, S>(fn: (state: S, value: A, key: unknown) => S, seed: S): Operator<A, S> =>
  keyed(
    "reduce",
    (key, keyId, ctx) => {
      let state = seed;
      let held: Item[] = [];
      return {
        push(item) {
          state = fn(state, item.value as A, key);
          ctx.retain(item.anchors);
          held.push(item);
        },
        end(emit) {
          if (held.length === 0) return;
          const inputs = held;
          held = [];
          emit({ keyId, key, value: state, anchors: unionAnchors(inputs) });
          for (const item of inputs) ctx.release(item.anchors);
        },
      };
    },
    (values, key) => values.pipe(rxReduce((state: S, value) => fn(state, value as A, key), seed)),
  );
