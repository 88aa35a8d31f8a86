/**
 * Pipelines: a source, then operators, RxJS style.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { compile, flatMap, from, keyBy, ReliableSpout, scan, stream } from "squall";
 *
 * class SentenceSpout extends ReliableSpout({ outputs: { default: stream({ sentence: t.string }) } }) {
 *   private n = 0;
 *   nextTuple() {
 *     this.emit({ sentence: "the cow jumped over the moon" }, { id: this.n++ });
 *   }
 * }
 *
 * const counts = from(SentenceSpout)
 *   .named("sentences")
 *   .pipe(flatMap(({ sentence }) => sentence.split(" ")), keyBy((word: string) => word, { name: "word" }))
 *   .named("split").parallelism(2)
 *   .pipe(scan((n: number) => n + 1, 0))
 *   .named("count").parallelism(2);
 * export default compile(counts, { name: "wordcount" });
 * ```
 *
 * `.named(id)`, `.parallelism(n)`, `.numTasks(n)` and `.config({...})` set the stage (bolt) holding the
 * operators written so far, or the spout when no operator was written yet; they also end that stage,
 * so the operators after them run in a new bolt.
 * @module
 */
import type { Observable } from "rxjs";
import type { SpoutBase } from "../component/spout.ts";
import type { Outputs, ValuesOf } from "../component/stream.ts";
import type { Operator } from "./operator.ts";

/** Where a pipeline's values come from. */
export type PipelineSource<T> =
  | { readonly kind: "spout"; readonly spout: SpoutClassLike }
  | { readonly kind: "observable"; readonly observable: Observable<T> }
  | { readonly kind: "async"; readonly iterable: AsyncIterable<T> }
  | { readonly kind: "iterable"; readonly iterable: Iterable<T> };

/** A squall spout class whose "default" stream feeds the pipeline. */
export type SpoutClassLike = (abstract new () => SpoutBase<any>) & { readonly declaration: { readonly outputs: Outputs } };

export interface StageSettings {
  readonly id?: string;
  readonly parallelism?: number;
  readonly numTasks?: number;
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Settings of the stage that ends after `after` operators (0: the spout). */
export interface StageMark extends StageSettings {
  readonly after: number;
}

type Op<A, B> = Operator<A, B>;

export class Pipeline<T> {
  constructor(
    readonly source: PipelineSource<unknown>,
    readonly operators: readonly Operator<any, any>[] = [],
    readonly marks: readonly StageMark[] = [],
  ) {}

  pipe(): Pipeline<T>;
  pipe<A>(op1: Op<T, A>): Pipeline<A>;
  pipe<A, B>(op1: Op<T, A>, op2: Op<A, B>): Pipeline<B>;
  pipe<A, B, C>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>): Pipeline<C>;
  pipe<A, B, C, D>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>): Pipeline<D>;
  pipe<A, B, C, D, E>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>): Pipeline<E>;
  pipe<A, B, C, D, E, F>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>, op6: Op<E, F>): Pipeline<F>;
  pipe<A, B, C, D, E, F, G>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>, op6: Op<E, F>, op7: Op<F, G>): Pipeline<G>;
  pipe<A, B, C, D, E, F, G, H>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>, op6: Op<E, F>, op7: Op<F, G>, op8: Op<G, H>): Pipeline<H>;
  pipe<A, B, C, D, E, F, G, H, I>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>, op6: Op<E, F>, op7: Op<F, G>, op8: Op<G, H>, op9: Op<H, I>): Pipeline<I>;
  pipe<A, B, C, D, E, F, G, H, I, J>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>, op6: Op<E, F>, op7: Op<F, G>, op8: Op<G, H>, op9: Op<H, I>, op10: Op<I, J>): Pipeline<J>;
  // Beyond ten operators, chain another `.pipe(...)`: the types stay exact.
  pipe(...ops: Op<any, any>[]): Pipeline<unknown> {
    if (this.operators.some((op) => op.kind === "sink") && ops.length > 0) {
      throw new Error(`pipe(${ops.map((o) => o.name).join(", ")}): the pipeline already ends in a sink; operators after a sink would receive nothing`);
    }
    return new Pipeline(this.source, [...this.operators, ...ops], this.marks);
  }

  /** Names the current stage (its component id in the topology). */
  named(id: string): Pipeline<T> {
    return this.mark({ id });
  }

  /** Executors of the current stage. */
  parallelism(n: number): Pipeline<T> {
    return this.mark({ parallelism: n });
  }

  /** Tasks of the current stage (default: its parallelism). */
  numTasks(n: number): Pipeline<T> {
    return this.mark({ numTasks: n });
  }

  /** Storm config of the current stage's component. */
  config(config: Readonly<Record<string, unknown>>): Pipeline<T> {
    return this.mark({ config });
  }

  private mark(settings: StageSettings): Pipeline<T> {
    const after = this.operators.length;
    const last = this.marks[this.marks.length - 1];
    const marks =
      last && last.after === after
        ? [...this.marks.slice(0, -1), { ...last, ...settings, config: { ...last.config, ...settings.config } }]
        : [...this.marks, { after, ...settings }];
    return new Pipeline(this.source, this.operators, marks);
  }
}

const isSpoutClass = (value: unknown): value is SpoutClassLike =>
  typeof value === "function" && typeof (value as { prototype?: { handleNext?: unknown } }).prototype?.handleNext === "function";
const isObservable = (value: unknown): value is Observable<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { subscribe?: unknown }).subscribe === "function" && typeof (value as { pipe?: unknown }).pipe === "function";

/** The values of a spout class's default stream. */
export type SpoutValues<S> = S extends { readonly declaration: { readonly outputs: { readonly default: infer D } } } ? ValuesOf<D> : never;

/**
 * Starts a pipeline from a squall spout class (its "default" stream, values as records), an RxJS
 * Observable, an async iterable or an iterable (an array...). Non-spout sources become a generated
 * reliable spout: each value is kept by message id until acked, and replayed when it fails.
 */
export function from<S extends SpoutClassLike>(spout: S): Pipeline<SpoutValues<S>>;
export function from<T>(source: Observable<T> | AsyncIterable<T> | Iterable<T>): Pipeline<T>;
export function from(source: unknown): Pipeline<unknown> {
  if (isSpoutClass(source)) {
    if (!("default" in source.declaration.outputs)) {
      throw new Error(`from(${source.name}): the spout declares no "default" stream (streams: ${Object.keys(source.declaration.outputs).join(", ") || "none"}); a pipeline reads the default stream`);
    }
    return new Pipeline({ kind: "spout", spout: source });
  }
  if (isObservable(source)) return new Pipeline({ kind: "observable", observable: source });
  if (typeof source === "object" && source !== null && Symbol.asyncIterator in source) return new Pipeline({ kind: "async", iterable: source as AsyncIterable<unknown> });
  if (typeof source === "object" && source !== null && Symbol.iterator in source) return new Pipeline({ kind: "iterable", iterable: source as Iterable<unknown> });
  throw new Error(`from(${String(source)}): expected a spout class, an Observable, an async iterable or an iterable (e.g. an array)`);
}
