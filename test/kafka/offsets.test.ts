/** The offset tracker: commits never pass an unacked offset; every acked prefix is eventually committable. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PartitionOffsets, TopicOffsets } from "../../lib/kafka/offsets.ts";

/** Offsets with gaps (compaction, transaction markers), from a start position. */
const offsetsArb = fc.record({
  start: fc.integer({ min: 0, max: 1_000_000 }),
  gaps: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 200 }),
});

const build = (start: number, gaps: readonly number[]): number[] => {
  const out: number[] = [];
  let o = start;
  for (const g of gaps) {
    out.push(o);
    o += g;
  }
  return out;
};

describe("PartitionOffsets (property tests)", () => {
  it("a commit never passes an unacked offset, and moves forward only", () => {
    fc.assert(
      fc.property(offsetsArb, fc.array(fc.nat(), { maxLength: 400 }), fc.array(fc.boolean(), { maxLength: 400 }), ({ start, gaps }, picks, doCommit) => {
        const offsets = build(start, gaps);
        const p = new PartitionOffsets(start);
        const unacked = new Set<number>();
        let added = 0;
        let lastCommittable = start;
        picks.forEach((pick, step) => {
          // interleave: add the next record, or ack a random pending one
          if (added < offsets.length && (pick % 3 !== 0 || unacked.size === 0)) {
            p.add(offsets[added]!);
            unacked.add(offsets[added]!);
            added++;
          } else if (unacked.size > 0) {
            const list = [...unacked];
            const victim = list[pick % list.length]!;
            expect(p.ack(victim)).toBe(true);
            expect(p.ack(victim)).toBe(false); // a second ack is refused
            unacked.delete(victim);
          }
          const c = p.committable;
          for (const u of unacked) expect(c).toBeLessThanOrEqual(u);
          expect(c).toBeGreaterThanOrEqual(lastCommittable);
          lastCommittable = c;
          if (doCommit[step]) p.committedTo(c);
          expect(p.pending).toBe(unacked.size);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("once every record is acked (in any order), the whole prefix is committable", () => {
    fc.assert(
      fc.property(
        offsetsArb.chain(({ start, gaps }) => {
          const offsets = build(start, gaps);
          return fc.record({ start: fc.constant(start), offsets: fc.constant(offsets), order: fc.shuffledSubarray(offsets, { minLength: offsets.length, maxLength: offsets.length }) });
        }),
        ({ start, offsets, order }) => {
          const p = new PartitionOffsets(start);
          for (const o of offsets) p.add(o);
          for (const o of order) p.ack(o);
          const end = offsets.length ? offsets[offsets.length - 1]! + 1 : start;
          expect(p.committable).toBe(end);
          expect(p.pending).toBe(0);
          expect(p.dirty).toBe(end > start);
          p.committedTo(p.committable);
          expect(p.dirty).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses offsets that go backwards, naming the next one", () => {
    const p = new PartitionOffsets(10);
    p.add(10);
    expect(() => p.add(10)).toThrow(/next offset is 11/);
    expect(() => new PartitionOffsets(-1)).toThrow(/>= 0/);
    expect(p.ack(99)).toBe(false);
  });

  it("TopicOffsets lists due commits per partition and forgets revoked ones", () => {
    const t = new TopicOffsets();
    const a = t.assign(0, 5);
    const b = t.assign(1, 0);
    a.add(5);
    a.add(6);
    b.add(0);
    a.ack(5);
    expect(t.dueCommits()).toEqual([{ partition: 0, offset: 6 }]);
    t.committed(t.dueCommits());
    expect(t.dueCommits()).toEqual([]);
    b.ack(0);
    t.revoke(0);
    expect(t.assigned).toEqual([1]);
    expect(t.dueCommits()).toEqual([{ partition: 1, offset: 1 }]);
    expect(t.pending).toBe(0);
  });
});
