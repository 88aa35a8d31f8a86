/**
 * The component host: Storm's multilang protocol on one side, a squall component on the other.
 *
 * It is transport-free: decoded messages go in through `receive`, commands leave through `send`. The
 * process runner (main.ts) wires it to stdin/stdout; the test kit and the simulator drive it directly.
 *
 * Rules it keeps (reference/storm.md, section 1):
 * - handshake first: create `<pidDir>/<pid>`, answer `{"pid": n}`, then initialize the component;
 * - spouts: every command is answered with `sync` after its handler (and emits) finished;
 * - bolts: heartbeats are answered with `sync` at once, even while async process() calls are pending,
 *   and never acked; tick tuples go to processTick and are always acked;
 * - emits go out before the ack or fail of the tuple they are anchored to;
 * - task id lists from Storm are matched to the emits that asked for them, in order.
 *
 * @module
 */
import {
  decodeBoltMessage,
  decodeHandshake,
  decodeSpoutMessage,
  HEARTBEAT_STREAM,
  ProtocolError,
  SYSTEM_COMPONENT,
  TICK_STREAM,
  type BoltTuple,
  type ComponentMessage,
  type EmitCommand,
  type Handshake,
  type SpoutCommand,
  type TaskIds,
} from "../protocol/messages.ts";
import type { FileSystem } from "../io.ts";
import type { BatchingBoltBase } from "./batching-bolt.ts";
import { emitCommand, type BoltBase, type ManualBoltBase } from "./bolt.ts";
import { ENV, type Channel, type Component } from "./component.ts";
import type { Emit, Outcome } from "./effects.ts";
import { createLogger, formatArgs, isLogLevel, type Logger } from "./logger.ts";
import type { SpoutBase } from "./spout.ts";
import { Tuple } from "./tuple.ts";

/** What the host needs from its surroundings. */
export interface HostIO {
  readonly pid: number;
  readonly fs: FileSystem;
  /** Queues a message to Storm (the runner batches and flushes). */
  send(message: ComponentMessage): void;
  /** Writes a line for humans (stderr in a process). */
  stderr(text: string): void;
  /** Ends the process after flushing what was sent. */
  exit(code: number): void;
  /** Interval timers (BatchingBolt flushes); default: the runtime's. The test kit passes a fake clock's. */
  readonly timers?: {
    setInterval(fn: () => void, ms: number): unknown;
    clearInterval(handle: unknown): void;
  };
}

/** Config keys squall reads from the topology conf. */
export const CONF = {
  onError: "squall.component.on_error",
  validateEmits: "squall.validate.emits",
  logLevel: "squall.log.level",
  logDir: "squall.log.dir",
  logTo: "squall.log.to",
  logMaxBytes: "squall.log.max_bytes",
  logBackupCount: "squall.log.backup_count",
} as const;

type AnyBolt = BoltBase<any, any> | ManualBoltBase<any, any> | BatchingBoltBase<any, any>;

// Components are told apart by their kind and variant fields, not instanceof, so that a component
// bundled with its own copy of squall still works with this host.
const isSpout = (c: Component<any>): c is SpoutBase<any> => c.kind === "spout";
const isBatching = (c: Component<any>): c is BatchingBoltBase<any, any> => (c as { variant?: string }).variant === "batching";
const isManual = (c: Component<any>): c is ManualBoltBase<any, any> => (c as { variant?: string }).variant === "manual";

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

const describe = (error: unknown): string =>
  error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);

export class ComponentHost {
  private handshake: Handshake | undefined;
  private ready = false;
  /** Messages that arrived while initialize() was pending. */
  private early: unknown[] = [];
  private readonly taskIdWaiters: ((ids: readonly number[]) => void)[] = [];
  private onError: "continue" | "exit" = "continue";
  private validateEmits = false;
  private fieldNames = new Map<string, readonly string[]>();
  private log!: Logger;
  private stopped = false;
  // spouts
  private spoutQueue: SpoutCommand[] = [];
  private spoutBusy = false;
  // bolts
  private inFlight = 0;
  private backlog: Tuple<any>[] = [];
  private batches = new Map<string, Tuple<any>[]>();
  private batchChain: Promise<void> = Promise.resolve();
  private flushTimer: unknown;
  private idleWaiters: (() => void)[] = [];

