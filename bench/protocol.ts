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
import * as fs from "node:fs";
import * as path from "node:path";
import { Child, componentCommand, ROOT, type Runtime } from "../test/support/storm-side.ts";
import { installPeers, peersRoot, STORM_VERSION } from "./peers.ts";
import type { SerializerName } from "../lib/protocol/serializer.ts";

export const PROTOCOL_DEFAULTS = {
  tuples: Number(process.env["BENCH_TUPLES"] ?? 100_000),
  maxPending: 100,
  storm: STORM_VERSION,
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
  const { root, owned } = peersRoot();
  log(`per-process throughput: ${PROTOCOL_DEFAULTS.tuples} tuples each, max pending ${PROTOCOL_DEFAULTS.maxPending}`);
  try {
    await measure(rows, "raw pipe ceiling", "node", "json", () => [process.execPath, path.join(ROOT, "bench/raw-acker.mjs")]);
    for (const runtime of ["node", "bun", "deno"] as Runtime[]) {
      for (const serializer of ["json", "msgpack"] as SerializerName[]) {
        await measure(rows, "squall EchoBolt", runtime, serializer, () => componentCommand(runtime, "examples/conformance/components.ts", "EchoBolt", serializer));
      }
    }
    const peers = installPeers(root, log);
    const js = peers.stormJs;
    await measure(rows, `storm.js BasicBolt (${PROTOCOL_DEFAULTS.storm})`, "node", "json", () => {
      if ("skipped" in js) throw new Error(js.skipped);
      return [process.execPath, js.script];
    }, "dir" in js ? js.dir : undefined);
    const py = peers.pystorm;
    await measure(rows, `pystorm Bolt${"version" in py && py.version ? ` ${py.version}` : ""}`, "python3", "json", () => {
      if ("skipped" in py) throw new Error(py.skipped);
      return [...py.argv];
    }, "dir" in py ? py.dir : undefined);
  } finally {
    if (owned) fs.rmSync(root, { recursive: true, force: true });
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
