/**
 * The engine core: Storm's side of the multilang protocol for every task of a topology, with no
 * processes and no real time in it. The real runner (adapters/engine) and the simulator (simulator.ts)
 * both drive this class, so what the property tests prove about the simulator holds for `squall run`.
 *
 * It keeps, per reference/storm.md:
 * - the handshake (context built from the description), then `activate` before the first `next`;
 * - spouts as Storm's ShellSpout does: one command at a time, each answered by `sync`; `next` only while
 *   active, under topology.max.spout.pending and with no bolt backpressured; a short rest after a
 *   `next` that emitted nothing;
 * - routing by every grouping, task id replies unless the emit said need_task_ids: false;
 * - the acker (XOR trees, fail at once, timeout), tick tuples, heartbeats to bolts;
 * - bounded flow: at most topology.shellbolt.max.pending tuples in a bolt process, the rest queued here;
 *   a queue past squall.engine.queue.size stops every spout until it drains to half;
 * - death: a process that dies (or is killed for silence) fails its in-flight tuples at once, keeps its
 *   queue for its replacement; a dead spout's trees are forgotten.
 *
 * @module
 */
import { ShardedAcker, type Settlement } from "./acker.ts";
import { handshakeFor, type Plan, type TaskPlan } from "./plan.ts";
import type { Random } from "./random.ts";
import { Router, RoutingError } from "./router.ts";
import type { Scheduler } from "./scheduler.ts";
import { Queue } from "./queue.ts";
import { ComponentMetrics, snapshotOf, type MetricsSnapshot } from "./metrics.ts";
import { HEARTBEAT_STREAM, SYSTEM_COMPONENT, TICK_STREAM, type MessageId } from "../protocol/messages.ts";

/** How the core reaches task processes. */
export interface TaskTransport {
  /** Queues a message to a task (Storm -> component). */
  send(task: number, message: unknown): void;
  /** The core decided a task must die (silent past the subprocess timeout). Kill it, then call taskDied. */
  kill(task: number, reason: string): void;
}

/** What the core tells its driver (logs, errors, lifecycle). All optional. */
export interface EngineObserver {
  /** A task answered the handshake. */
  ready?(task: number, pid: number): void;
  /** A `log` command (level 0-4). */
  log?(task: number, level: number, msg: string): void;
  /** An `error` command, or a protocol mistake the core caught (source "engine"). */
  error?(task: number, msg: string, source: "component" | "engine"): void;
  /** A spout tree settled (for tests and traces). */
  settled?(task: number, kind: Settlement["kind"], messageId: MessageId, latencyMs: number): void;
}

/** A tuple the engine tracks from emit to ack. */
interface TupleRecord {
  readonly id: string;
  readonly comp: string;
  readonly stream: string;
  readonly sourceTask: number;
  readonly values: readonly unknown[];
  /** Root ids this tuple belongs to, with its edge id (hi/lo halves) in each. */
  readonly roots: number[];
  readonly ehi: number[];
  readonly elo: number[];
  /** XOR of the edge ids of tuples anchored to this one (Storm's ack value). */
  chi: number;
  clo: number;
  sentAt: number;
}

interface TaskState {
  readonly plan: TaskPlan;
  readonly task: number;
  readonly metrics: ComponentMetrics;
  /** Handshake sent to the current process. */
  attached: boolean;
  /** The current process answered the handshake. */
  ready: boolean;
  attachedAt: number;
  lastHeard: number;
  /** Incarnation of the task's process (0 = first). */
  generation: number;
}

interface SpoutState extends TaskState {
  readonly kind: "spout";
  /** Reliable trees not yet settled. */
  pending: number;
  readonly commands: Queue<{ command: "ack" | "fail"; id: MessageId }>;
  /** The command sent and not yet synced. */
  awaiting: string | null;
  awaitingSince: number;
  emitted: boolean;
  sleeping: boolean;
  activeSent: boolean;
}

interface BoltState extends TaskState {
  readonly kind: "bolt";
  readonly inflight: Map<string, TupleRecord>;
  readonly queue: Queue<TupleRecord>;
  overfull: boolean;
  lastHeartbeat: number;
  nextTick: number;
  readonly tickMs: number;
}

type State = SpoutState | BoltState;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export interface EngineCoreOptions {
  readonly pidDir?: string;
}