  constructor(readonly component: Component<any>, private readonly io: HostIO) {}

  /** The component's id and task, once known, for messages. */
  get label(): string {
    const h = this.handshake;
    return h ? `${h.context.componentid ?? h.context["task->component"][String(h.context.taskid)] ?? "?"}[task ${h.context.taskid}]` : this.component.constructor.name;
  }

  /** Tuples being processed or waiting in this process. */
  get busy(): number {
    let batched = 0;
    for (const b of this.batches.values()) batched += b.length;
    return this.inFlight + this.backlog.length + batched + (this.spoutBusy ? 1 : 0) + this.spoutQueue.length;
  }

  /** Handles one decoded message from Storm. Throws ProtocolError on a message that makes no sense. */
  receive(message: unknown): void {
    if (this.stopped) return;
    if (!this.handshake) {
      this.startHandshake(message);
      return;
    }
    if (!this.ready) {
      this.early.push(message);
      return;
    }
    this.dispatch(message);
  }

  private startHandshake(message: unknown): void {
    const handshake = decodeHandshake(message);
    this.handshake = handshake;
    const { conf, context, pidDir } = handshake;
    const pidFile = `${pidDir.replace(/\/+$/, "")}/${this.io.pid}`;
    try {
      this.io.fs.touch(pidFile);
    } catch (error) {
      throw new ProtocolError(`cannot create the pid file ${pidFile} that Storm asked for: ${(error as Error).message}`);
    }
    this.io.send({ pid: this.io.pid });

    this.onError = conf[CONF.onError] === "exit" ? "exit" : "continue";
    this.validateEmits = conf[CONF.validateEmits] === true;
    for (const [source, streams] of Object.entries(context["source->stream->fields"] ?? {})) {
      for (const [stream, names] of Object.entries(streams)) this.fieldNames.set(`${source}\u0000${stream}`, names);
    }
    const componentId = context.componentid ?? context["task->component"][String(context.taskid)] ?? "unknown";
    this.log = this.makeLogger(conf, componentId, context.taskid);
    const channel: Channel = {
      emit: (command) => this.io.send(command),
      emitForTaskIds: (command) => {
        const promise = new Promise<readonly number[]>((resolve) => this.taskIdWaiters.push(resolve));
        this.io.send({ ...command, need_task_ids: true });
        return promise;
      },
      ack: (id) => this.io.send({ command: "ack", id }),
      fail: (id) => this.io.send({ command: "fail", id }),
      reportError: (msg) => this.io.send({ command: "error", msg }),
    };
    this.component[ENV]({ conf, context, log: this.log, taskId: context.taskid, componentId, channel });

    let init: unknown;
    try {
      init = this.component.initialize();
    } catch (error) {
      this.crash(`initialize() threw`, error);
      return;
    }
    if (isPromise(init)) init.then(() => this.becomeReady(), (error: unknown) => this.crash("initialize() rejected", error));
    else this.becomeReady();
  }

  private makeLogger(conf: Readonly<Record<string, unknown>>, componentId: string, taskId: number): Logger {
    const configured = conf[CONF.logLevel];
    const level = isLogLevel(configured) ? configured : "info";
    const dir = typeof conf[CONF.logDir] === "string" ? (conf[CONF.logDir] as string) : undefined;
    const to = conf[CONF.logTo] ?? (dir ? "file" : "storm");
    const topology = typeof conf["topology.name"] === "string" ? conf["topology.name"] : "topology";
    return createLogger({
      level,
      prefix: `${componentId}[${taskId}]`,
      toStorm: to === "storm" || to === "both" ? (msg, lvl) => this.io.send({ command: "log", msg, level: lvl as never }) : undefined,
      file:
        dir && (to === "file" || to === "both")
          ? {
              fs: this.io.fs,
              path: `${dir.replace(/\/+$/, "")}/${topology}_${componentId}_${taskId}_${this.io.pid}.log`,
              maxBytes: typeof conf[CONF.logMaxBytes] === "number" ? (conf[CONF.logMaxBytes] as number) : 1_000_000,
              backupCount: typeof conf[CONF.logBackupCount] === "number" ? (conf[CONF.logBackupCount] as number) : 10,
            }
          : undefined,
    });
  }

