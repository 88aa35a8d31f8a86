/**
 * Which tasks get an emitted tuple, by every grouping Storm has (reference/storm.md sections 1 and 5).
 *
 * Pure apart from the seeded RNG: a router per source task needs no shared state, so routing shards by
 * source task when the engine is split across processes.
 *
 * @module
 */
import type { Plan, Subscription } from "./plan.ts";
import type { Random } from "./random.ts";
import { fieldsTask } from "./fields.ts";

export class RoutingError extends Error {
  override readonly name = "RoutingError";
}

export class Router {
  /** Round-robin cursors, per source task and subscription (Storm's shuffle is a shuffled round robin). */
  private readonly cursors = new Map<string, number>();

  constructor(private readonly plan: Plan, private readonly rng: Random) {}

  /** Subscriptions to `component/stream` (empty when nobody listens). */
  subscriptions(component: string, stream: string): readonly Subscription[] {
    return this.plan.subscribers.get(`${component}\u0000${stream}`) ?? [];
  }

  /**
   * The target tasks of one emit, in subscription order. `directTask` is set for direct emits.
   * Throws RoutingError when the emit breaks the stream's declaration.
   */
  route(component: string, sourceTask: number, stream: string, values: readonly unknown[], directTask: number | undefined, out: number[] = []): number[] {
    const source = this.plan.components.get(component)!;
    const spec = source.outputs[stream];
    if (!spec) {
      throw new RoutingError(`${component} emitted on stream "${stream}", which it does not declare; declared: ${Object.keys(source.outputs).join(", ") || "(none)"}`);
    }
    const subs = this.subscriptions(component, stream);
    if (spec.direct) {
      if (directTask === undefined) throw new RoutingError(`${component} emitted on direct stream "${stream}" without a task; pass { task } to emit`);
      for (const sub of subs) if (sub.grouping.type === "direct" && sub.tasks.includes(directTask)) out.push(directTask);
      if (out.length === 0 && subs.length > 0) {
        throw new RoutingError(`${component} emitted directly to task ${directTask} on "${stream}", but no direct subscriber owns that task; subscribers' tasks: ${subs.map((s) => `${s.target.id}=[${s.tasks.join(",")}]`).join(" ")}`);
      }
      return out;
    }
    if (directTask !== undefined) throw new RoutingError(`${component} emitted to task ${directTask} on "${stream}", which is not a direct stream; declare it direct or drop the task`);
    for (let i = 0; i < subs.length; i++) {
      const sub = subs[i]!;
      const tasks = sub.tasks;
      switch (sub.grouping.type) {
        case "all":
          for (const t of tasks) out.push(t);
          break;
        case "global":
          out.push(tasks[0]!);
          break;
        case "fields":
          out.push(tasks[fieldsTask(values, sub.fieldIndexes, tasks.length)]!);
          break;
        case "direct":
          break; // a direct subscription to a non-direct stream gets nothing (validation rejects it anyway)
        default: {
          // shuffle, none, localOrShuffle (one machine: every task is local), custom (rejected earlier)
          if (tasks.length === 1) {
            out.push(tasks[0]!);
            break;
          }
          const key = `${sourceTask}\u0000${i}`;
          let cursor = this.cursors.get(key);
          if (cursor === undefined) cursor = this.rng.int(tasks.length);
          out.push(tasks[cursor % tasks.length]!);
          this.cursors.set(key, (cursor + 1) % tasks.length);
        }
      }
    }
    return out;
  }
}
