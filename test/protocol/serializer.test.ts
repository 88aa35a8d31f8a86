import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSerializer, msgpackSerializer, serializerNamed, serializers } from "../../lib/protocol/serializer.ts";
import { ProtocolError } from "../../lib/protocol/messages.ts";

/** JSON-safe values as they travel in tuples. */
const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const message = fc.oneof(
  fc.record({ command: fc.constantFrom("emit", "ack", "fail", "sync", "log"), id: fc.string(), tuple: fc.array(jsonValue, { maxLength: 5 }) }),
  fc.record({ id: fc.string(), comp: fc.string(), stream: fc.string(), task: fc.integer(), tuple: fc.array(jsonValue, { maxLength: 5 }) }),
  fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 4 }),
);

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe.each(Object.values(serializers))("$name framing", (serializer) => {
  it("decodes any sequence of messages split at any byte positions", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (messages, cuts) => {
        const bytes = concat(messages.map((m) => serializer.encode(m)));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const decoder = serializer.decoder();
        const out: unknown[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          out.push(...decoder.push(bytes.subarray(prev, p)));
          prev = p;
        }
        expect(out).toEqual(messages);
        expect(decoder.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it("decodes a stream fed one byte at a time (every split position)", () => {
    const messages = [{ command: "emit", tuple: ["a\nend\nb", 1.5, null, { x: [true] }] }, [1, 2, 3], { command: "sync" }];
    const bytes = concat(messages.map((m) => serializer.encode(m)));
    for (let split = 0; split <= bytes.length; split++) {
      const decoder = serializer.decoder();
      const out = [...decoder.push(bytes.subarray(0, split)), ...decoder.push(bytes.subarray(split))];
      expect(out).toEqual(messages);
    }
    const decoder = serializer.decoder();
    const out: unknown[] = [];
    for (const b of bytes) out.push(...decoder.push(new Uint8Array([b])));
    expect(out).toEqual(messages);
  });

  it("reports bytes of an unfinished message", () => {
    const bytes = serializer.encode({ command: "sync" });
    const decoder = serializer.decoder();
    expect(decoder.push(bytes.subarray(0, bytes.length - 1))).toEqual([]);
    expect(decoder.buffered).toBe(bytes.length - 1);
  });

  it("batches writes between flushes into one write", () => {
    const writes: Uint8Array[] = [];
    const writer = serializer.writer((b) => writes.push(b));
    writer.write({ command: "ack", id: "1" });
    writer.write({ command: "sync" });
    expect(writer.pendingMessages).toBe(2);
    writer.flush();
    writer.flush();
    expect(writes).toHaveLength(1);
    expect(serializer.decoder().push(writes[0]!)).toEqual([{ command: "ack", id: "1" }, { command: "sync" }]);
  });
});

describe("json framing", () => {
  it("accepts a document spread over several lines, as Storm's reader does", () => {
    const text = '{\n  "command": "next"\n}\nend\n{"command":"ack",\n"id":3}\nend\n';
    expect(jsonSerializer.decoder().push(new TextEncoder().encode(text))).toEqual([{ command: "next" }, { command: "ack", id: 3 }]);
  });
  it("names what it received when a frame is not JSON", () => {
    const decoder = jsonSerializer.decoder();
    expect(() => decoder.push(new TextEncoder().encode("hello there\nend\n"))).toThrowError(ProtocolError);
    expect(() => jsonSerializer.decoder().push(new TextEncoder().encode("hello there\nend\n"))).toThrowError(/received "hello there"/);
  });
  it("rejects invalid UTF-8", () => {
    expect(() => jsonSerializer.decoder().push(new Uint8Array([0xff, 0xfe, 0x0a, 0x65, 0x6e, 0x64, 0x0a]))).toThrowError(/not valid UTF-8/);
  });
});

describe("msgpack framing", () => {
  it("is a 4-byte big-endian length then one MessagePack value (the JVM serializer's contract)", () => {
    const bytes = msgpackSerializer.encode({ command: "sync" });
    // fixmap(1) "command" (fixstr 7) "sync" (fixstr 4)
    expect([...bytes]).toEqual([0, 0, 0, 14, 0x81, 0xa7, ...new TextEncoder().encode("command"), 0xa4, ...new TextEncoder().encode("sync")]);
  });
  it("refuses absurd lengths instead of waiting forever", () => {
    expect(() => msgpackSerializer.decoder().push(new Uint8Array([0x7f, 0xff, 0xff, 0xff]))).toThrowError(/length prefix/);
  });
  it("reports garbage bodies", () => {
    expect(() => msgpackSerializer.decoder().push(new Uint8Array([0, 0, 0, 1, 0xc1]))).toThrowError(ProtocolError);
  });
});

describe("serializerNamed", () => {
  it("finds both and lists the choices otherwise", () => {
    expect(serializerNamed("json")).toBe(jsonSerializer);
    expect(serializerNamed("msgpack")).toBe(msgpackSerializer);
    expect(() => serializerNamed("xml")).toThrowError('unknown serializer "xml": choose json or msgpack');
  });
});
