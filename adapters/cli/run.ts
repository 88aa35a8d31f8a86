/**
 * `squall run <topology>`: bundle to a temporary folder, start one process per task, play Storm.
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Option, type Command } from "commander";
import type { RuntimeName } from "../../lib/io.ts";
import type { SerializerName } from "../../lib/protocol/serializer.ts";
import { bundleTopology, squallRoot } from "../bundle/bundle.ts";
import { LocalRunner } from "../engine/runner.ts";
import { LiveView } from "../engine/view.ts";
import { detectRuntime } from "../runtime.ts";
import { loadProjectConfig } from "./project.ts";

export interface RunCommandOptions {
  readonly time?: number;
  readonly runtime: RuntimeName;
  readonly serializer: SerializerName;
  readonly option: readonly string[];
  readonly jsonMetrics?: string;
  readonly ui: boolean;
  readonly logDir: string;
}

/** `-o key=value`: the value is read as JSON when it parses (numbers, booleans), else as text. */
export const parseOverrides = (pairs: readonly string[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`-o ${pair}: expected key=value, e.g. -o topology.max.spout.pending=500`);
    const value = pair.slice(at + 1);
    try {
      out[pair.slice(0, at)] = JSON.parse(value);
    } catch {
      out[pair.slice(0, at)] = value;
    }
  }
  return out;
};

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const writeJson = (file: string, value: unknown): void => {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
};

/** Where `squall run` looks for a topology when none is named, after squall.config.ts's "topology". */
export const DEFAULT_TOPOLOGIES = ["topology.ts", "topologies/wordcount.ts"] as const;

/**
 * The module `squall run` runs when none is named: the "topology" of the nearest squall.config.ts
 * (relative to that file), else the first of {@link DEFAULT_TOPOLOGIES} in `cwd` that exists.
 */
export async function defaultTopology(cwd = process.cwd()): Promise<string> {
  const loaded = await loadProjectConfig(cwd);
  const shown = (file: string): string => path.relative(cwd, file) || file;
  if (loaded?.config.topology !== undefined) {
    const file = path.resolve(path.dirname(loaded.file), loaded.config.topology);
    if (!fs.existsSync(file)) {
      throw new UsageError(`${shown(loaded.file)} names topology "${loaded.config.topology}", but ${file} does not exist; fix the path there, or name the module: squall run <module>`);
    }
    return file;
  }
  for (const candidate of DEFAULT_TOPOLOGIES) {
    const file = path.join(cwd, candidate);
    if (fs.existsSync(file)) return file;
  }
  throw new UsageError(
    `no topology module was named, and none was found: looked for "topology" in ${loaded ? shown(loaded.file) : "squall.config.ts (there is none here or above)"}, then for ${DEFAULT_TOPOLOGIES.join(" and ")} in ${cwd}; name one (squall run path/to/topology.ts) or add topology: "path/to/topology.ts" to squall.config.ts`,
  );
}