export class EngineCore {
  readonly router: Router;
  readonly acker: ShardedAcker;
  private readonly states = new Map<number, State>();
  private readonly spouts: SpoutState[] = [];
  private readonly bolts: BoltState[] = [];
  readonly metrics = new Map<string, ComponentMetrics>();
  private active = true;
  private stopped = false;
  private rootSeq = 0;
  private tupleSeq = 0;
  private overfullCount = 0;
  private housekeeper: unknown;
  private readonly startedAt: number;
  private readonly pidDir: string;
  private readonly targets: number[] = [];
  private firstAckAt: number | undefined;

  constructor(
    readonly plan: Plan,
    private readonly transport: TaskTransport,
    private readonly clock: Scheduler,
    private readonly rng: Random,
    private readonly observer: EngineObserver = {},
    options: EngineCoreOptions = {},
  ) {
    this.router = new Router(plan, rng);
    this.acker = new ShardedAcker(plan.settings.messageTimeoutMs, Math.max(1, plan.settings.ackers));
    this.pidDir = options.pidDir ?? "/tmp";
    this.startedAt = clock.now();
    for (const c of plan.description.components) this.metrics.set(c.id, new ComponentMetrics(c.id, c.type, plan.tasksOf.get(c.id)!.length));
    for (const [task, tp] of plan.tasks) {
      const base = { plan: tp, task, metrics: this.metrics.get(tp.component.id)!, attached: false, ready: false, attachedAt: 0, lastHeard: 0, generation: 0 };
      if (tp.component.type === "spout") {
        const s: SpoutState = { ...base, kind: "spout", pending: 0, commands: new Queue(), awaiting: null, awaitingSince: 0, emitted: false, sleeping: false, activeSent: false };
        this.states.set(task, s);
        this.spouts.push(s);
      } else {
        const tickMs = plan.tickMsFor(task);
        const b: BoltState = { ...base, kind: "bolt", inflight: new Map(), queue: new Queue(), overfull: false, lastHeartbeat: 0, nextTick: 0, tickMs };
        this.states.set(task, b);
        this.bolts.push(b);
      }
    }
    this.scheduleHousekeeping();
  }

  // -------------------------------------------------------------------------------------------
  // lifecycle

  /** A process for `task` was started: send it the handshake. */
  attach(task: number): void {
    const s = this.state(task);
    if (s.attached) this.taskDied(task);
    if (s.generation > 0) s.metrics.restarts++;
    s.attached = true;
    s.ready = false;
    s.attachedAt = s.lastHeard = this.clock.now();
    this.transport.send(task, handshakeFor(this.plan, task, this.pidDir));
  }

  /**
   * The task's process is gone (crashed, killed). Its in-flight tuples fail now (their spouts replay
   * them); tuples queued for it wait for the replacement; a spout's pending trees are forgotten.
   * Idempotent: a second call for the same process does nothing.
   */
  taskDied(task: number): void {
    const s = this.state(task);
    if (!s.attached) return; // already handled (e.g. killed for silence, then its exit was seen)
    s.attached = false;
    s.ready = false;
    if (s.kind === "bolt") {
      const lost = [...s.inflight.values()];
      s.inflight.clear();
      for (const rec of lost) for (const root of rec.roots) this.settle(this.acker.fail(root));
    } else {
      this.acker.dropSpout(task, s.generation);
      s.pending = 0;
      s.commands.drain();
      s.awaiting = null;
      s.activeSent = false;
      s.sleeping = false;
    }
    s.generation++;
  }

