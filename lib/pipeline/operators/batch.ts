/**
 * batch: groups values per key into arrays of up to `count`, or of whatever arrived within `ms` of the
 * batch's first value (processing time), whichever comes first; at the end of input the rest goes out.
 * Each array is anchored to all of its inputs: for bulk writes with at-least-once delivery.
 * @module
 */
import { bufferCount } from "rxjs";
import { keyed, processorToRx, perKeyProcessor, type ChainContext, type Emit, type Item, type KeyState, type Operator, type Processor } from "../operator.ts";
import { unionAnchors } from "../operator.ts";

export interface BatchSpec {
  readonly count?: number;
  readonly ms?: number;
}

const batchState = (spec: BatchSpec) => (key: unknown, keyId: string, ctx: ChainContext): KeyState => {
  let held: Item[] = [];
  let openedAt = 0;
  const flush = (emit: Emit): void => {
    if (held.length === 0) return;
    const items = held;
    held = [];
    emit({ keyId, key, value: items.map((i) => i.value), anchors: unionAnchors(items) });
    for (const item of items) ctx.release(item.anchors);
  };
  const due = (now: number): boolean => spec.ms !== undefined && held.length > 0 && now - openedAt >= spec.ms;
  return {
    push(item, emit) {
      if (due(ctx.clock.now())) flush(emit);
      if (held.length === 0) openedAt = ctx.clock.now();
      held.push(item);
      ctx.retain(item.anchors);
      if (spec.count !== undefined && held.length >= spec.count) flush(emit);
    },
    tick(now, emit) {
      if (due(now)) flush(emit);
    },
    end: flush,
  };
};

export const batch = <A>(spec: BatchSpec): Operator<A, A[]> => {
  if (spec.count === undefined && spec.ms === undefined) throw new Error("batch: give a count, a time in ms, or both");
  if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) throw new Error(`batch: count must be an integer >= 1 (got ${spec.count})`);
  if (spec.ms !== undefined && !(spec.ms > 0)) throw new Error(`batch: ms must be > 0 (got ${spec.ms})`);
  const name = `batch(${[spec.count !== undefined && `count ${spec.count}`, spec.ms !== undefined && `${spec.ms}ms`].filter(Boolean).join(", ")})`;
  if (spec.ms === undefined) {
    return keyed(name, batchState(spec), (values) => values.pipe(bufferCount(spec.count!)));
  }
  const processor = (ctx: ChainContext): Processor => {
    const inner = perKeyProcessor(batchState(spec))(ctx);
    return { ...inner, push: (item, emit) => (inner.tick!(ctx.clock.now(), emit), inner.push(item, emit)) };
  };
  return { name, kind: "stateful", timed: true, processor, rx: processorToRx(processor, true) };
};
