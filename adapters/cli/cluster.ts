/**
 * Cluster commands over Nimbus Thrift: list, kill, activate, deactivate, rebalance.
 * @module
 */
import type { Command } from "commander";
import { NimbusClient } from "../storm/thrift/nimbus.ts";
import { formatDuration, table } from "./output.ts";
import { resolveCluster, type ClusterFlags } from "./project.ts";

/** Adds the options every cluster command takes. */
export const clusterOptions = (command: Command): Command =>
  command
    .option("-e, --env <name>", "environment from squall.config.ts")
    .option("--nimbus <host:port>", "Nimbus address (overrides the environment)")
    .option("--ui <url>", "Storm UI base URL (default http://<nimbus host>:8080)")
    .option("--logviewer <url>", "Storm logviewer base URL (default http://<nimbus host>:8000)");

/** Connects to the environment's Nimbus, runs `work`, closes. */
export async function withNimbus<T>(flags: ClusterFlags, purpose: string, work: (client: NimbusClient) => Promise<T>): Promise<T> {
  const target = await resolveCluster(flags, purpose);
  const client = await NimbusClient.connect(target.nimbus.host, target.nimbus.port);
  try {
    return await work(client);
  } finally {
    await client.close();
  }
}

/** Waits until no topology with this name is listed (a kill is asynchronous in Storm). */
export async function waitUntilGone(client: NimbusClient, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await client.findTopologyByName(name)) {
    if (Date.now() > deadline) throw new Error(`topology "${name}" is still listed ${Math.round(timeoutMs / 1000)} s after the kill; check nimbus.log`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export function registerClusterCommands(program: Command): void {
  clusterOptions(program.command("list").description("list the topologies running on the cluster")).action(async (flags: ClusterFlags) => {
    await withNimbus(flags, "squall list", async (client) => {
      const topologies = [...(await client.getTopologySummaries())].sort((a, b) => a.name.localeCompare(b.name));
      if (topologies.length === 0) {
        console.log("no topologies are running");
        return;
      }
      console.log(
        table(
          ["name", "status", "uptime", "workers", "executors", "tasks", "id"],
          topologies.map((t) => [t.name, t.status, formatDuration(t.uptime_secs), t.num_workers, t.num_executors, t.num_tasks, t.id]),
        ),
      );
    });
  });

  clusterOptions(
    program
      .command("kill")
      .description("kill a topology (Storm first deactivates it and waits --wait seconds for in-flight tuples)")
      .argument("<name>", "topology name")
      .option("-w, --wait <secs>", "seconds Storm waits between deactivating and killing", "0"),
  ).action(async (name: string, flags: ClusterFlags & { wait: string }) => {
    const wait = Number(flags.wait);
    if (!(wait >= 0)) throw new Error(`--wait ${flags.wait}: give a number of seconds`);
    await withNimbus(flags, "squall kill", async (client) => {
      await client.killTopology(name, wait);
      process.stderr.write(`killing "${name}" (Storm waits ${wait} s) ...`);
      await waitUntilGone(client, name, (wait + 60) * 1000);
      process.stderr.write(" gone\n");
    });
  });

  for (const verb of ["activate", "deactivate"] as const) {
    clusterOptions(program.command(verb).description(`${verb} a topology (its spouts ${verb === "activate" ? "resume" : "stop being asked for tuples"})`).argument("<name>", "topology name")).action(
      async (name: string, flags: ClusterFlags) => {
        await withNimbus(flags, `squall ${verb}`, async (client) => {
          await client[verb](name);
          console.log(`${name}: ${verb}d`);
        });
      },
    );
  }

  clusterOptions(
    program
      .command("rebalance")
      .description("spread a topology over a new number of workers, or change components' executors")
      .argument("<name>", "topology name")
      .option("-w, --wait <secs>", "seconds to deactivate before rebalancing", "0")
      .option("-n, --workers <n>", "new number of workers")
      .option("-c, --component <id=n...>", "new number of executors for a component (repeatable)"),
  ).action(async (name: string, flags: ClusterFlags & { wait: string; workers?: string; component?: string[] }) => {
    const executors: Record<string, number> = {};
    for (const spec of flags.component ?? []) {
      const m = /^([^=]+)=(\d+)$/.exec(spec);
      if (!m || Number(m[2]) < 1) throw new Error(`-c ${spec}: write component=executors, e.g. -c count=4`);
      executors[m[1]!] = Number(m[2]);
    }
    const workers = flags.workers === undefined ? undefined : Number(flags.workers);
    if (workers !== undefined && !(workers >= 1 && Number.isInteger(workers))) throw new Error(`--workers ${flags.workers}: give a whole number of at least 1`);
    await withNimbus(flags, "squall rebalance", async (client) => {
      await client.rebalance(name, { waitSecs: Number(flags.wait), numWorkers: workers, numExecutors: Object.keys(executors).length ? executors : undefined });
      console.log(`${name}: rebalancing${workers ? ` to ${workers} workers` : ""}${Object.keys(executors).length ? ` (${Object.entries(executors).map(([k, v]) => `${k}=${v}`).join(", ")})` : ""}`);
    });
  });
}
