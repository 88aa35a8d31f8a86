import * as t from "io-ts";
import { describe, expectTypeOf, it } from "vitest";
import { ack, Bolt, fields, fail, Spout, stream, type Emit, type Outcome, type Tuple, type TupleOf } from "../../lib/mod.ts";

const Words = stream({ word: t.string });
const Counts = stream({ word: t.string, count: t.number });

describe("typed effects", () => {
  it("types emits by stream and values", () => {
    class Counter extends Bolt({ input: Words, outputs: { default: Counts, errors: fields("reason") } }) {
      process(tuple: TupleOf<typeof Words>) {
        expectTypeOf(tuple.fields.word).toEqualTypeOf<string>();
        const ok = this.emit({ word: tuple.fields.word, count: 1 });
        const err = this.emit({ reason: "x" }, { stream: "errors" });
        // @ts-expect-error: count must be a number
        this.emit({ word: "a", count: "1" });
        // @ts-expect-error: a field is missing
        this.emit({ word: "a" });
        // @ts-expect-error: an extra field does not fit the stream
        this.emit({ word: "a", count: 1, extra: true });
        // @ts-expect-error: undeclared stream
        this.emit({ word: "a", count: 1 }, { stream: "nope" });
        return this.ack(ok, err);
      }
    }
    expectTypeOf<Counter["process"]>().returns.toMatchTypeOf<Outcome<{ default: { word: string; count: number }; errors: { readonly reason: unknown } }>>();
  });

  it("does not compile when process() leaves a tuple neither acked nor failed", () => {
    class Forgetful extends Bolt({ outputs: { default: Words } }) {
      // @ts-expect-error: process must return an outcome
      process(_tuple: Tuple) {
        return undefined;
      }
    }
    expectTypeOf(Forgetful).not.toBeAny();
  });

  it("rejects an outcome emitting to another component's stream", () => {
    const foreign: Emit<{ other: { x: number } }> = { _tag: "emit", stream: "other", values: { x: 1 } };
    class Wrong extends Bolt({ outputs: { default: Words } }) {
      // @ts-expect-error: the bolt declares no stream "other"
      process(_tuple: Tuple) {
        return ack(foreign);
      }
    }
    expectTypeOf(Wrong).not.toBeAny();
  });

  it("spout emits with needTaskIds return the task ids", () => {
    class S extends Spout({ outputs: { default: Words } }) {
      async nextTuple() {
        expectTypeOf(this.emit({ word: "a" }, { id: 1 })).toEqualTypeOf<void>();
        expectTypeOf(this.emit({ word: "a" }, { needTaskIds: true })).toEqualTypeOf<Promise<readonly number[]>>();
      }
    }
    expectTypeOf(S).not.toBeAny();
    expectTypeOf(fail("x")._tag).toEqualTypeOf<"fail">();
  });
});
