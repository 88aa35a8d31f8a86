/**
 * The same word count as an operator pipeline. squall compiles it into a topology of the same shape:
 * flatMap and keyBy fuse into the "split" bolt, and keyBy makes the edge into "count" a fields
 * grouping on "word".
 *
 *   npx squall run topologies/wordcount-pipeline.ts
 */
import { compile, flatMap, from, keyBy, scan } from "squall";
import { SentenceSpout } from "./components.ts";

/** The pipeline itself: tests run it in-process and compare it with the compiled topology. */
export const wordcount = from(SentenceSpout)
  .named("sentences")
  .pipe(
    flatMap(({ sentence }: { sentence: string }) => sentence.split(/\s+/).filter((word) => word !== "")),
    keyBy((word: string) => word, { name: "word" }),
  )
  .named("split")
  .parallelism(2)
  .pipe(scan((counted: { word: string; count: number }, word: string) => ({ word, count: counted.count + 1 }), { word: "", count: 0 }))
  .named("count")
  .parallelism(2);

export default compile(wordcount, { name: "wordcount-pipeline", config: { maxSpoutPending: 100 } });
