/**
 * One-line property checks for your own topologies and pipelines. Each throws an Error saying what
 * went wrong (with the smallest failing case fast-check found) and passes silently otherwise, so it
 * drops into any test runner: vitest, `bun test`, `deno test`, node:test.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import fc from "fast-check";
 * import { Bolt, from, keyBy, ReliableSpout, scan, stream, topology, type TupleOf } from "squall";
 * import { assertAtLeastOnce, assertKeysPartitioned, assertMatchesInProcess } from "squall/testing";
 *
 * const Words = stream({ word: t.string });
 * class WordSpout extends ReliableSpout({ outputs: { default: Words } }) {
 *   private n = 0;
 *   nextTuple() {
 *     this.emit({ word: ["a", "b", "c"][this.n % 3]! }, { id: this.n++ });
 *   }
 * }
 * class Upper extends Bolt({ input: Words, outputs: { default: Words } }) {
 *   process(tuple: TupleOf<typeof Words>) {
 *     return this.ack(this.emit({ word: tuple.fields.word.toUpperCase() }));
 *   }
 * }
 * const words = topology("words")
 *   .spout("words", WordSpout)
 *   .bolt("upper", Upper, { parallelism: 3 }).fields("words", ["word"])
 *   .build();
 *
 * await assertAtLeastOnce(words, { numRuns: 10 });            // every message processed under random faults
 * await assertKeysPartitioned(words, { component: "upper" }); // each word reaches one task
 * await assertMatchesInProcess(
 *   from<number>([]).pipe(keyBy((n: number) => n % 2), scan((sum: number, n: number) => sum + n, 0)),
 *   fc.array(fc.integer(), { maxLength: 10 }),
 * );
 * ```
 * @module
 */
import fc from "fast-check";
import type { Pipeline } from "../pipeline/pipeline.ts";
import { Pipeline as PipelineClass } from "../pipeline/pipeline.ts";
import { compile } from "../pipeline/compile.ts";
import { runInProcess } from "../pipeline/in-process.ts";
import { manualClock } from "../pipeline/clock.ts";
import type { Topology } from "../topology/topology.ts";
import { faultSchedule } from "./arbitraries.ts";
import { TopologyModel } from "./model.ts";
import { simulate, type Fault, type SimulationReport } from "./simulate.ts";

export interface AtLeastOnceOptions {
  /** A fixed schedule, or an arbitrary of schedules (default: `faultSchedule()`). */
  readonly faults?: readonly Fault[] | fc.Arbitrary<readonly Fault[]>;
  /** Messages per spout task: a number or an arbitrary of numbers (default: 1 to 10). */
  readonly messages?: number | fc.Arbitrary<number>;
  /** The simulator's seed (default 1). */
  readonly seed?: number;
  /** Storm config overrides. Defaults shorten timeouts: message 10 s, subprocess 5 s (virtual time). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Runs of the property (default 50). */
  readonly numRuns?: number;
  /** fast-check's seed, to replay a failure. */
  readonly fcSeed?: number;
}

/** A failing case of the at-least-once property, after shrinking. */
export interface AtLeastOnceCounterexample {
  readonly faults: readonly Fault[];
  readonly messages: number;
  /** What went wrong in that run. */
  readonly problems: readonly string[];
}

export interface AtLeastOnceResult {
  readonly ok: boolean;
  /** The smallest failing case found (when not ok). */
  readonly counterexample?: AtLeastOnceCounterexample;
  readonly numRuns: number;
  readonly numShrinks: number;
  /** fast-check's seed and path, to replay it. */
  readonly seed: number;
}

const TEST_TIMEOUTS = { "topology.message.timeout.secs": 10, "topology.subprocess.timeout.secs": 5 };

const isArbitrary = <T>(value: unknown): value is fc.Arbitrary<T> =>
  typeof value === "object" && value !== null && typeof (value as { generate?: unknown }).generate === "function" && typeof (value as { shrink?: unknown }).shrink === "function";

const deliveryKey = (d: SimulationReport["deliveries"][number]): string => `${d.component}\u0000${d.source}/${d.stream}\u0000${JSON.stringify(d.values)}`;

