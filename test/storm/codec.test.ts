import { describe, expect, it } from "vitest";
import { T, ThriftEncodeError, decodeStruct, encodeStruct, type TypeDef } from "../../adapters/storm/thrift/codec.ts";
import * as S from "../../adapters/storm/thrift/schema.ts";

const roundTrip = (type: TypeDef, value: unknown): unknown => decodeStruct(type, encodeStruct(type, value));
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

const shell = { execution_command: "node", script: "components/split.mjs" };
const javaObject = {
  full_class_name: "org.example.Thing",
  args_list: [
    { int_arg: -7 },
    { long_arg: 5_000_000_000n },
    { string_arg: "héllo" },
    { bool_arg: false },
    { binary_arg: new Uint8Array([0, 1, 255]) },
    { double_arg: 0.25 },
  ],
};
const common = {
  inputs: [
    [{ componentId: "spout", streamId: "default" }, { shuffle: {} }],
    [{ componentId: "split", streamId: "audit" }, { direct: {} }],
  ],
  streams: { default: { output_fields: ["word"], direct: false }, audit: { output_fields: ["w", "n"], direct: true } },
  parallelism_hint: 3,
  json_conf: '{"topology.tasks":4}',
};

describe("thrift codec: golden bytes (TBinaryProtocol, computed by hand from the spec)", () => {
  it("GlobalStreamId{a, b}", () => {
    // field header: type STRING (0x0b), id 1 (i16); string: i32 length, bytes; ...; STOP (0x00)
    expect(hex(encodeStruct(S.GlobalStreamId, { componentId: "a", streamId: "b" }))).toBe(
      "0b0001" + "00000001" + "61" + "0b0002" + "00000001" + "62" + "00",
    );
  });
  it("StreamInfo{[w], true}", () => {
    // field 1 LIST (0x0f): elem type STRING, size 1, "w"; field 2 BOOL (0x02) = 1; STOP
    expect(hex(encodeStruct(S.StreamInfo, { output_fields: ["w"], direct: true }))).toBe(
      "0f0001" + "0b" + "00000001" + "00000001" + "77" + "020002" + "01" + "00",
    );
  });
  it("Grouping.shuffle (a NullStruct in field 2) and global (empty fields list)", () => {
    expect(hex(encodeStruct(S.Grouping, { shuffle: {} }))).toBe("0c0002" + "00" + "00");
    expect(hex(encodeStruct(S.Grouping, { fields: [] }))).toBe("0f0001" + "0b00000000" + "00");
  });
  it("KillOptions{wait_secs: 5}: i32 field", () => {
    expect(hex(encodeStruct(S.KillOptions, { wait_secs: 5 }))).toBe("080001" + "00000005" + "00");
  });
});

