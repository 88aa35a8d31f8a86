/**
 * Window state per key, shared by tumblingWindow, slidingWindow and batch.
 *
 * Count windows follow RxJS's bufferCount(size, every): a window opens every `every` elements of a key
 * and is emitted when it holds `size`; at the end, open windows are emitted as they are.
 *
 * Time windows are aligned to multiples of `every` (tumbling: every = size): an element at time `ts`
 * belongs to each window [start, start + size) that contains it. Time is the user's `timestamp(value)`
 * (event time) or the clock (processing time). In event time, each key's watermark is the latest
 * timestamp seen minus `allowedLatenessMs`; a window closes once the watermark reaches its end, and an
 * element whose windows have all closed is late and dropped (acked, not emitted). Watermarks are per
 * key so that results do not depend on how keys are spread across tasks. In processing time a window
 * closes once the clock passes its end (checked on each element and each tick). At the end of input
 * every open window is emitted.
 *
 * Every element held by a window keeps its input tuples un-acked until the window is emitted; the
 * window's output is anchored to all of them.
 * @module
 */
import type { ChainContext, Emit, Item, KeyState } from "./operator.ts";
import { unionAnchors } from "./operator.ts";

/** What a window operator emits. Count windows number elements per key: [start, end) are indexes. */
export interface Window<T> {
  readonly key: unknown;
  readonly start: number;
  readonly end: number;
  readonly items: readonly T[];
}

export interface CountWindowSpec {
  readonly count: number;
}

export interface TimeWindowSpec<T> {
  /** Window length in milliseconds. */
  readonly ms: number;
  /** Event time of a value (ms). Without it, windows use processing time (the clock). */
  readonly timestamp?: (value: T) => number;
  /** Event time only: how far behind the latest timestamp an element may arrive and still count. */
  readonly allowedLatenessMs?: number;
  /**
   * Event time only: what becomes of an element whose windows have all closed. "drop" (default) acks it
   * without output; "emit" sends it at once as a window of its own (same start and end), so a replay of
   * an already-emitted window's inputs (after a downstream failure) still reaches the sink: pair it with
   * a sink that adds contributions idempotently (e.g. countOnce in squall/postgres).
   */
  readonly late?: "drop" | "emit";
}

export type WindowSpec<T> = CountWindowSpec | TimeWindowSpec<T>;

export const isCountSpec = <T>(spec: WindowSpec<T>): spec is CountWindowSpec => "count" in spec;

const positive = (what: string, n: number): number => {
  if (!(typeof n === "number" && n > 0 && Number.isFinite(n))) throw new Error(`${what} must be a positive number (got ${n})`);
  return n;
};

/** Checks a spec once, where the operator is written, so mistakes surface at module load. */
export const checkSpec = <T>(op: string, spec: WindowSpec<T>, every: number | undefined): void => {
  if (isCountSpec(spec)) {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error(`${op}: count must be an integer >= 1 (got ${spec.count})`);
    if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw new Error(`${op}: every must be an integer >= 1 (got ${every})`);
  } else {
    positive(`${op}: ms`, spec.ms);
    if (every !== undefined) positive(`${op}: every`, every);
    if (spec.allowedLatenessMs !== undefined && !(spec.allowedLatenessMs >= 0)) throw new Error(`${op}: allowedLatenessMs must be >= 0 (got ${spec.allowedLatenessMs})`);
    if (spec.allowedLatenessMs !== undefined && !spec.timestamp) throw new Error(`${op}: allowedLatenessMs needs a timestamp function (it applies to event time only)`);
    if (spec.late !== undefined && !spec.timestamp) throw new Error(`${op}: late needs a timestamp function (it applies to event time only)`);
    if (spec.late !== undefined && spec.late !== "drop" && spec.late !== "emit") throw new Error(`${op}: late must be "drop" or "emit" (got ${JSON.stringify(spec.late)})`);
  }
};

interface Open {
  readonly start: number;
  readonly end: number;
  readonly items: Item[];
}

type Shape = (key: unknown, start: number, end: number, values: unknown[]) => unknown;

const fire = (ctx: ChainContext, key: unknown, keyId: string, w: Open, shape: Shape, emit: Emit): void => {
  emit({ keyId, key, value: shape(key, w.start, w.end, w.items.map((i) => i.value)), anchors: unionAnchors(w.items) });
  for (const item of w.items) ctx.release(item.anchors);
};

/** bufferCount(size, every) for one key. */
export const countWindows = (size: number, every: number, shape: Shape) => (key: unknown, keyId: string, ctx: ChainContext): KeyState => {
  let index = 0;
  let open: Open[] = [];
  return {
    push(item, emit) {
      if (index % every === 0) open.push({ start: index, end: index + size, items: [] });
      index++;
      for (const w of open) {
        w.items.push(item);
        ctx.retain(item.anchors);
      }
      while (open.length > 0 && open[0]!.items.length >= size) fire(ctx, key, keyId, open.shift()!, shape, emit);
    },
    end(emit) {
      const rest = open;
      open = [];
      for (const w of rest) if (w.items.length > 0) fire(ctx, key, keyId, { ...w, end: w.start + w.items.length }, shape, emit);
    },
  };
};

/** Aligned time windows of `size` every `every` ms for one key. */
export const timeWindows = <T>(spec: TimeWindowSpec<T>, every: number, shape: Shape) => (key: unknown, keyId: string, ctx: ChainContext): KeyState => {
  const size = spec.ms;
  const lateness = spec.allowedLatenessMs ?? 0;
  const open = new Map<number, Open>();
  let closedUpTo = -Infinity;
  let maxTs = -Infinity;
  const closeUpTo = (watermark: number, emit: Emit): void => {
    if (watermark <= closedUpTo) return;
    closedUpTo = watermark;
    const due = [...open.values()].filter((w) => w.end <= watermark).sort((a, b) => a.end - b.end || a.start - b.start);
    for (const w of due) {
      open.delete(w.start);
      fire(ctx, key, keyId, w, shape, emit);
    }
  };
  return {
    push(item, emit) {
      const ts = spec.timestamp ? spec.timestamp(item.value as T) : ctx.clock.now();
      if (typeof ts !== "number" || !Number.isFinite(ts)) throw new Error(`timestamp() returned ${String(ts)} for ${JSON.stringify(item.value)}; return milliseconds as a finite number`);
      for (let start = Math.floor(ts / every) * every; start > ts - size; start -= every) {
        if (start + size <= closedUpTo) {
          // late for this window and all earlier ones
          if (spec.late === "emit") {
            for (let s = start; s > ts - size; s -= every) {
              ctx.retain(item.anchors);
              fire(ctx, key, keyId, { start: s, end: s + size, items: [item] }, shape, emit);
            }
          }
          break;
        }
        let w = open.get(start);
        if (!w) open.set(start, (w = { start, end: start + size, items: [] }));
        w.items.push(item);
        ctx.retain(item.anchors);
      }
      maxTs = Math.max(maxTs, ts);
      closeUpTo(spec.timestamp ? maxTs - lateness : ts, emit);
    },
    tick(now, emit) {
      if (!spec.timestamp) closeUpTo(now, emit);
    },
    end(emit) {
      closeUpTo(Infinity, emit);
    },
  };
};

/** Window output as the window operators emit it. */
export const asWindow: Shape = (key, start, end, items) => ({ key, start, end, items }) satisfies Window<unknown>;
/** Batch output: just the values. */
export const asBatch: Shape = (_key, _start, _end, items) => items;
