/**
 * The pipeline compiler: a Pipeline becomes a Topology.
 *
 * Rules:
 * - the source becomes a spout (the user's spout class, or a generated reliable spout);
 * - consecutive operators fuse into one bolt (a generated PipelineBolt running them as a chain);
 * - `keyBy` ends its bolt: the key travels as a field, and the next bolt is subscribed with a fields
 *   grouping on it. A keyed stream stays keyed (and partitioned by key) until the next keyBy;
 * - per-key operators (scan, reduce, windows, batch) on a stream that was never keyed hold one global
 *   state, so their bolt gets a global grouping (one task does the work);
 * - `.named()`, `.parallelism()`, `.numTasks()`, `.config()` end a stage explicitly and set it;
 * - bolts whose operators read processing time get tick tuples every second.
 * @module
 */
import type { Component } from "../component/component.ts";
import type { TopologyConfig } from "../topology/config.ts";
import { topology, type TopologyBuilder } from "../topology/builder.ts";
import type { GroupingDescription } from "../topology/description.ts";
import { Grouping } from "../topology/grouping.ts";
import type { Topology } from "../topology/topology.ts";
import { systemClock, type Clock } from "./clock.ts";
import type { Operator } from "./operator.ts";
import { pipelineBolt, type StageInput, type StageOutput } from "./pipeline-bolt.ts";
import type { Pipeline, StageSettings } from "./pipeline.ts";
import { sourceSpout } from "./source-spout.ts";

export interface CompileOptions {
  /** The topology's name (Storm's rule: no / . : or \). */
  readonly name: string;
  readonly config?: TopologyConfig;
  /** Processing time for windows and batches (tests pass a manual clock). */
  readonly clock?: Clock;
  /** Tick frequency given to bolts that read processing time (default 1 s). */
  readonly tickSecs?: number;
}

/** One bolt of the compiled topology, before ids are final. */
export interface Stage {
  readonly operators: Operator<any, any>[];
  /** The key field the stage's input is partitioned by, if keyed. */
  readonly keyName: string | undefined;
  settings: StageSettings;
}

/** Splits the operators into stages (exported for tests and `squall visualize --explain`). */
export function planStages(pipeline: Pipeline<unknown>): Stage[] {
  const stages: Stage[] = [];
  let current: Stage | undefined;
  let keyName: string | undefined;
  let boundary = true;
  pipeline.operators.forEach((op, index) => {
    if (current && current.operators.at(-1)?.kind === "sink") {
      throw new Error(`operator ${op.name} comes after a sink; a sink ends the pipeline`);
    }
    if (boundary || !current) {
      current = { operators: [], keyName, settings: {} };
      stages.push(current);
      boundary = false;
    }
    current.operators.push(op);
    if (op.kind === "keyBy") {
      keyName = op.keyName;
      boundary = true;
    }
    const mark = pipeline.marks.find((m) => m.after === index + 1);
    if (mark) {
      current.settings = mark;
      boundary = true;
    }
  });
  return stages;
}