  /** The logger of the component (after the handshake); console output is routed here. */
  get logger(): Logger | undefined {
    return this.handshake ? this.log : undefined;
  }

  private becomeReady(): void {
    this.ready = true;
    const component = this.component;
    if (isBatching(component) && component.flushIntervalMs > 0) {
      const flush = (): void => this.flushBatches();
      this.flushTimer = this.io.timers ? this.io.timers.setInterval(flush, component.flushIntervalMs) : setInterval(flush, component.flushIntervalMs);
      (this.flushTimer as { unref?: () => void }).unref?.();
    }
    const early = this.early;
    this.early = [];
    for (const message of early) this.dispatch(message);
  }

  private dispatch(message: unknown): void {
    if (isSpout(this.component)) {
      const decoded = decodeSpoutMessage(message);
      if (Array.isArray(decoded)) this.taskIds(decoded);
      else this.spoutCommand(decoded as SpoutCommand);
      return;
    }
    const decoded = decodeBoltMessage(message);
    if (Array.isArray(decoded)) {
      this.taskIds(decoded);
      return;
    }
    const tuple = decoded as BoltTuple;
    if (tuple.stream === HEARTBEAT_STREAM && tuple.task === -1) {
      this.io.send({ command: "sync" });
      return;
    }
    const source = tuple.comp ?? "";
    const wrapped = new Tuple(tuple.id, source, tuple.stream, tuple.task, tuple.tuple, this.fieldNames.get(`${source}\u0000${tuple.stream}`));
    if (tuple.stream === TICK_STREAM && source === SYSTEM_COMPONENT) this.tick(wrapped);
    else this.boltTuple(wrapped);
  }

  private taskIds(ids: TaskIds): void {
    const waiter = this.taskIdWaiters.shift();
    if (!waiter) {
      throw new ProtocolError(`Storm sent task ids ${JSON.stringify(ids)} but no emit asked for them`);
    }
    waiter(ids);
  }

  // -------------------------------------------------------------------------------------------
  // spouts

  private spoutCommand(command: SpoutCommand): void {
    this.spoutQueue.push(command);
    if (!this.spoutBusy) this.drainSpout();
  }

  private drainSpout(): void {
    const spout = this.component as SpoutBase<any>;
    while (this.spoutQueue.length > 0 && !this.stopped) {
      const command = this.spoutQueue.shift()!;
      let result: unknown;
      try {
        switch (command.command) {
          case "next":
            result = spout.handleNext();
            break;
          case "ack":
            result = spout.handleAck(command.id);
            break;
          case "fail":
            result = spout.handleFail(command.id);
            break;
          case "activate":
            result = spout.activate();
            break;
          case "deactivate":
            result = spout.deactivate();
            break;
        }
      } catch (error) {
        this.userError(`${command.command} handler threw`, error);
      }
      if (isPromise(result)) {
        this.spoutBusy = true;
        result.then(
          () => this.afterSpoutCommand(),
          (error: unknown) => {
            this.userError(`${command.command} handler rejected`, error);
            this.afterSpoutCommand();
          },
        );
        return;
      }
      this.io.send({ command: "sync" });
    }
    this.spoutBusy = false;
    this.notifyIdle();
  }

  private afterSpoutCommand(): void {
    this.io.send({ command: "sync" });
    this.spoutBusy = false;
    this.drainSpout();
  }

  // -------------------------------------------------------------------------------------------
  // bolts

  private boltTuple(tuple: Tuple<any>): void {
    const bolt = this.component as AnyBolt;
    if (isBatching(bolt)) {
      this.batchTuple(bolt, tuple);
      return;
    }
    if (isManual(bolt)) bolt.pending.set(tuple.id, tuple);
    if (this.inFlight >= bolt.concurrency) {
      this.backlog.push(tuple);
      return;
    }
    this.runTuple(bolt, tuple);
  }

