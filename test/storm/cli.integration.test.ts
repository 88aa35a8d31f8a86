/**
 * squall's CLI against a real Storm cluster (test/services/storm/start.sh): submit the word count with
 * JSON and msgpack, list, stats, tail, kill -9 a shell component and see Storm restart it with nothing
 * lost, kill; a Python bolt shipped in the jar with shell({ files }). Skipped (loudly) when no Nimbus is listening; fails instead when CI=true.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { enabled, host, port, requireNimbusOrWarn } from "./multilang.fixture.ts";

requireNimbusOrWarn("test/storm/cli.integration.test.ts");

const run = promisify(execFile);
const root = path.resolve(new URL("../..", import.meta.url).pathname);
const ui = process.env["STORM_UI"] ?? "http://127.0.0.1:8080";
const logviewer = process.env["STORM_LOGVIEWER"] ?? "http://127.0.0.1:8000";
const cluster = ["--nimbus", `${host}:${port}`, "--ui", ui, "--logviewer", logviewer];

const squall = async (...args: string[]): Promise<{ stdout: string; stderr: string }> => {
  try {
    return await run(process.execPath, [path.join(root, "dist/adapters/cli/main.js"), ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`squall ${args.join(" ")} failed: ${e.message}\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
  }
};

const eventually = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
};

/**
 * Waits until the topology's worker logs hold `count` distinct ids matched by `line` (a regular
 * expression whose first group is the id, e.g. "ledger acked (\\d+)"); returns them.
 */
const loggedIds = (name: string, line: string, count: number, timeoutMs?: number): Promise<Set<number>> =>
  eventually(
    `${count} distinct ids in lines /${line}/`,
    async () => {
      const { stdout } = await squall("tail", name, "--pattern", line, "--lines", "1000000", ...cluster);
      const ids = new Set([...stdout.matchAll(new RegExp(line, "g"))].map((m) => Number(m[1])));
      return ids.size >= count ? ids : undefined;
    },
    timeoutMs,
  );

/** Acked count of a topology's spouts from `squall stats` (the UI REST API). */
const spoutAcked = async (name: string): Promise<number> => {
  const { stdout } = await squall("stats", name, ...cluster);
  const spoutLine = stdout.split("\n").find((l) => /^(sentences|ledger)\s/.test(l));
  if (!spoutLine) return 0;
  const cells = spoutLine.trim().split(/\s{2,}/);
  return Number((cells[3] ?? "0").replace(/,/g, ""));
};

const suffix = `${process.pid % 10000}`;
const submitted: string[] = [];

afterAll(async () => {
  for (const name of submitted) await squall("kill", name, ...cluster).catch(() => undefined);
}, 180_000);

