import { describe, expect, it } from "vitest";
import { applyStormWorkarounds, JSON_KRYO_REGISTRATIONS } from "../../lib/storm/workarounds.ts";
import type { TopologyDescription } from "../../lib/topology/description.ts";

const base: TopologyDescription = {
  name: "t",
  config: {},
  components: [
    { id: "s", type: "spout", implementation: { kind: "squall" }, parallelism: 1, inputs: [], outputs: { default: { fields: ["a"], direct: false } }, config: {} },
    { id: "b", type: "bolt", implementation: { kind: "squall" }, parallelism: 1, inputs: [{ component: "s", stream: "default", grouping: { type: "shuffle" } }], outputs: {}, config: {} },
  ],
};

describe("Storm workarounds", () => {
  it("registers json-smart's classes with Kryo for JSON topologies, keeping the user's registrations", () => {
    const out = applyStormWorkarounds({ ...base, config: { "topology.kryo.register": ["com.example.Thing", { "com.example.Other": "com.example.OtherSerializer" }] } }, "json");
    expect(out.config["topology.kryo.register"]).toEqual(["com.example.Thing", { "com.example.Other": "com.example.OtherSerializer" }, ...JSON_KRYO_REGISTRATIONS]);
    expect(applyStormWorkarounds(out, "json").config["topology.kryo.register"]).toEqual(out.config["topology.kryo.register"]);
  });
  it("leaves msgpack topologies alone", () => {
    expect(applyStormWorkarounds(base, "msgpack")).toBe(base);
  });
  it("refuses direct streams from multilang components under JSON, naming them and the fix", () => {
    const withDirect: TopologyDescription = { ...base, components: [{ ...base.components[0]!, outputs: { pick: { fields: ["a"], direct: true } } }, base.components[1]!] };
    expect(() => applyStormWorkarounds(withDirect, "json")).toThrowError(/direct streams from multilang components \(s\/pick\) crash Storm 2\.8's JSON serializer.*serializer msgpack/);
    expect(() => applyStormWorkarounds(withDirect, "msgpack")).not.toThrow();
  });
});
