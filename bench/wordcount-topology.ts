/** Word count for the engine benchmark: parallelism of split and count from SQUALL_BENCH_P. */
import { topology } from "squall";
import { CountBolt, SentenceSpout, SplitBolt } from "../examples/wordcount/components.ts";

const g = globalThis as { process?: { env: Record<string, string | undefined> }; Deno?: { env: { get(k: string): string | undefined } } };
const p = Number((g.Deno ? g.Deno.env.get("SQUALL_BENCH_P") : g.process?.env["SQUALL_BENCH_P"]) ?? 1);

export default topology("wordcount-bench", { config: { maxSpoutPending: 1000 } })
  .spout("sentences", SentenceSpout, { parallelism: p })
  .bolt("split", SplitBolt, { parallelism: p })
  .shuffle("sentences")
  .bolt("count", CountBolt, { parallelism: p })
  .fields("split", ["word"])
  .build();
