/**
 * A deterministic, sequential in-process run of a topology, for tests (the reference a compiled
 * pipeline is compared with in `assertMatchesInProcess`): every task's real component is
 * driven through a ComponentHost with a fake HostIO, tuples are routed between tasks with the
 * topology's groupings (lib/topology/grouping.ts), and a simple acker tracks every spout tuple's tree.
 *
 * Deliveries are processed in one global FIFO queue, and a spout is asked for its next tuple only when
 * the queue is empty, so the order in which one key's elements reach a task is the order of the
 * source, as in an in-process RxJS run. At the end, bolts are closed in topology order (flushing
 * windows and reduces) with the queue drained after each.
 * @module
 */
import type { Component } from "../component/component.ts";
import { ComponentHost } from "../component/host.ts";
import { instantiate } from "../component/main.ts";
import { chooseTasks, type RouteState } from "../topology/grouping.ts";
import type { Topology } from "../topology/topology.ts";

export interface ModelOptions {
  /** Lose the n-th data tuple delivered to a bolt (it counts as failed; the spout replays it). */
  readonly lose?: (n: number) => boolean;
  /** Stop asking spouts for tuples after this many nextTuple calls (for endless spouts). */
  readonly maxNext?: number;
}

export interface Emitted {
  readonly component: string;
  readonly task: number;
  readonly stream: string;
  readonly values: readonly unknown[];
}

export interface Delivered {
  readonly component: string;
  readonly task: number;
  readonly source: string;
  readonly values: readonly unknown[];
}

interface Root {
  readonly spoutTask: number;
  readonly msgId: unknown;
  readonly pending: Set<string>;
  done: boolean;
}

