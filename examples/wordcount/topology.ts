/**
 * Word count as a topology of classes: sentences -> split (shuffle) -> count (fields "word").
 *
 * Run it with `squall run examples/wordcount/topology.ts`, draw it with
 * `squall visualize examples/wordcount/topology.ts -o wordcount.svg`.
 * @module
 */
import { topology } from "squall";
import { CountBolt, SentenceSpout, SplitBolt } from "./components.ts";

export default topology("wordcount", { config: { workers: 1, maxSpoutPending: 100, messageTimeoutSecs: 30 } })
  .spout("sentences", SentenceSpout, { parallelism: 1 })
  .bolt("split", SplitBolt, { parallelism: 2 })
  .shuffle("sentences")
  .bolt("count", CountBolt, { parallelism: 2 })
  .fields("split", ["word"])
  .build();
