/**
 * End-to-end engine benchmark (issue 4's bench, issue 8 items 2 and 4), printed, never asserted:
 * the word count with acking through `squall run`, for each runtime x serializer x parallelism, plus
 * the same pipeline in-process with RxJS (the upper bound), memory per task process per runtime and
 * start-up time to the first acked tuple.
 *
 * How a run is measured (robust to slow start-up on a loaded machine): `squall run` writes a metrics
 * snapshot every second (--json-metrics); the bench polls that file until the first spout tree is
 * acked (all tasks up), lets it warm up `warmupSecs`, takes snapshot A, waits `secs`, takes snapshot
 * B, then stops the run with SIGINT. tuples/s = bolt tuples executed (split + count) between A and
 * B over the engine uptime between them; latency = the spout's complete latency (emit to tree acked,
 * over the whole run); RSS = each task process's resident set at B (Linux /proc).
 *
 * Run alone: node bench/run.mjs engine   (env: BENCH_SECS, BENCH_QUICK=1)
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { from, groupBy, mergeMap, scan, lastValueFrom, count } from "rxjs";
import { SENTENCES } from "../examples/wordcount/components.ts";
import { ROOT } from "../test/support/storm-side.ts";

/** The built CLI (`npm run bench` builds first), so the bench measures what users run. */
const cliPath = async (): Promise<string> => {
  const cli = path.join(ROOT, "dist/adapters/cli/main.js");
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  return cli;
};

const quick = process.env["BENCH_QUICK"] === "1";

export const ENGINE_DEFAULTS = {
  secs: Number(process.env["BENCH_SECS"] ?? (quick ? 4 : 8)),
  warmupSecs: 1,
  runtimes: quick ? ["node"] : ["node", "bun", "deno"],
  serializers: ["json", "msgpack"],
  parallelism: quick ? [1, 2] : [1, 2, 4],
  maxSpoutPending: 1000,
  shellboltMaxPending: 100,
  messageTimeoutSecs: 30,
  ackers: 1,
};

export interface EngineRow {
  readonly runtime: string;
  readonly serializer: string;
  readonly p: number;
  readonly tuplesPerSec: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  /** Mean resident set of one task process (MB) at the end of the window. */
  readonly rssMb: number | null;
  /** From `squall run` starting to the first acked spout tuple (ms), bundling included. */
  readonly startupMs: number | null;
  readonly skipped?: string;
}

export interface EngineResult {
  readonly settings: typeof ENGINE_DEFAULTS;
  readonly rows: EngineRow[];
  readonly rxjs: number;
}

interface Snapshot {
  uptimeMs: number;
  processUptimeMs?: number;
  firstAckMs?: number;
  components: { id: string; executed: number; acked: number; latencyMs: { p50: number; p99: number } }[];
  processes?: { pid?: number; ready: boolean }[];
}

