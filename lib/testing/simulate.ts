/**
 * Run a whole topology in the deterministic simulator (the engine `squall run` uses, with a virtual
 * clock and a seeded RNG), optionally under a schedule of faults, and get back what became of every
 * spout message and every tuple.
 *
 * Faults strike the n-th data tuple delivered to any bolt (`at`, from 0):
 * - `fail`: the bolt processes it, but its ack turns into a fail;
 * - `throw`: the bolt's process() throws on it;
 * - `kill`: the bolt's process dies instead of processing it (a fresh instance replaces it);
 * - `stall`: the process hangs (delay past the timeout): it answers nothing until the engine kills it
 *   after topology.subprocess.timeout.secs, and its tuples time out after topology.message.timeout.secs.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { Bolt, ReliableSpout, stream, topology, type TupleOf } from "squall";
 * import { simulate } from "squall/testing";
 *
 * const Numbers = stream({ n: t.number });
 * class NumberSpout extends ReliableSpout({ outputs: { default: Numbers } }) {
 *   private n = 0;
 *   nextTuple() {
 *     this.emit({ n: this.n }, { id: this.n++ });
 *   }
 * }
 * class Double extends Bolt({ input: Numbers, outputs: { default: Numbers } }) {
 *   process(tuple: TupleOf<typeof Numbers>) {
 *     return this.ack(this.emit({ n: tuple.fields.n * 2 }));
 *   }
 * }
 * const numbers = topology("numbers").spout("numbers", NumberSpout).bolt("double", Double).shuffle("numbers").build();
 *
 * const report = await simulate(numbers, { messages: 5, seed: 1, faults: [{ at: 2, kind: "kill" }] });
 * report.messages.every((m) => m.fate === "acked"); // true: the killed tuple was replayed
 * ```
 * @module
 */
import type { Component } from "../component/component.ts";
import { instantiate } from "../component/main.ts";
import type { SpoutEmitOptions } from "../component/spout.ts";
import { Simulation, type Fault, type FaultKind } from "../engine/simulator.ts";
import type { MetricsSnapshot } from "../engine/metrics.ts";
import { HEARTBEAT_STREAM, SYSTEM_COMPONENT, type MessageId } from "../protocol/messages.ts";
import type { Topology } from "../topology/topology.ts";

export type { Fault, FaultKind };

export interface SimulateOptions {
  /** Seed of the simulator's RNG (default 1). Same seed and faults: same run. */
  readonly seed?: number;
  /** Faults to inject (default none). */
  readonly faults?: readonly Fault[];
  /** Storm config overrides, as `squall run -o` (e.g. { "topology.message.timeout.secs": 5 }). */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * Distinct messages each spout task may emit (default 10): past that, new emits are dropped, while
   * replays of earlier messages still go out. This is what makes an endless spout testable.
   */
  readonly messages?: number;
  /** Virtual ms of no bolt activity after which a settled run ends (default 1000). */
  readonly settleMs?: number;
  /** Virtual ms without a new spout message after which a spout counts as exhausted (default 5000). */
  readonly idleMs?: number;
  /** Give up after this much virtual time (default 600000). */
  readonly maxTimeMs?: number;
}

/** What became of one spout message. */
export interface MessageFate {
  readonly spout: string;
  readonly task: number;
  readonly id: MessageId;
  /** Values of its first emit. */
  readonly values: readonly unknown[];
  /** Times it was emitted (1 + replays). */
  readonly emits: number;
  /** Times Storm told the spout its tree completed. */
  readonly acks: number;
  /** Times Storm told the spout its tree failed or timed out. */
  readonly fails: number;
  /** `acked`: processed; `failed`: failed and never acked; `pending`: neither when the run ended. */
  readonly fate: "acked" | "failed" | "pending";
}

