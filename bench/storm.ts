/**
 * squall on a real Storm cluster (test/services/storm/start.sh): time from `squall submit` to the first
 * acked tuple, and tuples/s per shell bolt process, JSON vs msgpack. Printed, never asserted.
 *
 * - submit -> first ack: `squall submit` of test/fixtures/storm/ledger.ts (a reliable spout that logs each
 *   ack); the first "ledger acked" line's timestamp in the worker log, minus the moment submit started.
 * - per shell bolt: the word count (examples/wordcount), left running; two readings of the Storm UI
 *   REST stats `window` seconds apart; executed tuples per second per executor of "split" and "count".
 *
 * Run alone: node bench/run.mjs storm   (needs the test cluster; skipped with a reason otherwise)
 */
import { execFile } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../test/support/storm-side.ts";

const run = promisify(execFile);
const NIMBUS = process.env["STORM_NIMBUS"] ?? "127.0.0.1:6627";
const UI = process.env["STORM_UI"] ?? "http://127.0.0.1:8080";
const LOGVIEWER = process.env["STORM_LOGVIEWER"] ?? "http://127.0.0.1:8000";
const CLUSTER = ["--nimbus", NIMBUS, "--ui", UI, "--logviewer", LOGVIEWER];
const WINDOW_SECS = Number(process.env["BENCH_STORM_WINDOW"] ?? 20);

export interface StormRow {
  readonly serializer: "json" | "msgpack";
  readonly submitToFirstAckSecs: number;
  readonly splitPerBoltPerSec: number;
  readonly countPerBoltPerSec: number;
  readonly sentencesAckedPerSec: number;
}

export interface StormResult {
  readonly skipped?: string;
  readonly rows: StormRow[];
}

const squall = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [path.join(ROOT, "dist/adapters/cli/main.js"), ...args, ...CLUSTER], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024 })).stdout;

const reachable = (hostPort: string): Promise<boolean> =>
  new Promise((resolve) => {
    const [host, port] = hostPort.split(":");
    const socket = net.connect({ host: host!, port: Number(port ?? 6627) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

/** Storm logs local time as "YYYY-MM-DD HH:MM:SS.mmm". */
const logTime = (line: string): number => {
  const m = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return m ? new Date(`${m[1]}T${m[2]}`).getTime() : Number.NaN;
};

interface Executed {
  readonly at: number;
  readonly split: number;
  readonly count: number;
  readonly acked: number;
}

const readStats = async (name: string): Promise<Executed> => {
  const summary = (await (await fetch(`${UI}/api/v1/topology/summary`)).json()) as { topologies: { id: string; name: string }[] };
  const id = summary.topologies.find((t) => t.name === name)!.id;
  const info = (await (await fetch(`${UI}/api/v1/topology/${encodeURIComponent(id)}?window=600`)).json()) as {
    bolts: { boltId: string; executed: number | string }[];
    spouts: { spoutId: string; acked: number | string }[];
  };
  const executed = (bolt: string) => Number(info.bolts.find((b) => b.boltId === bolt)?.executed ?? 0);
  return { at: Date.now(), split: executed("split"), count: executed("count"), acked: Number(info.spouts[0]?.acked ?? 0) };
};

async function measure(serializer: "json" | "msgpack"): Promise<StormRow> {
  const ledger = `bench-ledger-${serializer}`;
  const started = Date.now();
  await squall("submit", "test/fixtures/storm/ledger.ts", "-n", ledger, "--serializer", serializer, "-o", "ledger.count=100", "--force");
  const firstAck = await until("the first ack", async () => {
    const logs = await squall("tail", ledger, "--pattern", "ledger acked \\d+", "--lines", "100000");
    const times = logs.split("\n").filter((l) => l.includes("ledger acked")).map(logTime).filter((t) => !Number.isNaN(t));
    return times.length ? Math.min(...times) : undefined;
  });
  await squall("kill", ledger);

  const wc = `bench-wc-${serializer}`;
  await squall("submit", "examples/wordcount/topology.ts", "-n", wc, "--serializer", serializer, "--wait", "--force");
  // Let it warm up, then take two readings a window apart (the UI's figures refresh every few seconds).
  await until("running word count stats", async () => ((await readStats(wc)).count > 0 ? true : undefined));
  await sleep(10_000);
  const a = await readStats(wc);
  await sleep(WINDOW_SECS * 1000);
  const b = await readStats(wc);
  await squall("kill", wc);
  const secs = (b.at - a.at) / 1000;
  return {
    serializer,
    submitToFirstAckSecs: (firstAck - started) / 1000,
    splitPerBoltPerSec: (b.split - a.split) / secs / 2,
    countPerBoltPerSec: (b.count - a.count) / secs / 2,
    sentencesAckedPerSec: (b.acked - a.acked) / secs,
  };
}

export async function benchStorm(): Promise<StormResult> {
  if (!(await reachable(NIMBUS))) {
    const skipped = `no Storm cluster at ${NIMBUS} (start one with test/services/storm/start.sh)`;
    console.log(`skipping the Storm bench: ${skipped}`);
    return { skipped, rows: [] };
  }
  const rows: StormRow[] = [];
  for (const serializer of ["json", "msgpack"] as const) {
    console.log(`storm: ${serializer} ...`);
    rows.push(await measure(serializer));
  }
  return { rows };
}

export const formatStorm = (result: StormResult): string => {
  if (result.skipped) return `(skipped: ${result.skipped})`;
  const n = (x: number) => Math.round(x).toLocaleString("en-US");
  return [
    "| serializer | submit -> first ack (s) | split: tuples/s per bolt process | count: tuples/s per bolt process | sentences acked/s |",
    "|---|---:|---:|---:|---:|",
    ...result.rows.map((r) => `| ${r.serializer} | ${r.submitToFirstAckSecs.toFixed(1)} | ${n(r.splitPerBoltPerSec)} | ${n(r.countPerBoltPerSec)} | ${n(r.sentencesAckedPerSec)} |`),
  ].join("\n");
};
