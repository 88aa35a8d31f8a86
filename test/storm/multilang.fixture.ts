import type { TopologyDescription } from "../../lib/topology/description.ts";
/** Shared by the integration tests: where Nimbus is, and a tiny Python multilang spout and bolt. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";

export const [host, portText] = (process.env["STORM_NIMBUS"] ?? "127.0.0.1:6627").split(":");
export const port = Number(portText ?? 6627);

export const listening = await new Promise<boolean>((resolve) => {
  const s = net.connect({ host: host!, port });
  s.setTimeout(1000, () => (s.destroy(), resolve(false)));
  s.once("connect", () => (s.destroy(), resolve(true)));
  s.once("error", () => resolve(false));
});
export const configured = process.env["STORM_NIMBUS"] !== undefined;
export const enabled = configured || listening;
/** Warns loudly (or throws when CI=true) when `file` must skip for want of a Nimbus. */
export function requireNimbusOrWarn(file: string): void {
  if (enabled) return;
  const msg =
    `\n!!! SKIPPING ${file}: no Nimbus (STORM_NIMBUS unset, nothing on ${host}:${port}).\n` +
    "!!! Start one with test/services/storm/start.sh, or set STORM_NIMBUS=host:port.\n";
  if (process.env["CI"] === "true") throw new Error(msg + "CI=true: a Nimbus is required here.");
  console.warn(msg);
}

// The multilang side, written for these tests: JSON messages ended by a line "end" (read, send,
// handshake). The same module the shipped-files fixture's Python bolt imports.
export const MULTILANG_PY = readFileSync(new URL("../fixtures/storm/shipped/python/multilang.py", import.meta.url), "utf8");

export const SPOUT_PY = String.raw`
import time
from multilang import read, send, handshake
conf, context = handshake()
words = ["storm", "squall", "gale", "breeze"]
n = 0
while True:
    msg = read()
    cmd = msg.get("command")
    if cmd == "next" and n < 500:
        n += 1
        send({"command": "emit", "id": str(n), "tuple": [words[n % 4], n], "need_task_ids": False})
    elif cmd == "next":
        time.sleep(0.05)
    send({"command": "sync"})
`;

/** Emits 200 tuples on stream "direct" to the lowest task of component "sink" (chosen via the context). */
export const DIRECT_SPOUT_PY = String.raw`
import time
from multilang import read, send, handshake
conf, context = handshake()
target = min(int(t) for t, c in context["task->component"].items() if c == "sink")
n = 0
while True:
    msg = read()
    if msg.get("command") == "next" and n < 200:
        n += 1
        send({"command": "emit", "id": str(n), "stream": "direct", "task": target, "tuple": ["w%d" % (n % 7), n]})
    elif msg.get("command") == "next":
        time.sleep(0.05)
    send({"command": "sync"})
`;

export const BOLT_PY = String.raw`
import os
from multilang import read, send, handshake
conf, context = handshake()
out = open(os.path.join(conf["squall.test.dir"], "bolt-%d.txt" % context["taskid"]), "a")
while True:
    t = read()
    if t.get("stream") == "__heartbeat":
        send({"command": "sync"})
        continue
    out.write("%s %s %s\n" % (t["stream"], t["tuple"][0], t["tuple"][1]))
    out.flush()
    send({"command": "ack", "id": t["id"]})
`;

export const pythonExe = (): string => execFileSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();


/** The Python test topology: spout.py ("words": word, n) -> bolt.py ("sink", 2 tasks, fields grouping on word). */
export function pythonWordsTopology(name: string, outDir: string, config: Record<string, unknown> = {}): TopologyDescription {
  const python = pythonExe();
  return {
    name,
    config: { "topology.workers": 1, "topology.max.spout.pending": 50, "squall.test.dir": outDir, ...config },
    components: [
      {
        id: "words",
        type: "spout",
        implementation: { kind: "shell", command: python, script: "spout.py" },
        parallelism: 1,
        inputs: [],
        outputs: { default: { fields: ["word", "n"], direct: false } },
        config: {},
      },
      {
        id: "sink",
        type: "bolt",
        implementation: { kind: "shell", command: python, script: "bolt.py" },
        parallelism: 2,
        inputs: [{ component: "words", stream: "default", grouping: { type: "fields", fields: ["word"] } }],
        outputs: {},
        config: {},
      },
    ],
  };
}
