/**
 * Word count, written with the topology builder: sentences -> split (shuffle) -> count (fields "word").
 *
 *   npx squall run                      # runs this file (named in squall.config.ts)
 *   npx squall visualize topologies/wordcount.ts -o wordcount.svg
 */
import { topology } from "squall";
import { CountBolt, SentenceSpout, SplitBolt } from "./components.ts";

export default topology("wordcount", { config: { maxSpoutPending: 100, messageTimeoutSecs: 30 } })
  .spout("sentences", SentenceSpout)
  .bolt("split", SplitBolt, { parallelism: 2 })
  .shuffle("sentences")
  .bolt("count", CountBolt, { parallelism: 2 })
  .fields("split", ["word"])
  .build();
