/**
 * squall on a real Storm cluster (test/services/storm/start.sh) against the peers (issue 8 item 3).
 * Printed, never asserted.
 *
 * - submit -> first ack: `squall submit` of test/fixtures/storm/ledger.ts (a reliable spout that logs each
 *   ack); the first "ledger acked" line's timestamp in the worker log, minus the moment submit started.
 * - per shell bolt process, one topology shape for every subject (bench/storm-peers.ts): the same squall
 *   spout -> "pass" with one executor, where "pass" is squall's PassBolt (JSON, then msgpack), Storm's
 *   storm.js BasicBolt or pystorm's Bolt (bench/peers.ts installs both at bench time; their scripts ship
 *   in the jar with shell({ files })), each submitted with `squall submit`, warmed up, then read twice
 *   from the Storm UI REST API a window apart: executed tuples/s of "pass", spout acks/s, and the CPU the
 *   pass bolt's process used meanwhile (/proc), so tuples per CPU-second compare the bolts' cost.
 *
 * Run alone: node bench/run.mjs storm   (needs the test cluster; skipped with a reason otherwise)
 * env: BENCH_STORM_WINDOW (s, default 20), BENCH_STORM_WARMUP (s, default 10)
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { promisify } from "node:util";
import { ROOT } from "../test/support/storm-side.ts";
import { installPeers, peersRoot, STORM_VERSION, type InstalledPeers } from "./peers.ts";
import { BATCH } from "./storm-peers.ts";

const run = promisify(execFile);
const NIMBUS = process.env["STORM_NIMBUS"] ?? "127.0.0.1:6627";
const UI = process.env["STORM_UI"] ?? "http://127.0.0.1:8080";
const LOGVIEWER = process.env["STORM_LOGVIEWER"] ?? "http://127.0.0.1:8000";
const CLUSTER = ["--nimbus", NIMBUS, "--ui", UI, "--logviewer", LOGVIEWER];
const WINDOW_SECS = Number(process.env["BENCH_STORM_WINDOW"] ?? 20);

const WARMUP_SECS = Number(process.env["BENCH_STORM_WARMUP"] ?? 10);
const MAX_SPOUT_PENDING = 1000;
const STORM_SETTINGS = { windowSecs: WINDOW_SECS, warmupSecs: WARMUP_SECS, maxSpoutPending: MAX_SPOUT_PENDING, batchPerNextTuple: BATCH };

export interface StartupRow {
  readonly serializer: "json" | "msgpack";
  readonly submitToFirstAckSecs: number;
}

export interface PassRow {
  readonly subject: string;
  readonly serializer: "json" | "msgpack";
  /** Tuples executed per second by the one "pass" bolt process. */
  readonly tuplesPerSec: number | null;
  /** CPU of the "pass" bolt process over the window, in cores (1 = one core busy all the time). */
  readonly boltCpu: number | null;
  readonly ackedPerSec: number | null;
  readonly failed: number | null;
  readonly skipped?: string;
}

export interface StormResult {
  readonly skipped?: string;
  readonly settings: typeof STORM_SETTINGS;
  readonly startup: StartupRow[];
  readonly pass: PassRow[];
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

interface Reading {
  readonly at: number;
  readonly executed: number;
  /** CPU seconds used so far by the "pass" bolt process (Linux /proc), NaN when it cannot be read. */
  readonly cpuSecs: number;
  readonly acked: number;
  readonly failed: number;
}

/**
 * CPU seconds (user + system) of the processes whose command line contains `script`, from /proc.
 * Storm's own "capacity" says nothing for shell bolts (ShellBolt.execute only queues the tuple for the
 * subprocess), so the bolt process's CPU shows whether it was the bottleneck.
 */
function cpuSecondsOf(script: string): number {
  let total = 0;
  let found = false;
  let pids: string[];
  try {
    pids = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return Number.NaN;
  }
  for (const pid of pids) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (!argv.some((a) => a.endsWith(script))) continue;
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
      found = true;
    } catch {
      // the process ended meanwhile
    }
  }
  return found ? total : Number.NaN;
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** The UI's all-time counts (Storm samples them, 1 in 20 by default) for bolt "pass" and the spout. */
const readStats = async (name: string, script: string): Promise<Reading> => {
  const summary = (await (await fetch(`${UI}/api/v1/topology/summary`)).json()) as { topologies: { id: string; name: string }[] };
  const id = summary.topologies.find((t) => t.name === name)!.id;
  const info = (await (await fetch(`${UI}/api/v1/topology/${encodeURIComponent(id)}?window=:all-time`)).json()) as {
    bolts: { boltId: string; executed: number | string }[];
    spouts: { spoutId: string; acked: number | string; failed: number | string }[];
  };
  const pass = info.bolts.find((b) => b.boltId === "pass");
  return {
    at: Date.now(),
    executed: Number(pass?.executed ?? 0),
    cpuSecs: cpuSecondsOf(script),
    acked: Number(info.spouts[0]?.acked ?? 0),
    failed: Number(info.spouts[0]?.failed ?? 0),
  };
};