interface TaskState {
  readonly id: number;
  readonly component: string;
  readonly host: ComponentHost;
  readonly instance: Component<any>;
}

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export class TopologyModel {
  readonly emitted: Emitted[] = [];
  readonly delivered: Delivered[] = [];
  readonly errors: string[] = [];
  acked = 0;
  failed = 0;
  lost = 0;
  private readonly tasks: TaskState[] = [];
  private readonly tasksOf = new Map<string, number[]>();
  private readonly queue: { task: number; message: unknown }[] = [];
  private readonly routes = new Map<string, RouteState>();
  private readonly rootsOf = new Map<string, Root[]>();
  private readonly roots = new Set<Root>();
  private nextId = 0;
  private bolted = 0;

  constructor(
    readonly topology: Topology,
    private readonly options: ModelOptions = {},
  ) {
    const d = topology.describe();
    let taskId = 1;
    for (const c of d.components) {
      const n = c.numTasks ?? c.parallelism;
      this.tasksOf.set(c.id, Array.from({ length: n }, () => taskId++));
    }
    const taskToComponent: Record<string, string> = {};
    for (const [component, ids] of this.tasksOf) for (const id of ids) taskToComponent[String(id)] = component;
    for (const c of d.components) {
      const sourceFields: Record<string, Record<string, string[]>> = {};
      for (const input of c.inputs) {
        const source = d.components.find((s) => s.id === input.component)!;
        (sourceFields[input.component] ??= {})[input.stream] = [...source.outputs[input.stream]!.fields];
      }
      for (const id of this.tasksOf.get(c.id)!) {
        const instance = instantiate(topology.component(c.id), c.id);
        const host = new ComponentHost(instance, {
          pid: 1000 + id,
          fs: { touch: () => {}, append: () => {}, size: () => -1, rename: () => {}, remove: () => {} },
          send: (message) => this.fromTask(id, c.id, message),
          stderr: (text) => this.errors.push(text),
          exit: (code) => {
            throw new Error(`task ${id} (${c.id}) exited with ${code}: ${this.errors.join("\n")}`);
          },
        });
        this.tasks.push({ id, component: c.id, host, instance });
        host.receive({
          conf: { ...d.config, ...c.config, "topology.name": d.name },
          pidDir: "/tmp",
          context: { "task->component": taskToComponent, taskid: id, componentid: c.id, "source->stream->fields": sourceFields },
        });
      }
    }
  }

  /** Roots (spout tuples) whose tree has not completed. */
  get pendingRoots(): number {
    let n = 0;
    for (const r of this.roots) if (!r.done) n++;
    return n;
  }

  /** Emits of one component on one stream. */
  output(component: string, stream = "default"): readonly (readonly unknown[])[] {
    return this.emitted.filter((e) => e.component === component && e.stream === stream).map((e) => e.values);
  }

  private task(id: number): TaskState {
    return this.tasks.find((t) => t.id === id)!;
  }

  private fromTask(task: number, component: string, message: unknown): void {
    const m = message as Record<string, unknown>;
    switch (m["command"]) {
      case "emit":
        return this.route(task, component, m);
      case "ack":
        return this.settle(String(m["id"]), true);
      case "fail":
        return this.settle(String(m["id"]), false);
      case "error":
        this.errors.push(String(m["msg"]));
        return;
      default:
        return; // pid, sync, log
    }
  }

  private route(task: number, component: string, m: Record<string, unknown>): void {
    const d = this.topology.describe();
    const stream = (m["stream"] as string | undefined) ?? "default";
    const values = m["tuple"] as unknown[];
    this.emitted.push({ component, task, stream, values });
    const anchors = (m["anchors"] as string[] | undefined) ?? [];
    const isSpout = d.components.find((c) => c.id === component)!.type === "spout";
    let roots: Root[] = [];
    if (isSpout && m["id"] !== undefined) {
      const root: Root = { spoutTask: task, msgId: m["id"], pending: new Set(), done: false };
      this.roots.add(root);
      roots = [root];
    } else {
      roots = [...new Set(anchors.flatMap((a) => this.rootsOf.get(a) ?? []))];
    }
    const targetsAll: number[] = [];
    const fields = d.components.find((c) => c.id === component)!.outputs[stream]?.fields ?? [];
    for (const c of d.components) {
      for (const input of c.inputs) {
        if (input.component !== component || input.stream !== stream) continue;
        const g = input.grouping;
        const indexes = g.type === "fields" ? g.fields.map((f) => fields.indexOf(f)) : [];
        const key = `${c.id}\u0000${component}\u0000${stream}`;
        let state = this.routes.get(key);
        if (!state) this.routes.set(key, (state = { next: 0 }));
        const targets = chooseTasks(g, values, indexes, this.tasksOf.get(c.id)!, state, m["task"] as number | undefined);
        for (const target of targets) {
          const id = `t${this.nextId++}`;
          if (roots.length > 0) {
            this.rootsOf.set(id, roots);
            for (const r of roots) r.pending.add(id);
          }
          targetsAll.push(target);
          this.queue.push({ task: target, message: { id, comp: component, stream, task, tuple: values } });
        }
      }
    }
    if (m["need_task_ids"] !== false && m["task"] === undefined) this.queue.push({ task, message: targetsAll });
    for (const r of roots) if (isSpout && r.pending.size === 0) this.complete(r, true);
  }

  private settle(id: string, ok: boolean): void {
    const roots = this.rootsOf.get(id) ?? [];
    this.rootsOf.delete(id);
    for (const r of roots) {
      if (r.done) continue;
      r.pending.delete(id);
      if (!ok) this.complete(r, false);
      else if (r.pending.size === 0) this.complete(r, true);
    }
  }

  private complete(root: Root, ok: boolean): void {
    root.done = true;
    if (ok) this.acked++;
    else this.failed++;
    this.queue.push({ task: root.spoutTask, message: { command: ok ? "ack" : "fail", id: root.msgId } });
  }

  /** Delivers queued messages until none are left (letting promises settle in between). */
  private async drain(): Promise<void> {
    for (;;) {
      while (this.queue.length > 0) {
        const { task, message } = this.queue.shift()!;
        const state = this.task(task);
        const isData = typeof message === "object" && message !== null && "tuple" in message;
        if (isData) {
          const n = this.bolted++;
          const tuple = message as { id: string; comp: string; tuple: unknown[] };
          if (this.options.lose?.(n)) {
            this.lost++;
            this.settle(tuple.id, false);
            continue;
          }
          this.delivered.push({ component: state.component, task, source: tuple.comp, values: tuple.tuple });
        }
        state.host.receive(message);
      }
      await macrotask();
      if (this.queue.length === 0) return;
    }
  }

  /** Runs until every spout is drained and every tree completed, then closes the bolts in order. */
  async run(): Promise<this> {
    const d = this.topology.describe();
    const spouts = this.tasks.filter((t) => d.components.find((c) => c.id === t.component)!.type === "spout");
    for (const s of spouts) this.queue.push({ task: s.id, message: { command: "activate" } });
    await this.drain();
    let calls = 0;
    let idle = 0;
    while (calls < (this.options.maxNext ?? Infinity)) {
      let emitted = false;
      for (const s of spouts) {
        const before = this.emitted.length;
        s.host.receive({ command: "next" });
        calls++;
        await this.drain();
        if (this.emitted.length > before) emitted = true;
      }
      if (emitted) {
        idle = 0;
        continue;
      }
      const drained = spouts.every((s) => (s.instance as { drained?: boolean }).drained !== false);
      if (drained && this.pendingRoots === 0) break;
      if (++idle > 50) break; // an async source that produces nothing more, or a tree that never completes
      await macrotask();
    }
    for (const c of d.components) {
      if (c.type !== "bolt") continue;
      for (const t of this.tasks.filter((t) => t.component === c.id)) await t.instance.close();
      await this.drain();
    }
    return this;
  }
}
