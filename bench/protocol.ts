/**
 * Per-process multilang throughput (issue 8 item 1): tuples/s through ONE pass-through bolt process,
 * every subject driven by the same Storm-side harness (this process) the way Storm's ShellBolt drives
 * a shell bolt: at most `maxPending` tuples outstanding (topology.shellbolt.max.pending, Storm's
 * default 100), each answered by an emit anchored to the input and an ack. Emits that do not say
 * need_task_ids: false get a task id list back, as Storm sends. Printed, never asserted.
 *
 * Subjects: the raw pipe ceiling (a child that only acks), squall's EchoBolt (json and msgpack under
 * Node, Bun and Deno), Storm's own storm.js BasicBolt (resources/storm.js from the Maven Central
 * artifact org.apache.storm:multilang-javascript, read from the cache or fetched with mvn at bench
 * time, never committed) and pystorm's Bolt (streamparse's multilang layer, pip-installed into a
 * throwaway virtualenv at bench time). A peer whose install fails is skipped with the reason printed.
 *
 * Run alone: node bench/run.mjs protocol   (env: BENCH_TUPLES, default 100000)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Child, componentCommand, ROOT, type Runtime } from "../test/support/storm-side.ts";
import type { SerializerName } from "../lib/protocol/serializer.ts";

export const PROTOCOL_DEFAULTS = {
  tuples: Number(process.env["BENCH_TUPLES"] ?? 100_000),
  maxPending: 100,
  storm: "2.8.3",
  tuple: ["the cow jumped over the moon", 42] as const,
};

export interface ProtocolRow {
  readonly subject: string;
  readonly runtime: string;
  readonly serializer: string;
  readonly tuplesPerSec: number | null;
  /** Why a subject did not run. */
  readonly skipped?: string;
}

export interface ProtocolResult {
  readonly settings: typeof PROTOCOL_DEFAULTS;
  readonly rows: ProtocolRow[];
}

const log = (text: string): void => void process.stderr.write(`${text}\n`);

/** Drives one bolt process: handshake, then `tuples` tuples with at most maxPending outstanding. */
async function drive(argv: string[], serializer: SerializerName, options: { cwd?: string } = {}): Promise<number> {
  const { tuples, maxPending, tuple } = PROTOCOL_DEFAULTS;
  const child = new Child(argv, serializer, options);
  try {
    child.handshake({}, { "source->stream->fields": { sentences: { default: ["sentence", "n"] } } });
    await child.until("the pid reply", (r) => r.some((m) => m !== null && typeof m === "object" && "pid" in (m as object)), 60_000);
    child.received.length = 0;
    let next = 0;
    let acked = 0;
    const started = performance.now();
    const pump = (): void => {
      let batch = "";
      const frames: Uint8Array[] = [];
      while (next < tuples && next - acked < maxPending) {
        const msg = { id: String(next), comp: "sentences", stream: "default", task: 1, tuple };
        if (serializer === "json") batch += `${JSON.stringify(msg)}\nend\n`;
        else frames.push(child.serializer.encode(msg));
        next++;
      }
      if (batch) child.sendRaw(batch);
      for (const f of frames) child.sendRaw(f);
    };
    pump();
    await child.until(`${tuples} acks`, (received) => {
      let replies = "";
      const replyFrames: Uint8Array[] = [];
      for (const m of received as { command?: string; need_task_ids?: boolean }[]) {
        if (m === null || typeof m !== "object") continue;
        if (m.command === "ack") acked++;
        else if (m.command === "fail") throw new Error(`the bolt failed a tuple: ${JSON.stringify(m)}`);
        else if (m.command === "emit" && m.need_task_ids !== false) {
          // Storm answers every emit that did not opt out with the task ids it went to.
          if (serializer === "json") replies += "[3]\nend\n";
          else replyFrames.push(child.serializer.encode([3]));
        }
      }
      received.length = 0; // keep memory flat
      if (replies) child.sendRaw(replies);
      for (const f of replyFrames) child.sendRaw(f);
      if (acked < tuples) pump();
      return acked >= tuples ? true : undefined;
    }, 600_000);
    return tuples / ((performance.now() - started) / 1000);
  } catch (error) {
    throw new Error(`${(error as Error).message.slice(0, 600)}\nstderr: ${child.stderr.slice(-600)}`);
  } finally {
    child.kill();
  }
}

