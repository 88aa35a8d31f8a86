/**
 * squall/testing: test your own spouts, bolts, topologies and pipelines without Storm.
 *
 * - {@link testComponent}: drive one component in-process with typed tuples, ticks, heartbeats and
 *   spout commands; inspect its emits, acks, fails, logs and errors; advance a fake clock.
 * - {@link simulate}: run a whole topology in the deterministic simulator under a seeded fault schedule
 *   and get back what became of every spout message.
 * - {@link tupleOf} and {@link faultSchedule}: fast-check arbitraries.
 * - {@link assertAtLeastOnce}, {@link assertKeysPartitioned}, {@link assertMatchesInProcess}: one-line
 *   property checks that throw with the smallest failing case.
 *
 * Runtime-neutral: works under Node, Bun and Deno, with any test runner.
 * @module
 */
export {
  ComponentTester,
  fakeClock,
  testComponent,
  type Clock,
  type CommandResult,
  type ComponentTarget,
  type InputOf,
  type ManualClock,
  type OutputsOf,
  type TestEmit,
  type TesterOptions,
  type TestLog,
  type TupleResult,
} from "./component-tester.ts";
export { simulate, type Delivery, type Fault, type FaultKind, type MessageFate, type SimulateOptions, type SimulationReport } from "./simulate.ts";
export { arbitraryOf, faultSchedule, tupleOf, type FaultScheduleOptions, type FieldArbitraries } from "./arbitraries.ts";
export {
  AtLeastOnceError,
  assertAtLeastOnce,
  assertKeysPartitioned,
  assertMatchesInProcess,
  checkAtLeastOnce,
  type AtLeastOnceCounterexample,
  type AtLeastOnceOptions,
  type AtLeastOnceResult,
  type KeysPartitionedOptions,
  type MatchesInProcessOptions,
} from "./properties.ts";
export { TopologyModel, type Delivered, type Emitted, type ModelOptions } from "./model.ts";
export { MemoryFs } from "./memory-fs.ts";
