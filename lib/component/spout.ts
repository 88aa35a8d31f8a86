/**
 * Spouts: sources of tuples.
 *
 * Storm calls `nextTuple` when it wants more, and `ack`/`fail` with the message id of a reliable emit
 * once its tuple tree completes or fails. squall answers every command with `sync` after your handler
 * returns (or its promise settles), so no spout can hang its executor by forgetting it.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { Spout, stream } from "squall";
 *
 * export class NumberSpout extends Spout({ outputs: { default: stream({ n: t.number }) } }) {
 *   private n = 0;
 *   nextTuple() {
 *     this.emit({ n: this.n }, { id: this.n }); // reliable: acked or failed back with id n
 *     this.n++;
 *   }
 * }
 * ```
 * @module
 */
import { Component, type Declaration, type MessageId } from "./component.ts";
import { emitCommand, type DefaultStream } from "./bolt.ts";
import type { Outputs, OutputValues, Values } from "./stream.ts";

export interface SpoutEmitOptions<S extends string = string> {
  readonly stream?: S;
  /** The message id: makes the emit reliable (Storm tracks its tree and calls ack or fail with it). */
  readonly id?: MessageId;
  /** Send to this task (direct streams only). */
  readonly task?: number;
  /** Ask Storm for the tasks the tuple went to (the emit then returns them). */
  readonly needTaskIds?: boolean;
}

/** Base of spouts. Prefer the `Spout({...})` factory, which types the streams for you. */
export abstract class SpoutBase<O extends Outputs = Outputs> extends Component<O> {
  readonly kind = "spout" as const;

  /** Emit zero or more tuples. Must not block: return promptly when there is nothing to send. */
  abstract nextTuple(): void | Promise<void>;
  /** The tree of the reliable emit with this id completed. */
  ack(_id: MessageId): void | Promise<void> {}
  /** The tree of the reliable emit with this id failed or timed out: replay it if you can. */
  fail(_id: MessageId): void | Promise<void> {}
  /** The topology was activated (comes before the first nextTuple). */
  activate(): void | Promise<void> {}
  /** The topology was deactivated: nextTuple will not be called until activate. */
  deactivate(): void | Promise<void> {}

  /** Sends a tuple now. With `id` it is reliable. */
  emit<S extends keyof O & string = DefaultStream<O>>(values: OutputValues<O>[S], options: SpoutEmitOptions<S> & { needTaskIds: true }): Promise<readonly number[]>;
  emit<S extends keyof O & string = DefaultStream<O>>(values: OutputValues<O>[S], options?: SpoutEmitOptions<S>): void;
  emit(values: Values | readonly unknown[], options: SpoutEmitOptions = {}): void | Promise<readonly number[]> {
    this.trackEmit(values, options);
    const command = emitCommand(this, options.stream ?? "default", values, options.task, undefined, options.needTaskIds === true, options.id);
    if (options.needTaskIds === true && options.task === undefined) return this.channel.emitForTaskIds(command);
    this.channel.emit(command);
  }

  /** @internal Sees every emit before it leaves (ReliableSpout remembers reliable ones). */
  trackEmit(_values: Values | readonly unknown[], _options: SpoutEmitOptions): void {}

  /** @internal The host's entry points; ReliableSpout wraps them. */
  handleNext(): void | Promise<void> {
    return this.nextTuple();
  }
  handleAck(id: MessageId): void | Promise<void> {
    return this.ack(id);
  }
  handleFail(id: MessageId): void | Promise<void> {
    return this.fail(id);
  }
}

export type SpoutClass<O extends Outputs> = (abstract new () => SpoutBase<O>) & { readonly declaration: Declaration<O> };

/** Declares a spout class: `class X extends Spout({ outputs: { default: Lines } }) { nextTuple() {...} }`. */
export function Spout<const O extends Outputs>(declaration: Declaration<O>): SpoutClass<O> {
  abstract class DeclaredSpout extends SpoutBase<O> {
    static readonly declaration = declaration;
    constructor() {
      super(declaration);
    }
  }
  return DeclaredSpout;
}
