import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fields, java, shell, Spout, toDot, toMermaid, toSvg, topology } from "squall";
import classes from "../../examples/wordcount/topology.ts";
import piped from "../../examples/wordcount/pipeline.ts";

const root = path.resolve(import.meta.dirname, "../..");
const cli = path.join(root, "dist/adapters/cli/main.js");

class Lines extends Spout({ outputs: { default: fields("line"), "odd\"name": fields("x") } }) {
  nextTuple() {}
}

/** Tags open and close in pairs (a cheap well-formedness check without an XML parser). */
const balanced = (svg: string): boolean => {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === "/") continue;
    if (m[1] === "/") {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0;
};

describe("renderers", () => {
  const d = piped.describe();

  it("DOT shows components, fused operators, groupings and parallelism", () => {
    const dot = toDot(d);
    expect(dot).toContain('digraph "wordcount"');
    expect(dot).toContain('"split" [label="split\\nbolt ×2\\n· flatMap\\n· keyBy(word)');
    expect(dot).toContain('"sentences" -> "split" [label="shuffle"]');
    expect(dot).toContain('"split" -> "count" [label="fields(word)"]');
  });

  it("Mermaid shows the same", () => {
    const mmd = toMermaid(classes.describe());
    expect(mmd.split("\n")[0]).toBe("flowchart LR");
    expect(mmd).toContain('c0(["<b>sentences</b><br/>spout ×1<br/>→ [sentence]"])');
    expect(mmd).toContain('c1 -->|"fields(word)"| c2');
  });

  it("SVG is well formed and shows every component and edge label", () => {
    const svg = toSvg(d);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(balanced(svg)).toBe(true);
    for (const text of ["sentences", "split", "count", "shuffle", "fields(word)", "· flatMap", "· keyBy(word)", "bolt ×2"]) expect(svg).toContain(text);
    // layered left to right: spout, then split, then count
    const x = (id: string) => Number(new RegExp(`data-id="${id}">\\s*<rect x="([\\d.]+)"`).exec(svg)![1]);
    expect(x("sentences")).toBeLessThan(x("split"));
    expect(x("split")).toBeLessThan(x("count"));
  });

  it("escapes names and draws shell, JVM and multi-input components", () => {
    const t = topology("odd")
      .spout("lines", Lines)
      .bolt("py", shell({ command: "python3", script: "a<b>.py", outputs: { default: ["w"] } }))
      .shuffle("lines")
      .shuffle(["lines", 'odd"name'])
      .bolt("jvm", java({ className: "com.example.Sink" }))
      .fields("py", ["w"])
      .describe();
    const svg = toSvg(t);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain("shell: python3 a&lt;b&gt;.py");
    expect(svg).toContain("java: Sink");
    expect(toDot(t)).toContain('[label="odd\\"name: shuffle"]');
    expect(toMermaid(t)).toContain("odd#quot;name: shuffle");
  });
});

describe("squall visualize (built CLI)", () => {
  beforeAll(() => {
    const newest = (dir: string): number =>
      fs.readdirSync(dir, { withFileTypes: true, recursive: true }).reduce((m, e) => (e.isFile() && e.name.endsWith(".ts") ? Math.max(m, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs) : m), 0);
    const sources = Math.max(newest(path.join(root, "lib")), newest(path.join(root, "adapters")));
    const built = fs.existsSync(cli) && fs.existsSync(path.join(root, "dist/adapters/cli/visualize.js")) ? fs.statSync(path.join(root, "dist/adapters/cli/visualize.js")).mtimeMs : 0;
    if (built < sources) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "pipe" });
  });

  const run = (...args: string[]) => execFileSync("node", [cli, "visualize", ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  it("prints Mermaid by default", () => {
    const out = run("examples/wordcount/topology.ts");
    expect(out).toContain("flowchart LR");
    expect(out).toContain('c1 -->|"fields(word)"| c2');
  });

  it("writes SVG, DOT and Mermaid files picked by extension", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-viz-"));
    run("examples/wordcount/topology.ts", "-o", path.join(dir, "x.svg"));
    run("examples/wordcount/pipeline.ts", "-o", path.join(dir, "x.dot"));
    run("examples/wordcount/pipeline.ts", "-o", path.join(dir, "x.mmd"));
    const svg = fs.readFileSync(path.join(dir, "x.svg"), "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain("fields(word)");
    expect(fs.readFileSync(path.join(dir, "x.dot"), "utf8")).toContain("· keyBy(word)");
    expect(fs.readFileSync(path.join(dir, "x.mmd"), "utf8")).toContain("flowchart LR");
  });

  it("uses a named export with --export, and explains an unknown extension", () => {
    expect(run("examples/wordcount/pipeline.ts", "--export", "default", "--format", "dot")).toContain("digraph");
    let stderr = "";
    try {
      run("examples/wordcount/topology.ts", "-o", "/tmp/x.png");
    } catch (error) {
      stderr = String((error as { stderr?: string }).stderr);
    }
    expect(stderr).toContain('cannot tell the format of /tmp/x.png from ".png"');
  });
});
