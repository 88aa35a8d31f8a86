/**
 * Engine benchmark (printed, never asserted): word count with acking through `squall run`, for each
 * runtime x serializer x parallelism, plus the same pipeline in-process with RxJS.
 *
 *   npx bun bench/engine.ts [--secs 8] [--quick]
 *
 * tuples/s counts bolt tuples executed (split + count) per second of steady state; latency is the
 * spout's complete latency (emit to tree acked).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { from, groupBy, mergeMap, scan, lastValueFrom, count } from "rxjs";
import { SENTENCES } from "../examples/wordcount/components.ts";
import { cliPath, ROOT } from "../test/engine/cli.ts";

const args = process.argv.slice(2);
const secs = Number(args[args.indexOf("--secs") + 1] || 8);
const quick = args.includes("--quick");

interface Row { runtime: string; serializer: string; p: number; tuplesPerSec: number; p50: number; p99: number }

async function engineRun(runtime: string, serializer: string, p: number): Promise<Row> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-bench-"));
  const metrics = path.join(dir, "m.json");
  const cli = await cliPath();
  const child = spawn(process.execPath, [cli, "run", path.join(ROOT, "bench/wordcount-topology.ts"), "--no-ui", "-t", String(secs), "--runtime", runtime, "--serializer", serializer, "--json-metrics", metrics, "--log-dir", path.join(dir, "logs")], {
    cwd: ROOT, stdio: "ignore", env: { ...process.env, SQUALL_BENCH_P: String(p) },
  });
  const read = () => JSON.parse(fs.readFileSync(metrics, "utf8")) as { uptimeMs: number; components: { id: string; executed: number; latencyMs: { p50: number; p99: number } }[] };
  const executed = (m: ReturnType<typeof read>) => m.components.filter((c) => c.id !== "sentences").reduce((n, c) => n + c.executed, 0);
  await new Promise((r) => setTimeout(r, 3000)); // warm-up, start-up excluded
  const a = read();
  await new Promise<void>((r) => child.on("exit", () => r()));
  const b = read();
  const spout = b.components.find((c) => c.id === "sentences")!;
  fs.rmSync(dir, { recursive: true, force: true });
  return { runtime, serializer, p, tuplesPerSec: (executed(b) - executed(a)) / ((b.uptimeMs - a.uptimeMs) / 1000), p50: spout.latencyMs.p50, p99: spout.latencyMs.p99 };
}

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

const rows: Row[] = [];
const runtimes = quick ? ["node"] : ["node", "bun", "deno"];
for (const runtime of runtimes) {
  for (const serializer of ["json", "msgpack"]) {
    for (const p of quick ? [1, 2] : [1, 2, 4]) {
      const row = await engineRun(runtime, serializer, p);
      rows.push(row);
      console.error(`${runtime} ${serializer} p=${p}: ${Math.round(row.tuplesPerSec)} tuples/s`);
    }
  }
}
const rx = await rxjsRun();
console.log(`\nword count with acking, ${os.cpus().length} cores, ${secs}s runs (bolt tuples/s; spout complete latency)\n`);
console.log("| runtime | serializer | parallelism | tuples/s | p50 ms | p99 ms |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.runtime} | ${r.serializer} | ${r.p} | ${Math.round(r.tuplesPerSec)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(1)} |`);
console.log(`| rxjs in-process | - | 1 | ${Math.round(rx)} | - | - |`);
