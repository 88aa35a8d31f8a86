/**
 * Property tests of the engine's reliability contract, on the deterministic simulator (which runs the
 * same EngineCore, acker and router as `squall run`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ComponentDescription, GroupingDescription, TopologyDescription } from "../../lib/topology/description.ts";
import { Simulation, type Fault } from "../../lib/engine/simulator.ts";
import { FanoutBolt, ReplayingSpout } from "./sim-components.ts";

interface BoltSpec {
  readonly inputs: readonly { readonly from: number; readonly grouping: GroupingDescription["type"] }[];
  readonly parallelism: number;
  readonly fanout: number;
}
interface Scenario {
  readonly spoutParallelism: number;
  readonly messages: number;
  readonly bolts: readonly BoltSpec[];
  readonly maxSpoutPending: number;
  readonly boltMaxPending: number;
  readonly queueSize: number;
  readonly timeoutSecs: number;
  readonly seed: number;
}

const groupingOf = (type: GroupingDescription["type"]): GroupingDescription =>
  type === "fields" ? { type: "fields", fields: ["m"] } : ({ type } as GroupingDescription);

const describeScenario = (s: Scenario): TopologyDescription => {
  const out = { default: { fields: ["m", "a"], direct: false } };
  const components: ComponentDescription[] = [
    { id: "spout", type: "spout", implementation: { kind: "squall" }, parallelism: s.spoutParallelism, inputs: [], outputs: out, config: { "test.messages": s.messages } },
  ];
  s.bolts.forEach((b, i) => {
    const inputs = [...new Map(b.inputs.map((input) => [input.from % (i + 1), input.grouping])).entries()].map(([from, grouping]) => ({
      component: from === 0 ? "spout" : `b${from}`,
      stream: "default",
      grouping: groupingOf(grouping),
    }));
    components.push({ id: `b${i + 1}`, type: "bolt", implementation: { kind: "squall" }, parallelism: b.parallelism, inputs, outputs: out, config: { "test.fanout": b.fanout } });
  });
  return {
    name: "sim",
    config: {
      "topology.max.spout.pending": s.maxSpoutPending,
      "topology.shellbolt.max.pending": s.boltMaxPending,
      "squall.engine.queue.size": s.queueSize,
      "topology.message.timeout.secs": s.timeoutSecs,
      "topology.subprocess.timeout.secs": 4,
    },
    components,
  };
};

/** Bolt tuples in one spout message's tree, counted from the topology (not from the acker). */
const treeSize = (d: TopologyDescription): number => {
  const count = new Map<string, number>([["spout", 1]]);
  const emits = (id: string): number => (id === "spout" ? 1 : Number(d.components.find((c) => c.id === id)!.config["test.fanout"]));
  let total = 0;
  for (const c of d.components) {
    if (c.type === "spout") continue;
    let n = 0;
    for (const input of c.inputs) n += count.get(input.component)! * emits(input.component) * (input.grouping.type === "all" ? c.parallelism : 1);
    count.set(c.id, n);
    total += n;
  }
  return total;
};

