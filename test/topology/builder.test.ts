import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bolt, chooseTasks, direct, fields, fieldsTask, isTopology, java, shell, Spout, topology } from "squall";
import wordcount from "../../examples/wordcount/topology.ts";
import { CountBolt, SentenceSpout, SplitBolt } from "../../examples/wordcount/components.ts";

class Events extends Spout({ outputs: { default: fields("user", "kind"), errors: fields("reason"), control: direct(fields("cmd")) } }) {
  nextTuple() {}
}
class Sink extends Bolt({ outputs: {} }) {
  process() {
    return this.ack();
  }
}

describe("topology builder", () => {
  it("describes the wordcount topology as Storm sees it", () => {
    expect(isTopology(wordcount)).toBe(true);
    const d = wordcount.describe();
    expect(d.name).toBe("wordcount");
    expect(d.config).toEqual({ "topology.workers": 1, "topology.max.spout.pending": 100, "topology.message.timeout.secs": 30 });
    expect(d.components.map((c) => [c.id, c.type, c.parallelism, c.inputs.map((i) => [i.component, i.stream, i.grouping])])).toEqual([
      ["sentences", "spout", 1, []],
      ["split", "bolt", 2, [["sentences", "default", { type: "shuffle" }]]],
      ["count", "bolt", 2, [["split", "default", { type: "fields", fields: ["word"] }]]],
    ]);
    expect(d.components[2]!.outputs).toEqual({ default: { fields: ["word", "count"], direct: false } });
    expect(JSON.parse(JSON.stringify(d))).toEqual(d); // plain data
  });

  it("keeps each component's class reachable by id", () => {
    expect(wordcount.components.get("sentences")).toBe(SentenceSpout);
    expect(wordcount.component("split")).toBe(SplitBolt);
    expect(wordcount.component("count")).toBe(CountBolt);
    expect(() => wordcount.component("nope")).toThrow(/no component "nope"; its components: sentences, split, count/);
  });

  it("wires several inputs, named and direct streams, numTasks and per-component config", () => {
    const d = topology("multi", { config: { ackers: 0, tickTupleFreqSecs: 5, serializer: "msgpack", debug: true, "topology.subprocess.timeout.secs": 60 } })
      .spout("events", Events, { parallelism: 2, numTasks: 4 })
      .bolt("sink", Sink, { parallelism: 3, config: { "topology.tick.tuple.freq.secs": 1 } })
      .fields("events", ["user"])
      .global(["events", "errors"])
      .direct(["events", "control"])
      .bolt("audit", Sink)
      .all("events")
      .none(["events", "errors"])
      .localOrShuffle("events")
      .custom("events", "com.example.ByRegion", ["eu", 3])
      .describe();
    expect(d.config).toEqual({
      "topology.acker.executors": 0,
      "topology.tick.tuple.freq.secs": 5,
      "squall.serializer": "msgpack",
      "topology.multilang.serializer": "dev.squall.storm.MsgpackSerializer",
      "topology.debug": true,
      "topology.subprocess.timeout.secs": 60,
    });
    const [events, sink, audit] = d.components;
    expect(events).toMatchObject({ parallelism: 2, numTasks: 4, outputs: { control: { fields: ["cmd"], direct: true } } });
    expect(sink!.config).toEqual({ "topology.tick.tuple.freq.secs": 1 });
    expect(sink!.inputs.map((i) => [i.stream, i.grouping.type])).toEqual([["default", "fields"], ["errors", "global"], ["control", "direct"]]);
    expect(audit!.inputs.map((i) => i.grouping)).toEqual([{ type: "all" }, { type: "none" }, { type: "localOrShuffle" }, { type: "custom", className: "com.example.ByRegion", args: ["eu", 3] }]);
  });

  it("mixes in shell and JVM components", () => {
    const kafka = java({ className: "org.apache.storm.kafka.spout.KafkaSpout", args: ["broker:9092", "events"], outputs: { default: ["topic", "value"] } });
    const split = shell({ command: "python3", script: "split.py", outputs: { default: fields("word") } });
    const built = topology("mixed").spout("kafka", kafka).bolt("split", split, { parallelism: 4 }).shuffle("kafka").bolt("count", CountBolt).fields("split", ["word"]).build();
    const [k, s] = built.describe().components;
    expect(k!.implementation).toEqual({ kind: "java", className: "org.apache.storm.kafka.spout.KafkaSpout", args: ["broker:9092", "events"] });
    expect(k!.outputs).toEqual({ default: { fields: ["topic", "value"], direct: false } });
    expect(s!.implementation).toEqual({ kind: "shell", command: "python3", script: "split.py" });
    expect(built.component("split")).toBe(split);
  });

  it("is immutable: a builder can be extended twice", () => {
    const base = topology("t").spout("events", Events);
    const a = base.bolt("a", Sink).shuffle("events").build();
    const b = base.bolt("b", Sink).shuffle("events").build();
    expect(a.describe().components.map((c) => c.id)).toEqual(["events", "a"]);
    expect(b.describe().components.map((c) => c.id)).toEqual(["events", "b"]);
  });
});

describe("groupings", () => {
  it("fieldsTask: equal keys reach the same task, always within range, for any parallelism", () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 16 }), (keys, numTasks) => {
        const seen = new Map<string, number>();
        for (const [a, b] of keys) {
          const task = fieldsTask([a, "payload", b], [0, 2], numTasks);
          expect(task).toBeGreaterThanOrEqual(0);
          expect(task).toBeLessThan(numTasks);
          const id = JSON.stringify([a, b]);
          if (seen.has(id)) expect(task).toBe(seen.get(id));
          seen.set(id, task);
          // the other fields do not matter, only the grouped ones
          expect(fieldsTask([a, Math.random(), b], [0, 2], numTasks)).toBe(task);
        }
      }),
    );
  });

  it("fieldsTask is a fixed function (stable across runtimes and releases)", () => {
    expect([fieldsTask(["dog"], [0], 4), fieldsTask(["cat"], [0], 4), fieldsTask([42], [0], 7), fieldsTask(["a", "b"], [1, 0], 1000)]).toEqual([3, 1, 3, 600]); // computed independently (Python FNV-1a over the JSON text)
  });

  it("fieldsTask spreads distinct keys over the tasks", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[fieldsTask([`key-${i}`], [0], 4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });

  it("chooseTasks routes every grouping", () => {
    const tasks = [3, 4, 5];
    const state = { next: 0 };
    expect([0, 1, 2, 3].map(() => chooseTasks({ type: "shuffle" }, [], [], tasks, state)[0])).toEqual([3, 4, 5, 3]);
    expect(chooseTasks({ type: "all" }, [], [], tasks, state)).toEqual(tasks);
    expect(chooseTasks({ type: "global" }, [], [], tasks, state)).toEqual([3]);
    expect(chooseTasks({ type: "direct" }, [], [], tasks, state, 4)).toEqual([4]);
    expect(chooseTasks({ type: "fields", fields: ["w"] }, ["dog"], [0], tasks, state)).toEqual([tasks[fieldsTask(["dog"], [0], 3)]]);
    expect(() => chooseTasks({ type: "custom", className: "X" }, [], [], tasks, state)).toThrow(/JVM class/);
  });
});
