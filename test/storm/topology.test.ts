import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { decodeStruct, encodeStruct } from "../../adapters/storm/thrift/codec.ts";
import * as S from "../../adapters/storm/thrift/schema.ts";
import { StormTopologyError, toFluxDocument, toFluxYaml, toStormTopology } from "../../lib/storm/mod.ts";
import type { ComponentDescription, TopologyDescription } from "../../lib/topology/description.ts";
import { sample } from "./sample.ts";

const withComponents = (f: (cs: ComponentDescription[]) => ComponentDescription[], name = sample.name): TopologyDescription => ({
  ...sample,
  name,
  components: f(sample.components.map((c) => ({ ...c }))),
});

describe("toStormTopology", () => {
  const topo = toStormTopology(sample, { command: "node", scriptFor: (id) => `dist/${id}.mjs`, stormVersion: "2.8.3" });

  it("splits spouts and bolts, state_spouts empty, storm_version set", () => {
    expect(Object.keys(topo.spouts)).toEqual(["sentences"]);
    expect(Object.keys(topo.bolts)).toEqual(["split", "count", "auditor", "report", "sink"]);
    expect(topo.state_spouts).toEqual({});
    expect(topo.storm_version).toBe("2.8.3");
  });

  it("squall components become shell components; shell passes through; java becomes java_object", () => {
    expect(topo.spouts["sentences"]!.spout_object).toEqual({ shell: { execution_command: "node", script: "dist/sentences.mjs" } });
    expect(topo.bolts["auditor"]!.bolt_object).toEqual({ shell: { execution_command: "python3", script: "auditor.py" } });
    expect(topo.bolts["report"]!.bolt_object).toEqual({
      java_object: {
        full_class_name: "org.example.ReportBolt",
        args_list: [{ string_arg: "totals" }, { int_arg: 10 }, { long_arg: 5_000_000_000n }, { double_arg: 0.5 }, { bool_arg: true }],
      },
    });
  });

  it("defaults to node components/<id>.mjs", () => {
    expect(toStormTopology(sample).bolts["split"]!.bolt_object).toEqual({ shell: { execution_command: "node", script: "components/split.mjs" } });
  });

  it("translates streams, direct flags, parallelism, numTasks and component config", () => {
    const split = topo.bolts["split"]!.common;
    expect(split.streams).toEqual({
      default: { output_fields: ["word"], direct: false },
      audit: { output_fields: ["word", "length"], direct: true },
    });
    expect(split.parallelism_hint).toBe(2);
    expect(JSON.parse(split.json_conf!)).toEqual({ "topology.tick.tuple.freq.secs": 5, "topology.tasks": 4 });
    expect(topo.bolts["count"]!.common.json_conf).toBeUndefined();
    expect(topo.spouts["sentences"]!.common.inputs).toEqual([]);
  });

  it("translates every grouping", () => {
    const inputs = (id: string) => topo.bolts[id]!.common.inputs;
    expect(inputs("split")).toEqual([[{ componentId: "sentences", streamId: "default" }, { shuffle: {} }]]);
    expect(inputs("count")).toEqual([[{ componentId: "split", streamId: "default" }, { fields: ["word"] }]]);
    expect(inputs("auditor")).toEqual([[{ componentId: "split", streamId: "audit" }, { direct: {} }]]);
    expect(inputs("report")).toEqual([
      [{ componentId: "count", streamId: "default" }, { fields: [] }],
      [{ componentId: "sentences", streamId: "default" }, { all: {} }],
    ]);
    expect(inputs("sink")).toEqual([
      [{ componentId: "count", streamId: "default" }, { custom_object: { full_class_name: "org.example.MyGrouping", args_list: [{ string_arg: "x" }] } }],
      [{ componentId: "split", streamId: "default" }, { none: {} }],
      [{ componentId: "sentences", streamId: "default" }, { local_or_shuffle: {} }],
    ]);
  });

  it("encodes with the Thrift schema and decodes to the same value", () => {
    expect(decodeStruct(S.StormTopology, encodeStruct(S.StormTopology, topo))).toEqual(topo);
  });
});