/** One data tuple delivered to a bolt task. */
export interface Delivery {
  readonly component: string;
  readonly task: number;
  /** The component and stream it came from. */
  readonly source: string;
  readonly stream: string;
  readonly values: readonly unknown[];
  /** The values by field name (the source stream's fields). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Whether the bolt acked it (false: failed, lost with its process, or still pending). */
  readonly acked: boolean;
  /** Virtual ms. */
  readonly at: number;
}

export interface SimulationReport {
  /** Every reliable spout message, in the order first emitted. */
  readonly messages: readonly MessageFate[];
  /** Every data tuple delivered to a bolt, in order. */
  readonly deliveries: readonly Delivery[];
  /** True when every message was acked and the topology went quiet before maxTimeMs. */
  readonly finished: boolean;
  /** Virtual ms when the run ended. */
  readonly timeMs: number;
  /** Faults that struck (one scheduled past the last delivery never does). */
  readonly struck: readonly (Fault & { readonly task: number })[];
  /** Errors reported by components and by the engine. */
  readonly errors: readonly string[];
  readonly snapshot: MetricsSnapshot;
}

interface Tracked {
  spout: string;
  task: number;
  id: MessageId;
  values: readonly unknown[];
  emits: number;
  acks: number;
  fails: number;
}

interface MutableDelivery {
  component: string;
  task: number;
  source: string;
  stream: string;
  values: readonly unknown[];
  fields: Record<string, unknown>;
  acked: boolean;
  at: number;
}

const keyOf = (id: unknown): string => (typeof id === "string" ? `s${id}` : `j${JSON.stringify(id)}`);

/** Limits a spout instance to `limit` distinct messages (replays of those still go out). */
const capSpout = (component: Component<any>, limit: number, seen: Set<string>, onNew: () => void): void => {
  const spout = component as unknown as { emit: (values: unknown, options?: SpoutEmitOptions) => unknown };
  const emit = spout.emit.bind(component);
  let unreliable = 0;
  spout.emit = (values: unknown, options: SpoutEmitOptions = {}) => {
    if (options.id === undefined) {
      if (unreliable >= limit) return options.needTaskIds ? Promise.resolve([]) : undefined;
      unreliable++;
      onNew();
      return emit(values, options);
    }
    const key = keyOf(options.id);
    if (!seen.has(key)) {
      if (seen.size >= limit) return options.needTaskIds ? Promise.resolve([]) : undefined;
      seen.add(key);
      onNew();
    }
    return emit(values, options);
  };
};

const isDataTuple = (m: unknown): m is { id: string; comp: string; stream: string; tuple: unknown[] } => {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return false;
  const r = m as Record<string, unknown>;
  return typeof r["id"] === "string" && Array.isArray(r["tuple"]) && typeof r["comp"] === "string" && r["stream"] !== HEARTBEAT_STREAM && r["comp"] !== SYSTEM_COMPONENT;
};

