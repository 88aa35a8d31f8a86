/**
 * From a TopologyDescription to what the engine runs: task ids, subscriptions, settings and each task's
 * handshake context, checked first so a bad topology fails before any process starts.
 *
 * Task ids follow Storm: components sorted by id, tasks numbered from 1 in that order.
 *
 * @module
 */
import type { ComponentDescription, GroupingDescription, TopologyDescription } from "../topology/description.ts";
import type { Handshake, TopologyContext } from "../protocol/messages.ts";

/** Engine settings, read from the topology config (Storm's keys) with squall's defaults. */
export interface EngineSettings {
  /** topology.message.timeout.secs (Storm's default 30). */
  readonly messageTimeoutMs: number;
  /**
   * topology.max.spout.pending: un-acked reliable tuples per spout task before nextTuple stops.
   * Storm leaves it unbounded; squall defaults to 1000 so memory stays bounded on any topology.
   */
  readonly maxSpoutPending: number;
  /** topology.shellbolt.max.pending (Storm's default 100): tuples sent to one bolt process and not yet acked. */
  readonly boltMaxPending: number;
  /**
   * squall.engine.queue.size (default 1000): tuples waiting in the engine for one bolt task. Past it
   * the task is backpressured and spouts are not asked for more until it drains to half.
   */
  readonly queueSize: number;
  /** topology.subprocess.timeout.secs, else supervisor.worker.timeout.secs, else 30. */
  readonly subprocessTimeoutMs: number;
  /** Heartbeat period to bolts (Storm: about 1 s). */
  readonly heartbeatMs: number;
  /** topology.acker.executors (default 1; 0 acks every spout tuple at once). */
  readonly ackers: number;
  /** How long a spout rests after a nextTuple that emitted nothing (topology.sleep.spout.wait.strategy.time.ms, 1). */
  readonly spoutIdleMs: number;
}

export interface TaskPlan {
  readonly task: number;
  readonly component: ComponentDescription;
  /** Index of this task among its component's tasks. */
  readonly index: number;
}

/** One subscription, resolved to tasks. */
export interface Subscription {
  readonly target: ComponentDescription;
  readonly grouping: GroupingDescription;
  readonly tasks: readonly number[];
  /** For fields groupings: positions of the grouping fields in the source stream. */
  readonly fieldIndexes: readonly number[];
}

export interface Plan {
  readonly description: TopologyDescription;
  readonly settings: EngineSettings;
  readonly tasks: ReadonlyMap<number, TaskPlan>;
  readonly tasksOf: ReadonlyMap<string, readonly number[]>;
  readonly components: ReadonlyMap<string, ComponentDescription>;
  /** `${component}\0${stream}` -> its subscribers. */
  readonly subscribers: ReadonlyMap<string, readonly Subscription[]>;
  /** The merged config a task is told (topology config, then its component's). */
  confFor(task: number): Record<string, unknown>;
  /** Tick period of a bolt task in ms, or 0. */
  tickMsFor(task: number): number;
}

/** A topology the engine cannot run; lists every problem. */
export class TopologyError extends Error {
  override readonly name = "TopologyError";
  constructor(readonly problems: readonly string[], name: string) {
    super(`topology "${name}" is invalid:\n  - ${problems.join("\n  - ")}`);
  }
}

