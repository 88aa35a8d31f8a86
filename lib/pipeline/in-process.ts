/**
 * Runs a pipeline in this process as a plain RxJS Observable: for tests, for small jobs, and as the
 * semantic reference a compiled topology must agree with (up to the order of elements across keys).
 * @module
 */
import { from as rxFrom, lastValueFrom, map, Observable, toArray } from "rxjs";
import { systemClock, type Clock } from "./clock.ts";
import type { Item, RxContext } from "./operator.ts";
import type { Pipeline } from "./pipeline.ts";

export interface InProcessOptions<I = unknown> {
  /** Replaces the pipeline's source (required when it starts from a spout class). */
  readonly input?: Observable<I> | AsyncIterable<I> | Iterable<I>;
  /** Processing time (default: the system clock). */
  readonly clock?: Clock;
  /** How often processing-time operators get a tick (default: 1000 ms on the system clock, else never). */
  readonly tickMs?: number;
}

const sourceOf = (pipeline: Pipeline<unknown>, input: unknown): Observable<unknown> => {
  if (input !== undefined) return rxFrom(input as Iterable<unknown>);
  const source = pipeline.source;
  switch (source.kind) {
    case "observable":
      return source.observable;
    case "async":
    case "iterable":
      return rxFrom(source.iterable);
    case "spout":
      throw new Error(`toObservable: the pipeline starts from the spout class ${source.spout.name}, which runs only in a topology; pass { input } with the values it would emit (as records of its fields)`);
  }
};

/** The pipeline's output as an Observable (a sink's output is empty). */
export function toObservable<T>(pipeline: Pipeline<T>, options: InProcessOptions = {}): Observable<T> {
  const clock = options.clock ?? systemClock;
  const ctx: RxContext = { clock, tickMs: options.tickMs ?? (clock === systemClock ? 1000 : 0) };
  let items: Observable<Item> = sourceOf(pipeline as Pipeline<unknown>, options.input).pipe(map((value): Item => ({ keyId: "", key: undefined, value, anchors: [] })));
  for (const op of pipeline.operators) items = op.rx(items, ctx);
  return items.pipe(map((item) => item.value as T));
}

/** Runs a finite pipeline in-process and resolves with all of its output. */
export const runInProcess = <T>(pipeline: Pipeline<T>, options: InProcessOptions = {}): Promise<T[]> =>
  lastValueFrom(toObservable(pipeline, options).pipe(toArray()));
