import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { Bolt, ManualBolt, Spout, stream, type TupleOf } from "squall";
import { fakeClock, testComponent } from "squall/testing";
import { NumberSpout, Numbers, Relay, SumBatches } from "./fixtures.ts";

const Sentences = stream({ sentence: t.string });
const Words = stream({ word: t.string });

class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words, long: Words } }) {
  process(tuple: TupleOf<typeof Sentences>) {
    const words = tuple.fields.sentence.split(" ").filter((w) => w !== "");
    if (words.length === 0) return this.fail("empty sentence");
    this.log.debug(`split into ${words.length}`);
    return this.ack(words.map((word) => this.emit({ word }, { stream: word.length > 4 ? "long" : "default" })));
  }
}

describe("ComponentTester: bolts", () => {
  it("records emits with their stream, values and anchors, then the ack", async () => {
    const split = await testComponent(SplitBolt);
    const r = await split.tuple({ sentence: "the quick fox" });
    expect(r.acked).toBe(true);
    expect(r.failed).toBe(false);
    expect(r.emits.map((e) => [e.stream, e.values])).toEqual([
      ["default", { word: "the" }],
      ["long", { word: "quick" }],
      ["default", { word: "fox" }],
    ]);
    expect(r.emits.every((e) => e.anchors.length === 1 && e.anchors[0] === r.id)).toBe(true);
    expect(split.emitted("long")).toEqual([{ word: "quick" }]);
    expect(split.logged("debug")).toEqual(["split into 3"]);
  });

  it("records fails, thrown errors and reported errors", async () => {
    class Throws extends Bolt({ input: Numbers, outputs: {} }) {
      process(tuple: TupleOf<typeof Numbers>) {
        if (tuple.fields.n < 0) throw new Error("negative");
        return this.ack();
      }
    }
    const bolt = await testComponent(Throws);
    expect((await bolt.tuple({ n: -1 })).failed).toBe(true);
    expect(bolt.errors.join()).toMatch(/negative/);
    expect((await bolt.tuple({ n: 1 })).acked).toBe(true);
    const split = await testComponent(SplitBolt);
    expect((await split.tuple({ sentence: " " })).failed).toBe(true);
  });

  it("waits for async process() and answers heartbeats", async () => {
    class Slow extends Bolt({ input: Numbers, outputs: { default: Numbers } }) {
      async process(tuple: TupleOf<typeof Numbers>) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return this.ack(this.emit({ n: tuple.fields.n + 1 }));
      }
    }
    const slow = await testComponent(Slow);
    expect(await slow.heartbeat()).toBe(true);
    const r = await slow.tuple({ n: 1 });
    expect(r.emits.map((e) => e.values)).toEqual([{ n: 2 }]);
    expect(slow.messages.some((m) => "command" in m && m.command === "ack")).toBe(true);
  });

  it("manual bolts: anchors are what the bolt says", async () => {
    class Manual extends ManualBolt({ input: Numbers, outputs: { default: Numbers } }) {
      process(tuple: TupleOf<typeof Numbers>) {
        this.emit({ n: tuple.fields.n }, { anchors: [tuple] });
        this.emit({ n: -tuple.fields.n });
        this.ackTuple(tuple);
      }
    }
    const bolt = await testComponent(Manual);
    const r = await bolt.tuple({ n: 5 });
    expect(r.emits.map((e) => e.anchors)).toEqual([[r.id], []]);
  });

  it("batching bolts flush as the fake clock advances, and on ticks", async () => {
    const clock = fakeClock(0);
    const bolt = await testComponent(SumBatches, { clock, tickSecs: 5 });
    await bolt.tuple({ n: 1 });
    await bolt.tuple({ n: 2 });
    expect(bolt.emits).toEqual([]);
    await bolt.advance(999);
    expect(bolt.emits).toEqual([]);
    await bolt.advance(1);
    expect(bolt.emitted()).toEqual([{ n: 3 }]);
    expect(bolt.acks).toHaveLength(2);
    expect(clock.now()).toBe(1000);
    await bolt.tuple({ n: 10 });
    await bolt.tuple({ n: 20 });
    await bolt.tuple({ n: 30 });
    expect(bolt.emitted()).toEqual([{ n: 3 }, { n: 60 }]); // batchSize 3
    await bolt.tuple({ n: 7 });
    const tick = await bolt.tick();
    expect(tick.acked).toBe(true);
    expect(bolt.emitted().at(-1)).toEqual({ n: 7 });
  });

  it("rejects emits that do not fit the stream (validation is on in tests)", async () => {
    class Bad extends Bolt({ input: Numbers, outputs: { default: Numbers } }) {
      process(_tuple: TupleOf<typeof Numbers>) {
        return this.ack(this.emit({ n: "one" as unknown as number }));
      }
    }
    const bad = await testComponent(Bad);
    const r = await bad.tuple({ n: 1 });
    expect(r.failed).toBe(true);
    expect(bad.errors.join()).toMatch(/do not fit stream "default"/);
  });

  it("says how to fix a record sent to a bolt with no declared input", async () => {
    class Untyped extends Bolt({ outputs: {} }) {
      process() {
        return this.ack();
      }
    }
    const bolt = await testComponent(Untyped);
    await expect(bolt.tuple({ x: 1 })).rejects.toThrow(/declare the bolt's input/);
    expect((await bolt.tuple([1])).acked).toBe(true);
    const typed = await testComponent(Untyped, { inputs: { src: { default: ["x"] } } });
    expect((await typed.tuple({ x: 1 })).acked).toBe(true);
  });
});

describe("ComponentTester: spouts", () => {
  it("next, ack and fail: failed messages are replayed with their id", async () => {
    const spout = await testComponent(NumberSpout);
    expect((await spout.activate()).synced).toBe(true);
    const first = await spout.nextN(3);
    expect(first.map((e) => [e.id, e.values])).toEqual([
      [0, { n: 0 }],
      [1, { n: 1 }],
      [2, { n: 2 }],
    ]);
    await spout.ack(0);
    expect((await spout.fail(1)).synced).toBe(true);
    const replay = await spout.next();
    expect(replay.emits.map((e) => [e.id, e.values])).toEqual([[1, { n: 1 }]]);
    expect(spout.component.pendingCount).toBe(2);
  });

  it("answers emits that asked for task ids", async () => {
    class Asks extends Spout({ outputs: { default: Numbers } }) {
      seen: readonly number[] = [];
      async nextTuple() {
        this.seen = await this.emit({ n: 1 }, { needTaskIds: true });
      }
    }
    const spout = await testComponent(Asks, { taskIds: () => [7, 8] });
    await spout.next();
    expect(spout.component.seen).toEqual([7, 8]);
  });

  it("close() drains and calls close()", async () => {
    let closed = false;
    class Closing extends Relay {
      override close() {
        closed = true;
      }
    }
    const bolt = await testComponent(Closing);
    await bolt.tuple({ n: 1 });
    await bolt.close();
    expect(closed).toBe(true);
  });
});