const num = (config: Readonly<Record<string, unknown>>, key: string): number | undefined => {
  const v = config[key];
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

export const settingsOf = (config: Readonly<Record<string, unknown>>): EngineSettings => ({
  messageTimeoutMs: (num(config, "topology.message.timeout.secs") ?? 30) * 1000,
  maxSpoutPending: num(config, "topology.max.spout.pending") ?? 1000,
  boltMaxPending: num(config, "topology.shellbolt.max.pending") ?? 100,
  queueSize: num(config, "squall.engine.queue.size") ?? 1000,
  subprocessTimeoutMs: (num(config, "topology.subprocess.timeout.secs") ?? num(config, "supervisor.worker.timeout.secs") ?? 30) * 1000,
  heartbeatMs: num(config, "squall.engine.heartbeat.ms") ?? 1000,
  ackers: num(config, "topology.acker.executors") ?? 1,
  spoutIdleMs: num(config, "topology.sleep.spout.wait.strategy.time.ms") ?? 1,
});

/** Lists what the engine cannot run. Empty when the topology is fine. */
export function topologyProblems(d: TopologyDescription): string[] {
  const problems: string[] = [];
  const byId = new Map<string, ComponentDescription>();
  if (!d || typeof d !== "object" || !Array.isArray(d.components)) return ["it has no components list (is it a TopologyDescription?)"];
  for (const c of d.components) {
    if (byId.has(c.id)) problems.push(`component id "${c.id}" is used twice; give each component its own id`);
    byId.set(c.id, c);
  }
  if (!d.components.some((c) => c.type === "spout")) problems.push("it has no spout; add at least one spout");
  for (const c of d.components) {
    const where = `component "${c.id}"`;
    if (!Number.isInteger(c.parallelism) || c.parallelism < 1) problems.push(`${where}: parallelism ${c.parallelism} must be an integer >= 1`);
    if (c.numTasks !== undefined && (!Number.isInteger(c.numTasks) || c.numTasks < 1)) problems.push(`${where}: numTasks ${c.numTasks} must be an integer >= 1`);
    if (c.implementation.kind === "java") problems.push(`${where} is a JVM component (${c.implementation.className}); squall run cannot start it locally, only Storm can`);
    if (c.type === "spout" && c.inputs.length > 0) problems.push(`${where} is a spout but subscribes to streams; only bolts have inputs`);
    for (const input of c.inputs) {
      const source = byId.get(input.component);
      const sub = `${where} subscribes to ${input.component}/${input.stream}`;
      if (!source) {
        problems.push(`${sub}, but there is no component "${input.component}"; known: ${[...byId.keys()].join(", ")}`);
        continue;
      }
      const stream = source.outputs[input.stream];
      if (!stream) {
        problems.push(`${sub}, but "${input.component}" declares no stream "${input.stream}"; its streams: ${Object.keys(source.outputs).join(", ") || "(none)"}`);
        continue;
      }
      const g = input.grouping;
      if (g.type === "fields") {
        if (g.fields.length === 0) problems.push(`${sub} with a fields grouping of no fields; name at least one field (or use a global grouping)`);
        for (const f of g.fields) if (!stream.fields.includes(f)) problems.push(`${sub} grouped by field "${f}", which the stream lacks; its fields: ${stream.fields.join(", ")}`);
      }
      if (g.type === "direct" && !stream.direct) problems.push(`${sub} with a direct grouping, but the stream is not declared direct`);
      if (g.type === "custom") problems.push(`${sub} with a custom JVM grouping (${g.className}); squall run cannot execute it locally`);
    }
  }
  return problems;
}

const contextGrouping = (g: GroupingDescription): { type: string; fields?: string[] } => {
  switch (g.type) {
    case "fields":
      return { type: "FIELDS", fields: [...g.fields] };
    case "global":
      return { type: "FIELDS", fields: [] };
    case "shuffle":
      return { type: "SHUFFLE" };
    case "all":
      return { type: "ALL" };
    case "none":
      return { type: "NONE" };
    case "direct":
      return { type: "DIRECT" };
    case "localOrShuffle":
      return { type: "LOCAL_OR_SHUFFLE" };
    case "custom":
      return { type: "CUSTOM_OBJECT" };
  }
};

/** Validates and plans. Throws TopologyError listing every problem. */
export function planTopology(d: TopologyDescription, overrides: Readonly<Record<string, unknown>> = {}): Plan {
  const problems = topologyProblems(d);
  if (problems.length > 0) throw new TopologyError(problems, d?.name ?? "?");
  const topologyConfig: Record<string, unknown> = { ...d.config, ...overrides, "topology.name": d.name };
  const components = new Map(d.components.map((c) => [c.id, c]));
  const tasks = new Map<number, TaskPlan>();
  const tasksOf = new Map<string, number[]>();
  let next = 1;
  for (const c of [...d.components].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const list: number[] = [];
    const n = c.numTasks ?? c.parallelism;
    for (let i = 0; i < n; i++) {
      tasks.set(next, { task: next, component: c, index: i });
      list.push(next++);
    }
    tasksOf.set(c.id, list);
  }
  const subscribers = new Map<string, Subscription[]>();
  for (const c of d.components) {
    for (const input of c.inputs) {
      const key = `${input.component}\u0000${input.stream}`;
      const fields = components.get(input.component)!.outputs[input.stream]!.fields;
      const g = input.grouping;
      const sub: Subscription = {
        target: c,
        grouping: g,
        tasks: tasksOf.get(c.id)!,
        fieldIndexes: g.type === "fields" ? g.fields.map((f) => fields.indexOf(f)) : [],
      };
      const list = subscribers.get(key) ?? [];
      list.push(sub);
      subscribers.set(key, list);
    }
  }
  const settings = settingsOf(topologyConfig);
  const confFor = (task: number): Record<string, unknown> => ({ ...topologyConfig, ...tasks.get(task)!.component.config, ...overrides });
  return {
    description: d,
    settings,
    tasks,
    tasksOf,
    components,
    subscribers,
    confFor,
    tickMsFor: (task) => {
      const plan = tasks.get(task)!;
      if (plan.component.type !== "bolt") return 0;
      const secs = num(confFor(task), "topology.tick.tuple.freq.secs");
      return secs && secs > 0 ? secs * 1000 : 0;
    },
  };
}

/** The context Storm sends a task in its handshake. */
export function contextFor(plan: Plan, task: number): TopologyContext {
  const me = plan.tasks.get(task)!.component;
  const taskToComponent: Record<string, string> = {};
  for (const [id, t] of plan.tasks) taskToComponent[String(id)] = t.component.id;
  const outputFields: Record<string, string[]> = {};
  const targets: Record<string, Record<string, { type: string; fields?: string[] }>> = {};
  for (const [stream, spec] of Object.entries(me.outputs)) {
    outputFields[stream] = [...spec.fields];
    const byTarget: Record<string, { type: string; fields?: string[] }> = {};
    for (const sub of plan.subscribers.get(`${me.id}\u0000${stream}`) ?? []) byTarget[sub.target.id] = contextGrouping(sub.grouping);
    targets[stream] = byTarget;
  }
  const sourceGrouping: Record<string, Record<string, { type: string; fields?: string[] }>> = {};
  const sourceFields: Record<string, Record<string, string[]>> = {};
  for (const input of me.inputs) {
    (sourceGrouping[input.component] ??= {})[input.stream] = contextGrouping(input.grouping);
    (sourceFields[input.component] ??= {})[input.stream] = [...plan.components.get(input.component)!.outputs[input.stream]!.fields];
  }
  return {
    "task->component": taskToComponent,
    taskid: task,
    componentid: me.id,
    streams: Object.keys(me.outputs),
    "stream->outputfields": outputFields,
    "stream->target->grouping": targets,
    "source->stream->grouping": sourceGrouping,
    "source->stream->fields": sourceFields,
  };
}

export function handshakeFor(plan: Plan, task: number, pidDir: string): Handshake {
  return { conf: plan.confFor(task), pidDir, context: contextFor(plan, task) };
}
