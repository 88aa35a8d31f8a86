/**
 * A deterministic, in-process run of a topology: the real EngineCore (acker, router, flow control,
 * timeouts) with every task's component driven through a ComponentHost instead of a process, a seeded
 * RNG, a virtual clock, and a schedule of faults. Same seed and faults, same run.
 *
 * Faults strike at the n-th data tuple delivered to any bolt (heartbeats and ticks are not counted):
 * - `fail`: the bolt processes it, but its ack is turned into a fail;
 * - `throw`: the bolt's process() throws on it (the host fails the tuple and reports the error);
 * - `kill`: the bolt's process dies instead: the host is discarded with whatever it held, and a fresh
 *   component instance replaces it after `restartDelayMs`;
 * - `stall`: the process hangs: it receives nothing more and answers nothing, so the engine kills it
 *   after topology.subprocess.timeout.secs and restarts it.
 *
 * @module
 */
import { ComponentHost, type HostIO } from "../component/host.ts";
import type { Component } from "../component/component.ts";
import type { FileSystem } from "../io.ts";
import { HEARTBEAT_STREAM, SYSTEM_COMPONENT } from "../protocol/messages.ts";
import type { TopologyDescription } from "../topology/description.ts";
import { EngineCore, type EngineObserver } from "./core.ts";
import type { MetricsSnapshot } from "./metrics.ts";
import { planTopology } from "./plan.ts";
import { seededRandom } from "./random.ts";
import { VirtualScheduler } from "./scheduler.ts";

export type FaultKind = "fail" | "throw" | "kill" | "stall";

export interface Fault {
  /** Index (from 0) of the bolt data-tuple delivery it strikes. */
  readonly at: number;
  readonly kind: FaultKind;
}

export interface SimulationOptions {
  /** Config overrides (Storm keys), as `squall run -o`. */
  readonly config?: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly faults?: readonly Fault[];
  /** Virtual time a message takes between the engine and a task (default 0.05 ms). */
  readonly latencyMs?: number;
  /** Virtual time before a dead task's replacement starts (default 50 ms). */
  readonly restartDelayMs?: number;
  /** Deactivate after this much virtual time... */
  readonly maxTimeMs?: number;
  /** Watches every message, after faults were applied. */
  readonly trace?: {
    toTask?(task: number, message: unknown, now: number): void;
    fromTask?(task: number, message: unknown, now: number): void;
  };
  readonly observer?: EngineObserver;
}

export interface SimulationResult {
  /** Virtual ms when the run ended. */
  readonly timeMs: number;
  /** Whether `until` became true (false: maxTimeMs ran out). */
  readonly finished: boolean;
  readonly snapshot: MetricsSnapshot;
  /** Faults that struck (a fault scheduled past the last delivery never does). */
  readonly struck: readonly (Fault & { readonly task: number })[];
  /** Errors reported by components and by the engine. */
  readonly errors: readonly string[];
}

const memoryFs: FileSystem = { touch: () => {}, append: () => {}, size: () => -1, rename: () => {}, remove: () => {} };

interface Incarnation {
  readonly host: ComponentHost;
  readonly generation: number;
  dead: boolean;
  stalled: boolean;
}

const isDataTuple = (m: unknown): m is { id: string; comp: string | null; stream: string } => {
  if (typeof m !== "object" || m === null || Array.isArray(m)) return false;
  const r = m as Record<string, unknown>;
  return typeof r["id"] === "string" && "comp" in r && r["stream"] !== HEARTBEAT_STREAM && r["comp"] !== SYSTEM_COMPONENT;
};

export class Simulation {
  readonly clock = new VirtualScheduler();
  readonly core: EngineCore;
  private readonly incarnations = new Map<number, Incarnation>();
  private generation = 0;
  private deliveries = 0;
  private readonly faults: Map<number, FaultKind>;
  private readonly failIds = new Set<string>();
  private readonly struck: (Fault & { task: number })[] = [];
  private readonly errors: string[] = [];
  private readonly latency: number;
  private readonly restartDelay: number;
  private pid = 1000;

  constructor(
    description: TopologyDescription,
    /** Makes a fresh component for a component id (squall's registry, or a test's). */
    private readonly instantiate: (componentId: string) => Component<any>,
    private readonly options: SimulationOptions = {},
  ) {
    const plan = planTopology(description, options.config);
    this.latency = options.latencyMs ?? 0.05;
    this.restartDelay = options.restartDelayMs ?? 50;
    this.faults = new Map((options.faults ?? []).map((f) => [f.at, f.kind]));
    const observer = options.observer ?? {};
    this.core = new EngineCore(
      plan,
      { send: (task, message) => this.toTask(task, message), kill: (task) => this.killed(task) },
      this.clock,
      seededRandom(options.seed ?? 1),
      {
        ...observer,
        error: (task, msg, source) => {
          this.errors.push(`${source} task ${task}: ${msg}`);
          observer.error?.(task, msg, source);
        },
      },
      { pidDir: "/sim/pids" },
    );
    for (const task of plan.tasks.keys()) this.start(task);
  }

