/**
 * Operator pipelines: compose with RxJS-style operators, run in-process, or compile to a topology.
 * @module
 */
export { from, Pipeline, type PipelineSource, type SpoutValues, type StageSettings } from "./pipeline.ts";
export { compile, compileBuilder, planStages, type CompiledPipeline, type CompileOptions, type Stage } from "./compile.ts";
export { toObservable, runInProcess, type InProcessOptions } from "./in-process.ts";
export { manualClock, systemClock, type Clock, type ManualClock } from "./clock.ts";
export type { Operator, OperatorKind, Item } from "./operator.ts";
export type { Window, WindowSpec, CountWindowSpec, TimeWindowSpec } from "./window.ts";
export { pipelineBolt, type PipelineBoltClass, type StagePlan } from "./pipeline-bolt.ts";
export { sourceSpout } from "./source-spout.ts";
export { map } from "./operators/map.ts";
export { filter } from "./operators/filter.ts";
export { flatMap } from "./operators/flat-map.ts";
export { tap } from "./operators/tap.ts";
export { keyBy, type KeyByOptions } from "./operators/key-by.ts";
export { scan } from "./operators/scan.ts";
export { reduce } from "./operators/reduce.ts";
export { tumblingWindow } from "./operators/tumbling-window.ts";
export { slidingWindow } from "./operators/sliding-window.ts";
export { batch, type BatchSpec } from "./operators/batch.ts";
export { sink } from "./operators/sink.ts";