/** Runs `topology` in the deterministic simulator and reports what became of every message and tuple. */
export async function simulate(topology: Topology, options: SimulateOptions = {}): Promise<SimulationReport> {
  const d = topology.describe();
  for (const c of d.components) {
    if (c.implementation.kind !== "squall") {
      throw new Error(`simulate: component "${c.id}" is a ${c.implementation.kind} component; the simulator runs only squall components (test it on Storm, or replace it with a squall stand-in)`);
    }
  }
  const limit = options.messages ?? 10;
  const settleMs = options.settleMs ?? 1000;
  const idleMs = options.idleMs ?? 5000;
  const byId = new Map(d.components.map((c) => [c.id, c]));
  const tracked = new Map<string, Tracked>();
  const order: Tracked[] = [];
  const deliveries: MutableDelivery[] = [];
  const pendingDelivery = new Map<string, MutableDelivery>();
  const seenBySpoutTask = new Map<number, Set<string>>();
  let lastNew = 0;
  let lastActivity = 0;
  let sim!: Simulation;

  sim = new Simulation(
    d,
    (id) => instantiate(topology.component(id), id),
    {
      seed: options.seed ?? 1,
      faults: options.faults ?? [],
      config: options.config,
      maxTimeMs: options.maxTimeMs ?? 600_000,
      trace: {
        toTask(task, message, now) {
          const plan = sim.core.plan.tasks.get(task)!;
          const m = message as Record<string, unknown>;
          if (plan.component.type === "spout") {
            if (m["command"] === "ack" || m["command"] === "fail") {
              const entry = tracked.get(`${task}\u0000${keyOf(m["id"])}`);
              if (entry) {
                if (m["command"] === "ack") entry.acks++;
                else entry.fails++;
              }
            }
            return;
          }
          if (!isDataTuple(message)) return;
          lastActivity = now;
          const names = byId.get(message.comp)?.outputs[message.stream]?.fields ?? [];
          const fields: Record<string, unknown> = {};
          names.forEach((name, i) => (fields[name] = message.tuple[i]));
          const delivery: MutableDelivery = { component: plan.component.id, task, source: message.comp, stream: message.stream, values: message.tuple, fields, acked: false, at: now };
          deliveries.push(delivery);
          pendingDelivery.set(message.id, delivery);
        },
        fromTask(task, message, now) {
          const m = message as Record<string, unknown>;
          const plan = sim.core.plan.tasks.get(task)!;
          if (plan.component.type === "spout") {
            if (m["command"] === "emit" && m["id"] !== undefined) {
              const key = `${task}\u0000${keyOf(m["id"])}`;
              let entry = tracked.get(key);
              if (!entry) {
                entry = { spout: plan.component.id, task, id: m["id"] as MessageId, values: m["tuple"] as unknown[], emits: 0, acks: 0, fails: 0 };
                tracked.set(key, entry);
                order.push(entry);
                lastNew = now;
              }
              entry.emits++;
            }
            return;
          }
          if (m["command"] === "ack" && typeof m["id"] === "string") {
            const delivery = pendingDelivery.get(m["id"]);
            if (delivery) delivery.acked = true;
            pendingDelivery.delete(m["id"]);
            lastActivity = now;
          } else if (m["command"] === "fail" && typeof m["id"] === "string") {
            pendingDelivery.delete(m["id"]);
            lastActivity = now;
          } else if (m["command"] === "emit") {
            lastActivity = now;
          }
        },
      },
    },
  );

  // Cap every spout task at `limit` distinct messages. The quota belongs to the task, so a restarted
  // spout shares it with its earlier incarnations.
  const spoutTasks: number[] = [];
  for (const [task, plan] of sim.core.plan.tasks) if (plan.component.type === "spout") spoutTasks.push(task);
  const capped = new WeakSet<object>();
  const capAll = (): void => {
    for (const task of spoutTasks) {
      const component = sim.component(task);
      if (capped.has(component)) continue;
      capped.add(component);
      let seen = seenBySpoutTask.get(task);
      if (!seen) seenBySpoutTask.set(task, (seen = new Set()));
      capSpout(component, limit, seen, () => {});
    }
  };
  capAll();

  const full = (): boolean => spoutTasks.every((task) => (seenBySpoutTask.get(task)?.size ?? 0) >= limit);
  const result = await sim.run(() => {
    capAll(); // a spout restarted since the last event gets its cap too
    const now = sim.clock.now();
    for (const entry of order) if (entry.acks === 0) return false;
    if (!full() && now - lastNew < idleMs) return false;
    return now - lastActivity >= settleMs;
  });

  const messages: MessageFate[] = order.map((e) => ({
    spout: e.spout,
    task: e.task,
    id: e.id,
    values: e.values,
    emits: e.emits,
    acks: e.acks,
    fails: e.fails,
    fate: e.acks > 0 ? "acked" : e.fails > 0 ? "failed" : "pending",
  }));
  return {
    messages,
    deliveries,
    finished: result.finished,
    timeMs: result.timeMs,
    struck: result.struck,
    errors: result.errors,
    snapshot: result.snapshot,
  };
}
