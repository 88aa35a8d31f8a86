/**
 * Drive one component in this process, the way Storm would, and look at everything it did.
 *
 * The tester plays Storm's side of the multilang protocol through the same ComponentHost that runs
 * components in real processes: it sends the handshake, tuples, ticks, heartbeats and spout commands,
 * and records every emit (stream, values, anchors), ack, fail, log line and reported error. Time is a
 * fake clock you advance: BatchingBolt flush timers and tick tuples follow it, not the wall clock.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { Bolt, stream, type TupleOf } from "squall";
 * import { testComponent } from "squall/testing";
 *
 * const Sentences = stream({ sentence: t.string });
 * const Words = stream({ word: t.string });
 * class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words } }) {
 *   process(tuple: TupleOf<typeof Sentences>) {
 *     return this.ack(tuple.fields.sentence.split(" ").map((word) => this.emit({ word })));
 *   }
 * }
 *
 * const split = await testComponent(SplitBolt);
 * const result = await split.tuple({ sentence: "a b" });
 * result.acked; // true
 * result.emits.map((e) => e.values); // [{ word: "a" }, { word: "b" }]
 * result.emits[0]?.anchors; // [result.id]: anchored to the input
 * ```
 * @module
 */
import type { BatchingBoltBase } from "../component/batching-bolt.ts";
import type { BoltBase, ManualBoltBase } from "../component/bolt.ts";
import type { Component } from "../component/component.ts";
import { ComponentHost } from "../component/host.ts";
import { instantiate } from "../component/main.ts";
import type { Outputs, OutputValues, StreamSpec, Values } from "../component/stream.ts";
import { HEARTBEAT_STREAM, LogLevel, SYSTEM_COMPONENT, TICK_STREAM, type ComponentMessage, type EmitCommand, type LogLevelName, type MessageId } from "../protocol/messages.ts";
import type { Clock, ManualClock } from "../pipeline/clock.ts";
import { manualClock } from "../pipeline/clock.ts";
import { MemoryFs } from "./memory-fs.ts";

/** The values type a bolt's `process` reads (its declared `input`), else any record. */
export type InputOf<C> =
  C extends BoltBase<any, infer I> ? I : C extends ManualBoltBase<any, infer I> ? I : C extends BatchingBoltBase<any, infer I> ? I : Values;

/** The output values of a component, by stream name. */
export type OutputsOf<C> = C extends Component<infer O> ? OutputValues<O> : Record<string, Values>;

/** One emit the component made, as the tester saw it. */
export type TestEmit<V extends Readonly<Record<string, Values>> = Readonly<Record<string, Values>>> = {
  readonly [S in keyof V & string]: {
    readonly stream: S;
    /** The values by field name (the stream's declared fields). */
    readonly values: V[S];
    /** The values in wire order, as Storm receives them. */
    readonly wire: readonly unknown[];
    /** Ids of the input tuples it is anchored to (bolts); empty when unanchored. */
    readonly anchors: readonly string[];
    /** The message id of a reliable spout emit. */
    readonly id?: MessageId;
    /** The target task of a direct emit. */
    readonly task?: number;
  };
}[keyof V & string];

export interface TestLog {
  readonly level: LogLevelName;
  readonly msg: string;
}

/** What became of one tuple sent with `tester.tuple(...)`. */
export interface TupleResult<V extends Readonly<Record<string, Values>> = Readonly<Record<string, Values>>> {
  /** The tuple id the tester gave it (what anchors and acks refer to). */
  readonly id: string;
  readonly acked: boolean;
  readonly failed: boolean;
  /** Emits sent while it was being processed. */
  readonly emits: readonly TestEmit<V>[];
}

/** What a spout command produced. */
export interface CommandResult<V extends Readonly<Record<string, Values>> = Readonly<Record<string, Values>>> {
  readonly emits: readonly TestEmit<V>[];
  /** Whether the spout answered with `sync` (squall always does once the handler finished). */
  readonly synced: boolean;
}

export interface TesterOptions {
  /** Topology config the component sees in `this.conf` (merged over the tester's defaults). */
  readonly conf?: Readonly<Record<string, unknown>>;
  /** The component id in the handshake context (default "component"). */
  readonly componentId?: string;
  /** This task's id (default 1). */
  readonly taskId?: number;
  /**
   * Input streams by source component and stream name, with their fields (a stream declaration or a
   * list of names). Default: the bolt's declared `input`, as `{ source: { default: input } }`.
   */
  readonly inputs?: Readonly<Record<string, Readonly<Record<string, StreamSpec<any> | readonly string[]>>>>;
  /** A fake clock to drive (share it with a pipeline compiled with `clock`); default: a new one at 0. */
  readonly clock?: ManualClock;
  /** `advance(ms)` sends a tick tuple every this many seconds of fake time (default: no ticks). */
  readonly tickSecs?: number;
  /** Task ids Storm answers to emits that asked for them (default: none). */
  readonly taskIds?: (emit: EmitCommand) => readonly number[];
  /** How long (real ms) to wait for async handlers to settle before giving up (default 5000). */
  readonly settleTimeoutMs?: number;
}

