/**
 * Wire formats of the multilang channel: framing plus encoding, for both directions.
 *
 * - `json` is Storm's default: every message is one JSON document followed by a line `end`
 *   (`JSON\nend\n`). The decoder accepts a document spread over several lines and input split at any
 *   byte, as Storm's own reader does.
 * - `msgpack` is squall's binary format: every message is a 4-byte unsigned big-endian length N, then
 *   N bytes holding one MessagePack value with exactly the shape of the JSON message. On Storm it needs
 *   squall's JVM serializer (dev.squall.storm.MsgpackSerializer), which `squall jar` ships.
 *
 * @module
 */
import { Packr, Unpackr } from "msgpackr";
import { ProtocolError } from "./messages.ts";

export type SerializerName = "json" | "msgpack";

/** Incremental decoder: feed it chunks as they come, get whole messages back. */
export interface FrameDecoder {
  /** Adds bytes; returns every message completed by them, in order. Throws ProtocolError on garbage. */
  push(chunk: Uint8Array): unknown[];
  /** Bytes held that do not yet form a whole message (non-zero at end of input = a truncated frame). */
  readonly buffered: number;
}

/** Batching encoder: messages written between two flushes leave in one write. */
export interface FrameWriter {
  write(message: unknown): void;
  /** Hands the pending bytes (if any) to the sink. */
  flush(): void;
  readonly pendingMessages: number;
}

export interface Serializer {
  readonly name: SerializerName;
  /** Encodes one message with its framing. */
  encode(message: unknown): Uint8Array;
  decoder(): FrameDecoder;
  writer(sink: (bytes: Uint8Array) => void): FrameWriter;
}

/** A growable byte buffer that frames are cut from. */
class ByteQueue {
  bytes = new Uint8Array(64 * 1024);
  start = 0;
  end = 0;

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.bytes.length) {
      const live = this.end - this.start;
      if (live + chunk.length <= this.bytes.length / 2) {
        this.bytes.copyWithin(0, this.start, this.end);
      } else {
        let size = this.bytes.length * 2;
        while (size < live + chunk.length) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.bytes.subarray(this.start, this.end));
        this.bytes = grown;
      }
      this.start = 0;
      this.end = live;
    }
    this.bytes.set(chunk, this.end);
    this.end += chunk.length;
  }

  get length(): number {
    return this.end - this.start;
  }

  consume(n: number): void {
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON

const NL = 0x0a;
const E = 0x65;
const N = 0x6e;
const D = 0x64;

const describeText = (text: string): string =>
  JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}...` : text);

class JsonDecoder implements FrameDecoder {
  private readonly queue = new ByteQueue();
  private readonly text = new TextDecoder("utf-8", { fatal: true });
  /** Where the search for the next `end` line resumes (relative to queue.start). */
  private scanned = 0;

  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): unknown[] {
    this.queue.append(chunk);
    const out: unknown[] = [];
    for (;;) {
      const view = this.queue.bytes.subarray(this.queue.start, this.queue.end);
      // A frame ends at a line that is exactly "end": "end\n" at the very start, else "\nend\n".
      let frameEnd = -1;
      if (this.scanned === 0 && view.length >= 4 && view[0] === E && view[1] === N && view[2] === D && view[3] === NL) {
        frameEnd = 0;
      } else {
        for (let i = view.indexOf(NL, this.scanned); i !== -1 && i + 4 < view.length; i = view.indexOf(NL, i + 1)) {
          if (view[i + 1] === E && view[i + 2] === N && view[i + 3] === D && view[i + 4] === NL) {
            frameEnd = i;
            break;
          }
        }
      }
      if (frameEnd === -1) {
        // Resume near the end next time: a "\nend\n" may straddle this chunk and the next.
        this.scanned = Math.max(0, view.length - 4);
        return out;
      }
      let content: string;
      try {
        content = this.text.decode(view.subarray(0, frameEnd));
      } catch {
        throw new ProtocolError("malformed frame from Storm: the message is not valid UTF-8");
      }
      this.queue.consume(frameEnd === 0 ? 4 : frameEnd + 5);
      this.scanned = 0;
      if (content.trim() === "") continue; // an empty message: nothing to do
      try {
        out.push(JSON.parse(content));
      } catch (error) {
        throw new ProtocolError(
          `malformed frame from Storm: expected one JSON document followed by a line "end", received ${describeText(content)} (${(error as Error).message})`,
        );
      }
    }
  }
}

class JsonWriter implements FrameWriter {
  private pending = "";
  private count = 0;
  private readonly encoder = new TextEncoder();
  constructor(private readonly sink: (bytes: Uint8Array) => void) {}
  get pendingMessages(): number {
    return this.count;
  }
  write(message: unknown): void {
    this.pending += `${JSON.stringify(message)}\nend\n`;
    this.count++;
  }
  flush(): void {
    if (this.count === 0) return;
    const bytes = this.encoder.encode(this.pending);
    this.pending = "";
    this.count = 0;
    this.sink(bytes);
  }
}

const textEncoder = new TextEncoder();

export const jsonSerializer: Serializer = {
  name: "json",
  encode: (message) => textEncoder.encode(`${JSON.stringify(message)}\nend\n`),
  decoder: () => new JsonDecoder(),
  writer: (sink) => new JsonWriter(sink),
};

// ---------------------------------------------------------------------------------------------
// msgpack

/** Plain maps and arrays only: no msgpackr record extension, so any MessagePack reader understands it. */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true, encodeUndefinedAsNil: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

/** Largest msgpack frame squall accepts (guards against reading garbage as a huge length). */
export const MAX_MSGPACK_FRAME = 256 * 1024 * 1024;

class MsgpackDecoder implements FrameDecoder {
  private readonly queue = new ByteQueue();
  get buffered(): number {
    return this.queue.length;
  }
  push(chunk: Uint8Array): unknown[] {
    this.queue.append(chunk);
    const out: unknown[] = [];
    for (;;) {
      const { bytes, start, end } = this.queue;
      if (end - start < 4) return out;
      const size = ((bytes[start]! << 24) >>> 0) + (bytes[start + 1]! << 16) + (bytes[start + 2]! << 8) + bytes[start + 3]!;
      if (size > MAX_MSGPACK_FRAME) {
        throw new ProtocolError(
          `malformed msgpack frame from Storm: length prefix says ${size} bytes (limit ${MAX_MSGPACK_FRAME}); is Storm using squall's msgpack serializer (topology.multilang.serializer)?`,
        );
      }
      if (end - start - 4 < size) return out;
      let value: unknown;
      try {
        value = unpackr.unpack(bytes.subarray(start + 4, start + 4 + size));
        // Every multilang message is a map or an array (msgpackr turns the unused 0xc1 into an object of its own).
        if (typeof value !== "object" || value === null || (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype)) {
          throw new Error("the body is not a MessagePack map or array");
        }
      } catch (error) {
        throw new ProtocolError(`malformed msgpack frame from Storm (${size} bytes): ${(error as Error).message}`);
      }
      this.queue.consume(4 + size);
      out.push(value);
    }
  }
}