/** The problems of one faulty run, measured against the fault-free run of the same messages. */
const atLeastOnceProblems = (reference: SimulationReport, run: SimulationReport, faults: readonly Fault[]): string[] => {
  const problems: string[] = [];
  for (const m of reference.messages) {
    if (m.fate !== "acked") problems.push(`even without faults, message ${JSON.stringify(m.id)} of spout "${m.spout}" was ${m.fate}; the topology must work before it can survive faults`);
  }
  if (problems.length > 0) return problems;
  for (const m of run.messages) {
    if (m.fate !== "acked") {
      problems.push(
        `message ${JSON.stringify(m.id)} of spout "${m.spout}" was never acked (${m.fate}; emitted ${m.emits}x, failed ${m.fails}x): a spout must replay a failed message until it is processed (ReliableSpout does, but gives up after maxRetries, default 3; use maxRetries: Infinity for at-least-once)`,
      );
    }
  }
  const processed = new Set(run.deliveries.filter((d) => d.acked).map(deliveryKey));
  const reported = new Set<string>();
  for (const d of reference.deliveries) {
    if (!d.acked) continue;
    const key = deliveryKey(d);
    if (processed.has(key) || reported.has(key)) continue;
    reported.add(key);
    problems.push(
      `bolt "${d.component}" never processed ${JSON.stringify(d.fields)} from ${d.source}/${d.stream}, which it processed in the fault-free run, although every spout message was acked: the tuple was lost. Emits must be anchored to their input (the default; anchors: [] opts out) so that a lost tuple fails its spout message and is replayed`,
    );
  }
  if (problems.length > 0 && faults.length > 0) {
    problems.push(`faults that struck: ${JSON.stringify(run.struck)}`);
  }
  return problems;
};

/**
 * Checks that every spout message is processed at least once under faults: each is eventually acked
 * (replayed as needed), and every tuple the fault-free run processed is processed in the faulty run.
 * Resolves with the result (and the shrunk counterexample) instead of throwing.
 */
export async function checkAtLeastOnce(topology: Topology, options: AtLeastOnceOptions = {}): Promise<AtLeastOnceResult> {
  const config = { ...TEST_TIMEOUTS, ...options.config };
  const seed = options.seed ?? 1;
  const references = new Map<number, Promise<SimulationReport>>();
  const reference = (messages: number): Promise<SimulationReport> => {
    let r = references.get(messages);
    if (!r) references.set(messages, (r = simulate(topology, { seed, messages, config })));
    return r;
  };
  const problemsOf = async (faults: readonly Fault[], messages: number): Promise<string[]> => {
    const run = await simulate(topology, { seed, messages, config, faults });
    return atLeastOnceProblems(await reference(messages), run, faults);
  };
  const faultsArb: fc.Arbitrary<readonly Fault[]> =
    options.faults === undefined ? faultSchedule() : isArbitrary<readonly Fault[]>(options.faults) ? options.faults : fc.constant(options.faults);
  const messagesArb: fc.Arbitrary<number> =
    options.messages === undefined ? fc.integer({ min: 1, max: 10 }) : typeof options.messages === "number" ? fc.constant(options.messages) : options.messages;
  const fixed = !isArbitrary(options.faults) && options.faults !== undefined && typeof options.messages === "number";
  const details = await fc.check(
    fc.asyncProperty(faultsArb, messagesArb, async (faults, messages) => (await problemsOf(faults, messages)).length === 0),
    { numRuns: fixed ? 1 : (options.numRuns ?? 50), ...(options.fcSeed !== undefined && { seed: options.fcSeed }) },
  );
  if (!details.failed) return { ok: true, numRuns: details.numRuns, numShrinks: 0, seed: details.seed };
  if (!details.counterexample) throw new Error(`checkAtLeastOnce: the property could not run: ${String(details.errorInstance)}`);
  const [faults, messages] = details.counterexample;
  return {
    ok: false,
    counterexample: { faults, messages, problems: await problemsOf(faults, messages) },
    numRuns: details.numRuns,
    numShrinks: details.numShrinks,
    seed: details.seed,
  };
}

