/**
 * scan: a running fold per key, emitting every intermediate result (anchored to the input that
 * produced it). Without keyBy the whole stream is one key.
 * @module
 */
import { scan as rxScan } from "rxjs";
import { keyed, type Operator } from "../operator.ts";

export const scan = <A, S>(fn: (state: S, value: A, key: unknown) => S, seed: S): Operator<A, S> =>
  keyed(
    "scan",
    (key) => {
      let state = seed;
      return {
        push(item, emit) {
          state = fn(state, item.value as A, key);
          emit({ ...item, value: state });
        },
      };
    },
    (values, key) => values.pipe(rxScan((state: S, value) => fn(state, value as A, key), seed)),
  );
