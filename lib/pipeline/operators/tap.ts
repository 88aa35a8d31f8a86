/**
 * tap: a side effect per value; the value passes on unchanged.
 * @module
 */
import { tap as rxTap } from "rxjs";
import { stateless, type Operator } from "../operator.ts";

export const tap = <A>(fn: (value: A) => void): Operator<A, A> =>
  stateless(
    "tap",
    (item, emit) => {
      fn(item.value as A);
      emit(item);
    },
    rxTap((item) => fn(item.value as A)),
  );
