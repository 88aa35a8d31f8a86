/**
 * The same checks of squall's public API under every runtime: this one script is run by Node (bundled
 * by esbuild, as `squall` loads TypeScript under Node), by Bun and by Deno (both run TypeScript as is,
 * resolving "squall" and "squall/testing" through tsconfig.json paths and deno.json imports).
 *
 * It prints one JSON line: { runtime, results }. runtimes.test.ts asserts the results are the
 * expected ones, and the same under each runtime.
 */
import * as t from "io-ts";
import {
  BatchingBolt,
  Bolt,
  compile,
  flatMap,
  from,
  keyBy,
  ReliableSpout,
  runInProcess,
  scan,
  serializerNamed,
  stream,
  topology,
  type Tuple,
  type TupleOf,
} from "squall";
import { assertAtLeastOnce, assertMatchesInProcess, checkAtLeastOnce, fakeClock, simulate, testComponent } from "squall/testing";

const Sentences = stream({ sentence: t.string });
const Words = stream({ word: t.string });
const Numbers = stream({ n: t.number });

class SentenceSpout extends ReliableSpout({ outputs: { default: Sentences }, maxRetries: Infinity }) {
  private n = 0;
  nextTuple() {
    const id = this.n++;
    this.emit({ sentence: ["a b", "b c a"][id % 2]! }, { id });
  }
}
class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words } }) {
  process(tuple: TupleOf<typeof Sentences>) {
    return this.ack(tuple.fields.sentence.split(" ").map((word) => this.emit({ word })));
  }
}
class Forgetful extends Bolt({ input: Words, outputs: { default: Words } }) {
  process(tuple: TupleOf<typeof Words>) {
    return this.ack(this.emit({ word: tuple.fields.word }, { anchors: [] }));
  }
}
class Sink extends Bolt({ input: Words, outputs: {} }) {
  process() {
    return this.ack();
  }
}
class Sum extends BatchingBolt({ input: Numbers, outputs: { default: Numbers }, batchSize: 10, flushIntervalMs: 500 }) {
  processBatch(_key: string, tuples: readonly Tuple<{ n: number }>[]) {
    return this.ack(this.emit({ n: tuples.reduce((s, x) => s + x.fields.n, 0) }));
  }
}

const runtime = (globalThis as { Deno?: unknown }).Deno ? "deno" : (globalThis as { Bun?: unknown }).Bun ? "bun" : "node";
const results: Record<string, unknown> = {};

// one bolt, in-process
const split = await testComponent(SplitBolt);
const r = await split.tuple({ sentence: "x y" });
results["bolt"] = { acked: r.acked, words: r.emits.map((e) => e.values.word), anchored: r.emits.every((e) => e.anchors[0] === r.id), heartbeat: await split.heartbeat() };

// a spout: emits, fail, replay
const spout = await testComponent(SentenceSpout);
const emitted = await spout.nextN(2);
await spout.fail(emitted[0]!.id!);
results["spout"] = { ids: emitted.map((e) => e.id), replayed: (await spout.next()).emits.map((e) => e.id) };

// a batching bolt on the fake clock
const clock = fakeClock();
const sum = await testComponent(Sum, { clock });
for (const n of [1, 2, 3]) await sum.tuple({ n });
const before = sum.emitted().length;
await sum.advance(500);
results["batching"] = { before, after: sum.emitted(), acks: sum.acks.length, now: clock.now() };

// a pipeline in-process
const words = from(["a b", "b c a"]).pipe(flatMap((s: string) => s.split(" ")), keyBy((w: string) => w), scan((n: number) => n + 1, 0));
results["pipeline"] = (await runInProcess(words)).sort();
results["compiled"] = compile(words, { name: "words" }).describe().components.map((c) => `${c.id}:${c.inputs.map((i) => i.grouping.type).join(",")}`);
await assertMatchesInProcess(words, [["a b", "b c a", "c"], [], ["a a a"]].flat());

// a topology in the simulator, with faults
const wc = topology("wc").spout("sentences", SentenceSpout).bolt("split", SplitBolt, { parallelism: 2 }).shuffle("sentences").bolt("sink", Sink, { parallelism: 2 }).fields("split", ["word"]).build();
const report = await simulate(wc, { messages: 6, seed: 4, faults: [{ at: 1, kind: "kill" }, { at: 5, kind: "fail" }] });
results["simulate"] = { fates: report.messages.map((m) => m.fate), replays: report.messages.reduce((n, m) => n + m.emits - 1, 0) > 0, struck: report.struck.map((f) => f.kind) };
await assertAtLeastOnce(wc, { numRuns: 5, fcSeed: 1 });
const broken = topology("broken").spout("sentences", SentenceSpout).bolt("split", SplitBolt).shuffle("sentences").bolt("relay", Forgetful).shuffle("split").bolt("sink", Sink).shuffle("relay").build();
const caught = await checkAtLeastOnce(broken, { numRuns: 60, fcSeed: 42 });
results["brokenCaught"] = { ok: caught.ok, faults: caught.counterexample?.faults.length };

// the wire formats
const msgpack = serializerNamed("msgpack");
const frames: Uint8Array[] = [];
const writer = msgpack.writer((bytes) => frames.push(bytes.slice()));
writer.write({ command: "emit", tuple: ["é", 1, true, null] });
writer.flush();
const decoder = msgpack.decoder();
results["msgpack"] = frames.flatMap((f) => [...decoder.push(f)]);

console.log(JSON.stringify({ runtime, results }));