/** Runs a topology until -t expires, a signal, or a fatal error; returns the exit code. */
export async function runTopology(module: string, options: RunCommandOptions): Promise<number> {
  const started = performance.now();
  const out = (text: string): void => void process.stdout.write(text);
  const err = (text: string): void => void process.stderr.write(text);
  const bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-run-"));
  const cleanup = (): void => fs.rmSync(bundleDir, { recursive: true, force: true });
  let runner: LocalRunner;
  let view: LiveView;
  try {
    const bundle = await bundleTopology({ module, outDir: bundleDir, runtime: options.runtime, serializer: options.serializer });
    const tty = options.ui && process.stdout.isTTY === true;
    view = new LiveView({ tty, write: out });
    runner = new LocalRunner({
      bundleDir,
      description: bundle.source,
      root: squallRoot(),
      runtime: options.runtime,
      serializer: options.serializer,
      overrides: parseOverrides(options.option),
      logDir: options.logDir,
      moduleDir: path.dirname(path.resolve(module)),
      message: (text, level) => (level === "info" ? view.message(text) : tty ? view.message(text) : err(`${text}\n`)),
    });
  } catch (error) {
    cleanup();
    throw error;
  }
  const name = runner.plan.description.name;
  const title = `squall run ${name} (${options.runtime}, ${options.serializer})`;
  runner.start();
  view.message(`${title}: ${runner.tasks.size} task processes started in ${Math.round(performance.now() - started)}ms; logs in ${path.relative(process.cwd(), runner.logDir) || "."}`);

  const metricsFile = options.jsonMetrics;
  const dump = (file = metricsFile ?? "squall-metrics.json"): void => {
    try {
      // processUptimeMs: since this process started, so scripts can tell start-up from engine time.
      writeJson(file, { ...runner.snapshot(), processUptimeMs: Math.round(performance.now()) });
    } catch (error) {
      err(`squall: cannot write metrics to ${file}: ${(error as Error).message}\n`);
    }
  };
  const timers: ReturnType<typeof setInterval>[] = [];
  if (metricsFile) timers.push(setInterval(() => dump(), 1000));
  if (options.ui) {
    const tty = process.stdout.isTTY === true;
    const first = setTimeout(() => view.render(runner.core.snapshot(), title), tty ? 500 : 1000);
    timers.push(first as unknown as ReturnType<typeof setInterval>);
    timers.push(setInterval(() => view.render(runner.core.snapshot(), title), tty ? 1000 : 5000));
  }

  let interrupts = 0;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const stopReason = await new Promise<string>((resolve) => {
    const onSignal = (signal: string) => () => {
      interrupts++;
      if (interrupts > 1) {
        err("squall: second interrupt: killing every task now\n");
        runner.killAll();
        process.exit(130);
      }
      resolve(`${signal} received`);
    };
    process.on("SIGINT", onSignal("SIGINT"));
    process.on("SIGTERM", onSignal("SIGTERM"));
    if (process.platform !== "win32") process.on("SIGUSR2", () => dump());
    if (options.time !== undefined) deadline = setTimeout(() => resolve(`ran for ${options.time}s`), options.time * 1000);
    void runner.failed().then((reason) => resolve(reason));
  });
  for (const t of timers) clearInterval(t);
  clearTimeout(deadline);
  const failure = runner.failure;
  if (!failure) view.message(`squall: ${stopReason}; deactivating spouts and waiting for ${runner.core.pendingTrees} in-flight trees (up to ${runner.plan.settings.messageTimeoutMs / 1000}s)`);
  await runner.stop();
  const snapshot = runner.snapshot();
  if (metricsFile) dump();
  cleanup();
  if (failure) {
    err(`squall: ${failure}\n`);
    return 1;
  }
  const summary = view.table(snapshot, `${name}: summary`, true);
  view.message(summary.join("\n"));
  return 0;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a topology on this machine: one process per task, Storm's acking, timeouts and replay")
    .argument("[topology]", 'topology module (.ts/.js) or a folder with topology.ts (default: "topology" in squall.config.ts, else topology.ts or topologies/wordcount.ts)')
    .option("-t, --time <secs>", "stop after this many seconds (default: until Ctrl-C)", (v) => Number(v))
    .addOption(new Option("--runtime <name>", "runtime of the task processes").choices(["node", "bun", "deno"]).default(detectRuntime()))
    .addOption(new Option("--serializer <name>", "multilang wire format").choices(["json", "msgpack"]).default("json"))
    .option("-o, --option <key=value>", "topology config override (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--json-metrics <file>", "write a JSON metrics snapshot there every second and at the end (SIGUSR2 writes one too)")
    .option("--log-dir <dir>", "folder for per-task logs", "logs")
    .option("--no-ui", "no live table: only warnings, errors and the summary")
    .action(async (module: string | undefined, options: RunCommandOptions) => {
      if (options.time !== undefined && !(options.time > 0)) throw new UsageError(`-t ${options.time}: give a number of seconds > 0`);
      process.exitCode = await runTopology(module ?? (await defaultTopology()), options);
    });
}
