import type { TopologyDescription } from "../../lib/topology/description.ts";

/**
 * spout -> split (shuffle) -> count (fields "word"); split also emits a direct stream "audit" to a Python
 * shell bolt; a Java bolt subscribes globally to count and a custom grouping feeds a second Java bolt.
 */
export const sample: TopologyDescription = {
  name: "word-count",
  config: { "topology.workers": 2, "topology.max.spout.pending": 100 },
  components: [
    {
      id: "sentences",
      type: "spout",
      implementation: { kind: "squall", module: "./topo.ts", exportName: "sentences" },
      parallelism: 1,
      inputs: [],
      outputs: { default: { fields: ["sentence"], direct: false } },
      config: {},
    },
    {
      id: "split",
      type: "bolt",
      implementation: { kind: "squall" },
      parallelism: 2,
      numTasks: 4,
      inputs: [{ component: "sentences", stream: "default", grouping: { type: "shuffle" } }],
      outputs: {
        default: { fields: ["word"], direct: false },
        audit: { fields: ["word", "length"], direct: true },
      },
      config: { "topology.tick.tuple.freq.secs": 5 },
    },
    {
      id: "count",
      type: "bolt",
      implementation: { kind: "squall" },
      parallelism: 3,
      inputs: [{ component: "split", stream: "default", grouping: { type: "fields", fields: ["word"] } }],
      outputs: { default: { fields: ["word", "count"], direct: false } },
      config: {},
    },
    {
      id: "auditor",
      type: "bolt",
      implementation: { kind: "shell", command: "python3", script: "auditor.py" },
      parallelism: 1,
      inputs: [{ component: "split", stream: "audit", grouping: { type: "direct" } }],
      outputs: {},
      config: {},
    },
    {
      id: "report",
      type: "bolt",
      implementation: { kind: "java", className: "org.example.ReportBolt", args: ["totals", 10, 5_000_000_000, 0.5, true] },
      parallelism: 1,
      inputs: [
        { component: "count", stream: "default", grouping: { type: "global" } },
        { component: "sentences", stream: "default", grouping: { type: "all" } },
      ],
      outputs: {},
      config: {},
    },
    {
      id: "sink",
      type: "bolt",
      implementation: { kind: "java", className: "org.example.SinkBolt", args: [] },
      parallelism: 1,
      inputs: [
        { component: "count", stream: "default", grouping: { type: "custom", className: "org.example.MyGrouping", args: ["x"] } },
        { component: "split", stream: "default", grouping: { type: "none" } },
        { component: "sentences", stream: "default", grouping: { type: "localOrShuffle" } },
      ],
      outputs: {},
      config: {},
    },
  ],
};