const cacheDir = (): string => process.env["SQUALL_CACHE"] ?? path.join(os.homedir(), ".cache", "squall");

/** Finds (or fetches with mvn) multilang-javascript and extracts resources/storm.js into `dir`. */
function stormJs(dir: string): string {
  const { storm } = PROTOCOL_DEFAULTS;
  const name = `multilang-javascript-${storm}.jar`;
  const candidates = [
    path.join(cacheDir(), `storm-${storm}`, "multilang", "jars", name),
    path.join(cacheDir(), "multilang", name),
    path.join(os.homedir(), ".m2", "repository", "org", "apache", "storm", "multilang-javascript", storm, name),
  ];
  let jar = candidates.find((c) => fs.existsSync(c));
  if (!jar) {
    const out = path.join(cacheDir(), "multilang");
    fs.mkdirSync(out, { recursive: true });
    try {
      execFileSync("mvn", ["-q", "dependency:copy", `-Dartifact=org.apache.storm:multilang-javascript:${storm}`, `-DoutputDirectory=${out}`], { stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });
    } catch (error) {
      const e = error as { code?: string; stderr?: Buffer; message: string };
      throw new Error(e.code === "ENOENT" ? "mvn is not installed, and multilang-javascript is not in the cache" : `mvn dependency:copy failed: ${(e.stderr?.toString() || e.message).trim().split("\n").slice(-3).join(" ")}`);
    }
    jar = path.join(out, name);
    if (!fs.existsSync(jar)) throw new Error(`mvn ran but ${jar} is missing`);
  }
  // Extract resources/storm.js with Python's zipfile (present wherever pystorm is benchmarked), else unzip.
  const target = path.join(dir, "storm.js");
  try {
    execFileSync("python3", ["-c", "import sys,zipfile;open(sys.argv[2],'wb').write(zipfile.ZipFile(sys.argv[1]).read('resources/storm.js'))", jar, target], { stdio: "pipe" });
  } catch {
    fs.writeFileSync(target, execFileSync("unzip", ["-p", jar, "resources/storm.js"]));
  }
  fs.writeFileSync(path.join(dir, "package.json"), '{"type":"commonjs"}\n');
  fs.writeFileSync(
    path.join(dir, "echo-bolt.js"),
    `// A pass-through BasicBolt on Storm's storm.js: emit the input's values anchored to it, then ack.
var storm = require("./storm.js");
function EchoBolt() { storm.BasicBolt.call(this); }
EchoBolt.prototype = Object.create(storm.BasicBolt.prototype);
EchoBolt.prototype.constructor = EchoBolt;
EchoBolt.prototype.process = function (tup, done) {
  this.emit({ tuple: tup.values, anchorTupleId: tup.id }, function () {});
  done();
};
new EchoBolt().run();
`,
  );
  return path.join(dir, "echo-bolt.js");
}

/** A throwaway virtualenv with pystorm, and a pass-through Bolt on it. */
function pystorm(dir: string): string[] {
  const venv = path.join(dir, "venv");
  try {
    execFileSync("python3", ["-m", "venv", venv], { stdio: "pipe", timeout: 120_000 });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer; message: string };
    throw new Error(e.code === "ENOENT" ? "python3 is not installed" : `python3 -m venv failed: ${(e.stderr?.toString() || e.message).trim().split("\n").slice(-2).join(" ")}`);
  }
  try {
    execFileSync(path.join(venv, "bin", "pip"), ["install", "-q", "pystorm"], { stdio: "pipe", timeout: 300_000 });
  } catch (error) {
    const e = error as { stderr?: Buffer; message: string };
    throw new Error(`pip install pystorm failed (no network?): ${(e.stderr?.toString() || e.message).trim().split("\n").slice(-2).join(" ")}`);
  }
  fs.writeFileSync(
    path.join(dir, "echo_bolt.py"),
    `# A pass-through pystorm Bolt: emit the input's values (auto-anchored to it), then auto-ack.
from pystorm import Bolt


class EchoBolt(Bolt):
    def process(self, tup):
        self.emit(tup.values)


if __name__ == "__main__":
    EchoBolt().run()
`,
  );
  return [path.join(venv, "bin", "python"), path.join(dir, "echo_bolt.py")];
}