const scenario: fc.Arbitrary<Scenario> = fc.record({
  spoutParallelism: fc.integer({ min: 1, max: 2 }),
  messages: fc.integer({ min: 1, max: 25 }),
  bolts: fc.array(
    fc.record({
      inputs: fc.array(
        fc.record({ from: fc.nat(8), grouping: fc.constantFrom<GroupingDescription["type"]>("shuffle", "fields", "all", "global", "none", "localOrShuffle") }),
        { minLength: 1, maxLength: 2 },
      ),
      parallelism: fc.integer({ min: 1, max: 3 }),
      fanout: fc.integer({ min: 0, max: 2 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  maxSpoutPending: fc.integer({ min: 1, max: 40 }),
  boltMaxPending: fc.integer({ min: 1, max: 8 }),
  queueSize: fc.integer({ min: 1, max: 20 }),
  timeoutSecs: fc.integer({ min: 2, max: 30 }),
  seed: fc.integer(),
});

const faultArb: fc.Arbitrary<Fault[]> = fc.array(
  fc.record({ at: fc.nat(150), kind: fc.constantFrom<Fault["kind"]>("fail", "throw", "kill", "stall") }),
  { maxLength: 5 },
);

interface Checked {
  readonly violations: string[];
  readonly deliveries: Map<string, number>;
  readonly spouts: ReplayingSpout[];
  readonly finished: boolean;
  readonly struck: number;
}

/** Runs one scenario and checks the tree rule at every spout ack, independently of the acker. */
async function runChecked(s: Scenario, faults: readonly Fault[]): Promise<Checked> {
  const d = describeScenario(s);
  const size = treeSize(d);
  const tupleKey = new Map<string, string>(); // bolt tuple id -> "m:a"
  const deliveries = new Map<string, number>();
  const acks = new Map<string, number>();
  const violations: string[] = [];
  let sim!: Simulation;
  sim = new Simulation(d, (id) => (id === "spout" ? new ReplayingSpout() : new FanoutBolt()), {
    seed: s.seed,
    faults,
    trace: {
      toTask(task, message) {
        const m = message as Record<string, unknown>;
        if (typeof m["id"] === "string" && Array.isArray(m["tuple"]) && m["comp"] !== null && m["comp"] !== "__system") {
          const key = `${(m["tuple"] as number[])[0]}:${(m["tuple"] as number[])[1]}`;
          tupleKey.set(m["id"], key);
          deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
        }
        if (m["command"] === "ack") {
          // The spout is told its message is done: some attempt's whole tree must have been acked.
          const id = m["id"] as number;
          const attempts = sim.component<ReplayingSpout>(task).attempts.get(id) ?? 0;
          let complete = false;
          for (let a = 1; a <= attempts; a++) if ((acks.get(`${id}:${a}`) ?? 0) >= size) complete = true;
          if (!complete) violations.push(`message ${id} acked to its spout before its tree of ${size} tuples was acked`);
        }
      },
      fromTask(_task, message) {
        const m = message as Record<string, unknown>;
        if (m["command"] === "ack" && typeof m["id"] === "string") {
          const key = tupleKey.get(m["id"]);
          if (key) acks.set(key, (acks.get(key) ?? 0) + 1);
        }
      },
    },
  });
  const spoutTasks = sim.core.plan.tasksOf.get("spout")!;
  const spouts = () => spoutTasks.map((t) => sim.component<ReplayingSpout>(t));
  const result = await sim.run(() => spouts().every((sp) => sp.acked.size === s.messages), 3_600_000);
  return { violations, deliveries, spouts: spouts(), finished: result.finished, struck: result.struck.length };
}

describe("simulator: Storm's reliability contract", () => {
  it("with no faults, every message is acked once and every tuple processed exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { violations, deliveries, spouts, finished } = await runChecked(s, []);
        expect(violations).toEqual([]);
        expect(finished).toBe(true);
        const size = treeSize(describeScenario(s));
        for (const sp of spouts) {
          expect(sp.failed).toBe(0);
          expect(sp.ackedTwice).toBe(0);
          for (const m of sp.acked) expect(deliveries.get(`${m}:1`) ?? 0).toBe(size);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("under faults, every message is eventually acked (replayed as needed), never before its whole tree, processed at least once", async () => {
    const struck = { total: 0, kinds: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(scenario, faultArb, async (s, faults) => {
        const { violations, spouts, finished, deliveries, struck: n } = await runChecked(s, faults);
        struck.total += n;
        expect(violations).toEqual([]);
        expect(finished).toBe(true);
        const size = treeSize(describeScenario(s));
        for (const sp of spouts) {
          expect(sp.acked.size).toBe(s.messages);
          for (const m of sp.acked) {
            let total = 0;
            for (let a = 1; a <= (sp.attempts.get(m) ?? 0); a++) total += deliveries.get(`${m}:${a}`) ?? 0;
            expect(total).toBeGreaterThanOrEqual(size);
          }
        }
      }),
      { numRuns: 150 },
    );
    // The schedules must actually hit: a property that never meets a fault proves nothing.
    expect(struck.total).toBeGreaterThan(100);
  });

  it("is deterministic: the same seed and faults give the same run", async () => {
    const s: Scenario = { spoutParallelism: 2, messages: 20, bolts: [{ inputs: [{ from: 0, grouping: "shuffle" }], parallelism: 3, fanout: 2 }, { inputs: [{ from: 1, grouping: "fields" }], parallelism: 2, fanout: 1 }], maxSpoutPending: 5, boltMaxPending: 2, queueSize: 4, timeoutSecs: 5, seed: 7 };
    const faults: Fault[] = [{ at: 3, kind: "kill" }, { at: 10, kind: "stall" }, { at: 20, kind: "fail" }];
    const a = await runChecked(s, faults);
    const b = await runChecked(s, faults);
    expect([...a.deliveries]).toEqual([...b.deliveries]);
    expect(a.spouts.map((sp) => sp.failed)).toEqual(b.spouts.map((sp) => sp.failed));
  });

  it("a broken acker is caught and shrunk to a small case", async () => {
    // Sanity check of the property itself: acking spouts at once (no acker) must violate the tree rule.
    const broken = fc.check(
      fc.asyncProperty(scenario, async (s) => {
        const d = describeScenario(s);
        const sized = { ...s };
        void d;
        const { violations } = await runCheckedNoAcker(sized);
        return violations.length === 0;
      }),
      { numRuns: 50, seed: 42 },
    );
    const out = await broken;
    expect(out.failed).toBe(true);
    const counter = out.counterexample![0] as Scenario;
    expect(counter.bolts.length).toBe(1);
  });
});

async function runCheckedNoAcker(s: Scenario): Promise<{ violations: string[] }> {
  // topology.acker.executors = 0 makes the engine ack spout tuples at once, as Storm does.
  const d = describeScenario(s);
  const withNoAcker: TopologyDescription = { ...d, config: { ...d.config, "topology.acker.executors": 0 } };
  const size = treeSize(d);
  if (size === 0) return { violations: [] };
  let violations = 0;
  const sim = new Simulation(withNoAcker, (id) => (id === "spout" ? new ReplayingSpout() : new FanoutBolt()), {
    seed: s.seed,
    trace: { toTask: (_t, m) => void ((m as { command?: string }).command === "ack" && violations++) },
  });
  await sim.run(() => violations > 0, 10_000);
  return { violations: violations > 0 ? ["acked early"] : [] };
}
