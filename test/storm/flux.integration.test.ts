/**
 * toFluxYaml against real Flux (STORM_HOME/flux/flux-core-*.jar, as test/services/storm/install.sh lays it
 * out): a --dry-run build of a topology using every non-direct grouping, then a --remote submission whose
 * jar merges flux-core (the workers need FluxShellSpout/FluxShellBolt) and runs Python shell components.
 * Skipped loudly without Java, the Flux jar or a Nimbus; fails instead when CI=true.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeJar } from "../../adapters/storm/jar.ts";
import { NimbusClient } from "../../adapters/storm/thrift/nimbus.ts";
import { toFluxYaml } from "../../lib/storm/mod.ts";
import type { TopologyDescription } from "../../lib/topology/description.ts";
import { BOLT_PY, MULTILANG_PY, SPOUT_PY, enabled, host, port, pythonWordsTopology } from "./multilang.fixture.ts";

const run = promisify(execFile);
const stormHome = process.env["STORM_HOME"] ?? join(homedir(), ".cache/squall", `storm-${process.env["SQUALL_STORM_VERSION"] ?? "2.8.3"}`);
const fluxJar = existsSync(join(stormHome, "flux")) ? readdirSync(join(stormHome, "flux")).find((f) => /^flux-core-.*\.jar$/.test(f)) : undefined;
const hasJava = (() => {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const ready = hasJava && fluxJar !== undefined;
if (!ready) {
  const msg = `\n!!! SKIPPING test/storm/flux.integration.test.ts: ${hasJava ? `no flux-core jar under ${stormHome}/flux` : "no java"}. Run test/services/storm/install.sh.\n`;
  if (process.env["CI"] === "true") throw new Error(msg + "CI=true: Flux is required here.");
  console.warn(msg);
}

const classpath = (...extra: string[]): string => [join(stormHome, "lib-worker/*"), join(stormHome, "conf"), ...extra].join(":");

describe.skipIf(!ready)("Flux", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "squall-flux-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("builds toFluxYaml's output (--dry-run): wrappers, named streams, config methods, every non-direct grouping", async () => {
    const d: TopologyDescription = {
      name: "flux-dry",
      config: { "topology.workers": 1 },
      components: [
        {
          id: "words",
          type: "spout",
          implementation: { kind: "shell", command: "python3", script: "spout.py" },
          parallelism: 1,
          inputs: [],
          outputs: { default: { fields: ["word", "n"], direct: false }, other: { fields: ["x"], direct: false } },
          config: { "topology.max.spout.pending": 10 },
        },
        {
          id: "java-spout",
          type: "spout",
          implementation: { kind: "java", className: "org.apache.storm.testing.TestWordSpout", args: [] },
          parallelism: 1,
          numTasks: 2,
          inputs: [],
          outputs: { default: { fields: ["word"], direct: false } },
          config: {},
        },
        {
          id: "sink",
          type: "bolt",
          implementation: { kind: "squall" },
          parallelism: 2,
          numTasks: 4,
          inputs: [
            { component: "words", stream: "default", grouping: { type: "fields", fields: ["word"] } },
            { component: "words", stream: "other", grouping: { type: "shuffle" } },
            { component: "java-spout", stream: "default", grouping: { type: "custom", className: "org.apache.storm.testing.NGrouping", args: [2] } },
          ],
          outputs: {},
          config: { "topology.tick.tuple.freq.secs": 5 },
        },
        {
          id: "log",
          type: "bolt",
          implementation: { kind: "java", className: "org.apache.storm.flux.wrappers.bolts.LogInfoBolt", args: [] },
          parallelism: 1,
          inputs: [
            { component: "words", stream: "default", grouping: { type: "global" } },
            { component: "words", stream: "other", grouping: { type: "all" } },
            { component: "java-spout", stream: "default", grouping: { type: "none" } },
            { component: "words", stream: "default", grouping: { type: "localOrShuffle" } },
          ],
          outputs: {},
          config: {},
        },
      ],
    };
    const yamlPath = join(dir, "dry.yaml");
    await writeFile(yamlPath, toFluxYaml(d));
    const { stdout } = await run("java", ["-cp", classpath(join(stormHome, "flux", fluxJar!)), "org.apache.storm.flux.Flux", "--dry-run", yamlPath], {
      timeout: 60_000,
    });
    expect(stdout).toContain("Topology Name: flux-dry");
    expect(stdout).toMatch(/words \[1\] \(org\.apache\.storm\.flux\.wrappers\.spouts\.FluxShellSpout\)/);
    expect(stdout).toMatch(/sink \[2\] \(org\.apache\.storm\.flux\.wrappers\.bolts\.FluxShellBolt\)/);
    for (const g of ["FIELDS", "SHUFFLE", "CUSTOM", "GLOBAL", "ALL", "NONE", "LOCAL_OR_SHUFFLE"]) expect(stdout).toContain(`--${g}-->`);
  });

  it.skipIf(!enabled)("submits with Flux --remote a jar that merges flux-core, and the Python components run", async () => {
    const name = `squall-flux-${process.pid}`;
    const outDir = join(dir, "out");
    await mkdir(join(dir, "bundle"), { recursive: true });
    await mkdir(outDir, { recursive: true });
    await writeFile(join(dir, "bundle/multilang.py"), MULTILANG_PY);
    await writeFile(join(dir, "bundle/spout.py"), SPOUT_PY);
    await writeFile(join(dir, "bundle/bolt.py"), BOLT_PY);
    const jarPath = join(dir, "flux-topo.jar");
    const jar = await writeJar(jarPath, { resourcesDir: join(dir, "bundle"), mergeJars: [join(stormHome, "flux", fluxJar!)] });
    expect(jar.entries).toContain("org/apache/storm/flux/wrappers/bolts/FluxShellBolt.class");
    const d: TopologyDescription = pythonWordsTopology(name, outDir);
    const yamlPath = join(dir, "remote.yaml");
    await writeFile(yamlPath, toFluxYaml(d));
    const client = await NimbusClient.connect(host!, port);
    try {
      const t0 = performance.now();
      await run("java", ["-Dstorm.jar=" + jarPath, "-cp", classpath(jarPath), "org.apache.storm.flux.Flux", "--remote", yamlPath], { timeout: 120_000 });
      const submitted = Math.round(performance.now() - t0);
      expect(await client.findTopologyByName(name)).toBeDefined();
      const lines = (): number =>
        readdirSync(outDir)
          .filter((f) => f.startsWith("bolt-"))
          .reduce((n, f) => n + readFileSync(join(outDir, f), "utf8").split("\n").filter(Boolean).length, 0);
      const deadline = Date.now() + 150_000;
      while (lines() < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
      console.info(`[flux.integration] flux --remote took ${submitted} ms; tuples seen ${Math.round(performance.now() - t0)} ms after launch`);
      expect(lines()).toBeGreaterThanOrEqual(20);
    } finally {
      await client.killTopology(name, 0).catch(() => undefined);
      await client.close();
    }
  }, 300_000);
});