interface Timer {
  at: number;
  readonly every: number;
  readonly fn: () => void;
  live: boolean;
}

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const isBatching = (c: Component<any>): boolean => (c as { variant?: string }).variant === "batching";

/** Drives one component through Storm's protocol in-process. Create it with {@link testComponent}. */
export class ComponentTester<C extends Component<any> = Component<any>> {
  /** Every message the component sent, in order (the raw protocol). */
  readonly messages: ComponentMessage[] = [];
  /** Every emit, in order. */
  readonly emits: TestEmit<OutputsOf<C>>[] = [];
  /** Ids of acked input tuples (bolts), in order. */
  readonly acks: string[] = [];
  /** Ids of failed input tuples (bolts), in order. */
  readonly fails: string[] = [];
  /** Log lines (this.log and console.* are not captured from the console: use this.log). */
  readonly logs: TestLog[] = [];
  /** Errors reported to Storm (this.reportError, thrown or rejected handlers). */
  readonly errors: string[] = [];
  /** Exit codes the component asked for (initialize() failed, or on_error = "exit"). */
  readonly exits: number[] = [];
  /** Lines the host wrote for humans (stderr in a process). */
  readonly stderr: string[] = [];
  /** The in-memory files (pid file, log files when squall.log.dir is set). */
  readonly fs = new MemoryFs();
  /** The fake clock: time moves only with `advance`. */
  readonly clock: ManualClock;
  readonly host: ComponentHost;
  private readonly timers: Timer[] = [];
  private readonly inputFields = new Map<string, readonly string[]>();
  private syncs = 0;
  private nextId = 1;
  private nextTick = 0;

  /** @internal Use {@link testComponent}. */
  constructor(
    /** The component instance under test (read its state in assertions). */
    readonly component: C,
    private readonly options: TesterOptions = {},
  ) {
    this.clock = options.clock ?? manualClock(0);
    this.nextTick = this.clock.now() + (options.tickSecs ?? 0) * 1000;
    this.host = new ComponentHost(component, {
      pid: 4242,
      fs: this.fs,
      send: (message) => this.record(message),
      stderr: (text) => this.stderr.push(text),
      exit: (code) => void this.exits.push(code),
      timers: {
        setInterval: (fn, ms) => {
          const timer: Timer = { at: this.clock.now() + ms, every: Math.max(1, ms), fn, live: true };
          this.timers.push(timer);
          return timer;
        },
        clearInterval: (handle) => void ((handle as Timer).live = false),
      },
    });
  }

  /** The component's id in the handshake. */
  get componentId(): string {
    return this.options.componentId ?? "component";
  }

  /** @internal Sends the handshake and waits for initialize(). */
  async start(): Promise<this> {
    const inputs = this.options.inputs ?? this.declaredInput();
    const sourceFields: Record<string, Record<string, string[]>> = {};
    const taskToComponent: Record<string, string> = {};
    const taskId = this.options.taskId ?? 1;
    taskToComponent[String(taskId)] = this.componentId;
    for (const [source, streams] of Object.entries(inputs)) {
      for (const [stream, spec] of Object.entries(streams)) {
        const names = Array.isArray(spec) ? [...(spec as readonly string[])] : [...(spec as StreamSpec<any>).fields];
        (sourceFields[source] ??= {})[stream] = names;
        this.inputFields.set(`${source}\u0000${stream}`, names);
      }
    }
    const outputFields: Record<string, string[]> = {};
    for (const [stream, spec] of Object.entries(this.component.outputs as Outputs)) outputFields[stream] = [...spec.fields];
    this.host.receive({
      conf: { "topology.name": "test", "squall.log.level": "trace", "squall.validate.emits": true, ...this.options.conf },
      pidDir: "/squall-test/pids",
      context: {
        "task->component": taskToComponent,
        taskid: taskId,
        componentid: this.componentId,
        streams: Object.keys(outputFields),
        "stream->outputfields": outputFields,
        "source->stream->fields": sourceFields,
      },
    });
    await this.settle();
    if (this.exits.length > 0) {
      throw new Error(`${this.component.constructor.name} did not start (exit ${this.exits[0]}): ${this.stderr.join("\n") || this.errors.join("\n")}`);
    }
    return this;
  }

