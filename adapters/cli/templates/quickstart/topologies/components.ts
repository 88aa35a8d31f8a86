/**
 * The word count's components: a spout of sentences, a bolt that splits them into words, and a bolt
 * that counts words.
 */
import * as t from "io-ts";
import { Bolt, ReliableSpout, stream, type TupleOf } from "squall";

/** Streams are declared once; they type every emit and every `tuple.fields`. */
export const Sentences = stream({ sentence: t.string });
export const Words = stream({ word: t.string });
export const Counts = stream({ word: t.string, count: t.number });

export const SENTENCES = [
  "the cow jumped over the moon",
  "an apple a day keeps the doctor away",
  "four score and seven years ago",
  "snow white and the seven dwarfs",
  "i am at two with nature",
];

/**
 * Emits the sentences over and over. Every emit has a message id, so it is reliable: if any tuple
 * that came from it fails or times out, Storm calls fail(id) and ReliableSpout emits it again, as
 * often as it takes (maxRetries: Infinity; with a limit, a message that fails more often goes to
 * deadLetter() instead, and is not processed).
 */
export class SentenceSpout extends ReliableSpout({ outputs: { default: Sentences }, maxRetries: Infinity }) {
  private n = 0;
  nextTuple() {
    const id = this.n++;
    this.emit({ sentence: SENTENCES[id % SENTENCES.length]! }, { id });
  }
}

/** Splits a sentence into words. The emits are anchored to the sentence, then it is acked. */
export class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words } }) {
  process(tuple: TupleOf<typeof Sentences>) {
    const words = tuple.fields.sentence.split(/\s+/).filter((word) => word !== "");
    return this.ack(words.map((word) => this.emit({ word })));
  }
}

/**
 * Counts words. The topology subscribes it with a fields grouping on "word", so every occurrence of
 * a word reaches the same task and its count is whole, whatever the parallelism.
 */
export class CountBolt extends Bolt({ input: Words, outputs: { default: Counts } }) {
  readonly counts = new Map<string, number>();
  process(tuple: TupleOf<typeof Words>) {
    const { word } = tuple.fields;
    const count = (this.counts.get(word) ?? 0) + 1;
    this.counts.set(word, count);
    if (count % 500 === 0) this.log.info(`count ${word} ${count}`); // see logs/ while it runs
    return this.ack(this.emit({ word, count }));
  }
}
