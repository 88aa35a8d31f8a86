/**
 * Bolts: process input tuples.
 *
 * `Bolt` (the default) returns each tuple's fate as a typed effect: emits are anchored to the input,
 * then the input is acked; a thrown error or rejected promise fails it. `ManualBolt` hands the
 * decisions to you (ack, fail and anchors are yours), as Storm's IRichBolt does.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { Bolt, stream, type TupleOf } from "squall";
 *
 * const Sentences = stream({ sentence: t.string });
 * const Words = stream({ word: t.string });
 *
 * export class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words } }) {
 *   process(tuple: TupleOf<typeof Sentences>) {
 *     const words = tuple.fields.sentence.split(/\s+/).filter((w) => w !== "");
 *     return this.ack(words.map((word) => this.emit({ word })));
 *   }
 * }
 * ```
 * @module
 */
import { Component, type Declaration } from "./component.ts";
import { ack, fail, type Ack, type Emit, type EmitOptions, type Fail, type Outcome } from "./effects.ts";
import type { Outputs, OutputValues, StreamSpec, Values } from "./stream.ts";
import { toWire } from "./stream.ts";
import type { Tuple } from "./tuple.ts";
import type { EmitCommand } from "../protocol/messages.ts";

/** The "default" stream when a component declares one, else no default. */
export type DefaultStream<O> = "default" extends keyof O ? "default" : never;

export interface BoltDeclaration<O extends Outputs, I extends Values> extends Declaration<O> {
  /** The input stream's declaration: types `tuple.fields` (documentation; Storm checks the wiring). */
  readonly input?: StreamSpec<I>;
  /**
   * Most tuples whose asynchronous process() may be pending at once (default 1, which keeps order).
   * Heartbeats are answered whatever this is.
   */
  readonly concurrency?: number;
}

/**
 * What effect-style bolts share (Bolt and BatchingBolt): building the outcome of the input(s) being
 * decided. Emits are anchored to those inputs unless an emit says otherwise.
 */
export abstract class EffectsBoltBase<O extends Outputs = Outputs> extends Component<O> {
  readonly kind = "bolt" as const;

  /** An emit of `values` on `options.stream` (default "default"), anchored to the input(s) unless told otherwise. */
  emit<S extends keyof O & string = DefaultStream<O>>(values: OutputValues<O>[S], options: EmitOptions<S> = {}): Emit<OutputValues<O>> {
    return { _tag: "emit", stream: options.stream ?? "default", values, anchors: options.anchors, task: options.task } as never;
  }

  /** Acks the input(s) after sending `emits`. */
  ack(...emits: readonly (Emit<OutputValues<O>> | readonly Emit<OutputValues<O>>[])[]): Ack<OutputValues<O>> {
    return ack(...emits);
  }

  /** Fails the input(s) (their spout messages are replayed); `emits` still go out first. */
  fail(reason: string | Error = "failed", ...emits: readonly (Emit<OutputValues<O>> | readonly Emit<OutputValues<O>>[])[]): Fail<OutputValues<O>> {
    return fail(reason, ...emits);
  }
}

/** Base of effect-style bolts. Prefer the `Bolt({...})` factory, which types the streams for you. */
export abstract class BoltBase<O extends Outputs = Outputs, I extends Values = Values> extends EffectsBoltBase<O> {
  readonly variant = "effects" as const;
  readonly concurrency: number;

  constructor(declaration: BoltDeclaration<O, I>) {
    super(declaration);
    this.concurrency = declaration.concurrency ?? 1;
  }

  /** Decides the fate of one tuple: return `this.ack(...emits)` or `this.fail(reason)`. */
  abstract process(tuple: Tuple<I>): Outcome<OutputValues<O>> | Promise<Outcome<OutputValues<O>>>;

  /**
   * Called on each tick tuple (when topology.tick.tuple.freq.secs is set); the tick is acked for you.
   * Emits returned here leave unanchored.
   */
  processTick?(tick: Tuple): void | readonly Emit<OutputValues<O>>[] | Promise<void | readonly Emit<OutputValues<O>>[]>;
}

export type BoltClass<O extends Outputs, I extends Values> = (abstract new () => BoltBase<O, I>) & {
  readonly declaration: BoltDeclaration<O, I>;
};

/** Declares an effect-style bolt class: `class X extends Bolt({ outputs: { default: Words } }) { process(t) {...} }`. */
export function Bolt<const O extends Outputs, I extends Values = Values>(declaration: BoltDeclaration<O, I>): BoltClass<O, I> {
  abstract class DeclaredBolt extends BoltBase<O, I> {
    static readonly declaration = declaration;
    constructor() {
      super(declaration);
    }
  }
  return DeclaredBolt;
}

