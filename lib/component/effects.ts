/**
 * Reliability as typed effects.
 *
 * A bolt's `process` returns what should happen to its tuple: `ack` (with the emits it produced, anchored
 * to the tuple) or `fail` (with a reason). The outcome is a value, so the compiler checks that every
 * path decides the tuple's fate, that emits name declared streams, and that emitted values fit the
 * stream's fields. squall then performs the effects in Storm's order: emits first, then the ack or fail.
 *
 * @module
 */
import type { MessageId } from "../protocol/messages.ts";
import type { Tuple } from "./tuple.ts";

/** Output values by stream name, e.g. `{ default: { word: string } }`. */
export type StreamValues = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface EmitOptions<S extends string = string> {
  /** Output stream (default "default"). */
  readonly stream?: S;
  /** Anchor to these tuples instead of the input tuple (bolts). An empty list emits unanchored. */
  readonly anchors?: readonly (Tuple<any> | string)[];
  /** Send to this task (direct streams only). */
  readonly task?: number;
}

/** One emit, as a value. Its type ties the stream name to that stream's values. */
export type Emit<O extends StreamValues = StreamValues> = {
  readonly [S in keyof O & string]: {
    readonly _tag: "emit";
    readonly stream: S;
    readonly values: O[S];
    readonly anchors?: readonly (Tuple<any> | string)[];
    readonly task?: number;
  };
}[keyof O & string];

export interface Ack<O extends StreamValues = StreamValues> {
  readonly _tag: "ack";
  readonly emits: readonly Emit<O>[];
}

export interface Fail<O extends StreamValues = StreamValues> {
  readonly _tag: "fail";
  readonly reason: string;
  /** Emits made before the failure still go out (e.g. to an errors stream), anchored as usual. */
  readonly emits: readonly Emit<O>[];
}

/** What becomes of one input tuple. */
export type Outcome<O extends StreamValues = StreamValues> = Ack<O> | Fail<O>;

type EmitArgs<O extends StreamValues> = readonly (Emit<O> | readonly Emit<O>[])[];

const flat = <O extends StreamValues>(emits: EmitArgs<O>): Emit<O>[] => {
  const out: Emit<O>[] = [];
  for (const e of emits) {
    if (Array.isArray(e)) out.push(...(e as readonly Emit<O>[]));
    else out.push(e as Emit<O>);
  }
  return out;
};

/** Acks the tuple after sending `emits` (single emits or lists of them). */
export const ack = <O extends StreamValues = StreamValues>(...emits: EmitArgs<O>): Ack<O> => ({ _tag: "ack", emits: flat(emits) });

/** Fails the tuple (Storm replays its tree from the spout). */
export const fail = <O extends StreamValues = StreamValues>(reason: string | Error = "failed", ...emits: EmitArgs<O>): Fail<O> => ({
  _tag: "fail",
  reason: typeof reason === "string" ? reason : reason.message,
  emits: flat(emits),
});

/** Builds an emit on a named stream (the standalone form of `this.emit`). */
export const emitTo = <O extends StreamValues, S extends keyof O & string>(
  stream: S,
  values: O[S],
  options: Omit<EmitOptions<S>, "stream"> = {},
): Emit<O> => ({ _tag: "emit", stream, values, ...options }) as unknown as Emit<O>;

/** A spout message id, as given to a reliable emit and handed back to ack/fail. */
export type { MessageId };