  /** Storm's activate / deactivate of the topology: spouts get the command, `next` stops or resumes. */
  setActive(active: boolean): void {
    this.active = active;
    for (const s of this.spouts) this.pumpSpout(s);
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Stops timers; later messages are ignored. */
  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.housekeeper);
  }

  /** Tuple trees not yet settled. */
  get pendingTrees(): number {
    return this.acker.size;
  }

  /** Tuples waiting in the engine plus those in bolt processes. */
  get queued(): number {
    let n = 0;
    for (const b of this.bolts) n += b.queue.length + b.inflight.size;
    return n;
  }

  get backpressured(): boolean {
    return this.overfullCount > 0;
  }

  /** Every attached task answered its handshake. */
  get allReady(): boolean {
    for (const s of this.states.values()) if (!s.ready) return false;
    return true;
  }

  isReady(task: number): boolean {
    return this.state(task).ready;
  }

  snapshot(): MetricsSnapshot {
    let queued = 0;
    for (const b of this.bolts) queued += b.queue.length;
    return {
      topology: this.plan.description.name,
      uptimeMs: this.clock.now() - this.startedAt,
      pendingTrees: this.pendingTrees,
      queued,
      backpressure: this.backpressured,
      ...(this.firstAckAt === undefined ? {} : { firstAckMs: this.firstAckAt }),
      components: [...this.metrics.values()].map(snapshotOf),
    };
  }

  private state(task: number): State {
    const s = this.states.get(task);
    if (!s) throw new Error(`engine: no task ${task} in topology "${this.plan.description.name}"`);
    return s;
  }

  // -------------------------------------------------------------------------------------------
  // messages from tasks

  /** Handles one decoded message from a task's process. */
  receive(task: number, message: unknown): void {
    if (this.stopped) return;
    const s = this.state(task);
    if (!s.attached) return; // a late message from a process already declared dead
    s.lastHeard = this.clock.now();
    if (!isObject(message)) {
      this.protocolError(s, `sent ${JSON.stringify(message)?.slice(0, 200)}, which is not a multilang command`);
      return;
    }
    if (!s.ready) {
      if (typeof message["pid"] === "number") {
        s.ready = true;
        this.observer.ready?.(task, message["pid"]);
        if (s.kind === "spout") this.pumpSpout(s);
        else this.pumpBolt(s);
        return;
      }
      this.protocolError(s, `sent ${JSON.stringify(message).slice(0, 200)} before answering the handshake with {"pid": n}`);
      return;
    }
    switch (message["command"]) {
      case "emit":
        this.emit(s, message);
        return;
      case "ack":
      case "fail":
        if (s.kind === "bolt") this.settleTuple(s, String(message["id"]), message["command"]);
        else this.protocolError(s, `a spout sent "${message["command"]}"; only bolts ack and fail tuples`);
        return;
      case "sync":
        if (s.kind === "spout") this.spoutSynced(s);
        return; // a bolt's sync answers a heartbeat: lastHeard is already updated
      case "log":
        this.observer.log?.(task, typeof message["level"] === "number" ? message["level"] : 2, String(message["msg"]));
        return;
      case "error":
        s.metrics.errors++;
        this.observer.error?.(task, String(message["msg"]), "component");
        return;
      case "metrics":
        return; // no IShellMetric is registered locally; accepted and ignored
      default:
        this.protocolError(s, `sent unknown command ${JSON.stringify(message["command"])}`);
    }
  }

  private protocolError(s: State, what: string): void {
    s.metrics.errors++;
    this.observer.error?.(s.task, `${s.plan.component.id}[task ${s.task}] ${what}`, "engine");
  }

  private emit(s: State, message: Record<string, unknown>): void {
    const component = s.plan.component.id;
    const stream = typeof message["stream"] === "string" ? message["stream"] : "default";
    const values = message["tuple"];
    if (!Array.isArray(values)) {
      this.protocolError(s, `emitted ${JSON.stringify(values)?.slice(0, 100)} as a tuple; a tuple is a list of values`);
      return;
    }
    const direct = typeof message["task"] === "number" ? message["task"] : undefined;
    const targets = this.targets;
    targets.length = 0;
    try {
      this.router.route(component, s.task, stream, values, direct, targets);
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      this.protocolError(s, `emit dropped: ${error.message}`);
      return;
    }
    s.metrics.emitted++;
    const now = this.clock.now();
    const records: TupleRecord[] = [];
    for (let i = 0; i < targets.length; i++) {
      records.push({ id: (++this.tupleSeq).toString(36), comp: component, stream, sourceTask: s.task, values, roots: [], ehi: [], elo: [], chi: 0, clo: 0, sentAt: now });
    }
    if (s.kind === "spout") {
      s.emitted = true;
      const messageId = message["id"];
      if (messageId !== undefined && messageId !== null) {
        if (this.plan.settings.ackers <= 0) {
          // topology.acker.executors = 0: Storm acks every spout tuple at once.
          s.commands.push({ command: "ack", id: messageId as MessageId });
        } else {
          const root = ++this.rootSeq;
          let hi = 0;
          let lo = 0;
          for (const rec of records) {
            const eh = this.rng.nextUint32();
            const el = this.rng.nextUint32();
            rec.roots.push(root);
            rec.ehi.push(eh);
            rec.elo.push(el);
            hi = (hi ^ eh) >>> 0;
            lo = (lo ^ el) >>> 0;
          }
          s.pending++;
          this.settle(this.acker.init({ root, hi, lo, spoutTask: s.task, generation: s.generation, messageId: messageId as MessageId, startedAt: now }));
        }
      }
    } else {
      const anchors = message["anchors"];
      if (Array.isArray(anchors)) {
        for (const anchorId of anchors) {
          const anchor = s.inflight.get(String(anchorId));
          if (!anchor) {
            this.protocolError(s, `anchored an emit to tuple ${JSON.stringify(anchorId)}, which it is not processing (already acked or failed, or unknown); Storm would kill the worker`);
            continue;
          }
          if (anchor.roots.length === 0) continue;
          for (const rec of records) {
            const eh = this.rng.nextUint32();
            const el = this.rng.nextUint32();
            anchor.chi = (anchor.chi ^ eh) >>> 0;
            anchor.clo = (anchor.clo ^ el) >>> 0;
            for (const root of anchor.roots) {
              const at = rec.roots.indexOf(root);
              if (at === -1) {
                rec.roots.push(root);
                rec.ehi.push(eh);
                rec.elo.push(el);
              } else {
                rec.ehi[at] = (rec.ehi[at]! ^ eh) >>> 0;
                rec.elo[at] = (rec.elo[at]! ^ el) >>> 0;
              }
            }
          }
        }
      }
    }
    for (let i = 0; i < records.length; i++) this.deliver(this.states.get(targets[i]!) as BoltState, records[i]!);
    if (message["need_task_ids"] !== false && direct === undefined) this.transport.send(s.task, targets.slice());
  }

  private deliver(b: BoltState, rec: TupleRecord): void {
    if (b.ready && b.queue.length === 0 && b.inflight.size < this.plan.settings.boltMaxPending) {
      this.sendTuple(b, rec);
      return;
    }
    b.queue.push(rec);
    if (!b.overfull && b.queue.length >= this.plan.settings.queueSize) {
      b.overfull = true;
      this.overfullCount++;
    }
  }

  private sendTuple(b: BoltState, rec: TupleRecord): void {
    rec.sentAt = this.clock.now();
    b.inflight.set(rec.id, rec);
    b.metrics.executed++;
    this.transport.send(b.task, { id: rec.id, comp: rec.comp, stream: rec.stream, task: rec.sourceTask, tuple: rec.values });
  }

  private settleTuple(b: BoltState, id: string, kind: "ack" | "fail"): void {
    const rec = b.inflight.get(id);
    if (!rec) {
      this.protocolError(b, `${kind}ed tuple ${JSON.stringify(id)}, which it is not processing (acked twice, or unknown); Storm would kill the worker`);
      return;
    }
    b.inflight.delete(id);
    if (rec.comp !== SYSTEM_COMPONENT) {
      if (kind === "ack") b.metrics.acked++;
      else b.metrics.failed++;
      b.metrics.latency.record(this.clock.now() - rec.sentAt);
    }
    for (let j = 0; j < rec.roots.length; j++) {
      const root = rec.roots[j]!;
      this.settle(kind === "ack" ? this.acker.update(root, rec.ehi[j]! ^ rec.chi, rec.elo[j]! ^ rec.clo) : this.acker.fail(root));
    }
    this.pumpBolt(b);
  }

  /** A tree completed, failed or timed out: tell its spout (if the process that emitted it lives). */
  private settle(settlement: Settlement | undefined): void {
    if (!settlement) return;
    const { kind, entry } = settlement;
    const s = this.states.get(entry.spoutTask) as SpoutState;
    if (s.generation !== entry.generation) return;
    s.pending--;
    const latency = this.clock.now() - entry.startedAt;
    if (kind === "ack") {
      if (this.firstAckAt === undefined) this.firstAckAt = this.clock.now() - this.startedAt;
      s.metrics.acked++;
      s.metrics.latency.record(latency);
    } else {
      s.metrics.failed++;
      if (kind === "timeout") s.metrics.timedOut++;
    }
    this.observer.settled?.(s.task, kind, entry.messageId, latency);
    s.commands.push({ command: kind === "ack" ? "ack" : "fail", id: entry.messageId });
    this.pumpSpout(s);
  }

  // -------------------------------------------------------------------------------------------
  // flow

  private pumpSpout(s: SpoutState): void {
    if (!s.ready || s.awaiting !== null || this.stopped) return;
    const now = this.clock.now();
    const command = s.commands.shift();
    if (command) {
      this.sendSpout(s, command.command, command, now);
      return;
    }
    if (s.activeSent !== this.active) {
      s.activeSent = this.active;
      this.sendSpout(s, this.active ? "activate" : "deactivate", { command: this.active ? "activate" : "deactivate" }, now);
      return;
    }
    if (!this.active || s.sleeping || this.overfullCount > 0 || s.pending >= this.plan.settings.maxSpoutPending) return;
    s.emitted = false;
    this.sendSpout(s, "next", { command: "next" }, now);
  }

  private sendSpout(s: SpoutState, awaiting: string, message: unknown, now: number): void {
    s.awaiting = awaiting;
    s.awaitingSince = now;
    this.transport.send(s.task, message);
  }

  private spoutSynced(s: SpoutState): void {
    const was = s.awaiting;
    s.awaiting = null;
    if (was === "next" && !s.emitted && !s.sleeping) {
      // Nothing to emit: rest a little rather than spin (Storm's sleep wait strategy).
      s.sleeping = true;
      const generation = s.generation;
      this.clock.setTimeout(() => {
        if (s.generation !== generation) return;
        s.sleeping = false;
        this.pumpSpout(s);
      }, this.plan.settings.spoutIdleMs);
    }
    this.pumpSpout(s);
  }

  private pumpBolt(b: BoltState): void {
    if (!b.ready) return;
    const max = this.plan.settings.boltMaxPending;
    while (b.inflight.size < max && b.queue.length > 0) this.sendTuple(b, b.queue.shift()!);
    if (b.overfull && b.queue.length <= this.plan.settings.queueSize / 2) {
      b.overfull = false;
      if (--this.overfullCount === 0) for (const s of this.spouts) this.pumpSpout(s);
    }
  }

  // -------------------------------------------------------------------------------------------
  // time: timeouts, heartbeats, ticks, silent processes

  private scheduleHousekeeping(): void {
    const { heartbeatMs, messageTimeoutMs } = this.plan.settings;
    const period = Math.max(1, Math.min(100, heartbeatMs, messageTimeoutMs / 10));
    this.housekeeper = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.housekeeping();
      this.scheduleHousekeeping();
    }, period);
  }

  /** Runs the periodic checks now (the housekeeping timer calls it). */
  housekeeping(): void {
    const now = this.clock.now();
    const { heartbeatMs, subprocessTimeoutMs } = this.plan.settings;
    for (const settlement of this.acker.expire(now)) this.settle(settlement);
    for (const s of this.states.values()) {
      if (!s.attached) continue;
      if (!s.ready) {
        if (now - s.attachedAt > subprocessTimeoutMs) this.killSilent(s, `did not answer the handshake within ${subprocessTimeoutMs / 1000}s`);
        continue;
      }
      if (s.kind === "spout") {
        if (s.awaiting !== null && now - s.awaitingSince > subprocessTimeoutMs) {
          this.killSilent(s, `did not sync "${s.awaiting}" within topology.subprocess.timeout.secs (${subprocessTimeoutMs / 1000}s)`);
        }
        continue;
      }
      if (now - s.lastHeard > subprocessTimeoutMs) {
        this.killSilent(s, `sent nothing (not even a heartbeat sync) for ${(now - s.lastHeard) / 1000}s, past topology.subprocess.timeout.secs`);
        continue;
      }
      if (now - s.lastHeartbeat >= heartbeatMs) {
        s.lastHeartbeat = now;
        this.transport.send(s.task, { id: "-1", comp: null, stream: HEARTBEAT_STREAM, task: -1, tuple: [] });
      }
      if (s.tickMs > 0) {
        if (s.nextTick === 0) s.nextTick = now + s.tickMs;
        else if (now >= s.nextTick) {
          s.nextTick = now + s.tickMs;
          const rec: TupleRecord = { id: `t${(++this.tupleSeq).toString(36)}`, comp: SYSTEM_COMPONENT, stream: TICK_STREAM, sourceTask: -1, values: [s.tickMs / 1000], roots: [], ehi: [], elo: [], chi: 0, clo: 0, sentAt: now };
          rec.sentAt = now;
          s.inflight.set(rec.id, rec);
          this.transport.send(s.task, { id: rec.id, comp: SYSTEM_COMPONENT, stream: TICK_STREAM, task: -1, tuple: rec.values });
        }
      }
    }
  }

  private killSilent(s: State, why: string): void {
    this.observer.error?.(s.task, `${s.plan.component.id}[task ${s.task}] ${why}; killing it`, "engine");
    this.taskDied(s.task); // from now on anything the old process still sends is ignored
    this.transport.kill(s.task, why);
  }
}
