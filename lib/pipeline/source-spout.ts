/**
 * The spout generated for a pipeline that starts from an Observable, an async iterable or an iterable.
 *
 * It is a ReliableSpout: every value goes out with a message id, is kept until Storm acks its tree, and
 * is replayed when the tree fails or times out (with no retry limit: at-least-once). With several
 * tasks, task i of n takes the values at positions i, i+n, i+2n..., so each value is emitted once.
 * nextTuple never waits: an async source is pulled in the background and drained as values arrive.
 * @module
 */
import type { Observable, Subscription } from "rxjs";
import { ReliableSpout, type ReliableSpoutClass } from "../component/reliable-spout.ts";
import { fields } from "../component/stream.ts";
import type { PipelineSource } from "./pipeline.ts";

/** The generated spout's output: one field, "value". */
export const SOURCE_OUTPUTS = { default: fields("value") };

interface Puller {
  /** A value, or `undefined` in `ready: false` when none is available now. */
  take(): { ready: true; value: unknown } | { ready: false };
  readonly done: boolean;
  close(): void;
}

const iterablePuller = (iterable: Iterable<unknown>): Puller => {
  const it = iterable[Symbol.iterator]();
  let done = false;
  return {
    take() {
      if (done) return { ready: false };
      const next = it.next();
      if (next.done) {
        done = true;
        return { ready: false };
      }
      return { ready: true, value: next.value };
    },
    get done() {
      return done;
    },
    close: () => void it.return?.(),
  };
};

const asyncPuller = (iterable: AsyncIterable<unknown>, onError: (e: unknown) => void): Puller => {
  const it = iterable[Symbol.asyncIterator]();
  const buffer: unknown[] = [];
  let ended = false;
  let pulling = false;
  const pull = (): void => {
    if (pulling || ended) return;
    pulling = true;
    it.next().then(
      (next) => {
        pulling = false;
        if (next.done) ended = true;
        else buffer.push(next.value);
      },
      (error: unknown) => {
        pulling = false;
        ended = true;
        onError(error);
      },
    );
  };
  return {
    take() {
      if (buffer.length > 0) {
        const value = buffer.shift();
        pull();
        return { ready: true, value };
      }
      pull();
      return { ready: false };
    },
    get done() {
      return ended && buffer.length === 0;
    },
    close: () => void it.return?.(),
  };
};

const observablePuller = (observable: Observable<unknown>, onError: (e: unknown) => void): Puller => {
  const buffer: unknown[] = [];
  let ended = false;
  const subscription: Subscription = observable.subscribe({
    next: (value) => buffer.push(value),
    error: (error: unknown) => {
      ended = true;
      onError(error);
    },
    complete: () => void (ended = true),
  });
  return {
    take: () => (buffer.length > 0 ? { ready: true, value: buffer.shift() } : { ready: false }),
    get done() {
      return ended && buffer.length === 0;
    },
    close: () => subscription.unsubscribe(),
  };
};

/** A spout class that emits the source's values as [value], reliably. */
export function sourceSpout(source: Exclude<PipelineSource<unknown>, { kind: "spout" }>, name: string): ReliableSpoutClass<typeof SOURCE_OUTPUTS> {
  class SourceSpout extends ReliableSpout({ outputs: SOURCE_OUTPUTS, maxRetries: Infinity }) {
    static readonly operators = [name];
    private puller: Puller | undefined;
    private position = 0;
    private seq = 0;
    private index = 0;
    private tasks = 1;

    override initialize(): void {
      const onError = (error: unknown) => this.reportError(error);
      this.puller =
        source.kind === "iterable" ? iterablePuller(source.iterable) : source.kind === "async" ? asyncPuller(source.iterable, onError) : observablePuller(source.observable, onError);
      const mine = Object.entries(this.context["task->component"])
        .filter(([, component]) => component === this.componentId)
        .map(([task]) => Number(task))
        .sort((a, b) => a - b);
      this.tasks = Math.max(1, mine.length);
      this.index = Math.max(0, mine.indexOf(this.taskId));
    }

    nextTuple(): void {
      const puller = this.puller!;
      for (;;) {
        const next = puller.take();
        if (!next.ready) return;
        const mineToSend = this.position++ % this.tasks === this.index;
        if (mineToSend) {
          this.emit([next.value] as never, { id: this.seq++ });
          return;
        }
      }
    }

    /** True once the source has ended and every value was taken (replays may still be pending). */
    get drained(): boolean {
      return this.puller?.done ?? false;
    }

    override close(): void {
      this.puller?.close();
    }
  }
  Object.defineProperty(SourceSpout, "name", { value: "SourceSpout" });
  return SourceSpout;
}