const frameMsgpack = (message: unknown): Uint8Array => {
  const body = packr.pack(message);
  const framed = new Uint8Array(body.length + 4);
  new DataView(framed.buffer).setUint32(0, body.length);
  framed.set(body, 4);
  return framed;
};

class MsgpackWriter implements FrameWriter {
  private parts: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly sink: (bytes: Uint8Array) => void) {}
  get pendingMessages(): number {
    return this.parts.length;
  }
  write(message: unknown): void {
    const framed = frameMsgpack(message);
    this.parts.push(framed);
    this.size += framed.length;
  }
  flush(): void {
    if (this.parts.length === 0) return;
    let bytes: Uint8Array;
    if (this.parts.length === 1) {
      bytes = this.parts[0]!;
    } else {
      bytes = new Uint8Array(this.size);
      let at = 0;
      for (const part of this.parts) {
        bytes.set(part, at);
        at += part.length;
      }
    }
    this.parts = [];
    this.size = 0;
    this.sink(bytes);
  }
}

export const msgpackSerializer: Serializer = {
  name: "msgpack",
  encode: frameMsgpack,
  decoder: () => new MsgpackDecoder(),
  writer: (sink) => new MsgpackWriter(sink),
};

export const serializers: Readonly<Record<SerializerName, Serializer>> = { json: jsonSerializer, msgpack: msgpackSerializer };

/** Looks a serializer up by name, with an error that lists the choices. */
export const serializerNamed = (name: string): Serializer => {
  const found = (serializers as Record<string, Serializer | undefined>)[name];
  if (!found) throw new Error(`unknown serializer "${name}": choose json or msgpack`);
  return found;
};
