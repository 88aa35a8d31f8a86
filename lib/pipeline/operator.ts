/**
 * The one mechanism every operator is built on.
 *
 * An operator has two faces over the same meaning:
 * - `processor`: the bolt side. A fused chain of processors runs inside one bolt task; each element
 *   carries the input tuples it came from (`anchors`), and a processor that holds elements back
 *   (a window, a batch, a reduce) `retain`s their anchors and `release`s them once its output has gone
 *   out, so an input is acked only after everything derived from it was emitted, anchored to it.
 * - `rx`: the in-process side, an RxJS operator over the same elements (anchors empty). It is the
 *   semantic reference the compiled topology is tested against.
 *
 * Operators are uniform and tiny: `stateless(...)` for per-element ones and `perKey(...)` for keyed
 * state; the hard parts (key partitioning, anchor accounting) live here and in chain.ts.
 * @module
 */
import { groupBy, mergeMap, Observable, tap, type OperatorFunction } from "rxjs";
import type { Clock } from "./clock.ts";

/** One element flowing through a pipeline. */
export interface Item {
  /** The key's identity, `JSON.stringify(key)`; "" while the stream is not keyed. */
  readonly keyId: string;
  readonly key: unknown;
  readonly value: unknown;
  /** The input tuples this element derives from (bolt side); empty in-process. */
  readonly anchors: readonly unknown[];
}

export type Emit = (item: Item) => void;

/** What a processor may ask of the chain it runs in. */
export interface ChainContext {
  readonly clock: Clock;
  /** Keep these inputs un-acked until released (once per retain). */
  retain(anchors: readonly unknown[]): void;
  release(anchors: readonly unknown[]): void;
  /** Hold the inputs until the promise settles (acked after it resolves, failed if it rejects). */
  defer(promise: Promise<unknown>, anchors: readonly unknown[]): void;
}

/** The bolt-side state machine of one operator in one task. */
export interface Processor {
  push(item: Item, emit: Emit): void;
  /** Processing time moved on (a tick tuple or a timer). */
  tick?(now: number, emit: Emit): void;
  /** End of input: flush whatever is held. */
  end?(emit: Emit): void;
}

export interface RxContext {
  readonly clock: Clock;
  /** Processing-time operators get a tick this often in-process (0: only on arrivals and at the end). */
  readonly tickMs: number;
}

/**
 * - stateless: per element, fused freely;
 * - keyBy: sets the key, ends its bolt (the next bolt is subscribed with a fields grouping on it);
 * - stateful: per-key state, runs where keys are partitioned (after keyBy, else on one task);
 * - sink: consumes elements, ends the pipeline.
 */
export type OperatorKind = "stateless" | "keyBy" | "stateful" | "sink";

export interface Operator<A, B> {
  /** Shown by `squall visualize`, e.g. "map", "keyBy(word)", "tumblingWindow(count 3)". */
  readonly name: string;
  readonly kind: OperatorKind;
  /** keyBy: the name of the key's field on the wire. */
  readonly keyName?: string;
  /** Reads processing time: its bolt gets tick tuples. */
  readonly timed?: boolean;
  processor(ctx: ChainContext): Processor;
  rx(source: Observable<Item>, ctx: RxContext): Observable<Item>;
  /** Type-only: the element types. */
  readonly _types?: (a: A) => B;
}

export const keyIdOf = (key: unknown): string => JSON.stringify(key ?? null);

/** A per-element operator: `step` for the bolt, `rx` (plain RxJS) for the in-process reference. */
export const stateless = <A, B>(name: string, step: (item: Item, emit: Emit, ctx: ChainContext) => void, rx: OperatorFunction<Item, Item>, kind: OperatorKind = "stateless"): Operator<A, B> => ({
  name,
  kind,
  processor: (ctx) => ({ push: (item, emit) => step(item, emit, ctx) }),
  rx: (source) => source.pipe(rx),
});

/** The state of one key inside a keyed operator. */
export interface KeyState {
  push(item: Item, emit: Emit): void;
  tick?(now: number, emit: Emit): void;
  end?(emit: Emit): void;
}

/** Bolt side of a keyed operator: one KeyState per key, created on the key's first element. */
export const perKeyProcessor = (make: (key: unknown, keyId: string, ctx: ChainContext) => KeyState) => (ctx: ChainContext): Processor => {
  const states = new Map<string, KeyState>();
  const stateOf = (item: Item): KeyState => {
    let state = states.get(item.keyId);
    if (!state) states.set(item.keyId, (state = make(item.key, item.keyId, ctx)));
    return state;
  };
  return {
    push: (item, emit) => stateOf(item).push(item, emit),
    tick: (now, emit) => {
      for (const state of states.values()) state.tick?.(now, emit);
    },
    end: (emit) => {
      for (const state of states.values()) state.end?.(emit);
    },
  };
};

/** In-process side of a keyed operator: RxJS groupBy by key, `perGroup` on each group's values. */
export const perGroup = (perGroupFn: (values: Observable<unknown>, key: unknown) => Observable<unknown>) => (source: Observable<Item>): Observable<Item> => {
  const keys = new Map<string, unknown>();
  return source.pipe(
    tap((item) => keys.set(item.keyId, item.key)),
    groupBy((item) => item.keyId),
    mergeMap((group) => {
      const key = keys.get(group.key);
      return perGroupFn(group.pipe(mergeMap((item) => [item.value])), key).pipe(
        mergeMap((value) => [{ keyId: group.key, key, value, anchors: [] } as Item]),
      );
    }),
  );
};

/** A keyed operator with both faces. */
export const keyed = <A, B>(
  name: string,
  make: (key: unknown, keyId: string, ctx: ChainContext) => KeyState,
  rx: (values: Observable<unknown>, key: unknown, ctx: RxContext) => Observable<unknown>,
  extra: { readonly timed?: boolean } = {},
): Operator<A, B> => ({
  name,
  kind: "stateful",
  ...extra,
  processor: perKeyProcessor(make),
  rx: (source, ctx) => perGroup((values, key) => rx(values, key, ctx))(source),
});

/** Runs a processor as an RxJS operator (for semantics that RxJS has no operator for, e.g. event time). */
export const processorToRx = (make: (ctx: ChainContext) => Processor, timed: boolean) => (source: Observable<Item>, ctx: RxContext): Observable<Item> =>
  new Observable<Item>((subscriber) => {
    const processor = make({ clock: ctx.clock, retain: () => {}, release: () => {}, defer: () => {} });
    const emit: Emit = (item) => subscriber.next(item);
    const timer = timed && ctx.tickMs > 0 && processor.tick ? setInterval(() => processor.tick!(ctx.clock.now(), emit), ctx.tickMs) : undefined;
    const subscription = source.subscribe({
      next: (item) => processor.push(item, emit),
      error: (error: unknown) => subscriber.error(error),
      complete: () => {
        processor.end?.(emit);
        subscriber.complete();
      },
    });
    return () => {
      if (timer) clearInterval(timer);
      subscription.unsubscribe();
    };
  });

/** Anchors of several elements, each input once. */
export const unionAnchors = (items: readonly Item[]): unknown[] => {
  const set = new Set<unknown>();
  for (const item of items) for (const a of item.anchors) set.add(a);
  return [...set];
};