  private declaredInput(): Record<string, Record<string, StreamSpec<any>>> {
    const input = (this.component.constructor as { declaration?: { input?: StreamSpec<any> } }).declaration?.input;
    return input ? { source: { default: input } } : {};
  }

  private record(message: ComponentMessage): void {
    this.messages.push(message);
    if (!("command" in message)) return;
    switch (message.command) {
      case "emit": {
        this.emits.push(this.toTestEmit(message));
        if (message.need_task_ids !== false && message.task === undefined) {
          const ids = this.options.taskIds?.(message) ?? [];
          queueMicrotask(() => this.host.receive([...ids]));
        }
        return;
      }
      case "ack":
        this.acks.push(message.id);
        return;
      case "fail":
        this.fails.push(message.id);
        return;
      case "log": {
        const level = (Object.keys(LogLevel) as LogLevelName[]).find((name) => LogLevel[name] === message.level) ?? "info";
        this.logs.push({ level, msg: message.msg });
        return;
      }
      case "error":
        this.errors.push(message.msg);
        return;
      case "sync":
        this.syncs++;
        return;
      default:
        return;
    }
  }

  private toTestEmit(command: EmitCommand): TestEmit<OutputsOf<C>> {
    const stream = command.stream ?? "default";
    const spec = (this.component.outputs as Outputs)[stream];
    const values: Record<string, unknown> = {};
    spec?.fields.forEach((name, i) => (values[name] = command.tuple[i]));
    return {
      stream,
      values,
      wire: command.tuple,
      anchors: command.anchors ?? [],
      ...(command.id !== undefined && { id: command.id }),
      ...(command.task !== undefined && { task: command.task }),
    } as unknown as TestEmit<OutputsOf<C>>;
  }

  /**
   * Waits until the component has no work in flight (async handlers settled). Batched tuples of a
   * BatchingBolt wait for their flush and do not count.
   */
  async settle(): Promise<void> {
    const limit = this.options.settleTimeoutMs ?? 5000;
    const started = Date.now();
    let quiet = 0;
    let seen = this.messages.length;
    for (;;) {
      await macrotask();
      if (this.messages.length === seen) quiet++;
      else {
        quiet = 0;
        seen = this.messages.length;
      }
      if (quiet >= 1 && (this.host.busy === 0 || (isBatching(this.component) && quiet >= 3))) return;
      if (Date.now() - started > limit) {
        throw new Error(
          `${this.component.constructor.name} still has ${this.host.busy} tuple(s) or command(s) in flight after ${limit}ms; an async handler never settled (raise settleTimeoutMs if it is just slow)`,
        );
      }
    }
  }

  private wireOf(values: Values | readonly unknown[], source: string, stream: string): unknown[] {
    if (Array.isArray(values)) return [...values];
    const names = this.inputFields.get(`${source}\u0000${stream}`);
    if (!names) {
      const known = [...this.inputFields.keys()].map((k) => k.replace("\u0000", "/"));
      throw new Error(
        `tester.tuple: the fields of ${source}/${stream} are unknown, so a record cannot be put in wire order; declare the bolt's input (Bolt({ input: ... })), pass testComponent(X, { inputs: { ${source}: { ${stream}: [...fields] } } }), or send an array of values. Known inputs: ${known.join(", ") || "(none)"}`,
      );
    }
    return names.map((name) => (values as Record<string, unknown>)[name]);
  }

  /** Sends one input tuple (a record of the input stream's fields, or raw values) and waits for its fate. */
  async tuple(
    values: InputOf<C> | readonly unknown[],
    options: { readonly source?: string; readonly stream?: string; readonly task?: number; readonly id?: string } = {},
  ): Promise<TupleResult<OutputsOf<C>>> {
    const id = options.id ?? `t${this.nextId++}`;
    const source = options.source ?? Object.keys(this.options.inputs ?? this.declaredInput())[0] ?? "source";
    const stream = options.stream ?? "default";
    const before = this.emits.length;
    this.host.receive({ id, comp: source, stream, task: options.task ?? 0, tuple: this.wireOf(values as Values, source, stream) });
    await this.settle();
    return { id, acked: this.acks.includes(id), failed: this.fails.includes(id), emits: this.emits.slice(before) };
  }

  /** Sends a tick tuple (as topology.tick.tuple.freq.secs would) and waits for it to be handled. */
  async tick(): Promise<TupleResult<OutputsOf<C>>> {
    const id = `tick${this.nextId++}`;
    const before = this.emits.length;
    this.host.receive({ id, comp: SYSTEM_COMPONENT, stream: TICK_STREAM, task: -1, tuple: [this.options.tickSecs ?? 1] });
    await this.settle();
    return { id, acked: this.acks.includes(id), failed: this.fails.includes(id), emits: this.emits.slice(before) };
  }

