import { describe, expect, it } from "vitest";
import { decodeBoltMessage, decodeHandshake, decodeSpoutMessage, ProtocolError } from "../../lib/protocol/messages.ts";

describe("message validation", () => {
  const context = { "task->component": { "1": "a" }, taskid: 1 };
  it("accepts a handshake and keeps unknown context keys", () => {
    const h = decodeHandshake({ conf: { x: 1 }, pidDir: "/tmp", context: { ...context, extra: true } });
    expect(h.context.taskid).toBe(1);
    expect((h.context as Record<string, unknown>)["extra"]).toBe(true);
  });
  it("rejects a handshake without pidDir, saying what was expected", () => {
    expect(() => decodeHandshake({ conf: {}, context })).toThrowError(ProtocolError);
    expect(() => decodeHandshake({ conf: {}, context })).toThrowError(/expected the handshake/);
  });
  it("decodes spout commands and task ids", () => {
    expect(decodeSpoutMessage({ command: "next" })).toEqual({ command: "next" });
    expect(decodeSpoutMessage({ command: "fail", id: { k: 1 } })).toEqual({ command: "fail", id: { k: 1 } });
    expect(decodeSpoutMessage([1, 2])).toEqual([1, 2]);
    expect(() => decodeSpoutMessage({ command: "launch" })).toThrowError(/expected a spout command/);
    expect(() => decodeSpoutMessage(["x"])).toThrowError(/task ids/);
  });
  it("decodes bolt tuples, heartbeats included", () => {
    const hb = { id: "1", comp: null, stream: "__heartbeat", task: -1, tuple: [] };
    expect(decodeBoltMessage(hb)).toEqual(hb);
    expect(() => decodeBoltMessage({ id: 1, comp: "a", stream: "s", task: 1, tuple: [] })).toThrowError(/expected a tuple/);
    expect(() => decodeBoltMessage("text")).toThrowError(ProtocolError);
  });
});
