/**
 * sink: consumes each value (write it somewhere); ends the pipeline. An async sink holds its input
 * un-acked until the promise resolves, and fails it if the promise rejects.
 * @module
 */
import { EMPTY, from, ignoreElements, mergeMap } from "rxjs";
import type { Operator } from "../operator.ts";

const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as { then?: unknown } | null)?.then === "function";

export const sink = <A>(fn: (value: A) => void | Promise<void>, name = "sink"): Operator<A, never> => ({
  name,
  kind: "sink",
  processor: (ctx) => ({
    push(item) {
      const result = fn(item.value as A);
      if (isPromise(result)) ctx.defer(result, item.anchors);
    },
  }),
  rx: (source) =>
    source.pipe(
      mergeMap((item) => {
        const result = fn(item.value as A);
        return isPromise(result) ? from(result).pipe(ignoreElements()) : EMPTY;
      }),
    ),
});