const log = (text: string): void => void process.stderr.write(`${text}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const readSnapshot = (file: string): Snapshot | undefined => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
  } catch {
    return undefined; // not written yet
  }
};

const rssMb = (pid: number | undefined): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

const executed = (m: Snapshot): number => m.components.filter((c) => c.id !== "sentences").reduce((n, c) => n + c.executed, 0);

async function engineRun(runtime: string, serializer: string, p: number): Promise<EngineRow> {
  const { secs, warmupSecs } = ENGINE_DEFAULTS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-bench-"));
  const metrics = path.join(dir, "m.json");
  const cli = await cliPath();
  let stderr = "";
  const child = spawn(process.execPath, [cli, "run", path.join(ROOT, "bench/wordcount-topology.ts"), "--no-ui", "-t", "600", "--runtime", runtime, "--serializer", serializer, "--json-metrics", metrics, "--log-dir", path.join(dir, "logs")], {
    cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, SQUALL_BENCH_P: String(p) },
  });
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  let exited = false;
  const exit = new Promise<void>((r) => child.on("exit", () => ((exited = true), r())));
  const fail = (why: string): EngineRow => ({ runtime, serializer, p, tuplesPerSec: null, p50: null, p99: null, rssMb: null, startupMs: null, skipped: why });
  /** Waits for a snapshot satisfying `ok`, written after `after` (engine uptime). */
  const waitFor = async (ok: (m: Snapshot) => boolean, timeoutMs: number, what: string): Promise<Snapshot> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = readSnapshot(metrics);
      if (m && ok(m)) return m;
      if (exited) throw new Error(`squall run exited before ${what}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
      if (Date.now() > until) throw new Error(`no ${what} within ${timeoutMs / 1000}s`);
      await sleep(100);
    }
  };
  try {
    const first = await waitFor((m) => (m.components.find((c) => c.id === "sentences")?.acked ?? 0) > 0, 120_000, "acked tuple");
    const startupMs = first.firstAckMs !== undefined && first.processUptimeMs !== undefined ? first.processUptimeMs - first.uptimeMs + first.firstAckMs : null;
    const a = await waitFor((m) => m.uptimeMs >= first.uptimeMs + warmupSecs * 1000, 30_000, "warm-up snapshot");
    const b = await waitFor((m) => m.uptimeMs >= a.uptimeMs + secs * 1000 - 50, secs * 1000 + 30_000, "end-of-window snapshot");
    const rss = (b.processes ?? []).map((t) => rssMb(t.pid)).filter((x): x is number => x !== undefined);
    const spout = b.components.find((c) => c.id === "sentences")!;
    child.kill("SIGINT");
    return {
      runtime, serializer, p,
      tuplesPerSec: (executed(b) - executed(a)) / ((b.uptimeMs - a.uptimeMs) / 1000),
      p50: spout.latencyMs.p50, p99: spout.latencyMs.p99,
      rssMb: rss.length ? rss.reduce((x, y) => x + y, 0) / rss.length : null,
      startupMs,
    };
  } catch (error) {
    return fail((error as Error).message);
  } finally {
    if (!exited) child.kill("SIGINT");
    const killer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    await exit;
    clearTimeout(killer);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The same word count in-process with RxJS: bolt tuples (sentences split + words counted) per second. */
async function rxjsRun(): Promise<number> {
  const n = 200_000;
  const t0 = performance.now();
  const words = await lastValueFrom(
    from(Array.from({ length: n }, (_, i) => SENTENCES[i % SENTENCES.length]!)).pipe(
      mergeMap((s) => s.split(" ")),
      groupBy((w) => w),
      mergeMap((g) => g.pipe(scan((c) => c + 1, 0))),
      count(),
    ),
  );
  return (n + words) / ((performance.now() - t0) / 1000);
}

export async function benchEngine(): Promise<EngineResult> {
  const s = ENGINE_DEFAULTS;
  log(`end to end: word count with acking, ${s.secs}s windows after ${s.warmupSecs}s warm-up`);
  const rows: EngineRow[] = [];
  for (const runtime of s.runtimes) {
    for (const serializer of s.serializers) {
      for (const p of s.parallelism) {
        const row = await engineRun(runtime, serializer, p);
        rows.push(row);
        log(row.skipped ? `  ${runtime} ${serializer} p=${p}: SKIPPED: ${row.skipped}` : `  ${runtime} ${serializer} p=${p}: ${Math.round(row.tuplesPerSec!)} tuples/s, p50 ${row.p50} ms, p99 ${row.p99} ms, rss ${row.rssMb?.toFixed(0)} MB, first ack after ${row.startupMs?.toFixed(0)} ms`);
      }
    }
  }
  await rxjsRun(); // warm the JIT
  const rxjs = await rxjsRun();
  log(`  rxjs in-process: ${Math.round(rxjs)} tuples/s`);
  return { settings: s, rows, rxjs };
}

const fmt = (n: number | null, digits = 0): string => (n === null ? "-" : digits ? n.toFixed(digits) : Math.round(n).toLocaleString("en-US"));

export const formatEngine = (result: EngineResult, rawPipe: number | null): string => {
  const s = result.settings;
  const lines = [
    `Word count end to end with acking (spout -> split, shuffle -> count, fields): bolt tuples/s (split + count executed) over ${s.secs}s after a ${s.warmupSecs}s warm-up; complete latency at the spout. Defaults: topology.max.spout.pending ${s.maxSpoutPending}, topology.shellbolt.max.pending ${s.shellboltMaxPending}, ${s.ackers} acker, message timeout ${s.messageTimeoutSecs}s.`,
    "",
    "| runtime | serializer | parallelism | tuples/s | vs RxJS | p50 ms | p99 ms |",
    "|---|---|---:|---:|---:|---:|---:|",
  ];
  for (const r of result.rows) {
    if (r.skipped) lines.push(`| ${r.runtime} | ${r.serializer} | ${r.p} | skipped: ${r.skipped} | - | - | - |`);
    else lines.push(`| ${r.runtime} | ${r.serializer} | ${r.p} | ${fmt(r.tuplesPerSec)} | ${((r.tuplesPerSec! / result.rxjs) * 100).toFixed(1)}% | ${fmt(r.p50, 2)} | ${fmt(r.p99, 1)} |`);
  }
  lines.push(`| RxJS in-process (upper bound) | - | 1 | ${fmt(result.rxjs)} | 100% | - | - |`);
  if (rawPipe !== null) lines.push(`| raw pipe ceiling (one process, acks only) | json | 1 | ${fmt(rawPipe)} | ${((rawPipe / result.rxjs) * 100).toFixed(1)}% | - | - |`);
  lines.push("", "Memory and start-up per runtime (parallelism 1, json: 3 task processes): mean RSS of one task process, and time from `squall run` starting (bundling included) to the first acked tuple.", "", "| runtime | RSS per task process (MB) | start-up to first ack (ms) |", "|---|---:|---:|");
  for (const runtime of s.runtimes) {
    const r = result.rows.find((x) => x.runtime === runtime && x.serializer === "json" && x.p === 1);
    lines.push(`| ${runtime} | ${fmt(r?.rssMb ?? null, 1)} | ${fmt(r?.startupMs ?? null)} |`);
  }
  return lines.join("\n");
};
