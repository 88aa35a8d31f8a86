/**
 * Tests of the word count, with squall's testing kit: no Storm, no processes, deterministic.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertAtLeastOnce, assertKeysPartitioned, assertMatchesInProcess, simulate, testComponent, tupleOf } from "squall/testing";
import { CountBolt, SentenceSpout, Sentences, SplitBolt } from "../topologies/components.ts";
import wordcount from "../topologies/wordcount.ts";
import { wordcount as pipeline } from "../topologies/wordcount-pipeline.ts";

describe("components, one at a time", () => {
  it("SplitBolt emits one word per word, anchored to the sentence, then acks it", async () => {
    const split = await testComponent(SplitBolt);
    const result = await split.tuple({ sentence: "the cow  jumped" });
    expect(result.acked).toBe(true);
    expect(result.emits.map((e) => e.values)).toEqual([{ word: "the" }, { word: "cow" }, { word: "jumped" }]);
    expect(result.emits.every((e) => e.anchors.includes(result.id))).toBe(true);
  });

  it("SplitBolt acks every sentence, whatever it holds", async () => {
    const split = await testComponent(SplitBolt);
    await fc.assert(
      fc.asyncProperty(tupleOf(Sentences), async (sentence) => {
        const result = await split.tuple(sentence);
        expect(result.acked).toBe(true);
        expect(result.emits.map((e) => e.values.word).join(" ")).toBe(sentence.sentence.split(/\s+/).filter((w) => w !== "").join(" "));
      }),
    );
  });

  it("CountBolt counts", async () => {
    const count = await testComponent(CountBolt);
    for (const word of ["a", "b", "a"]) await count.tuple({ word });
    expect(count.emitted()).toEqual([
      { word: "a", count: 1 },
      { word: "b", count: 1 },
      { word: "a", count: 2 },
    ]);
    expect(count.component.counts.get("a")).toBe(2);
  });

  it("SentenceSpout replays a failed sentence", async () => {
    const spout = await testComponent(SentenceSpout);
    const [first] = await spout.nextN(2);
    await spout.fail(first!.id!);
    const replay = await spout.next();
    expect(replay.emits.map((e) => e.id)).toEqual([first!.id]);
  });
});

describe("the whole topology, in the deterministic simulator", () => {
  it("counts every word of every sentence", async () => {
    const report = await simulate(wordcount, { messages: 5 });
    expect(report.messages.map((m) => m.fate)).toEqual(["acked", "acked", "acked", "acked", "acked"]);
    const counted = report.deliveries.filter((d) => d.component === "count").map((d) => d.fields["word"]);
    expect(counted).toHaveLength(32); // the words of the five sentences
  });

  it("processes every sentence at least once, whatever fails", async () => {
    await assertAtLeastOnce(wordcount, { numRuns: 20 });
  });

  it("sends each word to one count task", async () => {
    await assertKeysPartitioned(wordcount, { component: "count" });
  });

  it("the pipeline version computes what its in-process run computes", async () => {
    await assertMatchesInProcess(pipeline, fc.array(fc.record({ sentence: fc.constantFrom("a b a", "b c", "the cow") }), { maxLength: 8 }), { numRuns: 30 });
  });
});
