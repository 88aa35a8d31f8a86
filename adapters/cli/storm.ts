/**
 * Storm deployment commands: jar, flux, submit, stats, tail.
 *
 * `submit` needs nothing but Node on the user's machine: it bundles the topology (esbuild), packs the
 * bundle under resources/ in a jar, uploads it to Nimbus over Thrift and submits the topology.
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Option, type Command } from "commander";
import type { RuntimeName } from "../../lib/io.ts";
import type { SerializerName } from "../../lib/protocol/serializer.ts";
import { mergeOptions } from "../../lib/config/config.ts";
import { toFluxYaml } from "../../lib/storm/flux.ts";
import { toStormTopology } from "../../lib/storm/topology.ts";
import { validateForStorm } from "../../lib/storm/validate.ts";
import { applyStormWorkarounds } from "../../lib/storm/workarounds.ts";
import type { TopologyDescription } from "../../lib/topology/description.ts";
import { bundleTopology, squallRoot } from "../bundle/bundle.ts";
import { writeJar } from "../storm/jar.ts";
import { NimbusClient } from "../storm/thrift/nimbus.ts";
import { clusterOptions, waitUntilGone } from "./cluster.ts";
import { formatDuration, Progress, table } from "./output.ts";
import { resolveCluster, type ClusterFlags } from "./project.ts";

export class StormCommandError extends Error {
  override readonly name = "UsageError";
}

const JVM_JAR = "squall-storm-multilang.jar";

/** squall's JVM classes (msgpack serializer): packaged with squall, or built by adapters/storm/jvm/build.sh. */
export function findMultilangJar(): string {
  const candidates = [
    process.env["SQUALL_MULTILANG_JAR"],
    path.join(squallRoot(), "adapters", "storm", "jvm", JVM_JAR),
    path.join(process.env["SQUALL_CACHE"] ?? path.join(os.homedir(), ".cache", "squall"), "jvm", JVM_JAR),
  ].filter((c): c is string => c !== undefined && c !== "");
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new StormCommandError(
      `the msgpack serializer needs squall's JVM classes (${JVM_JAR}) in the topology jar, and none was found (looked at ${candidates.join(", ")}); build it with adapters/storm/jvm/build.sh (Java 17 + Maven), set SQUALL_MULTILANG_JAR, or use serializer json`,
    );
  }
  return found;
}

interface BuildFlags {
  readonly runtime?: RuntimeName;
  readonly serializer?: SerializerName;
  readonly option?: string[];
  readonly name?: string;
}

interface Built {
  readonly dir: string;
  readonly description: TopologyDescription;
  readonly serializer: SerializerName;
  readonly runtime: RuntimeName;
}

/**
 * Bundles a topology for Storm. Storm starts a shell component as exactly [command, script], so a
 * Deno component gets a small sh wrapper that adds `run -A` (jars drop execute bits: sh reads it).
 */
async function buildForStorm(module: string, flags: BuildFlags, envRuntime: RuntimeName | undefined, progress?: Progress): Promise<Built> {
  const runtime = flags.runtime ?? envRuntime ?? "node";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-storm-"));
  progress?.start(`bundling ${module} for ${runtime}`);
  // Bundle once to read the topology's own serializer choice, unless the command line names one.
  let result = await bundleTopology({ module, outDir: dir, runtime, serializer: flags.serializer ?? "json" });
  const chosen = (flags.serializer ?? result.source.config["squall.serializer"] ?? "json") as SerializerName;
  if (chosen !== "json" && chosen !== "msgpack") throw new StormCommandError(`serializer "${String(chosen)}": choose json or msgpack`);
  if (chosen !== (flags.serializer ?? "json")) result = await bundleTopology({ module, outDir: dir, runtime, serializer: chosen });
  let description = result.description;
  if (runtime === "deno") {
    description = {
      ...description,
      components: description.components.map((c) => {
        if (c.implementation.kind !== "shell" || !c.implementation.script.endsWith(".mjs") || c.implementation.command !== "deno") return c;
        const wrapper = c.implementation.script.replace(/\.mjs$/, ".deno.sh");
        fs.writeFileSync(path.join(dir, wrapper), `exec deno run -A --quiet ${c.implementation.script}\n`);
        return { ...c, implementation: { kind: "shell" as const, command: "sh", script: wrapper } };
      }),
    };
  }
  const name = flags.name ?? description.name;
  description = applyStormWorkarounds({ ...description, name, config: { ...description.config, "squall.serializer": chosen } }, chosen);
  progress?.done(`${result.files.length} files, ${(result.bytes / 1024).toFixed(0)} KiB`);
  return { dir, description, serializer: chosen, runtime };
}