/** Thrown by {@link assertAtLeastOnce}; holds the shrunk counterexample. */
export class AtLeastOnceError extends Error {
  override readonly name = "AtLeastOnceError";
  constructor(
    readonly topology: string,
    readonly result: AtLeastOnceResult & { readonly counterexample: AtLeastOnceCounterexample },
  ) {
    const c = result.counterexample;
    super(
      `topology "${topology}" is not at-least-once: with ${c.messages} message(s) per spout task and faults ${JSON.stringify(c.faults)} (shrunk ${result.numShrinks} times; replay with fcSeed: ${result.seed}):\n  - ${c.problems.slice(0, 8).join("\n  - ")}${c.problems.length > 8 ? `\n  - ... and ${c.problems.length - 8} more` : ""}`,
    );
  }
}

/**
 * Asserts that every spout message is processed at least once under these faults (see
 * {@link checkAtLeastOnce}); throws an {@link AtLeastOnceError} with the smallest failing case.
 */
export async function assertAtLeastOnce(topology: Topology, options: AtLeastOnceOptions = {}): Promise<void> {
  const result = await checkAtLeastOnce(topology, options);
  if (!result.ok) throw new AtLeastOnceError(topology.name, result as AtLeastOnceResult & { counterexample: AtLeastOnceCounterexample });
}

