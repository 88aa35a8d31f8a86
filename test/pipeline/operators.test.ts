import { describe, expect, it } from "vitest";
import { batch, filter, flatMap, from, keyBy, manualClock, map, reduce, runInProcess, scan, sink, slidingWindow, tap, toObservable, tumblingWindow } from "squall";
import { Chain } from "../../lib/pipeline/chain.ts";
import type { Item, Operator } from "../../lib/pipeline/operator.ts";

const clock = manualClock();
const run = <T>(p: Parameters<typeof runInProcess<T>>[0]) => runInProcess(p, { clock });

describe("operators in-process (the semantic reference)", () => {
  it("map, filter, flatMap, tap", async () => {
    const seen: number[] = [];
    const out = await run(
      from([1, 2, 3, 4]).pipe(
        map((x: number) => x * 10),
        filter((x) => x !== 20),
        flatMap((x) => [x, x + 1]),
        tap((x) => seen.push(x)),
      ),
    );
    expect(out).toEqual([10, 11, 30, 31, 40, 41]);
    expect(seen).toEqual(out);
  });

  it("keyBy then scan keeps a running state per key", async () => {
    const out = await run(from(["a", "b", "a", "a", "b"]).pipe(keyBy((w: string) => w), scan((n: number) => n + 1, 0)));
    expect(out).toEqual([1, 1, 2, 3, 2]);
    // scan's function sees the key
    expect(await run(from([1, 2, 3]).pipe(keyBy((x: number) => x % 2, { name: "parity" }), scan((s: string, x: number, k) => `${s}${k}:${x} `, "")))).toEqual(["1:1 ", "0:2 ", "1:1 1:3 "]);
  });

  it("reduce emits one result per key at the end", async () => {
    expect(await run(from([1, 2, 3, 4, 5]).pipe(keyBy((x: number) => x % 2), reduce((s: number, x: number) => s + x, 0)))).toEqual([9, 6]);
    expect(await run(from([1, 2, 3]).pipe(reduce((s: number, x: number) => s + x, 0)))).toEqual([6]);
  });

  it("tumbling and sliding count windows (as RxJS bufferCount)", async () => {
    const tumbling = await run(from([1, 2, 3, 4, 5]).pipe(tumblingWindow({ count: 2 })));
    expect(tumbling.map((w) => [w.start, w.end, w.items])).toEqual([[0, 2, [1, 2]], [2, 4, [3, 4]], [4, 5, [5]]]);
    const sliding = await run(from([1, 2, 3, 4]).pipe(slidingWindow({ count: 3, every: 1 })));
    expect(sliding.map((w) => w.items)).toEqual([[1, 2, 3], [2, 3, 4], [3, 4], [4]]);
    const keyed = await run(from([1, 2, 3, 4, 5, 6]).pipe(keyBy((x: number) => x % 2), tumblingWindow({ count: 2 })));
    expect(keyed.map((w) => [w.key, w.items])).toEqual([[1, [1, 3]], [0, [2, 4]], [1, [5]], [0, [6]]]);
  });

  it("event-time windows close on the watermark and drop late elements", async () => {
    type Event = { t: number; v: string };
    const events: Event[] = [
      { t: 1, v: "a" },
      { t: 12, v: "b" }, // watermark 12: [0,10) closes
      { t: 5, v: "late" }, // its window closed: dropped
      { t: 25, v: "c" },
    ];
    const out = await run(from(events).pipe(tumblingWindow({ ms: 10, timestamp: (e: Event) => e.t })));
    expect(out.map((w) => [w.start, w.items.map((e) => e.v)])).toEqual([[0, ["a"]], [10, ["b"]], [20, ["c"]]]);
    // with 10 ms of allowed lateness, the straggler still counts
    const lenient = await run(from(events).pipe(tumblingWindow({ ms: 10, timestamp: (e: Event) => e.t, allowedLatenessMs: 10 })));
    expect(lenient.map((w) => [w.start, w.items.map((e) => e.v)])).toEqual([[0, ["a", "late"]], [10, ["b"]], [20, ["c"]]]);
    // late: "emit" sends a straggler at once as a window of its own, instead of dropping it
    const emitted = await run(from(events).pipe(tumblingWindow({ ms: 10, timestamp: (e: Event) => e.t, late: "emit" })));
    expect(emitted.map((w) => [w.start, w.items.map((e) => e.v)])).toEqual([[0, ["a"]], [0, ["late"]], [10, ["b"]], [20, ["c"]]]);
    expect(() => tumblingWindow({ ms: 10, late: "emit" })).toThrow(/late needs a timestamp/);
    // sliding: an element lands in every window that covers it
    const sliding = await run(from([{ t: 7 }]).pipe(slidingWindow({ ms: 10, every: 5, timestamp: (e: { t: number }) => e.t })));
    expect(sliding.map((w) => [w.start, w.end])).toEqual([[0, 10], [5, 15]]);
  });

  it("processing-time windows and batches follow the supplied clock", async () => {
    const c = manualClock(0);
    const out: unknown[] = [];
    const chainOf = (op: Operator<any, any>) =>
      new Chain([op], { clock: c, emit: (item: Item) => out.push(item.value), ack: () => {}, fail: () => {}, error: (_where, e) => {
          throw e;
        } });
    const windows = chainOf(tumblingWindow({ ms: 100 }));
    const item = (value: unknown): Item => ({ keyId: "", key: undefined, value, anchors: [] });
    windows.push(item("a"));
    c.set(50);
    windows.push(item("b"));
    c.set(120);
    windows.tick(); // [0,100) is over
    windows.push(item("c"));
    windows.end();
    expect(out).toEqual([{ key: undefined, start: 0, end: 100, items: ["a", "b"] }, { key: undefined, start: 100, end: 200, items: ["c"] }]);

    out.length = 0;
    c.set(0);
    const batches = chainOf(batch({ count: 3, ms: 100 }));
    for (const v of [1, 2, 3, 4]) batches.push(item(v)); // count 3 fills one
    c.set(150);
    batches.tick(); // 4 waited long enough
    batches.push(item(5));
    batches.end();
    expect(out).toEqual([[1, 2, 3], [4], [5]]);
  });

  it("sink consumes values (async ones too) and emits nothing", async () => {
    const written: number[] = [];
    const out = await run(from([1, 2]).pipe(sink(async (x: number) => void written.push(x))));
    expect(out).toEqual([]);
    expect(written).toEqual([1, 2]);
    expect(() => from([1]).pipe(sink(() => {})).pipe(map((x: never) => x))).toThrow(/ends in a sink/);
  });

  it("rejects bad window and batch specs where they are written", () => {
    expect(() => tumblingWindow({ count: 0 })).toThrow(/count must be an integer >= 1/);
    expect(() => slidingWindow({ ms: 10, every: -1 })).toThrow(/every must be a positive number/);
    expect(() => tumblingWindow({ ms: 10, allowedLatenessMs: 5 })).toThrow(/needs a timestamp/);
    expect(() => batch({})).toThrow(/give a count/);
    expect(() => keyBy((x: number) => x, { name: "value" })).toThrow(/cannot be named "value"/);
  });

  it("a pipeline from a spout class needs an input to run in-process", async () => {
    const { SentenceSpout } = await import("../../examples/wordcount/components.ts");
    const { wordcount } = await import("../../examples/wordcount/pipeline.ts");
    expect(() => toObservable(from(SentenceSpout))).toThrow(/pass \{ input \}/);
    const out = await runInProcess(wordcount, { input: [{ sentence: "a b a" }], clock });
    expect(out).toEqual([{ word: "a", count: 1 }, { word: "b", count: 1 }, { word: "a", count: 2 }]);
  });
});
