/**
 * Per-process multilang throughput: tuples/s through one EchoBolt process, driven by the same
 * Storm-side harness (this Node process) the way ShellBolt drives it: at most `maxPending` tuples
 * outstanding (topology.shellbolt.max.pending, Storm's default 100), each answered by an anchored
 * emit and an ack. Printed, never asserted.
 *
 * Run: npm run bench -- protocol   (env: BENCH_TUPLES, default 100000)
 */
import { Child, componentCommand, ROOT, type Runtime } from "../test/support/storm-side.ts";
import type { SerializerName } from "../lib/protocol/serializer.ts";
import * as path from "node:path";

const TUPLES = Number(process.env["BENCH_TUPLES"] ?? 100_000);
const MAX_PENDING = 100;

interface Row {
  readonly subject: string;
  readonly runtime: string;
  readonly serializer: string;
  readonly tuplesPerSec: number;
}

async function drive(argv: string[], serializer: SerializerName, echoes: boolean): Promise<number> {
  const child = new Child(argv, serializer);
  child.handshake();
  await child.take(0, 1, "the pid reply");
  const sentence = ["the cow jumped over the moon", 42];
  let next = 0;
  let acked = 0;
  let seen = 1;
  const started = performance.now();
  const pump = (): void => {
    let batch = "";
    const frames: Uint8Array[] = [];
    while (next < TUPLES && next - acked < MAX_PENDING) {
      const msg = { id: String(next), comp: "sentences", stream: "default", task: 1, tuple: sentence };
      if (serializer === "json") batch += `${JSON.stringify(msg)}\nend\n`;
      else frames.push(child.serializer.encode(msg));
      next++;
    }
    if (batch) child.sendRaw(batch);
    for (const f of frames) child.sendRaw(f);
  };
  pump();
  await child.until(`${TUPLES} acks`, (received) => {
    for (; seen < received.length; seen++) {
      const m = received[seen] as { command?: string };
      if (m.command === "ack") acked++;
    }
    received.length = 1; // keep memory flat
    seen = 1;
    if (acked < TUPLES) pump();
    return acked >= TUPLES ? true : undefined;
  }, 600_000);
  const seconds = (performance.now() - started) / 1000;
  child.kill();
  void echoes;
  return TUPLES / seconds;
}

export async function benchProtocol(): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push({ subject: "raw pipe ceiling (reads, acks, nothing else)", runtime: "node", serializer: "json", tuplesPerSec: await drive([process.execPath, path.join(ROOT, "bench/raw-acker.mjs")], "json", false) });
  for (const runtime of ["node", "bun", "deno"] as Runtime[]) {
    for (const serializer of ["json", "msgpack"] as SerializerName[]) {
      const argv = componentCommand(runtime, "examples/conformance/components.ts", "EchoBolt", serializer);
      rows.push({ subject: "squall EchoBolt", runtime, serializer, tuplesPerSec: await drive(argv, serializer, true) });
    }
  }
  return rows;
}

export const formatTable = (rows: readonly Row[]): string => {
  const lines = ["| subject | runtime | serializer | tuples/s |", "|---|---|---|---:|"];
  for (const r of rows) lines.push(`| ${r.subject} | ${r.runtime} | ${r.serializer} | ${Math.round(r.tuplesPerSec).toLocaleString("en-US")} |`);
  return lines.join("\n");
};

const rows = await benchProtocol();
console.log(`\nPer-process multilang throughput, ${TUPLES.toLocaleString("en-US")} tuples, max pending ${MAX_PENDING} (EchoBolt: anchored emit + ack per tuple)\n`);
console.log(formatTable(rows));