async function measure(rows: ProtocolRow[], subject: string, runtime: string, serializer: SerializerName, argv: () => string[], cwd?: string): Promise<void> {
  try {
    const tuplesPerSec = await drive(argv(), serializer, cwd ? { cwd } : {});
    rows.push({ subject, runtime, serializer, tuplesPerSec });
    log(`  ${subject} (${runtime}, ${serializer}): ${Math.round(tuplesPerSec).toLocaleString("en-US")} tuples/s`);
  } catch (error) {
    const skipped = (error as Error).message.split("\n")[0]!;
    rows.push({ subject, runtime, serializer, tuplesPerSec: null, skipped });
    log(`  ${subject} (${runtime}, ${serializer}): SKIPPED: ${skipped}`);
  }
}

export async function benchProtocol(): Promise<ProtocolResult> {
  const rows: ProtocolRow[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-bench-peers-"));
  log(`per-process throughput: ${PROTOCOL_DEFAULTS.tuples} tuples each, max pending ${PROTOCOL_DEFAULTS.maxPending}`);
  try {
    await measure(rows, "raw pipe ceiling", "node", "json", () => [process.execPath, path.join(ROOT, "bench/raw-acker.mjs")]);
    for (const runtime of ["node", "bun", "deno"] as Runtime[]) {
      for (const serializer of ["json", "msgpack"] as SerializerName[]) {
        await measure(rows, "squall EchoBolt", runtime, serializer, () => componentCommand(runtime, "examples/conformance/components.ts", "EchoBolt", serializer));
      }
    }
    const jsDir = path.join(tmp, "stormjs");
    fs.mkdirSync(jsDir);
    let stormScript: string | undefined;
    let stormSkip = "";
    try {
      stormScript = stormJs(jsDir);
    } catch (error) {
      stormSkip = (error as Error).message;
    }
    await measure(rows, `storm.js BasicBolt (${PROTOCOL_DEFAULTS.storm})`, "node", "json", () => {
      if (!stormScript) throw new Error(stormSkip);
      return [process.execPath, stormScript];
    }, jsDir);
    const pyDir = path.join(tmp, "pystorm");
    fs.mkdirSync(pyDir);
    let pyArgv: string[] | undefined;
    let pySkip = "";
    try {
      log("  installing pystorm into a throwaway virtualenv...");
      pyArgv = pystorm(pyDir);
    } catch (error) {
      pySkip = (error as Error).message;
    }
    let pyVersion = "";
    if (pyArgv) {
      try {
        pyVersion = ` ${execFileSync(pyArgv[0]!, ["-c", "import pystorm;print(pystorm.__version__)"]).toString().trim()}`;
      } catch {
        // the version is decoration only
      }
    }
    await measure(rows, `pystorm Bolt${pyVersion}`, "python3", "json", () => {
      if (!pyArgv) throw new Error(pySkip);
      return pyArgv;
    }, pyDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { settings: PROTOCOL_DEFAULTS, rows };
}

const fmt = (n: number | null): string => (n === null ? "-" : Math.round(n).toLocaleString("en-US"));

export const formatProtocol = (result: ProtocolResult): string => {
  const { tuples, maxPending } = result.settings;
  const lines = [
    `Per-process multilang throughput: one pass-through bolt process (emit anchored to the input, then ack), ${tuples.toLocaleString("en-US")} tuples, at most ${maxPending} outstanding (Storm's topology.shellbolt.max.pending default), task ids answered as Storm does, same harness for every subject.`,
    "",
    "| subject | runtime | serializer | tuples/s | vs raw pipe |",
    "|---|---|---|---:|---:|",
  ];
  const raw = result.rows.find((r) => r.subject === "raw pipe ceiling")?.tuplesPerSec ?? null;
  for (const r of result.rows) {
    const ratio = r.tuplesPerSec !== null && raw ? `${((r.tuplesPerSec / raw) * 100).toFixed(0)}%` : "-";
    lines.push(`| ${r.subject} | ${r.runtime} | ${r.serializer} | ${r.skipped ? `skipped: ${r.skipped}` : fmt(r.tuplesPerSec)} | ${ratio} |`);
  }
  return lines.join("\n");
};