async function packJar(built: Built, out: string, progress?: Progress): Promise<number> {
  progress?.start(`packing ${path.basename(out)}`);
  const mergeJars = built.serializer === "msgpack" ? [findMultilangJar()] : [];
  const result = await writeJar(out, { resourcesDir: built.dir, mergeJars });
  progress?.done(`${(result.bytes / 1024).toFixed(0)} KiB${mergeJars.length ? ", with squall's msgpack serializer" : ""}`);
  return result.bytes;
}

const buildOptions = (command: Command): Command =>
  command
    .addOption(new Option("--runtime <name>", "runtime that runs components on the workers").choices(["node", "bun", "deno"]))
    .addOption(new Option("--serializer <name>", "multilang wire format (default: the topology's, else json)").choices(["json", "msgpack"]))
    .option("-n, --name <name>", "topology name (default: the topology's own)");

interface UiTopology {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly uptimeSeconds?: number;
  readonly uptime?: string;
  readonly workersTotal?: number;
  readonly executorsTotal?: number;
  readonly tasksTotal?: number;
}

async function getJson<T>(url: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  } catch (error) {
    throw new StormCommandError(`cannot reach ${url}: ${(error as Error).message}; is the Storm UI running there? (set ui: in the environment, or --ui)`);
  }
  if (!response.ok) throw new StormCommandError(`${url} answered ${response.status} ${response.statusText}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as T;
}

async function findUiTopology(ui: string, name: string): Promise<UiTopology> {
  const summary = await getJson<{ topologies: UiTopology[] }>(`${ui}/api/v1/topology/summary`);
  const found = summary.topologies.find((t) => t.name === name || t.id === name);
  if (!found) {
    const names = summary.topologies.map((t) => t.name);
    throw new StormCommandError(`no topology "${name}" on the cluster; running: ${names.length ? names.join(", ") : "(none)"}`);
  }
  return found;
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : undefined);

export function registerStormCommands(program: Command): void {
  buildOptions(
    program.command("jar").description("pack a topology into a jar Storm accepts (components under resources/)").argument("<topology>", "topology module").requiredOption("-o, --out <file.jar>", "output jar"),
  ).action(async (module: string, flags: BuildFlags & { out: string }) => {
    const progress = new Progress(2);
    const built = await buildForStorm(module, flags, undefined, progress);
    const bytes = await packJar(built, flags.out, progress);
    console.log(`${flags.out}: ${built.description.components.length} components, ${(bytes / 1024).toFixed(0)} KiB`);
  });

  buildOptions(
    program
      .command("flux")
      .description("write a Flux YAML for `storm jar <jar> org.apache.storm.flux.Flux --remote <yaml>` (bundle with `squall jar`)")
      .argument("<topology>", "topology module")
      .option("-o, --out <file.yaml>", "output file (default: stdout)"),
  ).action(async (module: string, flags: BuildFlags & { out?: string }) => {
    const built = await buildForStorm(module, flags, undefined);
    const yaml = toFluxYaml(built.description, {});
    if (flags.out) fs.writeFileSync(flags.out, yaml);
    else process.stdout.write(yaml);
  });

  clusterOptions(
    buildOptions(
      program
        .command("submit")
        .description("bundle, pack and submit a topology to a Storm cluster over Nimbus Thrift")
        .argument("<topology>", "topology module")
        .option("-f, --force", "kill a running topology of the same name first")
        .option("-i, --inactive", "submit it deactivated")
        .option("-o, --option <key=value...>", "Storm config (YAML values); wins over the topology's and the environment's")
        .option("--workers <n>", "topology.workers")
        .option("--ackers <n>", "topology.acker.executors")
        .option("--wait", "wait until every executor of the topology is running"),
    ),
  ).action(
    async (
      module: string,
      flags: BuildFlags & ClusterFlags & { force?: boolean; inactive?: boolean; workers?: string; ackers?: string; wait?: boolean },
    ) => {
      const target = await resolveCluster(flags, "squall submit");
      const progress = new Progress(4 + (flags.force ? 1 : 0) + (flags.wait ? 1 : 0));
      const built = await buildForStorm(module, flags, target.env.runtime, progress);
      const cli = [...(flags.option ?? [])];
      if (flags.workers !== undefined) cli.push(`topology.workers=${flags.workers}`);
      if (flags.ackers !== undefined) cli.push(`topology.acker.executors=${flags.ackers}`);
      const description = applyStormWorkarounds({ ...built.description, config: mergeOptions(target.env.options, built.description.config, cli) }, built.serializer);
      const conf = description.config;
      validateForStorm(description);
      const jarPath = path.join(built.dir, "..", `${path.basename(built.dir)}.jar`);
      await packJar(built, jarPath, progress);

      progress.start(`connecting to Nimbus ${target.nimbus.host}:${target.nimbus.port} (${target.env.name})`);
      const client = await NimbusClient.connect(target.nimbus.host, target.nimbus.port);
      try {
        progress.done();
        if (flags.force) {
          progress.start(`killing the running "${description.name}"`);
          if (await client.findTopologyByName(description.name)) {
            await client.killTopology(description.name, 0);
            await waitUntilGone(client, description.name, 120_000);
            progress.done();
          } else {
            progress.done("none was running");
          }
        }
        progress.start("uploading the jar and submitting");
        const location = await client.uploadJar(jarPath);
        const topology = toStormTopology(description, {});
        await client.submitTopology(description.name, location, conf, topology, { initialStatus: flags.inactive ? "inactive" : "active" });
        progress.done(`"${description.name}" (${built.serializer}, ${built.runtime})`);
        if (flags.wait) {
          progress.start("waiting for its executors");
          const expected = description.components.reduce((n, c) => n + c.parallelism, 0);
          const deadline = Date.now() + 180_000;
          for (;;) {
            const summary = await client.findTopologyByName(description.name);
            if (summary) {
              const info = await client.getTopologyInfo(summary.id);
              const ours = info.executors.filter((e) => !e.component_id.startsWith("__")).length;
              if (ours >= expected && info.status === (flags.inactive ? "INACTIVE" : "ACTIVE")) break;
            }
            if (Date.now() > deadline) throw new StormCommandError(`"${description.name}" did not get its ${expected} executors within 180 s; check free worker slots (squall list) and the supervisor log`);
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
          progress.done(`${expected} executors`);
        }
        console.log(`submitted "${description.name}" to ${target.nimbus.host}:${target.nimbus.port} in ${progress.elapsedSeconds.toFixed(1)} s`);
      } finally {
        await client.close();
        fs.rmSync(built.dir, { recursive: true, force: true });
        fs.rmSync(jarPath, { force: true });
      }
    },
  );

  clusterOptions(
    program
      .command("stats")
      .description("per-topology and per-component figures from the Storm UI REST API")
      .argument("[name]", "topology name (default: all topologies)")
      .option("--window <secs>", "stats window: 600, 10800, 86400 or all-time", "600"),
  ).action(async (name: string | undefined, flags: ClusterFlags & { window: string }) => {
    const target = await resolveCluster(flags, "squall stats");
    if (!name) {
      const summary = await getJson<{ topologies: UiTopology[] }>(`${target.ui}/api/v1/topology/summary`);
      console.log(
        summary.topologies.length === 0
          ? "no topologies are running"
          : table(
              ["name", "status", "uptime", "workers", "executors", "tasks"],
              summary.topologies.map((t) => [t.name, t.status, t.uptimeSeconds !== undefined ? formatDuration(t.uptimeSeconds) : t.uptime, t.workersTotal, t.executorsTotal, t.tasksTotal]),
            ),
      );
      return;
    }
    const found = await findUiTopology(target.ui, name);
    const info = await getJson<Record<string, any>>(`${target.ui}/api/v1/topology/${encodeURIComponent(found.id)}?window=${encodeURIComponent(flags.window)}`);
    console.log(`${found.name} (${found.id}): ${found.status}, window ${flags.window}`);
    const stats = (info["topologyStats"] ?? []) as Record<string, unknown>[];
    console.log(`\n${table(["window", "emitted", "transferred", "acked", "failed", "complete latency ms"], stats.map((s) => [s["windowPretty"] ?? s["window"], num(s["emitted"]), num(s["transferred"]), num(s["acked"]), num(s["failed"]), s["completeLatency"]]))}`);
    const spouts = (info["spouts"] ?? []) as Record<string, unknown>[];
    console.log(`\n${table(["spout", "executors", "emitted", "acked", "failed", "complete latency ms", "last error"], spouts.map((s) => [s["spoutId"], num(s["executors"]), num(s["emitted"]), num(s["acked"]), num(s["failed"]), s["completeLatency"], s["lastError"]]))}`);
    const bolts = (info["bolts"] ?? []) as Record<string, unknown>[];
    console.log(`\n${table(["bolt", "executors", "executed", "acked", "failed", "capacity", "execute latency ms", "process latency ms", "last error"], bolts.map((b) => [b["boltId"], num(b["executors"]), num(b["executed"]), num(b["acked"]), num(b["failed"]), b["capacity"], b["executeLatency"], b["processLatency"], b["lastError"]]))}`);
  });

  clusterOptions(
    program
      .command("tail")
      .description("print a topology's worker logs through Storm's logviewer (no SSH)")
      .argument("[name]", "topology name (default: the only one running)")
      .option("-f, --follow", "keep printing new lines")
      .option("--pattern <regex>", "only lines matching this regular expression")
      .option("--lines <n>", "lines of each log to start with", "50"),
  ).action(async (name: string | undefined, flags: ClusterFlags & { follow?: boolean; pattern?: string; lines: string }) => {
    const target = await resolveCluster(flags, "squall tail");
    let pattern: RegExp | undefined;
    try {
      pattern = flags.pattern ? new RegExp(flags.pattern) : undefined;
    } catch (error) {
      throw new StormCommandError(`--pattern ${flags.pattern}: ${(error as Error).message}`);
    }
    let id: string;
    if (name) {
      id = (await findUiTopology(target.ui, name)).id;
    } else {
      const all = (await getJson<{ topologies: UiTopology[] }>(`${target.ui}/api/v1/topology/summary`)).topologies;
      if (all.length !== 1) throw new StormCommandError(`name the topology to tail; running: ${all.length ? all.map((t) => t.name).join(", ") : "(none)"}`);
      id = all[0]!.id;
    }
    const offsets = new Map<string, number>();
    const show = (file: string, text: string, first: boolean): void => {
      let lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      if (first) lines = lines.slice(-Number(flags.lines));
      for (const line of lines) if (!pattern || pattern.test(line)) console.log(`${file}: ${line}`);
    };
    for (;;) {
      const files = (await getJson<string[]>(`${target.logviewer}/api/v1/listLogs?topologyId=${encodeURIComponent(id)}`)).filter((f) => /worker\.log$/.test(f));
      for (const file of files) {
        const response = await fetch(`${target.logviewer}/api/v1/download?file=${encodeURIComponent(file)}`, { signal: AbortSignal.timeout(15_000) });
        if (!response.ok) continue;
        const text = await response.text();
        const seen = offsets.get(file);
        if (seen === undefined) show(file, text, true);
        else if (text.length > seen) show(file, text.slice(seen), false);
        offsets.set(file, text.length);
      }
      if (!flags.follow) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  });
}