// ---------------------------------------------------------------------------------------------

export interface ManualEmitOptions<S extends string = string> extends EmitOptions<S> {
  /** Ask Storm for the tasks the tuple went to (the emit then returns them). */
  readonly needTaskIds?: boolean;
}

/** Base of manual bolts: you ack, fail and anchor. Prefer the `ManualBolt({...})` factory. */
export abstract class ManualBoltBase<O extends Outputs = Outputs, I extends Values = Values> extends Component<O> {
  readonly kind = "bolt" as const;
  readonly variant = "manual" as const;
  readonly concurrency: number;
  /** @internal Tuples handed to process() and not yet acked or failed. */
  readonly pending = new Map<string, Tuple<any>>();

  constructor(declaration: BoltDeclaration<O, I>) {
    super(declaration);
    this.concurrency = declaration.concurrency ?? 1;
  }

  /** Handles one tuple; ack or fail it (now or later) with `this.ackTuple` / `this.failTuple`. */
  abstract process(tuple: Tuple<I>): void | Promise<void>;

  processTick?(tick: Tuple): void | Promise<void>;

  /** Sends a tuple now. Anchors are explicit (none = unanchored, untracked). */
  emit<S extends keyof O & string = DefaultStream<O>>(values: OutputValues<O>[S], options: ManualEmitOptions<S> & { needTaskIds: true }): Promise<readonly number[]>;
  emit<S extends keyof O & string = DefaultStream<O>>(values: OutputValues<O>[S], options?: ManualEmitOptions<S>): void;
  emit(values: Values, options: ManualEmitOptions = {}): void | Promise<readonly number[]> {
    const stream = options.stream ?? "default";
    const anchors = (options.anchors ?? []).map((a) => (typeof a === "string" ? a : a.id));
    for (const id of anchors) {
      if (!this.pending.has(id)) {
        throw new Error(
          `${this.constructor.name}.emit: anchor ${id} is not a pending input tuple (already acked or failed, or never received); Storm would kill the worker for it`,
        );
      }
    }
    const command = emitCommand(this, stream, values, options.task, anchors, options.needTaskIds === true);
    if (options.needTaskIds === true && options.task === undefined) return this.channel.emitForTaskIds(command);
    this.channel.emit(command);
  }

  /** Acks an input tuple (once). */
  ackTuple(tuple: Tuple<any>): void {
    this.settle(tuple, "ack");
  }

  /** Fails an input tuple (once); its spout message is replayed. */
  failTuple(tuple: Tuple<any>): void {
    this.settle(tuple, "fail");
  }

  private settle(tuple: Tuple<any>, how: "ack" | "fail"): void {
    if (!this.pending.delete(tuple.id)) {
      throw new Error(
        `${this.constructor.name}.${how}Tuple: ${tuple} was already acked or failed (Storm kills the worker on a second ack/fail)`,
      );
    }
    if (how === "ack") this.channel.ack(tuple.id);
    else this.channel.fail(tuple.id);
  }
}

export type ManualBoltClass<O extends Outputs, I extends Values> = (abstract new () => ManualBoltBase<O, I>) & {
  readonly declaration: BoltDeclaration<O, I>;
};

/** Declares a manual bolt class. */
export function ManualBolt<const O extends Outputs, I extends Values = Values>(declaration: BoltDeclaration<O, I>): ManualBoltClass<O, I> {
  abstract class DeclaredManualBolt extends ManualBoltBase<O, I> {
    static readonly declaration = declaration;
    constructor() {
      super(declaration);
    }
  }
  return DeclaredManualBolt;
}

/** @internal Builds the wire emit, checking the stream, its fields and directness. */
export const emitCommand = (
  component: Component<any>,
  stream: string,
  values: Values | readonly unknown[],
  task: number | undefined,
  anchors: readonly string[] | undefined,
  needTaskIds: boolean,
  id?: EmitCommand["id"],
): EmitCommand => {
  const where = `${component.constructor.name} emit on stream "${stream}"`;
  const spec = component.streamSpec(stream, where);
  if (spec.direct && task === undefined) throw new Error(`${where}: the stream is direct, so the emit must name a task`);
  if (!spec.direct && task !== undefined) throw new Error(`${where}: a task was given but the stream is not declared direct`);
  const command: { -readonly [K in keyof EmitCommand]: EmitCommand[K] } = { command: "emit", tuple: toWire(spec, values, where) };
  if (id !== undefined) command.id = id;
  if (stream !== "default") command.stream = stream;
  if (task !== undefined) command.task = task;
  if (anchors !== undefined && anchors.length > 0) command.anchors = anchors;
  if (!needTaskIds && task === undefined) command.need_task_ids = false;
  return command;
};