describe("thrift codec: round trips", () => {
  const cases: [string, TypeDef, unknown][] = [
    ...javaObject.args_list.map((a) => [`JavaObjectArg.${Object.keys(a)[0]}`, S.JavaObjectArg, a] as [string, TypeDef, unknown]),
    ["JavaObject", S.JavaObject, javaObject],
    ["GlobalStreamId", S.GlobalStreamId, { componentId: "c", streamId: "s" }],
    ["Grouping.fields", S.Grouping, { fields: ["a", "b"] }],
    ["Grouping.fields (global)", S.Grouping, { fields: [] }],
    ["Grouping.shuffle", S.Grouping, { shuffle: {} }],
    ["Grouping.all", S.Grouping, { all: {} }],
    ["Grouping.none", S.Grouping, { none: {} }],
    ["Grouping.direct", S.Grouping, { direct: {} }],
    ["Grouping.custom_object", S.Grouping, { custom_object: javaObject }],
    ["Grouping.custom_serialized", S.Grouping, { custom_serialized: new Uint8Array([1, 2, 3]) }],
    ["Grouping.local_or_shuffle", S.Grouping, { local_or_shuffle: {} }],
    ["StreamInfo", S.StreamInfo, { output_fields: ["x"], direct: false }],
    ["ShellComponent", S.ShellComponent, shell],
    ["ComponentObject.shell", S.ComponentObject, { shell }],
    ["ComponentObject.java_object", S.ComponentObject, { java_object: javaObject }],
    ["ComponentObject.serialized_java", S.ComponentObject, { serialized_java: new Uint8Array([0xca, 0xfe]) }],
    ["ComponentCommon", S.ComponentCommon, common],
    ["ComponentCommon (no optionals)", S.ComponentCommon, { inputs: [], streams: {} }],
    ["SpoutSpec", S.SpoutSpec, { spout_object: { shell }, common: { inputs: [], streams: common.streams } }],
    ["Bolt", S.Bolt, { bolt_object: { java_object: javaObject }, common }],
    [
      "StormTopology",
      S.StormTopology,
      {
        spouts: { spout: { spout_object: { shell }, common: { inputs: [], streams: {}, parallelism_hint: 1 } } },
        bolts: { split: { bolt_object: { shell }, common } },
        state_spouts: {},
        storm_version: "2.8.3",
      },
    ],
    ["SubmitOptions", S.SubmitOptions, { initial_status: 2 }],
    ["KillOptions", S.KillOptions, { wait_secs: 0 }],
    ["KillOptions (empty)", S.KillOptions, {}],
    ["RebalanceOptions", S.RebalanceOptions, { wait_secs: 1, num_workers: 3, num_executors: { split: 4 } }],
    ["AlreadyAliveException", S.AlreadyAliveException, { msg: "Topology with name `x` already exists on cluster" }],
    ["InvalidTopologyException", S.InvalidTopologyException, { msg: "bad" }],
    ["NotAliveException", S.NotAliveException, { msg: "x is not alive" }],
    ["AuthorizationException", S.AuthorizationException, { msg: "no" }],
    [
      "TopologySummary",
      S.TopologySummary,
      { id: "t-1-1", name: "t", num_tasks: 5, num_executors: 4, num_workers: 1, uptime_secs: 9, status: "ACTIVE", storm_version: "2.8.3", owner: "root" },
    ],
    ["NimbusSummary", S.NimbusSummary, { host: "h", port: 6627, uptime_secs: 3, isLeader: true, version: "2.8.3" }],
    [
      "ClusterSummary",
      S.ClusterSummary,
      {
        supervisors: [{ host: "h", uptime_secs: 1, num_workers: 4, num_used_workers: 1, supervisor_id: "s1", version: "2.8.3", blacklisted: false }],
        topologies: [{ id: "a-1", name: "a", num_tasks: 1, num_executors: 1, num_workers: 1, uptime_secs: 0, status: "KILLED" }],
        nimbuses: [{ host: "h", port: 6627, uptime_secs: 3, isLeader: true, version: "2.8.3", tlsPort: 0 }],
      },
    ],
    [
      "TopologyInfo",
      S.TopologyInfo,
      {
        id: "t-1-1",
        name: "t",
        uptime_secs: 12,
        executors: [{ executor_info: { task_start: 1, task_end: 2 }, component_id: "split", host: "h", port: 6700, uptime_secs: 10 }],
        status: "ACTIVE",
        errors: { split: [{ error: "java.lang.RuntimeException: boom", error_time_secs: 1700000000, host: "h", port: 6700 }], count: [] },
        storm_version: "2.8.3",
      },
    ],
  ];
  it.each(cases)("%s", (_, type, value) => {
    expect(roundTrip(type, value)).toEqual(value);
  });

  it("accepts a number for an i64 and reads it back as a bigint", () => {
    expect(roundTrip(S.JavaObjectArg, { long_arg: 42 })).toEqual({ long_arg: 42n });
  });

  it("skips fields it does not know (e.g. ExecutorSummary.stats from a newer Nimbus)", () => {
    const richer = T.struct("ExecutorSummary", [
      [1, "executor_info", S.ExecutorInfo],
      [2, "component_id", T.string],
      [3, "host", T.string],
      [4, "port", T.i32],
      [5, "uptime_secs", T.i32],
      [7, "stats", T.struct("ExecutorStats", [
        [1, "emitted", T.record(T.record(T.i64))],
        [3, "specific", T.union("ExecutorSpecificStats", [[2, "spout", T.struct("SpoutStats", [[3, "complete_ms_avg", T.record(T.record(T.double))]])]])],
        [4, "rate", T.double],
        [5, "flags", T.set(T.bool)],
        [6, "hosts", T.list(T.pairs(T.i16, T.byte))],
      ])],
      [600, "future", T.binary],
    ]);
    const value = {
      executor_info: { task_start: 3, task_end: 3 },
      component_id: "count",
      host: "h",
      port: 6700,
      uptime_secs: 1,
      stats: {
        emitted: { ":all-time": { default: 10n } },
        specific: { spout: { complete_ms_avg: { "600": { default: 1.5 } } } },
        rate: 0.5,
        flags: [true],
        hosts: [[[1, 2]]],
      },
      future: new Uint8Array([9]),
    };
    const { stats: _s, future: _f, ...known } = value;
    expect(decodeStruct(S.ExecutorSummary, encodeStruct(richer, value))).toEqual(known);
  });
});

describe("thrift codec: encode errors name the field", () => {
  it("a union with two variants", () => {
    expect(() => encodeStruct(S.Grouping, { shuffle: {}, all: {} })).toThrow(/Grouping union needs exactly one of .*got shuffle, all/);
  });
  it("a union with none", () => {
    expect(() => encodeStruct(S.ComponentObject, {})).toThrow(ThriftEncodeError);
  });
  it("a missing required field, with its path", () => {
    expect(() =>
      encodeStruct(S.StormTopology, { spouts: { s: { spout_object: { shell }, common: { inputs: [] } } }, bolts: {}, state_spouts: {} }),
    ).toThrow('Cannot encode StormTopology.spouts["s"].common.streams: required field of ComponentCommon is missing');
  });
  it("a wrong type", () => {
    expect(() => encodeStruct(S.ComponentCommon, { inputs: [], streams: {}, parallelism_hint: 1.5 })).toThrow(
      /ComponentCommon.parallelism_hint: expected a 32-bit integer, got number 1.5/,
    );
  });
  it("an unknown field", () => {
    expect(() => encodeStruct(S.KillOptions, { waitSecs: 1 })).toThrow(/unknown field\(s\) waitSecs; KillOptions has wait_secs/);
  });
});
