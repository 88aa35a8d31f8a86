import { describe, expectTypeOf, it } from "vitest";
import { of } from "rxjs";
import { batch, compile, filter, flatMap, from, keyBy, map, reduce, scan, sink, slidingWindow, tumblingWindow, toObservable, type Pipeline, type Topology, type Window } from "squall";
import type { Observable } from "rxjs";
import { SentenceSpout } from "../../examples/wordcount/components.ts";

describe("pipeline types", () => {
  it("types flow through pipe() from the source", () => {
    expectTypeOf(from([1, 2, 3])).toEqualTypeOf<Pipeline<number>>();
    expectTypeOf(from(of("a"))).toEqualTypeOf<Pipeline<string>>();
    expectTypeOf(from(SentenceSpout)).toEqualTypeOf<Pipeline<{ sentence: string }>>();
    const p = from(SentenceSpout).pipe(
      flatMap(({ sentence }: { sentence: string }) => sentence.split(" ")),
      map((w) => w.length),
      filter((n) => n > 2),
    );
    expectTypeOf(p).toEqualTypeOf<Pipeline<number>>();
    expectTypeOf(toObservable(p)).toEqualTypeOf<Observable<number>>();
    expectTypeOf(compile(p, { name: "x" })).toEqualTypeOf<Topology>();
  });

  it("per-key operators, windows and batches have exact output types", () => {
    expectTypeOf(from([1]).pipe(keyBy((x: number) => x % 2), scan((s: string, x: number) => s + x, ""))).toEqualTypeOf<Pipeline<string>>();
    expectTypeOf(from([1]).pipe(reduce((s: number, x: number) => s + x, 0))).toEqualTypeOf<Pipeline<number>>();
    expectTypeOf(from([1]).pipe(tumblingWindow<number>({ count: 2 }))).toEqualTypeOf<Pipeline<Window<number>>>();
    expectTypeOf(from(["a"]).pipe(slidingWindow<string>({ ms: 10, every: 5 }))).toEqualTypeOf<Pipeline<Window<string>>>();
    expectTypeOf(from([1]).pipe(batch<number>({ count: 10 }))).toEqualTypeOf<Pipeline<number[]>>();
    expectTypeOf(from([1]).pipe(sink((_x: number) => {}))).toEqualTypeOf<Pipeline<never>>();
  });

  it("keyBy by property name only accepts properties of the element", () => {
    from([{ word: "a", n: 1 }]).pipe(keyBy("word"));
    // @ts-expect-error "wrod" is not a property of the elements
    from([{ word: "a", n: 1 }]).pipe(keyBy("wrod"));
  });

  it("an operator must accept what the previous one produces", () => {
    // @ts-expect-error map expects numbers but the stream carries strings
    from(["a"]).pipe(map((x: number) => x + 1));
    // @ts-expect-error the second operator expects strings, the first produces numbers
    from([1]).pipe(map((x: number) => x * 2), map((s: string) => s.length));
    // @ts-expect-error event-time timestamp must take the element type
    from(["a"]).pipe(tumblingWindow({ ms: 10, timestamp: (x: number) => x }));
  });

  it("filter with a type guard narrows", () => {
    const p = from<string | number>([1, "a"]).pipe(filter((x): x is string => typeof x === "string"));
    expectTypeOf(p).toEqualTypeOf<Pipeline<string>>();
  });
});
