/**
 * The conformance suite: plays Storm's side of the multilang protocol against real component processes
 * under Node, Bun and Deno, with both serializers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Child, commandsOf, componentCommand, RUNTIMES, SERIALIZERS, type Runtime } from "../support/storm-side.ts";
import type { SerializerName } from "../../lib/protocol/serializer.ts";

const FIXTURES = "test/fixtures/components.ts";
const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

const tuple = (id: string, values: unknown[], extra: Record<string, unknown> = {}) => ({ id, comp: "sentences", stream: "default", task: 1, tuple: values, ...extra });
const heartbeat = (id = "hb") => ({ id, comp: null, stream: "__heartbeat", task: -1, tuple: [] });

describe.each(RUNTIMES.flatMap((r) => SERIALIZERS.map((s) => [r, s] as [Runtime, SerializerName])))("conformance under %s with %s", (runtime, serializer) => {
  const start = (exportName: string, conf: Record<string, unknown> = {}, context: Record<string, unknown> = {}, handshake = true): Child => {
    const child = new Child(componentCommand(runtime, FIXTURES, exportName, serializer), serializer);
    children.push(child);
    if (handshake) child.handshake(conf, context);
    return child;
  };

  it("answers the handshake with its pid and creates the pid file", async () => {
    const c = start("EchoBolt");
    const [reply] = await c.take(0, 1, "the pid reply");
    expect(reply).toEqual({ pid: c.proc.pid });
    expect(fs.existsSync(path.join(c.pidDir, String(c.proc.pid)))).toBe(true);
  });

  it("spout: every command is answered with sync, reliable emits carry the id, a failed id is replayed", async () => {
    const c = start("CountingSpout");
    await c.take(0, 1);
    c.send({ command: "activate" });
    c.send({ command: "next" });
    c.send({ command: "next" });
    c.send({ command: "ack", id: 0 });
    c.send({ command: "fail", id: 1 });
    c.send({ command: "next" });
    c.send({ command: "deactivate" });
    const got = await c.take(1, 9);
    expect(got).toEqual([
      { command: "sync" },
      { command: "emit", id: 0, tuple: [0], need_task_ids: false },
      { command: "sync" },
      { command: "emit", id: 1, tuple: [1], need_task_ids: false },
      { command: "sync" },
      { command: "sync" },
      { command: "sync" },
      { command: "emit", id: 1, tuple: [1], need_task_ids: false },
      { command: "sync" },
    ]);
    const [deactivated] = await c.take(10, 1);
    expect(deactivated).toEqual({ command: "sync" });
  });

  it("spout: unreliable emits have no id; an async nextTuple is synced only after it finished", async () => {
    const c = start("MixedSpout");
    c.send({ command: "next" });
    c.send({ command: "next" });
    const got = await c.take(1, 4);
    expect(got).toEqual([
      { command: "emit", tuple: [0], need_task_ids: false },
      { command: "sync" },
      { command: "emit", id: 1, tuple: [1], need_task_ids: false },
      { command: "sync" },
    ]);
    const a = start("AsyncSpout");
    a.send({ command: "next" });
    expect(await a.take(1, 2)).toEqual([{ command: "emit", id: "seven", tuple: [7], need_task_ids: false }, { command: "sync" }]);
  });

  it("spout: need_task_ids returns the task ids Storm sends back", async () => {
    const c = start("TaskIdsSpout");
    c.send({ command: "next" });
    const { message } = await c.next(1, (m) => m.command === "emit", "the emit asking for task ids");
    expect(message).toEqual({ command: "emit", tuple: [1], need_task_ids: true });
    c.send([4, 9]);
    const got = await c.take(2, 2);
    expect(got).toEqual([{ command: "emit", stream: "ids", tuple: [[4, 9]], need_task_ids: false }, { command: "sync" }]);
  });

  it("bolt: echoes anchored to the input, then acks it", async () => {
    const c = start("EchoBolt");
    c.send(tuple("t1", ["hello", 3]));
    c.send(tuple("t2", [{ nested: [1, 2] }], { stream: "other" }));
    expect(await c.take(1, 4)).toEqual([
      { command: "emit", tuple: ["hello", 3], anchors: ["t1"], need_task_ids: false },
      { command: "ack", id: "t1" },
      { command: "emit", tuple: [{ nested: [1, 2] }], anchors: ["t2"], need_task_ids: false },
      { command: "ack", id: "t2" },
    ]);
  });

  it("bolt: named streams and direct emits", async () => {
    const c = start("StreamsBolt");
    c.send(tuple("a", [2]));
    c.send(tuple("b", [3]));
    expect(await c.take(1, 4)).toEqual([
      { command: "emit", stream: "even", tuple: [2], anchors: ["a"], need_task_ids: false },
      { command: "ack", id: "a" },
      { command: "emit", stream: "odd", tuple: [3], anchors: ["b"], need_task_ids: false },
      { command: "ack", id: "b" },
    ]);
    const d = start("DirectBolt");
    d.send(tuple("x", [7]));
    expect(await d.take(1, 2)).toEqual([{ command: "emit", task: 7, tuple: [7], anchors: ["x"] }, { command: "ack", id: "x" }]);
  });

  it("bolt: need_task_ids on returns ids in order; off by default", async () => {
    const c = start("TaskIdsBolt");
    c.send(tuple("a", ["v"]));
    const { index } = await c.next(1, (m) => m.command === "emit", "the first emit");
    expect(c.received[index]).toEqual({ command: "emit", tuple: ["v"], anchors: ["a"], need_task_ids: true });
    c.send([3, 5]);
    expect(await c.take(index + 1, 2)).toEqual([
      { command: "emit", stream: "ids", tuple: [[3, 5]], anchors: ["a"], need_task_ids: false },
      { command: "ack", id: "a" },
    ]);
  });

  it("bolt: heartbeats are synced, never acked, even while an async process() is pending", async () => {
    const c = start("SlowAsyncBolt");
    c.send(tuple("slow", [1500]));
    c.send(heartbeat("hb1"));
    const { index } = await c.next(1, (m) => m.command === "sync", "the heartbeat's sync");
    expect(commandsOf(c.received.slice(1, index))).toEqual([]); // nothing from the slow tuple yet
    const rest = await c.take(index + 1, 2);
    expect(rest).toEqual([{ command: "emit", tuple: [1500], anchors: ["slow"], need_task_ids: false }, { command: "ack", id: "slow" }]);
    expect(c.received.some((m: any) => m.command === "ack" && m.id === "hb1")).toBe(false);
  });

  it("bolt: tick tuples reach processTick and are acked", async () => {
    const c = start("TickBolt");
    c.send({ id: "tick1", comp: "__system", stream: "__tick", task: -1, tuple: [1] });
    expect(await c.take(1, 2)).toEqual([{ command: "emit", tuple: [1], need_task_ids: false }, { command: "ack", id: "tick1" }]);
  });

  it("bolt: log levels go to Storm; console and stdout writes never reach the channel", async () => {
    const c = start("LoggingBolt", { "squall.log.level": "trace" });
    c.send(tuple("l", [42]));
    await c.next(1, (m) => m.command === "ack", "the ack");
    const logs = c.received.filter((m: any) => m.command === "log") as { msg: string; level: number }[];
    expect(logs.map((l) => l.level).slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(logs[2]!.msg).toBe('info line {"value":42}');
    expect(logs.some((l) => l.msg === "console.log line" && l.level === 2)).toBe(true);
    expect(logs.some((l) => l.msg === "console.error line" && l.level === 4)).toBe(true);
    if (runtime !== "deno") expect(logs.some((l) => l.msg === "stdout.write line")).toBe(true);
  });

  it("bolt: an exception fails the tuple, reports an error, and processing continues", async () => {
    const c = start("ThrowingBolt");
    c.send(tuple("bad", ["boom"]));
    c.send(tuple("good", ["fine"]));
    const { index } = await c.next(1, (m) => m.command === "ack" && m.id === "good", "the next tuple's ack");
    const before = c.received.slice(1, index + 1) as any[];
    expect(before[0]).toEqual({ command: "fail", id: "bad" });
    expect(before[1].command).toBe("error");
    expect(before[1].msg).toContain("boom went the bolt");
    expect(before[1].msg).toContain("tuple bad from sentences/default");
  });

  it("bolt: with squall.component.on_error=exit an exception ends the process with code 1", async () => {
    const c = start("ThrowingBolt", { "squall.component.on_error": "exit" });
    c.send(tuple("bad", ["boom"]));
    const exit = await c.exit();
    expect(exit.code).toBe(1);
    expect(commandsOf(c.received)).toEqual(["pid", "fail", "error"]);
    expect(c.stderr).toContain("boom went the bolt");
  });

  it("bolt: fail outcomes, and a process() that returns nothing, fail the tuple", async () => {
    const c = start("FailingBolt");
    c.send(tuple("one", [1]));
    c.send(tuple("two", [2]));
    expect(await c.take(1, 2)).toEqual([{ command: "fail", id: "one" }, { command: "ack", id: "two" }]);
    const f = start("ForgetfulBolt");
    f.send(tuple("lost", [1]));
    const got = (await f.take(1, 2)) as any[];
    expect(got[0]).toEqual({ command: "fail", id: "lost" });
    expect(got[1].msg).toContain("returned undefined; return this.ack(...emits) or this.fail(reason)");
  });

  it("batching bolt: a batch's emit is anchored to all of it; a failed batch fails every tuple", async () => {
    const c = start("TripleBatchBolt");
    for (const id of ["a", "b", "c"]) c.send(tuple(id, [id]));
    expect(await c.take(1, 4)).toEqual([
      { command: "emit", tuple: [3], anchors: ["a", "b", "c"], need_task_ids: false },
      { command: "ack", id: "a" },
      { command: "ack", id: "b" },
      { command: "ack", id: "c" },
    ]);
    for (const id of ["d", "bad", "f"]) c.send(tuple(id, [id]));
    expect(await c.take(5, 3)).toEqual([{ command: "fail", id: "d" }, { command: "fail", id: "bad" }, { command: "fail", id: "f" }]);
  });

  it("a component that crashes in initialize() reports it and exits 1", async () => {
    const c = start("CrashOnInitBolt");
    const exit = await c.exit();
    expect(exit.code).toBe(1);
    expect(c.stderr).toContain("initialize() threw");
    expect(c.stderr).toContain("cannot connect to the database");
    expect(c.received.some((m: any) => m.command === "error")).toBe(true);
  });

  it("a malformed frame gives a clear error and exit code 2", async () => {
    const c = start("EchoBolt");
    await c.take(0, 1);
    c.sendRaw(serializer === "json" ? "{not json at all\nend\n" : new Uint8Array([0, 0, 0, 2, 0xc1, 0xc1]));
    const exit = await c.exit();
    expect(exit.code).toBe(2);
    expect(c.stderr).toMatch(/malformed/);
  });

  it("an unexpected message gives a clear error and exit code 2", async () => {
    const c = start("EchoBolt");
    c.send({ command: "next" });
    const exit = await c.exit();
    expect(exit.code).toBe(2);
    expect(c.stderr).toContain("expected a tuple");
    expect(c.stderr).toContain('"command":"next"');
  });

  it("truncated input, and stdin closed before the handshake, exit 2; a clean close exits 0", async () => {
    const t = start("EchoBolt");
    await t.take(0, 1);
    const bytes = t.serializer.encode(tuple("x", [1]));
    t.sendRaw(bytes.subarray(0, bytes.length - 3));
    t.proc.stdin.end();
    expect((await t.exit()).code).toBe(2);
    expect(t.stderr).toContain("stdin closed in the middle of a message");

    const n = start("EchoBolt", {}, {}, false);
    n.proc.stdin.end();
    expect((await n.exit()).code).toBe(2);
    expect(n.stderr).toContain("before Storm sent the handshake");

    const ok = start("EchoBolt");
    ok.send(tuple("last", [1]));
    await ok.take(1, 2);
    ok.proc.stdin.end();
    expect((await ok.exit()).code).toBe(0);
  });
});