  private runTuple(bolt: BoltBase<any, any> | ManualBoltBase<any, any>, tuple: Tuple<any>): void {
    this.inFlight++;
    let result: unknown;
    try {
      result = bolt.process(tuple);
    } catch (error) {
      this.tupleError(bolt, tuple, "process() threw", error);
      this.tupleDone();
      return;
    }
    if (isPromise(result)) {
      result.then(
        (outcome) => {
          this.settleTuple(bolt, tuple, outcome);
          this.tupleDone();
        },
        (error: unknown) => {
          this.tupleError(bolt, tuple, "process() rejected", error);
          this.tupleDone();
        },
      );
      return;
    }
    this.settleTuple(bolt, tuple, result);
    this.tupleDone();
  }

  private settleTuple(bolt: BoltBase<any, any> | ManualBoltBase<any, any>, tuple: Tuple<any>, outcome: unknown): void {
    if (isManual(bolt)) return; // the user acks and fails
    try {
      this.perform(outcome, [tuple], `process() of ${tuple}`);
    } catch (error) {
      this.tupleError(bolt, tuple, "its outcome could not be sent", error);
    }
  }

  private tupleDone(): void {
    this.inFlight--;
    const bolt = this.component as BoltBase<any, any>;
    while (this.inFlight < bolt.concurrency && this.backlog.length > 0 && !this.stopped) {
      this.runTuple(bolt, this.backlog.shift()!);
    }
    this.notifyIdle();
  }

  /**
   * Sends an outcome's emits (anchored to `inputs` unless they say otherwise), then acks or fails
   * every input. Everything is checked before anything is sent, so a bad emit fails the inputs cleanly.
   */
  private perform(outcome: unknown, inputs: readonly Tuple<any>[], where: string): void {
    if (typeof outcome !== "object" || outcome === null || ((outcome as Outcome)._tag !== "ack" && (outcome as Outcome)._tag !== "fail")) {
      throw new Error(`${where} returned ${String(outcome)}; return this.ack(...emits) or this.fail(reason)`);
    }
    const result = outcome as Outcome;
    const anchors = inputs.map((t) => t.id);
    const commands = result.emits.map((emit) => this.emitFor(emit, anchors, where));
    for (const command of commands) this.io.send(command);
    if (result._tag === "ack") {
      for (const id of anchors) this.io.send({ command: "ack", id });
    } else {
      this.log.debug(`${where} failed: ${result.reason}`);
      for (const id of anchors) this.io.send({ command: "fail", id });
    }
  }

  private emitFor(emit: Emit, defaultAnchors: readonly string[], where: string): EmitCommand {
    if (typeof emit !== "object" || emit === null || (emit as { _tag?: unknown })._tag !== "emit") {
      throw new Error(`${where}: ${JSON.stringify(emit)} is not an emit; build emits with this.emit(values, options)`);
    }
    if (this.validateEmits) {
      const spec = this.component.streamSpec(emit.stream, where);
      if (!Array.isArray(emit.values) && !spec.codec.is(emit.values)) {
        throw new Error(`${where}: values ${JSON.stringify(emit.values)} do not fit stream "${emit.stream}" (fields ${spec.fields.join(", ")})`);
      }
    }
    const anchors = emit.anchors ? emit.anchors.map((a) => (typeof a === "string" ? a : a.id)) : defaultAnchors;
    return emitCommand(this.component, emit.stream, emit.values, emit.task, anchors, false);
  }

  private tupleError(bolt: AnyBolt, tuple: Tuple<any>, what: string, error: unknown): void {
    if (isManual(bolt)) {
      if (bolt.pending.delete(tuple.id)) this.io.send({ command: "fail", id: tuple.id });
    } else {
      this.io.send({ command: "fail", id: tuple.id });
    }
    this.userError(`${what} on ${tuple}; the tuple was failed`, error);
  }