describe("Storm's rules, checked before submitting", () => {
  const problems = (d: TopologyDescription): string[] => {
    try {
      toStormTopology(d);
    } catch (e) {
      expect(e).toBeInstanceOf(StormTopologyError);
      return [...(e as StormTopologyError).problems];
    }
    return [];
  };

  it.each(["a/b", "a.b", "a:b", "a\\b", ""])("rejects topology name %j", (name) => {
    const p = problems({ ...sample, name });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(name === "" ? /empty/ : /forbids \(\/ \. : or \\\); rename it, e\.g\. "a-b"/);
  });

  it("accepts names with spaces and dashes", () => {
    expect(problems({ ...sample, name: "my topo-1_x" })).toEqual([]);
  });

  it("rejects __ component and stream ids, with the component named", () => {
    const d = withComponents((cs) => {
      cs[0] = { ...cs[0]!, outputs: { ...cs[0]!.outputs, __ack: { fields: [], direct: false } } };
      cs.push({ ...cs[2]!, id: "__system2" });
      return cs;
    });
    const p = problems(d);
    expect(p).toContain('component "__system2": ids starting with "__" are reserved for Storm\'s system components; rename it');
    expect(p.some((x) => x.includes('component "sentences": stream ids starting with "__" are reserved for Storm; rename stream "__ack"'))).toBe(true);
  });

  it("rejects missing components, streams, fields; spouts with inputs; no spout; direct mismatches; duplicates", () => {
    const d = withComponents((cs) => [
      { ...cs[1]!, id: "split" },
      { ...cs[1]!, id: "split" },
      { ...cs[2]!, inputs: [{ component: "split", stream: "default", grouping: { type: "fields", fields: ["wrd"] } }] },
      { ...cs[3]!, inputs: [{ component: "split", stream: "nope", grouping: { type: "shuffle" } }] },
      { ...cs[4]!, inputs: [{ component: "ghost", stream: "default", grouping: { type: "shuffle" } }] },
      { ...cs[5]!, inputs: [{ component: "split", stream: "audit", grouping: { type: "shuffle" } }, { component: "split", stream: "default", grouping: { type: "direct" } }] },
    ]);
    const text = (() => {
      try {
        toStormTopology(d);
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(text).toContain('Topology "word-count" cannot run on Storm:');
    expect(text).toContain('component "split" is defined twice');
    expect(text).toContain("grouping on field(s) wrd that the stream does not carry; its fields are word");
    expect(text).toContain('"split" declares no stream "nope"; its streams are default, audit');
    expect(text).toContain('there is no component "ghost"');
    expect(text).toContain("the topology has no spout");
    expect(text).toContain('stream "audit" is direct, so subscribers must use a direct grouping (got shuffle)');
    expect(text).toContain('a direct grouping needs a direct stream; declare stream "default" of "split" with direct: true');
  });

  it("rejects a spout with inputs and a bolt without", () => {
    const d = withComponents((cs) => {
      cs[0] = { ...cs[0]!, inputs: [{ component: "count", stream: "default", grouping: { type: "shuffle" } }] };
      cs[2] = { ...cs[2]!, inputs: [] };
      return cs;
    });
    const p = problems(d).join("\n");
    expect(p).toContain('component "sentences" is a spout but subscribes to count; spouts take no inputs, make it a bolt');
    expect(p).toContain('component "count" is a bolt with no inputs');
  });
});

describe("toFluxYaml", () => {
  // Flux's shell wrappers cannot declare direct streams: move the direct stream to the Java bolt.
  const fluxable = withComponents((cs) => {
    const split = cs[1]!;
    cs[1] = { ...split, outputs: { default: split.outputs["default"]!, lengths: { fields: ["word", "length"], direct: false } } };
    cs[3] = { ...cs[3]!, inputs: [{ component: "report", stream: "audit", grouping: { type: "direct" } }] };
    cs[4] = { ...cs[4]!, outputs: { audit: { fields: ["word", "length"], direct: true } } };
    return cs;
  });

  it("writes wrappers, named streams, parallelism, numTasks, config, and every grouping", () => {
    const yaml = toFluxYaml(fluxable, { command: "node", scriptFor: (id) => `components/${id}.mjs` });
    const doc = parse(yaml);
    expect(doc).toEqual(toFluxDocument(fluxable));
    expect(doc.name).toBe("word-count");
    expect(doc.config).toEqual({ "topology.workers": 2, "topology.max.spout.pending": 100 });
    expect(doc.spouts).toEqual([
      {
        id: "sentences",
        className: "org.apache.storm.flux.wrappers.spouts.FluxShellSpout",
        constructorArgs: [["node", "components/sentences.mjs"], ["sentence"]],
        parallelism: 1,
      },
    ]);
    const bolt = (id: string) => doc.bolts.find((b: { id: string }) => b.id === id);
    expect(bolt("split")).toEqual({
      id: "split",
      className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt",
      constructorArgs: [["node", "components/split.mjs"], ["word"]],
      configMethods: [
        { name: "setNamedStream", args: ["lengths", ["word", "length"]] },
        { name: "addComponentConfig", args: ["topology.tick.tuple.freq.secs", 5] },
      ],
      parallelism: 2,
      numTasks: 4,
    });
    expect(bolt("auditor")).toEqual({
      id: "auditor",
      className: "org.apache.storm.flux.wrappers.bolts.FluxShellBolt",
      constructorArgs: [["python3", "auditor.py"]],
      parallelism: 1,
    });
    expect(bolt("report")).toEqual({ id: "report", className: "org.example.ReportBolt", constructorArgs: ["totals", 10, 5_000_000_000, 0.5, true], parallelism: 1 });
    expect(bolt("sink")).toEqual({ id: "sink", className: "org.example.SinkBolt", parallelism: 1 });
    const groupings = Object.fromEntries(doc.streams.map((s: { from: string; to: string; grouping: unknown }) => [`${s.from}->${s.to}`, s.grouping]));
    expect(groupings).toEqual({
      "sentences->split": { type: "SHUFFLE" },
      "split->count": { type: "FIELDS", args: ["word"] },
      "report->auditor": { type: "DIRECT", streamId: "audit" },
      "count->report": { type: "GLOBAL" },
      "sentences->report": { type: "ALL" },
      "count->sink": { type: "CUSTOM", customClass: { className: "org.example.MyGrouping", constructorArgs: ["x"] } },
      "split->sink": { type: "NONE" },
      "sentences->sink": { type: "LOCAL_OR_SHUFFLE" },
    });
    expect(doc.streams[0]).toEqual({ name: "sentences --> split", from: "sentences", to: "split", grouping: { type: "SHUFFLE" } });
  });

  it("refuses a direct stream on a shell component, naming it and the way out", () => {
    expect(() => toFluxYaml(sample)).toThrow(
      /component "split", stream "audit": Flux's FluxShellBolt cannot declare a direct stream; submit this topology over Thrift/,
    );
  });

  it("applies the same name rules", () => {
    expect(() => toFluxYaml({ ...fluxable, name: "a.b" })).toThrow(StormTopologyError);
  });
});