  /** Sends a heartbeat (bolts); resolves with whether it was answered with `sync`. */
  async heartbeat(): Promise<boolean> {
    const before = this.syncs;
    this.host.receive({ id: `hb${this.nextId++}`, comp: null, stream: HEARTBEAT_STREAM, task: -1, tuple: [] });
    await this.settle();
    return this.syncs > before;
  }

  private async command(message: Record<string, unknown>): Promise<CommandResult<OutputsOf<C>>> {
    const before = this.emits.length;
    const syncs = this.syncs;
    this.host.receive(message);
    await this.settle();
    return { emits: this.emits.slice(before), synced: this.syncs > syncs };
  }

  /** Spouts: asks for the next tuple(s). */
  next(): Promise<CommandResult<OutputsOf<C>>> {
    return this.command({ command: "next" });
  }

  /** Spouts: `next` `n` times; resolves with every emit. */
  async nextN(n: number): Promise<readonly TestEmit<OutputsOf<C>>[]> {
    const out: TestEmit<OutputsOf<C>>[] = [];
    for (let i = 0; i < n; i++) out.push(...(await this.next()).emits);
    return out;
  }

  /** Spouts: the tree of the reliable emit with this message id completed. */
  ack(id: MessageId): Promise<CommandResult<OutputsOf<C>>> {
    return this.command({ command: "ack", id });
  }

  /** Spouts: the tree of the reliable emit with this message id failed or timed out. */
  fail(id: MessageId): Promise<CommandResult<OutputsOf<C>>> {
    return this.command({ command: "fail", id });
  }

  activate(): Promise<CommandResult<OutputsOf<C>>> {
    return this.command({ command: "activate" });
  }

  deactivate(): Promise<CommandResult<OutputsOf<C>>> {
    return this.command({ command: "deactivate" });
  }

  /**
   * Moves the fake clock forward by `ms`: BatchingBolt flush timers fire and (with `tickSecs`) tick
   * tuples arrive as they fall due, in time order. Then waits for the work they caused.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`tester.advance(${ms}): give a number of milliseconds >= 0`);
    const end = this.clock.now() + ms;
    const tickMs = (this.options.tickSecs ?? 0) * 1000;
    for (;;) {
      const timer = this.timers.filter((t) => t.live).sort((a, b) => a.at - b.at)[0];
      const timerAt = timer?.at ?? Infinity;
      const tickAt = tickMs > 0 ? this.nextTick : Infinity;
      const at = Math.min(timerAt, tickAt);
      if (at > end) break;
      this.clock.set(Math.max(this.clock.now(), at));
      if (tickAt <= timerAt) {
        this.nextTick += tickMs;
        await this.tick();
      } else {
        timer!.at += timer!.every;
        timer!.fn();
        await this.settle();
      }
    }
    this.clock.set(end);
    await this.settle();
  }

  /** Emits on one stream, values only. */
  emitted<S extends keyof OutputsOf<C> & string>(stream: S = "default" as S): OutputsOf<C>[S][] {
    return this.emits.filter((e) => e.stream === stream).map((e) => e.values as OutputsOf<C>[S]);
  }

  /** Log lines at or above a level. */
  logged(level: LogLevelName = "trace"): string[] {
    return this.logs.filter((l) => LogLevel[l.level] >= LogLevel[level]).map((l) => l.msg);
  }

  /** Forgets what was recorded so far (emits, acks, fails, logs, errors, messages). */
  clear(): void {
    for (const list of [this.messages, this.emits, this.acks, this.fails, this.logs, this.errors, this.stderr] as unknown[][]) list.length = 0;
  }

  /** Ends the input as Storm does on shutdown: in-flight work drains, batches flush, close() runs. */
  async close(): Promise<void> {
    await this.host.drain();
    await this.settle();
    await this.component.close();
    await this.settle();
    this.host.stop();
  }
}

/** What `testComponent` accepts: a component class, an instance, or a factory. */
export type ComponentTarget<C extends Component<any>> = (abstract new () => C) | C | (() => C);

/**
 * Starts a component under test: makes an instance (from a class, instance or factory), sends it the
 * handshake and waits for its initialize().
 */
export async function testComponent<C extends Component<any>>(target: ComponentTarget<C>, options: TesterOptions = {}): Promise<ComponentTester<C>> {
  const name = typeof target === "function" ? target.name || "component" : (target as Component<any>).constructor.name;
  const component = instantiate(target, name) as C;
  return new ComponentTester(component, options).start();
}

/** A fake clock you can share between a tester and a pipeline compiled with `{ clock }`. */
export const fakeClock = (start = 0): ManualClock => manualClock(start);

export type { Clock, ManualClock };
