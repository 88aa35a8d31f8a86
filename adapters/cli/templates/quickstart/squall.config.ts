/**
 * squall's project config: the topology `squall run` runs by default, and the environments that
 * `squall submit`, `list`, `kill`, `stats` and `tail` talk to.
 */
import { defineConfig } from "squall";

export default defineConfig({
  topology: "topologies/wordcount.ts",
  envs: {
    // `squall run` runs on this machine; a local environment needs nothing.
    local: {},
    // A Storm cluster. Uncomment, point nimbus at it, then: npx squall submit topologies/wordcount.ts -e prod
    // prod: {
    //   nimbus: "nimbus.example.com:6627",
    //   ui: "http://nimbus.example.com:8080",
    //   logviewer: "http://nimbus.example.com:8000",
    //   runtime: "node", // what starts the components on the workers: node, bun or deno
    //   options: { "topology.workers": 2, "topology.max.spout.pending": 1000 },
    // },
  },
});
