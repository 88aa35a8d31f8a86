/**
 * One machine, the same squall components, two engines (issue 8 items 2 and 4): `squall run` versus
 * Storm's own LocalCluster running the Flux YAML from `squall flux` (real Storm, in one JVM). The
 * topology is test/fixtures/storm/ledger.ts: a reliable spout -> pass (2 tasks) -> sink, acking on, the
 * spout logging every ack with a timestamp. From those lines: start-up to the first acked tuple (from
 * the moment the command started) and acked tuples/s over the run after the first ack. Printed, never
 * asserted. Needs Java and the STORM_HOME of test/services/storm/install.sh (skipped otherwise).
 *
 * Run alone: node bench/run.mjs localmode   (env: BENCH_LOCAL_SECS, default 30)
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../test/support/storm-side.ts";

const SECS = Number(process.env["BENCH_LOCAL_SECS"] ?? 30);
const STORM_HOME = process.env["STORM_HOME"] ?? path.join(os.homedir(), ".cache/squall", `storm-${process.env["SQUALL_STORM_VERSION"] ?? "2.8.3"}`);

export interface LocalRow {
  readonly engine: string;
  readonly startupToFirstAckSecs: number | null;
  readonly ackedPerSec: number | null;
  readonly acked: number;
  readonly skipped?: string;
}

const exec = (argv: string[], cwd: string, timeoutMs: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
    child.on("error", (e) => reject(new Error(`${argv[0]}: ${e.message}\n${err}`)));
  });

/** Ack times (ms since epoch) from log lines "<time> ... ledger acked <id>". */
const ackTimes = (text: string, parse: (line: string) => number): number[] =>
  text
    .split("\n")
    .filter((l) => l.includes("ledger acked"))
    .map(parse)
    .filter((t) => !Number.isNaN(t))
    .sort((a, b) => a - b);

const summarize = (engine: string, started: number, times: number[]): LocalRow => {
  if (times.length < 2) return { engine, startupToFirstAckSecs: null, ackedPerSec: null, acked: times.length, skipped: "no acks logged" };
  const first = times[0]!;
  const last = times[times.length - 1]!;
  return { engine, startupToFirstAckSecs: (first - started) / 1000, ackedPerSec: (times.length - 1) / ((last - first) / 1000), acked: times.length };
};

async function squallRun(dir: string): Promise<LocalRow> {
  const logs = path.join(dir, "squall-logs");
  const started = Date.now();
  await exec(
    [process.execPath, path.join(ROOT, "dist/adapters/cli/main.js"), "run", "test/fixtures/storm/ledger.ts", "-t", String(SECS), "--no-ui", "--log-dir", logs, "-o", "ledger.count=100000000", "-o", "squall.log.max_bytes=4000000000"],
    ROOT,
    (SECS + 60) * 1000,
  );
  const text = fs.readdirSync(logs).filter((f) => f.startsWith("ledger_ledger_") && !f.includes("stderr")).map((f) => fs.readFileSync(path.join(logs, f), "utf8")).join("\n");
  return summarize("squall run (node, json)", started, ackTimes(text, (l) => Date.parse(l.slice(0, 24))));
}

async function localCluster(dir: string): Promise<LocalRow> {
  const engine = "Storm 2.8 LocalCluster + Flux (same components, node, json)";
  if (!fs.existsSync(path.join(STORM_HOME, "lib")) || !fs.existsSync(path.join(STORM_HOME, "flux"))) {
    return { engine, startupToFirstAckSecs: null, ackedPerSec: null, acked: 0, skipped: `no STORM_HOME at ${STORM_HOME} (test/services/storm/install.sh)` };
  }
  const cli = path.join(ROOT, "dist/adapters/cli/main.js");
  const jar = path.join(dir, "ledger.jar");
  const yaml = path.join(dir, "ledger.yaml");
  await exec([process.execPath, cli, "jar", "test/fixtures/storm/ledger.ts", "-o", jar], ROOT, 120_000);
  await exec([process.execPath, cli, "flux", "test/fixtures/storm/ledger.ts", "-o", yaml], ROOT, 120_000);
  // Same settings as the squall run: an unbounded ledger.
  fs.writeFileSync(yaml, fs.readFileSync(yaml, "utf8").replace(/ledger\.count: \d+/, "ledger.count: 100000000"));
  const logs = path.join(dir, "storm-logs");
  const started = Date.now();
  await exec(
    [
      "java",
      `-Dstorm.jar=${jar}`,
      `-Dstorm.local.sleeptime=${SECS}`,
      `-Dstorm.log.dir=${logs}`,
      "-Dlogfile.name=local.log",
      `-Dlog4j.configurationFile=${path.join(STORM_HOME, "log4j2/cluster.xml")}`,
      "-cp",
      [jar, path.join(STORM_HOME, "lib/*"), path.join(STORM_HOME, "flux/*")].join(":"),
      "org.apache.storm.LocalCluster",
      "org.apache.storm.flux.Flux",
      yaml,
    ],
    dir,
    (SECS + 120) * 1000,
  );
  const text = fs.readFileSync(path.join(logs, "local.log"), "utf8");
  // Storm logs local time "YYYY-MM-DD HH:MM:SS.mmm".
  return summarize(engine, started, ackTimes(text, (l) => new Date(`${l.slice(0, 10)}T${l.slice(11, 23)}`).getTime()));
}

export async function benchLocalMode(): Promise<LocalRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-bench-local-"));
  try {
    console.log(`localmode: squall run for ${SECS}s ...`);
    const squall = await squallRun(dir);
    console.log(`localmode: Storm LocalCluster for ${SECS}s ...`);
    const storm = await localCluster(dir);
    return [squall, storm];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const formatLocalMode = (rows: readonly LocalRow[]): string =>
  [
    "| engine | start-up to first ack (s) | acked tuples/s | acked |",
    "|---|---:|---:|---:|",
    ...rows.map((r) =>
      r.skipped && r.acked === 0
        ? `| ${r.engine} | skipped: ${r.skipped} | | |`
        : `| ${r.engine} | ${r.startupToFirstAckSecs?.toFixed(1) ?? "-"} | ${r.ackedPerSec === null ? "-" : Math.round(r.ackedPerSec).toLocaleString("en-US")} | ${r.acked.toLocaleString("en-US")} |`,
    ),
  ].join("\n");
