import { Observable } from "rxjs";
import { describe, expect, it } from "vitest";
import {
  ComponentHost,
  compile,
  filter,
  flatMap,
  from,
  instantiate,
  keyBy,
  manualClock,
  map,
  planStages,
  scan,
  sink,
  tumblingWindow,
  batch,
  type ComponentMessage,
  type Pipeline,
  type TopologyDescription,
} from "squall";
import classes from "../../examples/wordcount/topology.ts";
import piped from "../../examples/wordcount/pipeline.ts";
import { TopologyModel } from "./model.ts";

/** What "the same shape" means: components, types, parallelism, subscriptions with their groupings. */
const shape = (d: TopologyDescription) =>
  d.components.map((c) => ({ id: c.id, type: c.type, parallelism: c.parallelism, inputs: c.inputs.map((i) => ({ from: i.component, stream: i.stream, grouping: i.grouping })) }));

describe("the pipeline compiler", () => {
  it("compiles the wordcount pipeline to the same shape as the class topology", () => {
    expect(shape(piped.describe())).toEqual(shape(classes.describe()));
    expect(shape(piped.describe())).toEqual([
      { id: "sentences", type: "spout", parallelism: 1, inputs: [] },
      { id: "split", type: "bolt", parallelism: 2, inputs: [{ from: "sentences", stream: "default", grouping: { type: "shuffle" } }] },
      { id: "count", type: "bolt", parallelism: 2, inputs: [{ from: "split", stream: "default", grouping: { type: "fields", fields: ["word"] } }] },
    ]);
    expect(piped.describe().components.map((c) => c.operators)).toEqual([undefined, ["flatMap", "keyBy(word)"], ["scan"]]);
  });

  it("fuses consecutive operators; keyBy and explicit stages end a bolt", () => {
    const p = from([1, 2, 3])
      .pipe(map((x: number) => x + 1), filter((x) => x > 0), keyBy((x: number) => x % 3, { name: "bucket" }), scan((s: number, x: number) => s + x, 0), map(String))
      .parallelism(3)
      .pipe(map((s: string) => s.length), tumblingWindow({ count: 2 }), sink(() => {}));
    expect(planStages(p).map((s) => s.operators.map((o) => o.name))).toEqual([["map", "filter", "keyBy(bucket)"], ["scan", "map"], ["map", "tumblingWindow(count 2)", "sink"]]);
    const d = compile(p, { name: "fused" }).describe();
    expect(d.components.map((c) => [c.id, c.parallelism, c.inputs[0]?.grouping, Object.values(c.outputs).map((s) => s.fields)])).toEqual([
      ["source", 1, undefined, [["value"]]],
      ["map", 1, { type: "shuffle" }, [["bucket", "value"]]],
      ["scan", 3, { type: "fields", fields: ["bucket"] }, [["bucket", "value"]]],
      ["map-2", 1, { type: "fields", fields: ["bucket"] }, []],
    ]);
  });

  it("puts per-key operators on a never-keyed stream behind a global grouping", () => {
    const d = compile(from([1]).pipe(map((x: number) => x), batch({ count: 10 })), { name: "g" }).describe();
    expect(d.components[1]!.inputs[0]!.grouping).toEqual({ type: "global" });
  });

  it("gives bolts that read processing time tick tuples", () => {
    const d = compile(from([1]).pipe(tumblingWindow({ ms: 1000 })).named("win").config({ "x.y": 1 }), { name: "t" }).describe();
    expect(d.components[1]).toMatchObject({ id: "win", config: { "topology.tick.tuple.freq.secs": 1, "x.y": 1 } });
  });

  it("names the spout and sets its parallelism; validation names a clash", () => {
    const d = compile(from([1, 2]).named("numbers").parallelism(2).pipe(map((x: number) => x)).named("double"), { name: "t" }).describe();
    expect(d.components.map((c) => [c.id, c.parallelism])).toEqual([["numbers", 2], ["double", 1]]);
    expect(() => compile(from([1]).named("x").pipe(map((v: number) => v)).named("x"), { name: "t" })).toThrow(/component id "x" is used twice/);
  });

  it("keeps every stage's operator chain addressable by component id", () => {
    const stage = (piped.component("count") as unknown as { stage: { operators: { name: string }[] } }).stage;
    expect(stage.operators.map((o) => o.name)).toEqual(["scan"]);
  });
});

/** Drives one component of a compiled topology through a ComponentHost and records what it sends. */
const hostFor = (topology: ReturnType<typeof compile>, id: string) => {
  const sent: ComponentMessage[] = [];
  const host = new ComponentHost(instantiate(topology.component(id), id), {
    pid: 1,
    fs: { touch: () => {}, append: () => {}, size: () => -1, rename: () => {}, remove: () => {} },
    send: (m) => sent.push(m),
    stderr: () => {},
    exit: (code) => {
      throw new Error(`exit ${code}`);
    },
  });
  host.receive({ conf: {}, pidDir: "/tmp", context: { "task->component": { "1": "source", "2": id }, taskid: 2, componentid: id } });
  sent.length = 0;
  const tuple = (n: number, values: unknown[]) => host.receive({ id: `in${n}`, comp: "source", stream: "default", task: 1, tuple: values });
  return { host, sent, tuple };
};

