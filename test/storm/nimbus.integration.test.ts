/**
 * Against a real Nimbus (test/services/storm/start.sh, or STORM_NIMBUS=host:port): upload a jar holding a
 * tiny Python multilang spout and bolt, submit, watch tuples flow, deactivate/activate, kill.
 * Skipped (loudly) when no Nimbus is configured or listening; fails instead when CI=true.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeJar } from "../../adapters/storm/jar.ts";
import { NimbusAlreadyAliveError, NimbusInvalidTopologyError, NimbusNotAliveError } from "../../adapters/storm/thrift/errors.ts";
import { NimbusClient } from "../../adapters/storm/thrift/nimbus.ts";
import { toStormTopology } from "../../lib/storm/mod.ts";
import type { StormTopology } from "../../lib/storm/model.ts";
import type { TopologyDescription } from "../../lib/topology/description.ts";
import { BOLT_PY, DIRECT_SPOUT_PY, MULTILANG_PY, SPOUT_PY, enabled, host, port, pythonExe, pythonWordsTopology, requireNimbusOrWarn } from "./multilang.fixture.ts";

requireNimbusOrWarn("test/storm/nimbus.integration.test.ts");

describe.skipIf(!enabled)(`real Nimbus at ${host}:${port}`, () => {
  const name = `squall-it-${process.pid}-${Date.now() % 100000}`;
  let dir: string;
  let outDir: string;
  let jarPath: string;
  let client: NimbusClient;
  let description: TopologyDescription;
  let topology: StormTopology;
  const timings: Record<string, number | string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "squall-it-"));
    outDir = join(dir, "out");
    await mkdir(join(dir, "bundle"), { recursive: true });
    await mkdir(outDir, { recursive: true });
    await writeFile(join(dir, "bundle/multilang.py"), MULTILANG_PY);
    await writeFile(join(dir, "bundle/spout.py"), SPOUT_PY);
    await writeFile(join(dir, "bundle/bolt.py"), BOLT_PY);
    await writeFile(join(dir, "bundle/direct_spout.py"), DIRECT_SPOUT_PY);
    await writeFile(join(dir, "bundle/filler.bin"), randomBytes(4 * 1024 * 1024)); // incompressible: a 4 MiB jar
    jarPath = join(dir, "topo.jar");
    const jar = await writeJar(jarPath, { resourcesDir: join(dir, "bundle") });
    timings["jarBytes"] = jar.bytes;
    description = pythonWordsTopology(name, outDir, { "topology.debug": false });
    topology = toStormTopology(description);
    client = await NimbusClient.connect(host!, port, { timeoutMs: 5000 });
  });

  afterAll(async () => {
    if (client) {
      await client.killTopology(name, 0).catch(() => undefined);
      await client.close();
    }
    console.info(`[nimbus.integration] timings: ${JSON.stringify(timings)}`);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("reads the cluster and its leader", async () => {
    const cluster = await client.getClusterInfo();
    expect(cluster.nimbuses.length).toBeGreaterThan(0);
    expect(cluster.supervisors.length).toBeGreaterThan(0);
    const leader = await client.getLeader();
    expect(leader.isLeader).toBe(true);
    expect(leader.version).toMatch(/^2\./);
    await expect(client.assertLeader()).resolves.toMatchObject({ isLeader: true });
    timings["stormVersion"] = leader.version;
  });

  it("uploads, submits, runs, deactivates/activates and kills a Python shell topology", async () => {
    const t0 = performance.now();
    let progressCalls = 0;
    const location = await client.uploadJar(jarPath, () => progressCalls++);
    timings["uploadMs"] = Math.round(performance.now() - t0);
    expect(location).toMatch(/\.jar$/);
    expect(progressCalls).toBeGreaterThan(1);

    const t1 = performance.now();
    await client.submitTopology(name, location, description.config, topology);
    timings["submitCallMs"] = Math.round(performance.now() - t1);

    const summary = await client.findTopologyByName(name);
    expect(summary).toBeDefined();
    expect((await client.getClusterInfo()).topologies.map((t) => t.name)).toContain(name);

    // A second submit under the same name is refused.
    await expect(client.submitTopology(name, location, description.config, topology)).rejects.toBeInstanceOf(NimbusAlreadyAliveError);

    // Running = the Python bolt has written tuples it received from the Python spout.
    const boltFiles = (): string[] => readdirSync(outDir).filter((f) => /^bolt-\d+\.txt$/.test(f));
    const lines = (f: string): string[] => readFileSync(join(outDir, f), "utf8").split("\n").filter(Boolean);
    const seen = (): string[] => boltFiles().flatMap(lines);
    const deadline = Date.now() + 150_000;
    while (seen().length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    timings["submitToTuplesMs"] = Math.round(performance.now() - t1);
    expect(seen().length).toBeGreaterThanOrEqual(20);

    const info = await client.getTopologyInfo(summary!.id);
    expect(info.name).toBe(name);
    expect(info.status).toBe("ACTIVE");
    const components = new Set(info.executors.map((e) => e.component_id));
    expect(components).toContain("words");
    expect(components).toContain("sink");
    expect(info.executors.filter((e) => e.component_id === "sink")).toHaveLength(2);
    expect(info.errors["sink"] ?? []).toEqual([]);
    expect(info.errors["words"] ?? []).toEqual([]);

    // Fields grouping: each word reaches exactly one bolt task.
    const byFile = new Map<string, Set<string>>();
    for (const f of boltFiles()) byFile.set(f, new Set(lines(f).map((l) => l.split(" ")[1]!)));
    expect(byFile.size).toBe(2); // one file per bolt task
    const owners = new Map<string, number>();
    for (const words of byFile.values()) for (const w of words) owners.set(w, (owners.get(w) ?? 0) + 1);
    for (const [, count] of owners) expect(count).toBe(1);

    await client.deactivate(name);
    expect((await client.findTopologyByName(name))!.status).toBe("INACTIVE");
    await client.activate(name);
    expect((await client.findTopologyByName(name))!.status).toBe("ACTIVE");

    const t2 = performance.now();
    await client.killTopology(name, 0);
    const killDeadline = Date.now() + 60_000;
    while ((await client.findTopologyByName(name)) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 500));
    timings["killToGoneMs"] = Math.round(performance.now() - t2);
    expect(await client.findTopologyByName(name)).toBeUndefined();
    await expect(client.killTopology(name)).rejects.toBeInstanceOf(NimbusNotAliveError);
  }, 240_000);

  it("reports Storm's own message for a topology Nimbus rejects", async () => {
    const location = await client.uploadJar(new Uint8Array(readFileSync(jarPath)));
    // Bypass squall's checks: subscribe on a field the spout does not emit.
    const bad: StormTopology = {
      ...topology,
      bolts: {
        sink: {
          ...topology.bolts["sink"]!,
          common: { ...topology.bolts["sink"]!.common, inputs: [[{ componentId: "words", streamId: "default" }, { fields: ["nope"] }]] },
        },
      },
    };
    const err = await client.submitTopology(`${name}-bad`, location, description.config, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NimbusInvalidTopologyError);
    expect((err as Error).message).toMatch(/non-existent fields: \[nope\]/);
  });

  // Storm 2.8.3's JsonSerializer casts the emit's "task" to Long while json-smart parses small numbers as
  // Integer: a multilang direct emit kills the worker (ClassCastException). This test pins that down, and
  // reads it back through TopologyInfo.errors; if a Storm release fixes it, the delivery branch checks that
  // every tuple reached the one task the spout named.
  it("direct stream from a Python spout: delivered to the named task, or Storm's Integer->Long cast bug", async () => {
    const directName = `${name}-direct`;
    const directOut = join(dir, "direct-out");
    await mkdir(directOut, { recursive: true });
    const python = pythonExe();
    const d: TopologyDescription = {
      name: directName,
      config: { ...description.config, "squall.test.dir": directOut },
      components: [
        {
          id: "words",
          type: "spout",
          implementation: { kind: "shell", command: python, script: "direct_spout.py" },
          parallelism: 1,
          inputs: [],
          outputs: { direct: { fields: ["word", "n"], direct: true } },
          config: {},
        },
        {
          id: "sink",
          type: "bolt",
          implementation: { kind: "shell", command: python, script: "bolt.py" },
          parallelism: 3,
          inputs: [{ component: "words", stream: "direct", grouping: { type: "direct" } }],
          outputs: {},
          config: {},
        },
      ],
    };
    const location = await client.uploadJar(jarPath);
    await client.submitTopology(directName, location, d.config, toStormTopology(d));
    try {
      const id = (await client.findTopologyByName(directName))!.id;
      const files = (): string[] => readdirSync(directOut).filter((f) => /^bolt-\d+\.txt$/.test(f));
      const count = (f: string): number => readFileSync(join(directOut, f), "utf8").split("\n").filter(Boolean).length;
      const spoutErrors = async (): Promise<string[]> => ((await client.getTopologyInfo(id)).errors["words"] ?? []).map((e) => e.error);
      const deadline = Date.now() + 150_000;
      let errors: string[] = [];
      while (Date.now() < deadline) {
        errors = await spoutErrors();
        if (errors.length > 0 || files().reduce((n, f) => n + count(f), 0) >= 50) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      if (errors.length > 0) {
        expect(errors.join("\n")).toMatch(/java\.lang\.Integer cannot be cast to class java\.lang\.Long/);
        timings["multilangDirectEmit"] = "broken (Storm JsonSerializer ClassCastException)";
        console.warn("[nimbus.integration] Storm's JsonSerializer still breaks multilang direct emits (Integer -> Long cast)");
      } else {
        const withTuples = files().filter((f) => count(f) > 0);
        expect(withTuples).toHaveLength(1);
        timings["multilangDirectEmit"] = "works";
      }
    } finally {
      await client.killTopology(directName, 0);
    }
  }, 240_000);

  it("measures a larger upload", async () => {
    const bytes = randomBytes(16 * 1024 * 1024);
    const t0 = performance.now();
    await client.uploadJar(bytes);
    timings["upload16MiBMs"] = Math.round(performance.now() - t0);
  });
});
