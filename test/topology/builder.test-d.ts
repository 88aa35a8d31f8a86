import * as t from "io-ts";
import { describe, expectTypeOf, it } from "vitest";
import { Bolt, direct, fields, java, shell, Spout, stream, topology, type Topology, type TupleOf } from "squall";
import { CountBolt, SentenceSpout, SplitBolt } from "../../examples/wordcount/components.ts";

const Words = stream({ word: t.string, lang: t.string });
class WordSpout extends Spout({ outputs: { default: Words, errors: fields("reason"), tasks: direct(fields("task")) } }) {
  nextTuple() {}
}
class Sink extends Bolt({ input: Words, outputs: {} }) {
  process(_tuple: TupleOf<typeof Words>) {
    return this.ack();
  }
}

describe("topology builder types", () => {
  it("accepts subscriptions to declared streams and fields", () => {
    const built = topology("t")
      .spout("words", WordSpout)
      .bolt("sink", Sink, { parallelism: 2 })
      .fields("words", ["word"])
      .fields(["words", "errors"], ["reason"])
      .shuffle("words")
      .direct(["words", "tasks"])
      .bolt("more", Sink)
      .fields("words", ["word", "lang"])
      .all("words")
      .global("words")
      .none("words")
      .localOrShuffle("words")
      .custom("words", "com.example.MyGrouping", ["x", 1])
      .build();
    expectTypeOf(built).toEqualTypeOf<Topology>();
  });

  it("rejects a fields grouping on a field the stream lacks", () => {
    topology("t")
      .spout("words", WordSpout)
      .bolt("sink", Sink)
      // @ts-expect-error "nope" is not a field of words/default
      .fields("words", ["nope"]);
    topology("t")
      .spout("words", WordSpout)
      .bolt("sink", Sink)
      // @ts-expect-error "word" is a field of the default stream, not of "errors"
      .fields(["words", "errors"], ["word"]);
  });

  it("rejects an empty fields list", () => {
    // @ts-expect-error at least one field
    topology("t").spout("words", WordSpout).bolt("sink", Sink).fields("words", []);
  });

  it("rejects a subscription to an undeclared stream or an unknown component", () => {
    // @ts-expect-error WordSpout declares no "metrics" stream
    topology("t").spout("words", WordSpout).bolt("sink", Sink).shuffle(["words", "metrics"]);
    // @ts-expect-error there is no component "nope"
    topology("t").spout("words", WordSpout).bolt("sink", Sink).shuffle("nope");
    // @ts-expect-error a component with no default stream cannot be named by id alone
    topology("t").spout("words", WordSpout).bolt("sink", Sink).bolt("next", Sink).shuffle("sink");
  });

  it("rejects a bolt class as a spout and a spout class as a bolt", () => {
    // @ts-expect-error Sink is a bolt
    topology("t").spout("x", Sink);
    // @ts-expect-error WordSpout is a spout
    topology("t").spout("words", WordSpout).bolt("x", WordSpout);
  });

  it("grouping methods only follow a bolt", () => {
    // @ts-expect-error a spout takes no subscriptions
    topology("t").spout("words", WordSpout).shuffle("words");
  });

  it("types shell and JVM components by their declared outputs", () => {
    const py = shell({ command: "python3", script: "split.py", outputs: { default: ["word"] } });
    const kafka = java({ className: "org.apache.storm.kafka.spout.KafkaSpout", outputs: { default: fields("topic", "value") } });
    topology("t").spout("kafka", kafka).bolt("split", py).fields("kafka", ["topic"]).bolt("count", CountBolt).fields("split", ["word"]);
    // @ts-expect-error the python bolt declares only "word"
    topology("t").spout("kafka", kafka).bolt("split", py).fields("kafka", ["topic"]).bolt("count", CountBolt).fields("split", ["count"]);
  });

  it("the wordcount wiring type-checks", () => {
    topology("wordcount").spout("sentences", SentenceSpout).bolt("split", SplitBolt).shuffle("sentences").bolt("count", CountBolt).fields("split", ["word"]);
    // @ts-expect-error split emits "word", not "sentence"
    topology("wordcount").spout("sentences", SentenceSpout).bolt("split", SplitBolt).shuffle("sentences").bolt("count", CountBolt).fields("split", ["sentence"]);
  });
});