  private tick(tick: Tuple<any>): void {
    const bolt = this.component as AnyBolt;
    const done = (emits: unknown): void => {
      if (Array.isArray(emits)) {
        try {
          for (const emit of emits) this.io.send(this.emitFor(emit as Emit, [], "processTick()"));
        } catch (error) {
          this.userError("processTick() returned a bad emit", error);
        }
      }
      this.io.send({ command: "ack", id: tick.id });
    };
    if (isBatching(bolt)) {
      if (bolt.flushOnTick) this.flushBatches();
      this.io.send({ command: "ack", id: tick.id });
      return;
    }
    if (!bolt.processTick) {
      done(undefined);
      return;
    }
    let result: unknown;
    try {
      result = bolt.processTick(tick);
    } catch (error) {
      this.userError("processTick() threw", error);
      done(undefined);
      return;
    }
    if (isPromise(result)) {
      result.then(done, (error: unknown) => {
        this.userError("processTick() rejected", error);
        done(undefined);
      });
    } else {
      done(result);
    }
  }

  // -------------------------------------------------------------------------------------------
  // batching bolts

  private batchTuple(bolt: BatchingBoltBase<any, any>, tuple: Tuple<any>): void {
    let key: string;
    try {
      key = bolt.groupKey(tuple);
    } catch (error) {
      this.tupleError(bolt, tuple, "groupKey() threw", error);
      return;
    }
    let batch = this.batches.get(key);
    if (!batch) this.batches.set(key, (batch = []));
    batch.push(tuple);
    if (batch.length >= bolt.batchSize) this.flushBatch(key);
  }

  private flushBatches(): void {
    for (const key of [...this.batches.keys()]) this.flushBatch(key);
  }

  private flushBatch(key: string): void {
    const bolt = this.component as BatchingBoltBase<any, any>;
    const tuples = this.batches.get(key);
    if (!tuples || tuples.length === 0) return;
    this.batches.delete(key);
    this.inFlight++;
    const where = `processBatch("${key}") of ${tuples.length} tuples`;
    const failAll = (what: string, error: unknown): void => {
      for (const t of tuples) this.io.send({ command: "fail", id: t.id });
      this.userError(`${where}: ${what}; all ${tuples.length} tuples were failed`, error);
    };
    const settle = (outcome: unknown): void => {
      try {
        this.perform(outcome, tuples, where);
      } catch (error) {
        failAll("its outcome could not be sent", error);
      }
    };
    // Batches are handed over one at a time, in order.
    this.batchChain = this.batchChain.then(async () => {
      try {
        settle(await bolt.processBatch(key, tuples));
      } catch (error) {
        failAll("processBatch() threw", error);
      } finally {
        this.inFlight--;
        this.notifyIdle();
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // errors and shutdown

  /** A user error: report it to Storm and the log; exit when so configured. */
  private userError(what: string, error: unknown): void {
    const msg = `${this.label}: ${what}: ${describe(error)}`;
    this.io.send({ command: "error", msg }); // Storm logs it and shows it in the UI
    if (this.onError === "exit") {
      this.io.stderr(`squall: ${msg}\nsquall: exiting (${CONF.onError} is "exit")`);
      this.stop();
      this.io.exit(1);
    }
  }

  private crash(what: string, error: unknown): void {
    const msg = `${this.label}: ${what}: ${describe(error)}`;
    this.io.send({ command: "error", msg });
    this.io.stderr(`squall: ${msg}`);
    this.stop();
    this.io.exit(1);
  }

  private notifyIdle(): void {
    // Called after every tuple: only count what is busy when someone is waiting for idle (drain()).
    if (this.idleWaiters.length === 0) return;
    if (this.busy > 0 && !this.stopped) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when no tuple is being processed (batches are flushed first). */
  drain(): Promise<void> {
    if (isBatching(this.component)) this.flushBatches();
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops timers and ignores further input. */
  stop(): void {
    this.stopped = true;
    if (this.flushTimer !== undefined) {
      if (this.io.timers) this.io.timers.clearInterval(this.flushTimer);
      else clearInterval(this.flushTimer as ReturnType<typeof setInterval>);
    }
    this.flushTimer = undefined;
    this.notifyIdle();
  }

  /** Whether the handshake happened. */
  get started(): boolean {
    return this.handshake !== undefined;
  }

  /** Routes console output of user code to the component's logger (or stderr before the handshake). */
  consoleSink(level: "debug" | "info" | "warn" | "error", args: readonly unknown[]): void {
    const log = this.logger;
    if (log) log[level](...args);
    else this.io.stderr(formatArgs(args));
  }
}
