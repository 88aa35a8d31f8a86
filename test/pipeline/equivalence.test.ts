/**
 * Property: for random inputs and random pipelines, the compiled topology, run task by task through
 * the deterministic model (real PipelineBolts behind ComponentHosts, routed by the topology's
 * groupings), emits the same multiset of values as the same pipeline run in-process with RxJS; and
 * every spout tuple's tree completes (all anchoring done right). Under lost tuples, stateless pipelines
 * still deliver every expected value at least once.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batch,
  compile,
  filter,
  flatMap,
  from,
  keyBy,
  manualClock,
  map,
  reduce,
  runInProcess,
  scan,
  slidingWindow,
  tap,
  tumblingWindow,
  type Operator,
  Pipeline,
  type Window,
} from "squall";
import { TopologyModel } from "./model.ts";

const mod = (x: number, m: number) => ((x % m) + m) % m;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const windowed = (w: Window<number>) => w.start * 1000 + sum(w.items);

type Spec =
  | { t: "map"; a: number; b: number }
  | { t: "filter"; m: number; r: number }
  | { t: "flatMap"; k: number }
  | { t: "tap" }
  | { t: "keyBy"; m: number }
  | { t: "scan" }
  | { t: "reduce" }
  | { t: "tumbleCount"; n: number }
  | { t: "slideCount"; n: number; every: number }
  | { t: "tumbleEvent"; ms: number; late: number }
  | { t: "slideEvent"; ms: number; every: number }
  | { t: "tumbleTime"; ms: number }
  | { t: "batch"; n: number; timed: boolean }
  | { t: "stage"; p: number };

const stateless: fc.Arbitrary<Spec> = fc.oneof(
  fc.record({ t: fc.constant("map" as const), a: fc.integer({ min: -3, max: 3 }), b: fc.integer({ min: -5, max: 5 }) }),
  fc.record({ t: fc.constant("filter" as const), m: fc.integer({ min: 2, max: 4 }), r: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ t: fc.constant("flatMap" as const), k: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ t: "tap" as const }),
);
const spec: fc.Arbitrary<Spec> = fc.oneof(
  { weight: 4, arbitrary: stateless },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("keyBy" as const), m: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("stage" as const), p: fc.integer({ min: 1, max: 3 }) }) },
  fc.constant({ t: "scan" as const }),
  fc.constant({ t: "reduce" as const }),
  fc.record({ t: fc.constant("tumbleCount" as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ t: fc.constant("slideCount" as const), n: fc.integer({ min: 1, max: 3 }), every: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ t: fc.constant("tumbleEvent" as const), ms: fc.integer({ min: 5, max: 20 }), late: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ t: fc.constant("slideEvent" as const), ms: fc.integer({ min: 5, max: 20 }), every: fc.integer({ min: 3, max: 10 }) }),
  fc.record({ t: fc.constant("tumbleTime" as const), ms: fc.integer({ min: 5, max: 20 }) }),
  fc.record({ t: fc.constant("batch" as const), n: fc.integer({ min: 1, max: 3 }), timed: fc.boolean() }),
);

/** The operators of one spec; stateful ones map back to numbers so any spec can follow. */
const operators = (s: Exclude<Spec, { t: "stage" }>): Operator<any, any>[] => {
  const stamp = (x: number) => mod(x, 40);
  switch (s.t) {
    case "map":
      return [map((x: number) => x * s.a + s.b)];
    case "filter":
      return [filter((x: number) => mod(x, s.m) !== s.r % s.m)];
    case "flatMap":
      return [flatMap((x: number) => Array.from({ length: s.k }, (_, i) => x + i))];
    case "tap":
      return [tap(() => {})];
    case "keyBy":
      return [keyBy((x: number) => mod(x, s.m), { name: "k" })];
    case "scan":
      return [scan((acc: number, x: number) => acc + x, 0)];
    case "reduce":
      return [reduce((acc: number, x: number) => acc + x, 0)];
    case "tumbleCount":
      return [tumblingWindow<number>({ count: s.n }), map(windowed)];
    case "slideCount":
      return [slidingWindow<number>({ count: s.n, every: s.every }), map(windowed)];
    case "tumbleEvent":
      return [tumblingWindow<number>({ ms: s.ms, timestamp: stamp, allowedLatenessMs: s.late }), map(windowed)];
    case "slideEvent":
      return [slidingWindow<number>({ ms: s.ms, every: s.every, timestamp: stamp }), map(windowed)];
    case "tumbleTime":
      return [tumblingWindow<number>({ ms: s.ms }), map(windowed)];
    case "batch":
      return [batch<number>(s.timed ? { count: s.n, ms: 50 } : { count: s.n }), map(sum)];
  }
};