  private start(task: number): void {
    const component = this.instantiate(this.core.plan.tasks.get(task)!.component.id);
    const generation = ++this.generation;
    let incarnation: Incarnation;
    const io: HostIO = {
      pid: this.pid++,
      fs: memoryFs,
      send: (message) => {
        if (incarnation.dead || incarnation.stalled) return;
        let out = message;
        if ((out as { command?: string }).command === "ack" && this.failIds.delete((out as { id: string }).id)) {
          out = { command: "fail", id: (out as { id: string }).id };
        }
        this.clock.setTimeout(() => {
          if (incarnation.dead) return; // a dead process's unflushed output is lost
          this.options.trace?.fromTask?.(task, out, this.clock.now());
          this.core.receive(task, out);
        }, this.latency);
      },
      stderr: (text) => this.errors.push(`stderr task ${task}: ${text}`),
      exit: () => this.crashed(task, incarnation),
    };
    incarnation = { host: new ComponentHost(component, io), generation, dead: false, stalled: false };
    this.incarnations.set(task, incarnation);
    this.core.attach(task);
  }

  private toTask(task: number, message: unknown): void {
    const incarnation = this.incarnations.get(task);
    if (!incarnation) return;
    this.clock.setTimeout(() => {
      if (incarnation.dead || incarnation.stalled) return;
      if (isDataTuple(message) && this.core.plan.tasks.get(task)!.component.type === "bolt") {
        const kind = this.faults.get(this.deliveries++);
        if (kind) {
          this.struck.push({ at: this.deliveries - 1, kind, task });
          if (this.strike(task, incarnation, kind, message)) return;
        }
      }
      this.options.trace?.toTask?.(task, message, this.clock.now());
      try {
        incarnation.host.receive(message);
      } catch (error) {
        this.errors.push(`task ${task}: ${(error as Error).message}`);
        this.crashed(task, incarnation);
      }
    }, this.latency);
  }

  /** Applies a fault; true when the message must not be delivered. */
  private strike(task: number, incarnation: Incarnation, kind: FaultKind, message: { id: string }): boolean {
    switch (kind) {
      case "fail":
        this.failIds.add(message.id);
        return false;
      case "throw": {
        const component = incarnation.host.component as unknown as { process?: (t: unknown) => unknown };
        const original = component.process;
        component.process = () => {
          component.process = original;
          throw new Error("fault injected by the simulator");
        };
        return false;
      }
      case "kill":
        this.crashed(task, incarnation);
        return true;
      case "stall":
        incarnation.stalled = true;
        return true;
    }
  }

  /** The process died on its own (crash, exit, protocol error). */
  private crashed(task: number, incarnation: Incarnation): void {
    if (incarnation.dead || this.incarnations.get(task) !== incarnation) return;
    incarnation.dead = true;
    incarnation.host.stop();
    this.core.taskDied(task);
    this.clock.setTimeout(() => this.start(task), this.restartDelay);
  }

  /** The engine killed it (silent past the subprocess timeout). */
  private killed(task: number): void {
    const incarnation = this.incarnations.get(task);
    if (!incarnation || incarnation.dead) return;
    incarnation.dead = true;
    incarnation.host.stop();
    this.clock.setTimeout(() => this.start(task), this.restartDelay);
  }

  /** The live component instance of a task (tests read their state from it). */
  component<C extends Component<any> = Component<any>>(task: number): C {
    return this.incarnations.get(task)!.host.component as C;
  }

  /**
   * Runs until `until()` holds (checked after every event) or maxTimeMs of virtual time passed.
   * Awaits microtasks between events so components with async process() work too.
   */
  async run(until: () => boolean, maxTimeMs = this.options.maxTimeMs ?? 600_000): Promise<SimulationResult> {
    let finished = false;
    let steps = 0;
    while (this.clock.now() <= maxTimeMs) {
      if (until()) {
        finished = true;
        break;
      }
      if (!this.clock.runNext()) break;
      if (++steps % 64 === 0 || this.anyBusy()) await Promise.resolve();
    }
    this.core.stop();
    return { timeMs: this.clock.now(), finished, snapshot: this.core.snapshot(), struck: this.struck, errors: this.errors };
  }

  private anyBusy(): boolean {
    for (const i of this.incarnations.values()) if (!i.dead && i.host.busy > 0) return true;
    return false;
  }
}