/** submit -> the first "ledger acked" line in the worker log. */
async function submitToFirstAck(serializer: "json" | "msgpack"): Promise<number> {
  const ledger = `bench-ledger-${serializer}`;
  const started = Date.now();
  await squall("submit", "test/fixtures/storm/ledger.ts", "-n", ledger, "--serializer", serializer, "-o", "ledger.count=100", "--force");
  const firstAck = await until("the first ack", async () => {
    const logs = await squall("tail", ledger, "--pattern", "ledger acked \\d+", "--lines", "100000");
    const times = logs.split("\n").filter((l) => l.includes("ledger acked")).map(logTime).filter((t) => !Number.isNaN(t));
    return times.length ? Math.min(...times) : undefined;
  });
  await squall("kill", ledger);
  return (firstAck - started) / 1000;
}

interface Subject {
  readonly subject: string;
  readonly serializer: "json" | "msgpack";
  /** The pass bolt's script as its process's command line ends (to find it in /proc). */
  readonly script: string;
  /** The "pass" bolt as an expression of the generated topology module, or why it cannot run. */
  readonly pass: string | { readonly skipped: string };
}

const PASS_FIELDS = '{ default: ["sentence", "n"] }';

/** The subjects, all in one topology shape: the same squall spout -> "pass" of each kind. */
function subjects(peers: InstalledPeers): Subject[] {
  const js = peers.stormJs;
  const py = peers.pystorm;
  return [
    { subject: "squall PassBolt (node)", serializer: "json", script: "components/pass.mjs", pass: "PassBolt" },
    { subject: "squall PassBolt (node)", serializer: "msgpack", script: "components/pass.mjs", pass: "PassBolt" },
    {
      subject: `storm.js BasicBolt (${STORM_VERSION})`,
      serializer: "json",
      script: "stormjs/echo-bolt.js",
      pass: "skipped" in js ? js : `shell({ command: "node", script: "stormjs/echo-bolt.js", files: ["stormjs"], outputs: ${PASS_FIELDS} })`,
    },
    {
      subject: `pystorm Bolt${"version" in py && py.version ? ` ${py.version}` : ""}`,
      serializer: "json",
      script: "pystorm/echo_bolt.py",
      // The venv stays where it is (same machine as the supervisor); only the bolt's script ships.
      pass: "skipped" in py ? py : `shell({ command: ${JSON.stringify(py.argv[0])}, script: "pystorm/echo_bolt.py", files: ["pystorm/echo_bolt.py"], outputs: ${PASS_FIELDS} })`,
    },
  ];
}

/** Writes `<root>/<name>.ts`: PeerSpout -> pass, next to the peers' folders it ships from. */
function passModule(root: string, name: string, pass: string): string {
  const file = path.join(root, `${name}.ts`);
  fs.writeFileSync(
    file,
    [
      'import { shell, topology } from "squall";',
      `import { PassBolt, PeerSpout } from ${JSON.stringify(path.join(ROOT, "bench", "storm-peers.ts"))};`,
      `export default topology(${JSON.stringify(name)}, { config: { workers: 1, maxSpoutPending: ${MAX_SPOUT_PENDING} } })`,
      '  .spout("source", PeerSpout)',
      `  .bolt("pass", ${pass})`,
      '  .shuffle("source")',
      "  .build();",
      "",
    ].join("\n"),
  );
  return file;
}

const skippedRow = (s: Subject, skipped: string): PassRow => ({ subject: s.subject, serializer: s.serializer, tuplesPerSec: null, boltCpu: null, ackedPerSec: null, failed: null, skipped });

