/**
 * Components for simulator property tests: a replaying spout that records what was acked, and a bolt
 * that re-emits its input `test.fanout` times, anchored.
 */
import { Bolt, fields, Spout, type MessageId, type Tuple } from "../../lib/mod.ts";

export class ReplayingSpout extends Spout({ outputs: { default: fields("m", "a") } }) {
  private next = 0;
  private readonly replays: number[] = [];
  readonly attempts = new Map<number, number>();
  readonly acked = new Set<number>();
  failed = 0;
  ackedTwice = 0;

  get total(): number {
    return Number(this.conf["test.messages"] ?? 10);
  }

  nextTuple(): void {
    let m = this.replays.shift();
    if (m === undefined) {
      if (this.next >= this.total) return;
      m = this.taskId * 1_000_000 + this.next++;
    }
    const a = (this.attempts.get(m) ?? 0) + 1;
    this.attempts.set(m, a);
    this.emit({ m, a }, { id: m });
  }

  override ack(id: MessageId): void {
    if (this.acked.has(id as number)) this.ackedTwice++;
    this.acked.add(id as number);
  }

  override fail(id: MessageId): void {
    this.failed++;
    this.replays.push(id as number);
  }
}

export class FanoutBolt extends Bolt({ outputs: { default: fields("m", "a") } }) {
  process(tuple: Tuple) {
    const k = Number(this.conf["test.fanout"] ?? 1);
    const [m, a] = tuple.values;
    return this.ack(Array.from({ length: k }, () => this.emit({ m, a })));
  }
}
