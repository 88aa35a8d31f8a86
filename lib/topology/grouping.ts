/**
 * Groupings: which task of a bolt receives a tuple.
 *
 * The routing here is pure, so every runtime that places tuples (the local engine, the test model,
 * a future Storm-side custom grouping) makes the same choice. The one rule that must never differ is
 * the fields grouping: {@link fieldsTask}.
 *
 * @module
 */
import type { GroupingDescription, JavaArg } from "./description.ts";

/** Storm's groupings as values, for the builder's raw `grouping(...)` method and the compiler. */
export const Grouping = {
  shuffle: (): GroupingDescription => ({ type: "shuffle" }),
  fields: (fields: readonly string[]): GroupingDescription => ({ type: "fields", fields: [...fields] }),
  all: (): GroupingDescription => ({ type: "all" }),
  global: (): GroupingDescription => ({ type: "global" }),
  none: (): GroupingDescription => ({ type: "none" }),
  direct: (): GroupingDescription => ({ type: "direct" }),
  localOrShuffle: (): GroupingDescription => ({ type: "localOrShuffle" }),
  custom: (className: string, args: readonly JavaArg[] = []): GroupingDescription => ({ type: "custom", className, args: [...args] }),
} as const;

/**
 * FNV-1a (32 bit) over the UTF-16 code units of `text`. Chosen because every JS runtime computes it
 * identically with `Math.imul` and no dependencies.
 */
export const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/**
 * The task index (0 .. numTasks-1, in ascending task-id order) a fields grouping sends a tuple to.
 *
 * The key is `JSON.stringify` of the grouped values, in the grouping's field order; its FNV-1a hash
 * modulo `numTasks` picks the task. Equal keys therefore reach the same task in every runtime, for
 * any number of tasks. (Storm's own JVM fields grouping hashes differently; that is fine, because on a
 * cluster Storm does the routing, and equal keys still meet in one task there.)
 */
export const fieldsTask = (values: readonly unknown[], fieldIndexes: readonly number[], numTasks: number): number => {
  if (!(numTasks >= 1)) throw new Error(`fieldsTask: numTasks must be at least 1 (got ${numTasks})`);
  const key = JSON.stringify(fieldIndexes.map((i) => values[i] ?? null));
  return fnv1a(key) % numTasks;
};

/** Routing state of one subscription (round-robin position of shuffle-like groupings). */
export interface RouteState {
  next: number;
}

/**
 * The target tasks of one tuple on one subscription. `tasks` are the bolt's task ids in ascending
 * order; shuffle-like groupings go round robin (deterministic, which tests want), `direct` uses the
 * emit's task, `custom` (a JVM class) cannot be routed outside Storm.
 */
export const chooseTasks = (
  grouping: GroupingDescription,
  values: readonly unknown[],
  fieldIndexes: readonly number[],
  tasks: readonly number[],
  state: RouteState,
  directTask?: number,
): readonly number[] => {
  switch (grouping.type) {
    case "fields":
      return [tasks[fieldsTask(values, fieldIndexes, tasks.length)]!];
    case "all":
      return tasks;
    case "global":
      return [tasks[0]!];
    case "direct":
      return directTask !== undefined && tasks.includes(directTask) ? [directTask] : [];
    case "shuffle":
    case "none":
    case "localOrShuffle": {
      const task = tasks[state.next % tasks.length]!;
      state.next++;
      return [task];
    }
    case "custom":
      throw new Error(`custom grouping ${grouping.className} is a JVM class: it routes only on a Storm cluster`);
  }
};
