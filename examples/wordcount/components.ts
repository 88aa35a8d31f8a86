/**
 * Word count, the canonical Storm topology, written as component classes.
 * @module
 */
import * as t from "io-ts";
import { Bolt, ReliableSpout, stream, type MessageId, type TupleOf } from "squall";

export const Sentences = stream({ sentence: t.string });
export const Words = stream({ word: t.string });
export const Counts = stream({ word: t.string, count: t.number });

/** The sentences the spout cycles through. */
export const SENTENCES = [
  "the cow jumped over the moon",
  "an apple a day keeps the doctor away",
  "four score and seven years ago",
  "snow white and the seven dwarfs",
  "i am at two with nature",
] as const;

/** Emits the sentences over and over, each reliably: a failed one is replayed with its message id. */
export class SentenceSpout extends ReliableSpout({ outputs: { default: Sentences } }) {
  private n = 0;
  nextTuple(): void {
    const id = this.n++;
    this.emit({ sentence: SENTENCES[id % SENTENCES.length]! }, { id });
  }
  override ack(_id: MessageId): void {}
}

export class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words } }) {
  process(tuple: TupleOf<typeof Sentences>) {
    const words = tuple.fields.sentence.split(/\s+/).filter((w) => w !== "");
    return this.ack(words.map((word) => this.emit({ word })));
  }
}

/** Counts words; the fields grouping on "word" sends each word to one task, so its count is whole. */
export class CountBolt extends Bolt({ input: Words, outputs: { default: Counts } }) {
  private readonly counts = new Map<string, number>();
  process(tuple: TupleOf<typeof Words>) {
    const { word } = tuple.fields;
    const count = (this.counts.get(word) ?? 0) + 1;
    this.counts.set(word, count);
    // A milestone line now and then, so the counts can be read in the logs (`squall tail`).
    if (count % 1000 === 0) this.log.info(`count ${word} ${count}`);
    return this.ack(this.emit({ word, count }));
  }
}
