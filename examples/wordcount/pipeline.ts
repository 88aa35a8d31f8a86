/**
 * Word count as an operator pipeline. It compiles to the same topology shape as topology.ts:
 * sentences -> split (shuffle, 2 tasks) -> count (fields "word", 2 tasks).
 *
 * The flatMap and keyBy fuse into the "split" bolt; keyBy makes the edge into "count" a fields
 * grouping on "word", so each word's running count lives in one task.
 * @module
 */
import { compile, flatMap, from, keyBy, scan } from "squall";
import { SentenceSpout } from "./components.ts";

/** The pipeline itself, for in-process runs and tests. */
export const wordcount = from(SentenceSpout)
  .named("sentences")
  .pipe(
    flatMap(({ sentence }: { sentence: string }) => sentence.split(/\s+/).filter((w) => w !== "")),
    keyBy((word: string) => word, { name: "word" }),
  )
  .named("split")
  .parallelism(2)
  .pipe(scan((counted: { word: string; count: number }, word: string) => ({ word, count: counted.count + 1 }), { word: "", count: 0 }))
  .named("count")
  .parallelism(2);

export default compile(wordcount, { name: "wordcount", config: { workers: 1, maxSpoutPending: 100, messageTimeoutSecs: 30 } });
