/**
 * The Flux YAML from `squall flux` run by Storm's own LocalCluster (no cluster daemons): the word count's
 * squall components start as Flux shell components from the jar `squall jar` wrote, and count.
 * Needs Java and the STORM_HOME test/services/storm/install.sh assembles; skipped loudly without them,
 * failing instead when CI=true.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(new URL("../..", import.meta.url).pathname);
const stormHome = process.env["STORM_HOME"] ?? path.join(os.homedir(), ".cache/squall", `storm-${process.env["SQUALL_STORM_VERSION"] ?? "2.8.3"}`);
const hasJava = (() => {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const ready = hasJava && fs.existsSync(path.join(stormHome, "lib")) && fs.existsSync(path.join(stormHome, "flux"));
if (!ready) {
  const why = `no Java or no STORM_HOME at ${stormHome} (run test/services/storm/install.sh)`;
  if (process.env["CI"] === "true") throw new Error(`test/storm/flux-local.integration.test.ts cannot run: ${why}`);
  console.warn(`!!! SKIPPING test/storm/flux-local.integration.test.ts: ${why}`);
}

describe.skipIf(!ready)("squall flux under Storm's LocalCluster", () => {
  it("runs the word count's components from the jar and counts", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-flux-local-"));
    const jar = path.join(dir, "wordcount.jar");
    const yaml = path.join(dir, "wordcount.yaml");
    const cli = path.join(root, "dist/adapters/cli/main.js");
    await run(process.execPath, [cli, "jar", "examples/wordcount/topology.ts", "-o", jar], { cwd: root });
    await run(process.execPath, [cli, "flux", "examples/wordcount/topology.ts", "-o", yaml], { cwd: root });
    expect(fs.readFileSync(yaml, "utf8")).toContain("org.apache.storm.flux.wrappers.bolts.FluxShellBolt");
    const logs = path.join(dir, "logs");
    // The topology jar comes first on the classpath: local mode takes resources/ from the first entry holding it.
    await run(
      "java",
      [
        `-Dstorm.jar=${jar}`,
        "-Dstorm.local.sleeptime=20",
        `-Dstorm.log.dir=${logs}`,
        "-Dlogfile.name=local.log",
        `-Dlog4j.configurationFile=${path.join(stormHome, "log4j2/cluster.xml")}`,
        "-cp",
        [jar, path.join(stormHome, "lib/*"), path.join(stormHome, "flux/*")].join(":"),
        "org.apache.storm.LocalCluster",
        "org.apache.storm.flux.Flux",
        yaml,
      ],
      { cwd: dir, maxBuffer: 256 * 1024 * 1024, timeout: 150_000 },
    );
    const log = fs.readFileSync(path.join(logs, "local.log"), "utf8");
    expect(log).toMatch(/name:count count the \d+000/);
    expect(log).not.toMatch(/Class is not registered|ClassCastException/);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 200_000);
});