export interface KeysPartitionedOptions {
  /** The bolt to check (default: every bolt with a fields grouping). */
  readonly component?: string;
  /** The key of a delivered tuple, from its fields (default: the values of the grouping's fields). */
  readonly key?: (fields: Readonly<Record<string, unknown>>) => unknown;
  readonly messages?: number;
  readonly seed?: number;
  readonly faults?: readonly Fault[];
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Asserts that equal keys reach one task: for the bolt(s) checked, no key is seen by two tasks. */
export async function assertKeysPartitioned(topology: Topology, options: KeysPartitionedOptions = {}): Promise<void> {
  const d = topology.describe();
  const grouped = (id: string) => d.components.find((c) => c.id === id)?.inputs.filter((i) => i.grouping.type === "fields") ?? [];
  const targets = options.component !== undefined ? [options.component] : d.components.filter((c) => grouped(c.id).length > 0).map((c) => c.id);
  if (options.component !== undefined && !d.components.some((c) => c.id === options.component)) {
    throw new Error(`assertKeysPartitioned: topology "${d.name}" has no component "${options.component}"; its components: ${d.components.map((c) => c.id).join(", ")}`);
  }
  if (targets.length === 0) throw new Error(`assertKeysPartitioned: no bolt of topology "${d.name}" has a fields grouping; name one with { component } and give { key }`);
  const report = await simulate(topology, { messages: options.messages ?? 20, seed: options.seed ?? 1, faults: options.faults ?? [], config: options.config ?? {} });
  const problems: string[] = [];
  for (const id of targets) {
    const inputs = grouped(id);
    if (options.key === undefined && inputs.length === 0) {
      throw new Error(`assertKeysPartitioned: bolt "${id}" has no fields grouping, so it has no key to check; pass { key: (fields) => ... }`);
    }
    const tasksByKey = new Map<string, Set<number>>();
    for (const delivery of report.deliveries) {
      if (delivery.component !== id) continue;
      let key: unknown;
      if (options.key) key = options.key(delivery.fields);
      else {
        const input = inputs.find((i) => i.component === delivery.source && i.stream === delivery.stream);
        if (!input || input.grouping.type !== "fields") continue;
        const names = input.grouping.fields;
        key = names.map((name) => delivery.fields[name]);
      }
      const text = JSON.stringify(key);
      let tasks = tasksByKey.get(text);
      if (!tasks) tasksByKey.set(text, (tasks = new Set()));
      tasks.add(delivery.task);
    }
    if (tasksByKey.size === 0) problems.push(`bolt "${id}" received no tuples in ${options.messages ?? 20} messages per spout task, so nothing was checked`);
    for (const [key, tasks] of tasksByKey) {
      if (tasks.size > 1) problems.push(`bolt "${id}": key ${key} reached tasks ${[...tasks].sort((a, b) => a - b).join(", ")}, not one`);
    }
  }
  if (problems.length > 0) throw new Error(`topology "${d.name}": equal keys did not all reach one task:\n  - ${problems.slice(0, 8).join("\n  - ")}`);
}

export interface MatchesInProcessOptions {
  /** Runs of the property when `inputs` is an arbitrary (default 100). */
  readonly numRuns?: number;
  /** fast-check's seed. */
  readonly fcSeed?: number;
  /** The frozen processing time both runs see (default 1000). */
  readonly timeMs?: number;
}

const sortedJson = (values: readonly unknown[]): string[] => values.map((v) => JSON.stringify(v) ?? "undefined").sort();

const multisetDiff = (expected: readonly string[], actual: readonly string[]): { missing: string[]; extra: string[] } => {
  const counts = new Map<string, number>();
  for (const v of expected) counts.set(v, (counts.get(v) ?? 0) + 1);
  const extra: string[] = [];
  for (const v of actual) {
    const n = counts.get(v) ?? 0;
    if (n > 0) counts.set(v, n - 1);
    else extra.push(v);
  }
  const missing = [...counts].flatMap(([v, n]) => Array.from({ length: n }, () => v));
  return { missing, extra };
};

/** One comparison; resolves with the problems (empty when they agree). */
async function compareWithInProcess(pipeline: Pipeline<unknown>, inputs: readonly unknown[], timeMs: number): Promise<string[]> {
  const clock = manualClock(timeMs); // frozen: both runs see the same processing time
  const expected = await runInProcess(pipeline, { input: inputs, clock });
  const fed = new PipelineClass<unknown>({ kind: "iterable", iterable: inputs }, pipeline.operators, pipeline.marks);
  const compiled = compile(fed, { name: "in-process-check", clock });
  const last = compiled.describe().components.at(-1)!;
  const model = await new TopologyModel(compiled).run();
  const outputs = model.output(last.id).map((v) => v[v.length - 1]);
  const problems: string[] = [];
  const { missing, extra } = multisetDiff(sortedJson(expected), sortedJson(outputs));
  if (missing.length > 0) problems.push(`the topology did not emit ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}`);
  if (extra.length > 0) problems.push(`the topology emitted ${extra.slice(0, 10).join(", ")}${extra.length > 10 ? ", ..." : ""}, which the in-process run did not`);
  if (model.errors.length > 0) problems.push(`components reported errors: ${model.errors.slice(0, 3).join("; ")}`);
  if (model.pendingRoots > 0 || model.failed > 0) problems.push(`${model.pendingRoots} spout tuple tree(s) never completed and ${model.failed} failed: an element was held or dropped without its input being acked`);
  return problems;
}

/**
 * Asserts that a pipeline compiled into a topology emits the same outputs (as a multiset: order may
 * differ across keys) as its in-process RxJS run, for these inputs, or for every input an arbitrary
 * generates. The topology runs task by task through real component hosts, with its groupings.
 */
export async function assertMatchesInProcess<T>(
  pipeline: Pipeline<unknown>,
  inputs: Iterable<T> | fc.Arbitrary<readonly T[]>,
  options: MatchesInProcessOptions = {},
): Promise<void> {
  const timeMs = options.timeMs ?? 1000;
  const fail = (values: readonly unknown[], problems: readonly string[]): never => {
    throw new Error(`the compiled pipeline does not match its in-process run for inputs ${JSON.stringify(values)}:\n  - ${problems.join("\n  - ")}`);
  };
  if (!isArbitrary<readonly T[]>(inputs)) {
    const values = [...inputs];
    const problems = await compareWithInProcess(pipeline, values, timeMs);
    if (problems.length > 0) fail(values, problems);
    return;
  }
  await fc.assert(
    fc.asyncProperty(inputs, async (values) => {
      const problems = await compareWithInProcess(pipeline, values, timeMs);
      if (problems.length > 0) fail(values, problems);
    }),
    { numRuns: options.numRuns ?? 100, ...(options.fcSeed !== undefined && { seed: options.fcSeed }) },
  );
}