async function measurePass(root: string, s: Subject, index: number): Promise<PassRow> {
  if (typeof s.pass !== "string") return skippedRow(s, s.pass.skipped);
  const name = `bench-pass-${index}-${s.serializer}`;
  const module = passModule(root, name, s.pass);
  await squall("submit", module, "-n", name, "--serializer", s.serializer, "--wait", "--force");
  try {
    await until(`${s.subject}'s first executed tuples`, async () => ((await readStats(name, s.script)).executed > 0 ? true : undefined));
    await sleep(WARMUP_SECS * 1000);
    const a = await readStats(name, s.script);
    await sleep(WINDOW_SECS * 1000);
    const b = await readStats(name, s.script);
    const secs = (b.at - a.at) / 1000;
    return {
      subject: s.subject,
      serializer: s.serializer,
      tuplesPerSec: (b.executed - a.executed) / secs,
      boltCpu: Number.isFinite(b.cpuSecs - a.cpuSecs) ? (b.cpuSecs - a.cpuSecs) / secs : null,
      ackedPerSec: (b.acked - a.acked) / secs,
      failed: b.failed - a.failed,
    };
  } finally {
    await squall("kill", name);
  }
}

export async function benchStorm(): Promise<StormResult> {
  if (!(await reachable(NIMBUS))) {
    const skipped = `no Storm cluster at ${NIMBUS} (start one with test/services/storm/start.sh)`;
    console.log(`skipping the Storm bench: ${skipped}`);
    return { skipped, settings: STORM_SETTINGS, startup: [], pass: [] };
  }
  const startup: StartupRow[] = [];
  for (const serializer of ["json", "msgpack"] as const) {
    console.log(`storm: submit -> first ack, ${serializer} ...`);
    startup.push({ serializer, submitToFirstAckSecs: await submitToFirstAck(serializer) });
  }
  const { root, owned } = peersRoot();
  const pass: PassRow[] = [];
  try {
    const peers = installPeers(root, (text) => console.log(text));
    for (const [i, s] of subjects(peers).entries()) {
      console.log(`storm: ${s.subject}, ${s.serializer} ...`);
      const row = await measurePass(root, s, i).catch((error: Error) => skippedRow(s, error.message.split("\n")[0]!));
      console.log(`  ${row.skipped ? `SKIPPED: ${row.skipped}` : `${Math.round(row.tuplesPerSec!).toLocaleString("en-US")} tuples/s, bolt process CPU ${row.boltCpu === null ? "-" : `${Math.round(row.boltCpu * 100)}%`}`}`);
      pass.push(row);
    }
  } finally {
    if (owned) fs.rmSync(root, { recursive: true, force: true });
  }
  return { settings: STORM_SETTINGS, startup, pass };
}

export const formatStorm = (result: StormResult): string => {
  if (result.skipped) return `(skipped: ${result.skipped})`;
  const n = (x: number | null) => (x === null ? "-" : Math.round(x).toLocaleString("en-US"));
  const base = result.pass.find((r) => r.subject.startsWith("squall") && r.serializer === "json")?.tuplesPerSec ?? null;
  const { maxSpoutPending, windowSecs, warmupSecs, batchPerNextTuple } = result.settings;
  return [
    "| serializer | submit -> first ack (s) |",
    "|---|---:|",
    ...result.startup.map((r) => `| ${r.serializer} | ${r.submitToFirstAckSecs.toFixed(1)} |`),
    "",
    `Per shell bolt process, one topology shape for every subject: squall spout (${batchPerNextTuple} reliable tuples per nextTuple) -> pass (shuffle, 1 executor: emit anchored to the input, then ack), 1 worker, max spout pending ${maxSpoutPending}, shellbolt max pending 100 (Storm's default); executed tuples/s of "pass" over ${windowSecs} s after ${warmupSecs} s of warm-up (Storm UI counts, sampled 1 in 20), and the CPU its process used meanwhile (/proc; 100% = one core). The spout, the bolt and Storm's worker JVM share the machine's cores.`,
    "",
    "| pass bolt | serializer | tuples/s per bolt process | vs squall json | bolt process CPU | tuples per bolt CPU-second | spout acked/s | failed |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...result.pass.map((r) =>
      r.skipped
        ? `| ${r.subject} | ${r.serializer} | skipped: ${r.skipped} | - | - | - | - | - |`
        : `| ${r.subject} | ${r.serializer} | ${n(r.tuplesPerSec)} | ${base && r.tuplesPerSec !== null ? `${((r.tuplesPerSec / base) * 100).toFixed(0)}%` : "-"} | ${r.boltCpu === null ? "-" : `${Math.round(r.boltCpu * 100)}%`} | ${r.boltCpu && r.tuplesPerSec !== null ? n(r.tuplesPerSec / r.boltCpu) : "-"} | ${n(r.ackedPerSec)} | ${r.failed ?? "-"} |`,
    ),
  ].join("\n");
};
