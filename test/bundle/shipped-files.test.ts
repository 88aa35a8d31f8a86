/**
 * shell({ files }): what a shell component ships lands in the bundle (and so in the jar's resources/)
 * at its path relative to the topology module's folder; missing files, a script left out and names
 * squall's bundle uses are refused with the component named. The real-cluster run of a shipped Python
 * bolt is in test/storm/cli.integration.test.ts; the squall run one in test/engine/run.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleTopology, BundleError } from "../../adapters/bundle/bundle.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "squall-shipped-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A module folder with `files` and a topology whose bolt is shell({ script, files }). */
function project(name: string, script: string, shipped: string[], files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  fs.writeFileSync(
    path.join(dir, "topology.ts"),
    `import { fields, shell, Spout, topology } from "squall";
export class Words extends Spout({ outputs: { default: fields("word") } }) { nextTuple() {} }
const Py = shell({ command: "python3", script: ${JSON.stringify(script)}, files: ${JSON.stringify(shipped)}, outputs: {} });
export default topology(${JSON.stringify(name)}).spout("words", Words).bolt("py", Py).shuffle("words").build();
`,
  );
  return path.join(dir, "topology.ts");
}

describe("shell({ files }) in bundles", () => {
  it("copies files and folders at their relative paths and lists them", async () => {
    const module = project("ok", "py/split.py", ["py", "data/stop-words.txt"], {
      "py/split.py": "print('split')\n",
      "py/lib/util.py": "X = 1\n",
      "data/stop-words.txt": "a\nthe\n",
      "data/not-shipped.txt": "no\n",
    });
    const out = path.join(tmp, "ok-bundle");
    const result = await bundleTopology({ module, outDir: out });
    expect(fs.readFileSync(path.join(out, "py/split.py"), "utf8")).toBe("print('split')\n");
    expect(fs.readFileSync(path.join(out, "py/lib/util.py"), "utf8")).toBe("X = 1\n");
    expect(fs.readFileSync(path.join(out, "data/stop-words.txt"), "utf8")).toBe("a\nthe\n");
    expect(fs.existsSync(path.join(out, "data/not-shipped.txt"))).toBe(false);
    expect(result.files).toEqual(expect.arrayContaining(["py/split.py", "py/lib/util.py", "data/stop-words.txt"]));
    const py = JSON.parse(fs.readFileSync(path.join(out, "topology.json"), "utf8")).components.find((c: { id: string }) => c.id === "py");
    expect(py.implementation).toEqual({ kind: "shell", command: "python3", script: "py/split.py", files: ["py", "data/stop-words.txt"] });
  });

  it("refuses a file that does not exist, naming the component and where it looked", async () => {
    const module = project("missing", "split.py", ["split.py", "helpers.py"], { "split.py": "" });
    const failure = bundleTopology({ module, outDir: path.join(tmp, "missing-bundle") });
    await expect(failure).rejects.toThrowError(BundleError);
    await expect(failure).rejects.toThrowError(/component "py" ships "helpers.py", but .*missing\/helpers.py does not exist; shell\(\{ files \}\) paths are relative to the topology module's folder/);
  });

  it("refuses a script that is not among the shipped files", async () => {
    const module = project("noscript", "split.py", ["lib.py"], { "split.py": "", "lib.py": "" });
    await expect(bundleTopology({ module, outDir: path.join(tmp, "noscript-bundle") })).rejects.toThrowError(
      /component "py" runs python3 split.py, but split.py is not among the files it ships \(lib.py\); add it to shell\(\{ files \}\)/,
    );
  });

  it("refuses names squall's bundle uses", async () => {
    const module = project("reserved", "components/split.py", ["components"], { "components/split.py": "" });
    await expect(bundleTopology({ module, outDir: path.join(tmp, "reserved-bundle") })).rejects.toThrowError(/component "py" ships "components", but squall's bundle uses that name/);
  });
});
