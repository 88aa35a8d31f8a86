/**
 * The peers squall is measured against, installed at bench time and never committed: Storm's own
 * storm.js (resources/storm.js of the Maven Central artifact org.apache.storm:multilang-javascript,
 * read from squall's cache or fetched with mvn) and pystorm, streamparse's multilang layer
 * (pip-installed from PyPI into a throwaway virtualenv). Each gets the same pass-through bolt squall's
 * EchoBolt is: emit the input's values anchored to it, then ack.
 *
 * Used by bench/protocol.ts (one process on a Storm-like harness) and bench/storm.ts (the same bolt as
 * a shell component on the real cluster, shipped in the jar with shell({ files })).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const STORM_VERSION = "2.8.3";

const cacheDir = (): string => process.env["SQUALL_CACHE"] ?? path.join(os.homedir(), ".cache", "squall");

/**
 * Finds (or fetches with mvn) multilang-javascript, extracts resources/storm.js into `dir` and writes
 * `dir`/echo-bolt.js (a BasicBolt) next to it; returns that script's path.
 */
export function stormJs(dir: string): string {
  const storm = STORM_VERSION;
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

/**
 * A throwaway virtualenv with pystorm in `dir`/venv, and `dir`/echo_bolt.py (a pass-through Bolt);
 * returns [the venv's python, the script].
 */
export function pystorm(dir: string): string[] {
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

/** pystorm's version in the venv behind `python`, for labels ("" when it cannot be read). */
export function pystormVersion(python: string): string {
  try {
    return execFileSync(python, ["-c", "import pystorm;print(pystorm.__version__)"]).toString().trim();
  } catch {
    return "";
  }
}

export interface InstalledPeers {
  /** `<root>/stormjs`: storm.js, package.json and echo-bolt.js, or why it could not be installed. */
  readonly stormJs: { readonly dir: string; readonly script: string } | { readonly skipped: string };
  /** `<root>/pystorm`: the venv and echo_bolt.py, or why it could not be installed. */
  readonly pystorm: { readonly dir: string; readonly argv: readonly [string, string]; readonly version: string } | { readonly skipped: string };
}

/**
 * Installs both peers under `root` once: a second call with the same root (the Storm bench after the
 * protocol bench, in one `npm run bench`) reuses them. A peer whose install fails carries the reason.
 */
export function installPeers(root: string, log: (text: string) => void = () => {}): InstalledPeers {
  const jsDir = path.join(root, "stormjs");
  let js: InstalledPeers["stormJs"];
  if (fs.existsSync(path.join(jsDir, "echo-bolt.js"))) js = { dir: jsDir, script: path.join(jsDir, "echo-bolt.js") };
  else {
    fs.mkdirSync(jsDir, { recursive: true });
    try {
      js = { dir: jsDir, script: stormJs(jsDir) };
    } catch (error) {
      js = { skipped: (error as Error).message };
    }
  }
  const pyDir = path.join(root, "pystorm");
  let py: InstalledPeers["pystorm"];
  const python = path.join(pyDir, "venv", "bin", "python");
  const installed = fs.existsSync(path.join(pyDir, "echo_bolt.py")) ? pystormVersion(python) : "";
  if (installed !== "") {
    py = { dir: pyDir, argv: [python, path.join(pyDir, "echo_bolt.py")], version: installed };
  } else {
    fs.mkdirSync(pyDir, { recursive: true });
    try {
      log("  installing pystorm into a throwaway virtualenv...");
      const [exe, script] = pystorm(pyDir);
      py = { dir: pyDir, argv: [exe!, script!], version: pystormVersion(exe!) };
    } catch (error) {
      py = { skipped: (error as Error).message };
    }
  }
  return { stormJs: js, pystorm: py };
}

/**
 * Where this run keeps its peers: `npm run bench` sets SQUALL_BENCH_PEERS to one throwaway folder for
 * every bench (and removes it at the end); a bench run alone makes its own. `owned` says the caller
 * must remove it.
 */
export function peersRoot(): { readonly root: string; readonly owned: boolean } {
  const shared = process.env["SQUALL_BENCH_PEERS"];
  if (shared) return { root: shared, owned: false };
  return { root: fs.mkdtempSync(path.join(os.tmpdir(), "squall-bench-peers-")), owned: true };
}