describe("anchoring through operators (at-least-once)", () => {
  it("a window's output is anchored to all its inputs, which are acked only after it is emitted", () => {
    const t = compile(from([0]).pipe(tumblingWindow({ count: 3 }), map((w) => w.items)), { name: "w" });
    const { sent, tuple } = hostFor(t, "tumblingWindow");
    tuple(1, [10]);
    tuple(2, [20]);
    expect(sent).toEqual([]); // held: not acked yet
    tuple(3, [30]);
    expect(sent).toEqual([
      { command: "emit", tuple: [[10, 20, 30]], anchors: ["in1", "in2", "in3"], need_task_ids: false },
      { command: "ack", id: "in1" },
      { command: "ack", id: "in2" },
      { command: "ack", id: "in3" },
    ]);
  });

  it("stateless outputs are anchored to their input; a dropped element's input is acked", () => {
    const t = compile(from([0]).pipe(flatMap((x: number) => (x > 0 ? [x, -x] : []))), { name: "s" });
    const { sent, tuple } = hostFor(t, "flatMap");
    tuple(1, [2]);
    tuple(2, [0]);
    expect(sent).toEqual([
      { command: "emit", tuple: [2], anchors: ["in1"], need_task_ids: false },
      { command: "emit", tuple: [-2], anchors: ["in1"], need_task_ids: false },
      { command: "ack", id: "in1" },
      { command: "ack", id: "in2" },
    ]);
  });

  it("an operator that throws fails the inputs of the element (Storm replays them) and reports it", () => {
    const t = compile(
      from([0]).pipe(
        map((x: number) => {
          if (x === 13) throw new Error("unlucky");
          return x;
        }),
      ),
      { name: "e" },
    );
    const { sent, tuple } = hostFor(t, "map");
    tuple(1, [13]);
    tuple(2, [1]);
    expect(sent.map((m) => ("command" in m ? m.command : m))).toEqual(["error", "fail", "emit", "ack"]);
    expect((sent[0] as { msg: string }).msg).toContain("operator map threw: Error: unlucky");
  });

  it("an async sink holds its input until the write resolves", async () => {
    let resolve!: () => void;
    const t = compile(from([0]).pipe(sink(() => new Promise<void>((r) => (resolve = r)))), { name: "a" });
    const { sent, tuple } = hostFor(t, "sink");
    tuple(1, [5]);
    await Promise.resolve();
    expect(sent).toEqual([]);
    resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([{ command: "ack", id: "in1" }]);
  });
});

describe("generated spouts", () => {
  const sum = (p: Pipeline<number>) => compile(p.pipe(reduce0()), { name: "s" });
  const reduce0 = () => batch<number>({ count: 1000 });

  it("pull from an Observable and from an async iterable, and every tree completes", async () => {
    const observable = new Observable<number>((s) => {
      [1, 2, 3].forEach((v) => s.next(v));
      s.complete();
    });
    async function* gen() {
      for (const v of [4, 5, 6]) {
        await new Promise((r) => setTimeout(r, 1));
        yield v;
      }
    }
    for (const [source, expected] of [[observable, [1, 2, 3]], [gen(), [4, 5, 6]]] as const) {
      const model = await new TopologyModel(sum(from<number>(source as never))).run();
      expect(model.output("batch").map((v) => v[0])).toEqual([expected]);
      expect([model.acked, model.failed, model.pendingRoots]).toEqual([3, 0, 0]);
    }
  });

  it("replay values that failed (a lost tuple comes back), and split a source across spout tasks", async () => {
    const t = compile(from([1, 2, 3, 4, 5]).parallelism(2).pipe(map((x: number) => x * 2)), { name: "r" });
    const model = await new TopologyModel(t, { lose: (n) => n === 1 || n === 2 }).run();
    expect(model.lost).toBe(2);
    expect(model.output("map").map((v) => v[0]).sort()).toEqual(expect.arrayContaining([2, 4, 6, 8, 10]));
    expect(model.acked).toBe(5);
    expect(model.pendingRoots).toBe(0);
    const bySpoutTask = new Set(model.emitted.filter((e) => e.component === "source").map((e) => e.task));
    expect(bySpoutTask.size).toBe(2);
  });

  it("runs the class-based and the pipeline wordcount to the same counts", async () => {
    const counts = async (t: typeof classes) => {
      const model = await new TopologyModel(t, { maxNext: 10 }).run();
      const last = new Map<string, number>();
      for (const v of model.output("count")) {
        const [word, rest] = v as [string, unknown];
        last.set(word, typeof rest === "number" ? rest : (rest as { count: number }).count);
      }
      return Object.fromEntries([...last].sort());
    };
    const a = await counts(classes);
    expect(a["the"]).toBe(8); // 10 sentences: the 5 twice, with "the" 4 times each round
    expect(await counts(piped)).toEqual(a);
  });

  it("a manual clock drives processing-time windows in a compiled topology", () => {
    const clock = manualClock(0);
    const t = compile(from([0]).pipe(tumblingWindow({ ms: 100 }), map((w) => w.items)), { name: "c", clock });
    const { sent, tuple, host } = hostFor(t, "tumblingWindow");
    tuple(1, ["a"]);
    clock.set(150);
    host.receive({ id: "tick1", comp: "__system", stream: "__tick", task: -1, tuple: [1] });
    expect(sent).toEqual([
      { command: "emit", tuple: [["a"]], anchors: ["in1"], need_task_ids: false },
      { command: "ack", id: "in1" },
      { command: "ack", id: "tick1" },
    ]);
  });
});
