import fc from "fast-check";
import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { filter, flatMap, from, keyBy, map, reduce, scan, stream, tumblingWindow, type Pipeline } from "squall";
import {
  assertAtLeastOnce,
  assertKeysPartitioned,
  assertMatchesInProcess,
  AtLeastOnceError,
  checkAtLeastOnce,
  faultSchedule,
  simulate,
  tupleOf,
} from "squall/testing";
import { ForgetfulRelay, pipelineOf, Relay } from "./fixtures.ts";
import { Bolt, topology, type TupleOf } from "squall";
import { NumberSpout, Numbers } from "./fixtures.ts";

describe("simulate", () => {
  it("reports every spout message acked, and every delivery, with no faults", async () => {
    const report = await simulate(pipelineOf(Relay, "ok"), { messages: 6, seed: 3 });
    expect(report.finished).toBe(true);
    expect(report.messages.map((m) => [m.id, m.fate, m.emits])).toEqual([0, 1, 2, 3, 4, 5].map((n) => [n, "acked", 1]));
    expect(report.deliveries.filter((d) => d.component === "sink").map((d) => d.fields["n"]).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(report.deliveries.every((d) => d.acked)).toBe(true);
  });

  it("replays what a fault lost: a killed tuple's message is emitted again and acked", async () => {
    const report = await simulate(pipelineOf(Relay, "ok"), { messages: 4, seed: 3, faults: [{ at: 1, kind: "kill" }, { at: 4, kind: "stall" }] });
    expect(report.finished).toBe(true);
    expect(report.struck.map((f) => f.kind)).toEqual(["kill", "stall"]);
    expect(report.messages.every((m) => m.fate === "acked")).toBe(true);
    expect(report.messages.some((m) => m.emits > 1)).toBe(true);
  });

  it("is deterministic", async () => {
    const run = () => simulate(pipelineOf(Relay, "ok"), { messages: 5, seed: 9, faults: [{ at: 2, kind: "fail" }, { at: 3, kind: "throw" }] });
    const [a, b] = [await run(), await run()];
    expect(a.deliveries).toEqual(b.deliveries);
    expect(a.messages).toEqual(b.messages);
  });

  it("refuses shell and JVM components with a clear error", async () => {
    const { java } = await import("squall");
    const jvm = topology("jvm").spout("numbers", NumberSpout).bolt("j", java({ className: "org.example.Bolt", outputs: {} })).shuffle("numbers").build();
    await expect(simulate(jvm)).rejects.toThrow(/component "j" is a java component; the simulator runs only squall components/);
  });
});

describe("assertAtLeastOnce", () => {
  it("passes for a topology that anchors its emits, under random faults", async () => {
    await assertAtLeastOnce(pipelineOf(Relay, "anchored"), { numRuns: 25, fcSeed: 11 });
  });

  it("catches a bolt that forgets to anchor, and shrinks the case to one fault and few messages", async () => {
    const started = performance.now();
    const result = await checkAtLeastOnce(pipelineOf(ForgetfulRelay, "forgetful"), { numRuns: 100, fcSeed: 42 });
    expect(result.ok).toBe(false);
    const c = result.counterexample!;
    expect(c.faults).toHaveLength(1);
    expect(["kill", "stall", "fail", "throw"]).toContain(c.faults[0]!.kind);
    expect(c.messages).toBeLessThanOrEqual(2);
    expect(c.faults[0]!.at).toBeLessThanOrEqual(4);
    expect(c.problems.join("\n")).toMatch(/bolt "sink" never processed \{"n":\d+\} from relay\/default.*anchored/s);
    expect(performance.now() - started).toBeLessThan(60_000);
    // assertAtLeastOnce throws the same case, readable.
    const error = await assertAtLeastOnce(pipelineOf(ForgetfulRelay, "forgetful"), { numRuns: 100, fcSeed: 42 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AtLeastOnceError);
    expect(String(error)).toMatch(/topology "forgetful" is not at-least-once: with \d message\(s\) per spout task and faults \[\{"at":\d+,"kind":"\w+"\}\]/);
  }, 120_000);

  it("a fixed schedule runs once", async () => {
    const result = await checkAtLeastOnce(pipelineOf(ForgetfulRelay, "forgetful"), { faults: [], messages: 3 });
    expect(result).toMatchObject({ ok: true, numRuns: 1 });
  });
});

describe("assertKeysPartitioned", () => {
  class Count extends Bolt({ input: Numbers, outputs: {} }) {
    process(_tuple: TupleOf<typeof Numbers>) {
      return this.ack();
    }
  }
  it("holds for a fields grouping", async () => {
    const keyed = topology("keyed").spout("numbers", NumberSpout).bolt("count", Count, { parallelism: 3 }).fields("numbers", ["n"]).build();
    await assertKeysPartitioned(keyed, { messages: 30 });
  });
  it("fails for a shuffle grouping with a custom key, naming the key and tasks", async () => {
    const shuffled = topology("shuffled").spout("numbers", NumberSpout).bolt("count", Count, { parallelism: 3 }).shuffle("numbers").build();
    await expect(assertKeysPartitioned(shuffled, { component: "count", key: (f) => Number(f["n"]) % 2, messages: 10 })).rejects.toThrow(
      /bolt "count": key 0 reached tasks \d, \d/,
    );
    await expect(assertKeysPartitioned(shuffled, { component: "count" })).rejects.toThrow(/has no fields grouping.*pass \{ key/);
  });
});

describe("assertMatchesInProcess", () => {
  const pipelines: [string, Pipeline<unknown>][] = [
    ["word count", from<string>([]).pipe(flatMap((s: string) => s.split(" ")), keyBy((w: string) => w, { name: "word" })).parallelism(2).pipe(scan((n: number) => n + 1, 0)).parallelism(3) as Pipeline<unknown>],
    ["filter, map, reduce", from<number>([]).pipe(filter((n: number) => n % 3 !== 0), map((n: number) => n * 2), reduce((a: number, n: number) => a + n, 0)) as Pipeline<unknown>],
    ["windows", from<number>([]).pipe(keyBy((n: number) => n % 2), tumblingWindow<number>({ count: 2 }), map((w) => w.items.length)).parallelism(2) as Pipeline<unknown>],
  ];
  it.each(pipelines)("holds for %s", async (_name, pipeline) => {
    const input = _name === "word count" ? fc.array(fc.constantFrom("a b", "b c a", "d"), { maxLength: 8 }) : fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 12 });
    await assertMatchesInProcess(pipeline, input as fc.Arbitrary<readonly unknown[]>, { numRuns: 30 });
  });
  it("fails, with the difference, when the compiled topology differs (an operator with hidden per-task state)", async () => {
    let seen = 0;
    // Counts in a closure shared across tasks in-process, but not per task in the topology: not a pure operator.
    const impure = from<number>([]).pipe(map((n: number) => n + (seen++ % 2 === 0 ? 0 : 100))).parallelism(2) as Pipeline<unknown>;
    await expect(assertMatchesInProcess(impure, [1, 2, 3])).rejects.toThrow(/does not match its in-process run for inputs \[1,2,3\]/);
  });
});

describe("arbitraries", () => {
  it("tupleOf derives values that fit the stream's codec", () => {
    const Views = stream({ url: t.string, n: t.number, bot: t.boolean, tags: t.array(t.string), kind: t.union([t.literal("a"), t.literal("b")]), count: t.Int, extra: t.partial({ x: t.null }) });
    fc.assert(fc.property(tupleOf(Views), (v) => Views.codec.is(v)), { numRuns: 200 });
    fc.assert(fc.property(tupleOf(Views, { url: fc.constant("/") }), (v) => v.url === "/"));
  });
  it("tupleOf names the field it cannot derive", () => {
    const Odd = stream({ when: new t.Type<Date, string, unknown>("DateFromString", (u): u is Date => u instanceof Date, (u, c) => t.failure(u, c), (d) => d.toISOString()) });
    expect(() => tupleOf(Odd)).toThrow(/field "when".*pass an arbitrary for that field/);
  });
  it("faultSchedule draws from the kinds asked for", () => {
    for (const schedule of fc.sample(faultSchedule({ kinds: ["kill"], maxAt: 5, maxFaults: 3 }), 50)) {
      expect(schedule.length).toBeLessThanOrEqual(3);
      for (const f of schedule) expect(f).toMatchObject({ kind: "kill" });
      for (const f of schedule) expect(f.at).toBeLessThanOrEqual(5);
    }
  });
});