describe.skipIf(!enabled)(`squall CLI on a real Storm at ${host}:${port}`, () => {
  it.each(["json", "msgpack"] as const)(
    "submits the word count with %s; list, stats and tail show it working; kill removes it",
    async (serializer) => {
      const name = `wc-${serializer}-${suffix}`;
      const started = Date.now();
      const { stdout, stderr } = await squall("submit", "examples/wordcount/topology.ts", "-n", name, "--serializer", serializer, "--wait", ...cluster);
      submitted.push(name);
      expect(stdout).toContain(`submitted "${name}"`);
      expect(stderr).toMatch(/\[1\/\d\] bundling/);
      expect(stderr).toContain(`(${serializer}, node)`);

      const listed = await squall("list", ...cluster);
      expect(listed.stdout).toMatch(new RegExp(`${name}\\s+ACTIVE`));

      const acked = await eventually("acked sentences in squall stats", async () => ((await spoutAcked(name)) > 100 ? spoutAcked(name) : undefined));
      console.log(`[storm] ${name}: ${acked} sentences acked ${((Date.now() - started) / 1000).toFixed(1)} s after submit`);
      const stats = await squall("stats", name, ...cluster);
      expect(stats.stdout).toMatch(/^count\s/m);
      expect(stats.stdout).toMatch(/^split\s/m);

      // The count bolt logs a milestone every 1000 counts of a word: "the" gets there first.
      const tail = await eventually("a count milestone in the worker log", async () => {
        const { stdout: logs } = await squall("tail", name, "--pattern", "count the \\d+", "--lines", "100000", ...cluster);
        return /count the \d+000/.test(logs) ? logs : undefined;
      });
      expect(tail).toMatch(/worker\.log: .*count the \d+000/);
      const errors = await squall("tail", name, "--pattern", "Exception|ERROR", "--lines", "100000", ...cluster);
      expect(errors.stdout).toBe("");

      await squall("kill", name, ...cluster);
      submitted.splice(submitted.indexOf(name), 1);
      expect((await squall("list", ...cluster)).stdout).not.toContain(name);
    },
    300_000,
  );

  it(
    "kill -9 of a shell component: Storm restarts it and every reliable message is still acked",
    async () => {
      const name = `ledger-${suffix}`;
      const total = 60_000;
      await squall("submit", "test/fixtures/storm/ledger.ts", "-n", name, "--wait", "-o", `ledger.count=${total}`, ...cluster);
      submitted.push(name);
      // The worker log names the pid of every shell process it launched.
      const pid = await eventually("the pass bolt's process id", async () => {
        const { stdout } = await squall("tail", name, "--pattern", "pass-executor.*Launched subprocess with pid", "--lines", "100000", ...cluster);
        const m = /Launched subprocess with pid (\d+)/.exec(stdout);
        return m ? Number(m[1]) : undefined;
      });
      // Killed as soon as it is known: well before the last of the ids (checked below from the log order).
      process.kill(pid, "SIGKILL");
      const acked = await loggedIds(name, "ledger acked (\\d+)", total, 240_000);
      for (let id = 0; id < total; id++) expect(acked.has(id)).toBe(true);
      // Storm noticed the death and restarted the worker: the pass bolt's processes were launched again.
      const log = await eventually("the pass bolt relaunched", async () => {
        const { stdout } = await squall("tail", name, "--pattern", "ShellBolt died|pass-executor.*Launched subprocess", "--lines", "1000000", ...cluster);
        return stdout.split("\n").filter((l) => l.includes("Launched subprocess")).length > 2 ? stdout : undefined;
      });
      expect(log).toContain(`ShellBolt died. Command: [node, components/pass.mjs], ProcessInfo pid:${pid}`);
      // The kill landed mid-stream: acks were logged after the death (by Storm's timestamps, whichever
      // worker log file they are in).
      const { stdout: order } = await squall("tail", name, "--pattern", "ShellBolt died|ledger acked \\d+", "--lines", "1000000", ...cluster);
      const at = (line: string): number => {
        const m = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
        return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
      };
      const lines = order.split("\n");
      const diedAt = at(lines.find((l) => l.includes(`ProcessInfo pid:${pid}`)) ?? "");
      const ackTimes = lines.filter((l) => l.includes("ledger acked")).map(at);
      const after = ackTimes.filter((t) => t > diedAt).length;
      console.log(`storm kill -9: ${ackTimes.length - after} acks logged before the death, ${after} after`);
      expect(Number.isNaN(diedAt)).toBe(false);
      expect(after).toBeGreaterThan(0);
      await squall("kill", name, ...cluster);
      submitted.splice(submitted.indexOf(name), 1);
    },
    400_000,
  );

  it(
    "nested values cross workers with JSON (squall registers json-smart's classes with Kryo)",
    async () => {
      const name = `nested-${suffix}`;
      await squall("submit", "test/fixtures/storm/nested.ts", "-n", name, "--wait", ...cluster);
      submitted.push(name);
      const acked = await loggedIds(name, "nested acked (\\d+)", 200); // across 2 workers
      expect(acked.size).toBe(200);
      const problems = await squall("tail", name, "--pattern", "not registered|nested failed|arrived changed", "--lines", "100000", ...cluster);
      expect(problems.stdout).toBe("");
      expect((await squall("list", ...cluster)).stdout).toMatch(new RegExp(`${name}\\s+ACTIVE\\s+\\S+\\s+2\\s`));
      await squall("kill", name, ...cluster);
      submitted.splice(submitted.indexOf(name), 1);
    },
    300_000,
  );

  it(
    "direct emits work with msgpack and are refused up front with JSON",
    async () => {
      await expect(squall("submit", "test/fixtures/storm/direct.ts", "-n", `direct-json-${suffix}`, "--serializer", "json", ...cluster)).rejects.toThrowError(
        /direct streams from multilang components \(source\/default\) crash Storm 2\.8's JSON serializer/,
      );
      const name = `direct-${suffix}`;
      await squall("submit", "test/fixtures/storm/direct.ts", "-n", name, "--wait", ...cluster);
      submitted.push(name);
      const got = await eventually("100 direct tuples at the sink", async () => {
        const { stdout } = await squall("tail", name, "--pattern", "direct got \\d+ at task \\d+", "--lines", "100000", ...cluster);
        const seen = [...stdout.matchAll(/direct got (\d+) at task (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
        return new Set(seen.map(([id]) => id)).size >= 100 ? seen : undefined;
      });
      // Round robin over the sink's two tasks: even ids at one task, odd ids at the other.
      const taskOf = new Map(got);
      expect(new Set([...taskOf.entries()].filter(([id]) => id % 2 === 0).map(([, task]) => task)).size).toBe(1);
      expect(new Set([...taskOf.values()]).size).toBe(2);
      await squall("kill", name, ...cluster);
      submitted.splice(submitted.indexOf(name), 1);
    },
    300_000,
  );

  it(
    "ships a Python bolt's files inside the jar (shell({ files })) and runs it between squall components",
    async () => {
      const name = `shipped-${suffix}`;
      const { stdout } = await squall("submit", "test/fixtures/storm/shipped/topology.ts", "-n", name, "--wait", ...cluster);
      expect(stdout).toContain(`submitted "${name}"`);
      submitted.push(name);
      // Through the shipped Python bolt: each id arrives with the label it made from that id.
      const got = await loggedIds(name, "shipped got (\\d+) ID-\\1\\b", 300);
      expect(got.size).toBe(300);
      const acked = await loggedIds(name, "shipped acked (\\d+)", 300);
      expect(acked.size).toBe(300);
      await squall("kill", name, ...cluster);
      submitted.splice(submitted.indexOf(name), 1);
    },
    300_000,
  );

  it("reports a missing topology and an unreachable Nimbus clearly", async () => {
    await expect(squall("stats", "no-such-topology", ...cluster)).rejects.toThrowError(/no topology "no-such-topology" on the cluster/);
    await expect(squall("list", "--nimbus", "127.0.0.1:1")).rejects.toThrowError(/Cannot reach Nimbus at 127\.0\.0\.1:1/);
  }, 60_000);
});
