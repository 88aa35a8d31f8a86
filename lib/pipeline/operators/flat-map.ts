/**
 * flatMap: one value in, any number out (from an array or other iterable), each anchored to the input.
 * @module
 */
import { mergeMap } from "rxjs";
import { stateless, type Operator } from "../operator.ts";

export const flatMap = <A, B>(fn: (value: A) => Iterable<B>): Operator<A, B> =>
  stateless(
    "flatMap",
    (item, emit) => {
      for (const value of fn(item.value as A)) emit({ ...item, value });
    },
    mergeMap((item) => Array.from(fn(item.value as A), (value) => ({ ...item, value }))),
  );
