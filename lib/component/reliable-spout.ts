/**
 * ReliableSpout: remembers what it emitted until Storm acks it, replays failed tuples, and gives up on
 * a tuple after `maxRetries` replays by handing it to `deadLetter`.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { ReliableSpout, stream } from "squall";
 *
 * export class Orders extends ReliableSpout({ outputs: { default: stream({ order: t.string }) }, maxRetries: 3 }) {
 *   private n = 0;
 *   nextTuple() {
 *     this.emit({ order: `order-${this.n}` }, { id: this.n++ });
 *   }
 *   override deadLetter(id: unknown, values: readonly unknown[], attempts: number) {
 *     this.log.error(`giving up on ${String(id)} after ${attempts} attempts`, values);
 *   }
 * }
 * ```
 * @module
 */
import type { Declaration, MessageId } from "./component.ts";
import { SpoutBase, type SpoutEmitOptions } from "./spout.ts";
import type { Outputs, Values } from "./stream.ts";

export interface ReliableSpoutDeclaration<O extends Outputs> extends Declaration<O> {
  /** Replays allowed per message before it goes to deadLetter (default 3). */
  readonly maxRetries?: number;
}

interface Pending {
  readonly values: Values | readonly unknown[];
  readonly options: SpoutEmitOptions;
  attempts: number;
}

/** Message ids are compared by value: numbers, strings and JSON-able ids all work. */
const keyOf = (id: MessageId): string => (typeof id === "string" ? `s${id}` : `j${JSON.stringify(id)}`);

export abstract class ReliableSpoutBase<O extends Outputs = Outputs> extends SpoutBase<O> {
  readonly maxRetries: number;
  private readonly inFlight = new Map<string, Pending>();
  private readonly replays: Pending[] = [];

  constructor(declaration: ReliableSpoutDeclaration<O>) {
    super(declaration);
    this.maxRetries = declaration.maxRetries ?? 3;
  }

  /** Tuples emitted and not yet acked (or given up). */
  get pendingCount(): number {
    return this.inFlight.size;
  }

  override trackEmit(values: Values | readonly unknown[], options: SpoutEmitOptions): void {
    if (options.id === undefined) return;
    const key = keyOf(options.id);
    const previous = this.inFlight.get(key);
    this.inFlight.set(key, { values, options, attempts: previous?.attempts ?? 0 });
  }

  /** A message failed more than maxRetries times. Override to store it somewhere; the default logs it. */
  deadLetter(id: MessageId, values: Values | readonly unknown[], attempts: number): void | Promise<void> {
    this.log.error(`ReliableSpout: giving up on message ${JSON.stringify(id)} after ${attempts} attempts`, values);
  }

  override handleNext(): void | Promise<void> {
    const replay = this.replays.shift();
    if (replay) {
      this.emit(replay.values as never, replay.options as never);
      return;
    }
    return this.nextTuple();
  }

  override handleAck(id: MessageId): void | Promise<void> {
    this.inFlight.delete(keyOf(id));
    return this.ack(id);
  }

  override handleFail(id: MessageId): void | Promise<void> {
    const key = keyOf(id);
    const pending = this.inFlight.get(key);
    const user = this.fail(id);
    if (!pending) return user;
    pending.attempts++;
    if (pending.attempts > this.maxRetries) {
      this.inFlight.delete(key);
      const dead = this.deadLetter(id, pending.values, pending.attempts);
      return user instanceof Promise || dead instanceof Promise ? Promise.all([user, dead]).then(() => undefined) : undefined;
    }
    this.replays.push(pending);
    return user;
  }
}

export type ReliableSpoutClass<O extends Outputs> = (abstract new () => ReliableSpoutBase<O>) & {
  readonly declaration: ReliableSpoutDeclaration<O>;
};

/** Declares a reliable spout class. */
export function ReliableSpout<const O extends Outputs>(declaration: ReliableSpoutDeclaration<O>): ReliableSpoutClass<O> {
  abstract class DeclaredReliableSpout extends ReliableSpoutBase<O> {
    static readonly declaration = declaration;
    constructor() {
      super(declaration);
    }
  }
  return DeclaredReliableSpout;
}