const build = (input: readonly number[], specs: readonly Spec[]): Pipeline<unknown> => {
  let p: Pipeline<unknown> = from(input) as Pipeline<unknown>;
  for (const s of specs) p = s.t === "stage" ? p.parallelism(s.p) : new Pipeline(p.source, [...p.operators, ...operators(s)], p.marks);
  return p;
};

const sorted = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).sort();

/** The values the compiled topology's last component emitted (its last field is the value; a pipeline without operators is just its spout). */
const topologyOutput = async (p: Pipeline<unknown>, options: ConstructorParameters<typeof TopologyModel>[1] = {}) => {
  const topology = compile(p, { name: "prop", clock: manualClock(1000) }); // frozen clock: same time in both runs
  const last = topology.describe().components.at(-1)!;
  const model = await new TopologyModel(topology, options).run();
  return { model, values: model.output(last.id).map((v) => v[v.length - 1]) };
};

describe("compiled pipelines agree with the in-process RxJS run", () => {
  it("same multiset of outputs, every tree completed", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 15 }), fc.array(spec, { minLength: 1, maxLength: 6 }), async (input, specs) => {
        const p = build(input, specs);
        const expected = await runInProcess(p, { clock: manualClock(1000) });
        const { model, values } = await topologyOutput(p);
        expect(sorted(values)).toEqual(sorted(expected));
        expect(model.errors).toEqual([]);
        expect([model.acked, model.failed, model.pendingRoots]).toEqual([input.length, 0, 0]);
      }),
      { numRuns: 150 },
    );
  });

  it("keyed stages: each key is handled by exactly one task, for any parallelism", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6 }), async (input, m, p) => {
        const pipeline = from(input).pipe(keyBy((x: number) => mod(x, m), { name: "k" })).parallelism(2).pipe(scan((n: number) => n + 1, 0)).named("count").parallelism(p);
        const { model } = await topologyOutput(pipeline as Pipeline<unknown>);
        const taskOfKey = new Map<unknown, Set<number>>();
        for (const d of model.delivered.filter((d) => d.component === "count")) {
          const set = taskOfKey.get(d.values[0]) ?? new Set();
          set.add(d.task);
          taskOfKey.set(d.values[0], set);
        }
        for (const tasks of taskOfKey.values()) expect(tasks.size).toBe(1);
      }),
      { numRuns: 60 },
    );
  });

  it("under lost tuples, stateless pipelines deliver every expected value at least once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.oneof({ weight: 3, arbitrary: stateless }, fc.record({ t: fc.constant("stage" as const), p: fc.integer({ min: 1, max: 3 }) })), { minLength: 1, maxLength: 5 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }),
        async (input, specs, losses) => {
          const p = build(input, specs);
          const expected = await runInProcess(p, { clock: manualClock(1000) });
          const lose = new Set(losses);
          const { model, values } = await topologyOutput(p, { lose: (n) => lose.has(n) });
          const got = new Set(values.map((v) => JSON.stringify(v)));
          for (const v of expected) expect(got.has(JSON.stringify(v))).toBe(true);
          expect([model.acked, model.pendingRoots]).toEqual([input.length, 0]);
        },
      ),
      { numRuns: 80 },
    );
  });
});
