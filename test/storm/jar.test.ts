import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JarError, buildJar, manifestText, parseZip, readJarEntries, writeJar } from "../../adapters/storm/jar.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "squall-jar-"));
  await mkdir(join(dir, "bundle/components"), { recursive: true });
  await mkdir(join(dir, "bundle/node_modules/dep"), { recursive: true });
  await writeFile(join(dir, "bundle/components/split.mjs"), "console.error('split')\n");
  await writeFile(join(dir, "bundle/topology.json"), "{}\n");
  await writeFile(join(dir, "bundle/node_modules/dep/index.js"), "x".repeat(10_000));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Entry names as Python's zipfile sees them (an independent reader). */
const pythonList = (path: string): string[] =>
  JSON.parse(
    execFileSync("python3", ["-c", "import sys,zipfile,json; print(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))", path], { encoding: "utf8" }),
  );

describe("jar", () => {
  it("writes the manifest first and the folder under resources/, readable by python's zipfile", async () => {
    const out = join(dir, "out/topo.jar");
    const res = await writeJar(out, { resourcesDir: join(dir, "bundle"), manifest: { "Squall-Topology": "word-count" } });
    const names = pythonList(out);
    expect(names).toEqual([
      "META-INF/",
      "META-INF/MANIFEST.MF",
      "resources/",
      "resources/components/",
      "resources/components/split.mjs",
      "resources/node_modules/",
      "resources/node_modules/dep/",
      "resources/node_modules/dep/index.js",
      "resources/topology.json",
    ]);
    expect(res.entries).toEqual(names);
    expect(res.bytes).toBe((await readFile(out)).length);
    const entries = await readJarEntries(out);
    const manifest = Buffer.from(entries.find((e) => e.name === "META-INF/MANIFEST.MF")!.data).toString();
    expect(manifest).toBe("Manifest-Version: 1.0\r\nCreated-By: squall\r\nSquall-Topology: word-count\r\n\r\n");
    expect(Buffer.from(entries.find((e) => e.name === "resources/node_modules/dep/index.js")!.data).toString()).toBe("x".repeat(10_000));
    if (hasUnzip()) expect(execFileSync("unzip", ["-tq", out], { encoding: "utf8" })).toMatch(/No errors/);
  });

  it("is deterministic", async () => {
    const a = await buildJar({ resourcesDir: join(dir, "bundle") });
    await new Promise((r) => setTimeout(r, 1100));
    await writeFile(join(dir, "bundle/topology.json"), "{}\n"); // new mtime, same content
    const b = await buildJar({ resourcesDir: join(dir, "bundle") });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
  });

  it("merges another jar's entries, skipping its manifest and signatures, keeping earlier entries on clashes", async () => {
    const other = join(dir, "serializer.jar");
    await writeJar(other, {
      extraEntries: [
        { name: "org/example/MsgpackSerializer.class", data: new Uint8Array([0xca, 0xfe, 0xba, 0xbe]) },
        { name: "META-INF/SIGNER.SF", data: new Uint8Array([1]) },
        { name: "META-INF/SIGNER.RSA", data: new Uint8Array([2]) },
        { name: "META-INF/services/x.y.Z", data: new Uint8Array([3]) },
        { name: "resources/topology.json", data: new Uint8Array([4]) },
      ],
    });
    const out = join(dir, "merged.jar");
    const res = await writeJar(out, { resourcesDir: join(dir, "bundle"), mergeJars: [other] });
    const names = pythonList(out);
    expect(names.slice(0, 2)).toEqual(["META-INF/", "META-INF/MANIFEST.MF"]);
    expect(names).toContain("org/example/MsgpackSerializer.class");
    expect(names).toContain("META-INF/services/x.y.Z");
    expect(names.filter((n) => n.endsWith(".SF") || n.endsWith(".RSA"))).toEqual([]);
    expect(names.filter((n) => n === "META-INF/MANIFEST.MF")).toHaveLength(1);
    expect(res.duplicates).toEqual(["resources/topology.json"]);
    const merged = await readJarEntries(out);
    expect([...merged.find((e) => e.name === "org/example/MsgpackSerializer.class")!.data]).toEqual([0xca, 0xfe, 0xba, 0xbe]);
    expect(Buffer.from(merged.find((e) => e.name === "resources/topology.json")!.data).toString()).toBe("{}\n");
  });

  it("reads a jar written by another tool (python zipfile, deflated)", async () => {
    const path = join(dir, "py.jar");
    execFileSync("python3", [
      "-c",
      "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED); z.writestr('META-INF/MANIFEST.MF','Manifest-Version: 1.0\\r\\n'); z.writestr('a/B.class', b'\\x00'*5000); z.writestr('s.txt','stored', compress_type=zipfile.ZIP_STORED); z.close()",
      path,
    ]);
    const entries = await readJarEntries(path);
    expect(entries.map((e) => [e.name, e.data.byteLength])).toEqual([
      ["META-INF/MANIFEST.MF", 23],
      ["a/B.class", 5000],
      ["s.txt", 6],
    ]);
  });

  it("explains bad inputs", async () => {
    await expect(writeJar(join(dir, "x.jar"), { resourcesDir: join(dir, "missing") })).rejects.toThrow(/Cannot read the resources folder .*missing.*Build the bundle first/);
    expect(() => parseZip(Buffer.from("not a zip at all, definitely not"), "junk.jar")).toThrow(JarError);
    await expect(buildJar({ extraEntries: [{ name: "../evil", data: new Uint8Array() }] })).rejects.toThrow(/Invalid jar entry name/);
  });

  it("wraps long manifest lines at 72 bytes", () => {
    const text = manifestText({ "Class-Path": "a".repeat(100) });
    for (const line of text.split("\r\n")) expect(line.length).toBeLessThanOrEqual(72);
    expect(text.replace(/\r\n /g, "")).toContain(`Class-Path: ${"a".repeat(100)}`);
  });
});

function hasUnzip(): boolean {
  try {
    execFileSync("unzip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