const baseName = (op: Operator<any, any>): string => op.name.replace(/\(.*$/, "");

/** Compiles a pipeline into a validated Topology (throws TopologyValidationError when it is not). */
export function compile(pipeline: Pipeline<unknown>, options: CompileOptions): Topology {
  return compileBuilder(pipeline, options).builder.build();
}

/** A compiled pipeline before `.build()`: add components after it, subscribed to `last`. */
export interface CompiledPipeline {
  readonly builder: TopologyBuilder<Record<string, { readonly default: string }>>;
  /** The id of the pipeline's last component (its last bolt, or the spout when there are no operators). */
  readonly last: string;
  /** The key field of the last component's output when the stream is keyed (its fields: [key, "value"]). */
  readonly keyName: string | undefined;
}

/**
 * Compiles a pipeline into a topology builder, so that components the operators cannot express (a
 * BatchingBolt writing to a database, a JVM bolt) can follow it. The last stage emits
 * `[keyName, "value"]` when keyed, else `["value"]`.
 *
 * @example
 * ```ts
 * import { BatchingBolt, compileBuilder, from, keyBy, map, type Tuple } from "squall";
 *
 * class Save extends BatchingBolt({ outputs: {}, batchSize: 100 }) {
 *   async processBatch(_key: string, tuples: readonly Tuple[]) {
 *     await Promise.resolve(tuples.length); // one bulk write here
 *     return this.ack();
 *   }
 * }
 * const words = from(["a", "b", "a"]).pipe(map((w: string) => ({ word: w })), keyBy("word")).named("words");
 * const { builder, last, keyName } = compileBuilder(words, { name: "save-words" });
 * export default builder.bolt("save", Save).fields(last, [keyName!]).build();
 * ```
 */
export function compileBuilder(pipeline: Pipeline<unknown>, options: CompileOptions): CompiledPipeline {
  const clock = options.clock ?? systemClock;
  const taken = new Set<string>();
  const uniqueId = (wanted: string | undefined, fallback: string): string => {
    if (wanted !== undefined) {
      taken.add(wanted); // a duplicate is left for validation to report, naming it
      return wanted;
    }
    let id = fallback;
    for (let n = 2; taken.has(id); n++) id = `${fallback}-${n}`;
    taken.add(id);
    return id;
  };
  const explicit = new Set(pipeline.marks.map((m) => m.id).filter((id): id is string => id !== undefined));
  for (const id of explicit) taken.add(id);

  let builder = topology(options.name, { config: options.config ?? {} }) as unknown as TopologyBuilder<any> & { grouping(ref: string, g: GroupingDescription): TopologyBuilder<any> };

  // the spout
  const spoutMark: StageSettings = pipeline.marks.find((m) => m.after === 0) ?? {};
  const source = pipeline.source;
  const spoutId = spoutMark.id ?? uniqueId(undefined, "source");
  const spoutClass = source.kind === "spout" ? source.spout : sourceSpout(source, source.kind === "iterable" ? "from(iterable)" : source.kind === "async" ? "from(async iterable)" : "from(observable)");
  builder = builder.spout(spoutId, spoutClass, settingsOf(spoutMark)) as never;
  let upstream = spoutId;
  let input: StageInput =
    source.kind === "spout" ? { kind: "record", fields: [...(source.spout.declaration.outputs["default"]!.fields as readonly string[])] } : { kind: "value" };

  const stages = planStages(pipeline);
  let lastKey: string | undefined;
  stages.forEach((stage) => {
    const id = stage.settings.id ?? uniqueId(undefined, baseName(stage.operators[0]!));
    const last = stage.operators.at(-1)!;
    const keyedOut = last.kind === "keyBy" ? last.keyName : stage.keyName;
    const output: StageOutput = last.kind === "sink" ? { kind: "none" } : keyedOut !== undefined ? { kind: "keyed", keyName: keyedOut } : { kind: "value" };
    const bolt = pipelineBolt({ id, operators: stage.operators, input, output, clock });
    const stateful = stage.operators.some((op) => op.kind === "stateful");
    const grouping = stage.keyName !== undefined ? Grouping.fields([stage.keyName]) : stateful ? Grouping.global() : Grouping.shuffle();
    const timed = stage.operators.some((op) => op.timed === true);
    const settings = settingsOf(stage.settings);
    const config = timed ? { "topology.tick.tuple.freq.secs": options.tickSecs ?? 1, ...settings.config } : settings.config;
    builder = (builder.bolt(id, bolt as unknown as new () => Component<any> & { kind: "bolt" } as never, { ...settings, config, operators: bolt.operators }) as typeof builder).grouping(upstream, grouping) as never;
    upstream = id;
    lastKey = output.kind === "keyed" ? output.keyName : undefined;
    input = output.kind === "keyed" ? { kind: "keyed" } : { kind: "value" };
  });
  return { builder: builder as unknown as CompiledPipeline["builder"], last: upstream, keyName: lastKey };
}

const settingsOf = (s: StageSettings) => ({
  ...(s.parallelism !== undefined && { parallelism: s.parallelism }),
  ...(s.numTasks !== undefined && { numTasks: s.numTasks }),
  config: { ...s.config },
});
