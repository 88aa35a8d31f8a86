import * as t from "io-ts";
import { describe, expect, it } from "vitest";
import { Bolt, fields, ManualBolt, ReliableSpout, Spout, stream, type MessageId, type Tuple } from "../../lib/mod.ts";
import { instantiate } from "../../lib/component/main.ts";
import { createLogger } from "../../lib/component/logger.ts";
import { driveInProcess, MemoryFs } from "../support/in-process.ts";

describe("ReliableSpout", () => {
  class Numbers extends ReliableSpout({ outputs: { default: fields("n") }, maxRetries: 2 }) {
    n = 0;
    dead: [MessageId, readonly unknown[] | object, number][] = [];
    nextTuple() {
      this.emit({ n: this.n }, { id: this.n++ });
    }
    override deadLetter(id: MessageId, values: readonly unknown[] | object, attempts: number) {
      this.dead.push([id, values, attempts]);
    }
  }

  it("replays a failed message on the next nextTuple, up to maxRetries, then dead-letters it", () => {
    const spout = new Numbers();
    const { host, sent } = driveInProcess(spout);
    host.receive({ command: "next" }); // emits n=0
    host.receive({ command: "fail", id: 0 });
    host.receive({ command: "next" }); // replay 0 (attempt 1)
    host.receive({ command: "fail", id: 0 });
    host.receive({ command: "next" }); // replay 0 (attempt 2)
    host.receive({ command: "fail", id: 0 }); // third failure: given up
    host.receive({ command: "next" }); // new message n=1
    const emits = sent.filter((m) => "command" in m && m.command === "emit").map((m) => (m as { id: unknown }).id);
    expect(emits).toEqual([0, 0, 0, 1]);
    expect(spout.dead).toEqual([[0, { n: 0 }, 3]]);
    expect(spout.pendingCount).toBe(1);
    host.receive({ command: "ack", id: 1 });
    expect(spout.pendingCount).toBe(0);
  });
});

describe("emit checks", () => {
  class Loose extends Bolt({ outputs: { default: stream({ word: t.string }), side: fields("a") } }) {
    process(tuple: Tuple): any {
      const mode = tuple.values[0];
      if (mode === "undeclared") return this.ack({ _tag: "emit", stream: "nope", values: { a: 1 } } as never);
      if (mode === "missing") return this.ack(this.emit({} as never));
      if (mode === "wrong-type") return this.ack(this.emit({ word: 3 } as never));
      if (mode === "task") return this.ack(this.emit({ word: "x" }, { task: 3 }));
      if (mode === "not-an-emit") return this.ack("hello" as never);
      return this.ack(this.emit({ word: "ok" }), this.emit({ a: 1 }, { stream: "side", anchors: [] }));
    }
  }

  const run = (mode: string, conf: Record<string, unknown> = {}) => {
    const d = driveInProcess(new Loose(), conf);
    d.tuple("t", [mode]);
    return d.sent.slice(1) as any[];
  };

  it("fails the tuple and names the stream choices for an undeclared stream", () => {
    const [fail, error] = run("undeclared");
    expect(fail).toEqual({ command: "fail", id: "t" });
    expect(error.msg).toContain('stream "nope" is not declared by Loose; declared streams: default, side');
  });
  it("names a missing field", () => {
    expect(run("missing")[1].msg).toContain('field "word" is missing; the stream\'s fields are [word]');
  });
  it("checks values against the stream's codecs when squall.validate.emits is on", () => {
    expect(run("wrong-type")[0]).toEqual({ command: "emit", tuple: [3], anchors: ["t"], need_task_ids: false });
    const checked = run("wrong-type", { "squall.validate.emits": true });
    expect(checked[0]).toEqual({ command: "fail", id: "t" });
    expect(checked[1].msg).toContain('do not fit stream "default"');
  });
  it("refuses a task on a non-direct stream", () => {
    expect(run("task")[1].msg).toContain("a task was given but the stream is not declared direct");
  });
  it("refuses values that are not emits", () => {
    expect(run("not-an-emit")[1].msg).toContain("is not an emit");
  });
  it("an explicit empty anchor list emits unanchored", () => {
    expect(run("ok")).toEqual([
      { command: "emit", tuple: ["ok"], anchors: ["t"], need_task_ids: false },
      { command: "emit", stream: "side", tuple: [1], need_task_ids: false },
      { command: "ack", id: "t" },
    ]);
  });
});

describe("ManualBolt", () => {
  class Twice extends ManualBolt({ outputs: { default: fields("v") } }) {
    errors: string[] = [];
    process(tuple: Tuple) {
      this.ackTuple(tuple);
      try {
        this.ackTuple(tuple);
      } catch (e) {
        this.errors.push((e as Error).message);
      }
      try {
        this.emit({ v: 1 }, { anchors: [tuple] });
      } catch (e) {
        this.errors.push((e as Error).message);
      }
    }
  }
  it("refuses a second ack and anchoring to an acked tuple, which would kill a Storm worker", () => {
    const bolt = new Twice();
    const { tuple, sent } = driveInProcess(bolt);
    tuple("x", [1]);
    expect(sent.slice(1)).toEqual([{ command: "ack", id: "x" }]);
    expect(bolt.errors[0]).toContain("was already acked or failed");
    expect(bolt.errors[1]).toContain("anchor x is not a pending input tuple");
  });
});

describe("components before the handshake", () => {
  class Early extends Spout({ outputs: { default: fields("n") } }) {
    nextTuple() {}
  }
  it("explain that conf and log come from initialize() on", () => {
    expect(() => new Early().conf).toThrowError(/available from initialize\(\) on/);
  });
  it("instantiate rejects things that are not components, listing what is accepted", () => {
    expect(() => instantiate({}, "Thing")).toThrowError(/Thing is not a squall component/);
    expect(instantiate(Early, "Early")).toBeInstanceOf(Early);
    expect(instantiate(() => new Early(), "factory")).toBeInstanceOf(Early);
  });
});

describe("logger", () => {
  it("rotates files at max_bytes, keeping backup_count old files", () => {
    const fs = new MemoryFs();
    const log = createLogger({ level: "info", prefix: "c[1]", file: { fs, path: "logs/x.log", maxBytes: 200, backupCount: 2 } });
    for (let i = 0; i < 20; i++) log.info(`line ${i} ${"x".repeat(40)}`);
    expect([...fs.files.keys()].sort()).toEqual(["logs/x.log", "logs/x.log.1", "logs/x.log.2"]);
    for (const text of fs.files.values()) expect(text.length).toBeLessThanOrEqual(200);
    expect(fs.files.get("logs/x.log")).toContain("line 19");
    log.debug("hidden");
    expect([...fs.files.values()].join("")).not.toContain("hidden");
  });
  it("writes component logs to a file when squall.log.dir is set", () => {
    class Talk extends Bolt({ outputs: {} }) {
      process(_t: Tuple) {
        this.log.warn("careful");
        return this.ack();
      }
    }
    const d = driveInProcess(new Talk(), { "squall.log.dir": "logs" });
    d.tuple("a", [1]);
    expect(d.fs.files.get("logs/unit_me_2_4242.log")).toMatch(/WARN  me\[2\] careful/);
    expect(d.sent.some((m) => "command" in m && m.command === "log")).toBe(false);
  });
});
