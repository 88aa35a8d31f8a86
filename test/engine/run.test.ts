/**
 * `squall run` against real processes: exact word counts, kill -9 chaos with 100,000 reliable tuples,
 * flat memory under a slow bolt, bad input, and the other runtimes and serializer.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SENTENCES } from "../../examples/wordcount/components.ts";
import { cliPath, readJson, ROOT, runCli, sleep, startCli, type Started } from "./cli.ts";

const FIX = path.join(ROOT, "test/fixtures/engine");
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-engine-test-"));
  await cliPath();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Metrics {
  readonly pendingTrees: number;
  readonly queued: number;
  readonly components: readonly { id: string; acked: number; failed: number; restarts: number }[];
  readonly processes: readonly { task: number; component: string; pid?: number; ready: boolean }[];
}

/** Waits for a file to exist (the fixtures' "all acked" marker). */
async function waitForFile(file: string, timeoutMs: number, run: Started): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${file}\n${run.output().stdout.slice(-2000)}\n${run.output().stderr.slice(-3000)}`);
    if (run.child.exitCode !== null) throw new Error(`squall run exited early (${run.child.exitCode}):\n${run.output().stderr.slice(-3000)}`);
    await sleep(100);
  }
}

/** Kills random live processes of `components` with SIGKILL every `everyMs`, until stopped. */
function chaos(metricsFile: string, components: readonly string[], everyMs: number): { stop(): Promise<number> } {
  let running = true;
  let kills = 0;
  const loop = (async () => {
    await sleep(1000);
    while (running) {
      const m = readJson<Metrics>(metricsFile);
      const live = m?.processes.filter((p) => components.includes(p.component) && p.ready && p.pid !== undefined) ?? [];
      const victim = live[Math.floor(Math.random() * live.length)];
      if (victim) {
        try {
          process.kill(victim.pid!, "SIGKILL");
          kills++;
        } catch {
          // already gone
        }
      }
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return kills;
    },
  };
}

const expectedCounts = (sentences: number): Map<string, number> => {
  const counts = new Map<string, number>();
  for (let i = 0; i < sentences; i++) for (const w of SENTENCES[i % SENTENCES.length]!.split(" ")) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
};

const sinkCounts = (dir: string): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const f of fs.readdirSync(dir)) for (const w of fs.readFileSync(path.join(dir, f), "utf8").split("\n")) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
};

async function wordcount(name: string, sentences: number, extra: readonly string[] = [], killing = false) {
  const dir = path.join(tmp, name);
  const done = path.join(dir, "done");
  const metrics = path.join(dir, "metrics.json");
  fs.mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const run = await startCli([
    "run", path.join(FIX, "wordcount-sink.ts"), "--log-dir", path.join(dir, "logs"), "--json-metrics", metrics,
    "-o", `test.sentences=${sentences}`, "-o", `test.done.file=${done}`, "-o", `test.sink.dir=${path.join(dir, "sink")}`, ...extra,
  ]);
  // The live status table must appear while the topology runs (its speed is measured in bench/, not here).
  while (!/component\s+tasks/.test(run.output().stdout) && Date.now() - t0 < 15_000 && run.child.exitCode === null) await sleep(25);
  const firstTableMs = Date.now() - t0;
  const sawTable = /component\s+tasks/.test(run.output().stdout);
  const monkey = killing ? chaos(metrics, ["split", "count"], 400) : undefined;
  await waitForFile(done, 120_000, run);
  const kills = (await monkey?.stop()) ?? 0;
  run.child.kill("SIGTERM");
  const result = await run.done;
  return { result, counts: sinkCounts(path.join(dir, "sink")), firstTableMs, sawTable, kills, metrics: readJson<Metrics>(metrics)! };
}

describe("squall run (node)", () => {
  it("word count: exact counts with no faults, a live table while it runs, clean exit", async () => {
    const { result, counts, firstTableMs, sawTable, metrics } = await wordcount("exact", 2000);
    expect(result.code).toBe(0);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expectedCounts(2000)));
    expect(result.stdout).toMatch(/summary/);
    expect(metrics.pendingTrees).toBe(0);
    expect(metrics.components.find((c) => c.id === "sentences")!.acked).toBe(2000);
    console.log(`word count: first table after ${firstTableMs}ms`);
    expect(sawTable).toBe(true);
  });

  it("word count under kill -9: every count >= exact, every sentence acked", async () => {
    const { result, counts, kills, metrics } = await wordcount("chaos", 3000, ["-o", "topology.message.timeout.secs=5"], true);
    expect(result.code).toBe(0);
    expect(kills).toBeGreaterThan(0);
    for (const [word, n] of expectedCounts(3000)) expect(counts.get(word) ?? 0, word).toBeGreaterThanOrEqual(n);
    expect(metrics.components.find((c) => c.id === "sentences")!.acked).toBe(3000);
    console.log(`word count chaos: ${kills} kills, restarts ${metrics.components.map((c) => `${c.id}=${c.restarts}`).join(" ")}`);
  });

  it("runs a Python shell bolt shipped with shell({ files }) from the module's folder", async () => {
    const dir = path.join(tmp, "shipped");
    const metrics = path.join(dir, "metrics.json");
    const result = await runCli(["run", path.join(ROOT, "test/fixtures/storm/shipped/topology.ts"), "--no-ui", "-t", "8", "--log-dir", path.join(dir, "logs"), "--json-metrics", metrics]);
    expect(result.code, result.stderr).toBe(0);
    const m = readJson<{ components: { id: string; acked: number; failed: number }[] }>(metrics)!;
    expect(m.components.find((c) => c.id === "ids")).toMatchObject({ acked: 300, failed: 0 });
    const sinkLog = fs.readdirSync(path.join(dir, "logs")).filter((f) => f.startsWith("shipped_sink_") && !f.includes("stderr"));
    const got = new Set(sinkLog.flatMap((f) => [...fs.readFileSync(path.join(dir, "logs", f), "utf8").matchAll(/shipped got (\d+) ID-(\d+)/g)].map((x) => (x[1] === x[2] ? Number(x[1]) : -1))));
    expect(got.size).toBe(300);
    expect(got.has(-1)).toBe(false);
  }, 120_000);

  it("chaos: kill -9 bolt processes while 100,000 reliable tuples flow; every id is acked, none lost", async () => {
    const dir = path.join(tmp, "chain");
    const done = path.join(dir, "done.json");
    const metrics = path.join(dir, "metrics.json");
    const t0 = Date.now();
    const run = await startCli([
      "run", path.join(FIX, "chain.ts"), "--no-ui", "--log-dir", path.join(dir, "logs"), "--json-metrics", metrics,
      "-o", "test.messages=100000", "-o", `test.done.file=${done}`, "-o", "topology.message.timeout.secs=5",
    ]);
    const monkey = chaos(metrics, ["first", "second"], 1000);
    await waitForFile(done, 540_000, run);
    const kills = await monkey.stop();
    run.child.kill("SIGTERM");
    const result = await run.done;
    const report = JSON.parse(fs.readFileSync(done, "utf8")) as { acked: number; duplicates: number; failures: number };
    console.log(`chaos: 100000 ids acked in ${Date.now() - t0}ms with ${kills} kills, ${report.failures} failures replayed`);
    expect(result.code).toBe(0);
    expect(report.acked).toBe(100_000);
    expect(report.duplicates).toBe(0);
    expect(kills).toBeGreaterThan(3);
    expect(report.failures).toBeGreaterThan(0);
  }, 600_000); // a hang guard: under full CI load the run took 216 s (58 s alone)

  it("memory stays flat with a slow bolt (backpressure, not buffering)", async () => {
    const dir = path.join(tmp, "slow");
    const metrics = path.join(dir, "metrics.json");
    const run = await startCli(["run", path.join(FIX, "slow.ts"), "--no-ui", "-t", "20", "--log-dir", path.join(dir, "logs"), "--json-metrics", metrics, "-o", "test.slow.ms=1"]);
    const samples: number[] = [];
    const queued: number[] = [];
    for (let i = 0; i < 38 && run.child.exitCode === null; i++) {
      await sleep(500);
      const status = fs.readFileSync(`/proc/${run.child.pid}/status`, "utf8");
      samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
      const m = readJson<Metrics>(metrics);
      if (m) queued.push(m.queued + m.pendingTrees);
    }
    const result = await run.done;
    expect(result.code).toBe(0);
    // Heap growth settles in the first seconds; without backpressure the spout would run at full speed
    // and pile up ~1 KB tuples (tens of MB per 10 s), which this catches.
    const warm = samples.slice(10, 16);
    const late = samples.slice(-6);
    const growth = Math.max(...late) - Math.max(...warm);
    console.log(`slow bolt: runner RSS warm ${Math.max(...warm).toFixed(1)}MB, late ${Math.max(...late).toFixed(1)}MB; max tuples held ${Math.max(...queued)}`);
    expect(growth).toBeLessThan(30);
    // Held tuples are bounded by max.spout.pending (1000 by default), whatever the run length.
    expect(Math.max(...queued)).toBeLessThanOrEqual(2 * 1000 + 10);
  }, 60_000);
});

describe("squall run: bad input fails clearly with a non-zero exit", () => {
  it("a module that does not exist", async () => {
    const r = await runCli(["run", "test/fixtures/engine/nope.ts", "-t", "1"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/nope\.ts does not exist/);
  });
  it("a module with no topology export", async () => {
    const r = await runCli(["run", path.join(FIX, "no-topology.ts"), "-t", "1"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/exports no topology.*export default topology/s);
    expect(r.stderr).toMatch(/notATopology/);
  });
  it("an invalid topology", async () => {
    const r = await runCli(["run", path.join(FIX, "invalid.ts"), "-t", "1"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/invalid/);
    expect(r.stderr).toMatch(/no component "nope"/);
  });
  it("a component that crashes at start-up", async () => {
    const r = await runCli(["run", path.join(FIX, "crash-at-start.ts"), "-t", "20", "--log-dir", path.join(tmp, "crash-logs")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/component "db" \(task \d+\) exited with code 1 before it started/);
    expect(r.stderr).toMatch(/cannot connect to the database/);
  });
});

describe("squall run: other runtimes and msgpack", () => {
  const short = async (label: string, args: readonly string[], runner?: readonly string[]) => {
    const dir = path.join(tmp, label);
    const done = path.join(dir, "done.json");
    const run = await startCli(["run", path.join(FIX, "chain.ts"), "--no-ui", "--log-dir", path.join(dir, "logs"), "-o", "test.messages=3000", "-o", `test.done.file=${done}`, ...args], { runner });
    await waitForFile(done, 60_000, run);
    run.child.kill("SIGTERM");
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(done, "utf8")).acked).toBe(3000);
  };
  const bin = (name: string) => path.join(ROOT, "node_modules/.bin", name);
  it("tasks under bun", () => short("bun", ["--runtime", "bun"]), 90_000);
  it("tasks under deno", () => short("deno", ["--runtime", "deno"]), 90_000);
  it("msgpack framing", () => short("msgpack", ["--serializer", "msgpack"]), 90_000);
  it("the runner itself under bun", () => short("runner-bun", ["--runtime", "bun"], [bin("bun")]), 90_000);
  it("the runner itself under deno", () => short("runner-deno", ["--runtime", "deno"], [bin("deno"), "run", "-A", "--quiet"]), 90_000);
});
