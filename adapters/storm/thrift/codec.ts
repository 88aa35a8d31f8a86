/**
 * A small schema-driven Thrift codec on top of the `thrift` npm protocol classes.
 *
 * A struct is described once as a table of `[id, name, type, "req"?]` rows; `writeValue`/`readValue`
 * walk that table with any TProtocol (TBinaryProtocol in practice). No code generation.
 *
 * @module
 */
import thrift from "thrift";
import type { TProtocol } from "thrift";

/** Thrift wire type ids (TType). */
export const TType = {
  STOP: 0,
  VOID: 1,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

export type TypeDef =
  | { readonly t: "bool" | "byte" | "i16" | "i32" | "i64" | "double" | "string" | "binary" }
  | { readonly t: "list" | "set"; readonly of: TypeDef }
  /** map<string, V> as a plain object. */
  | { readonly t: "record"; readonly of: TypeDef }
  /** map<K, V> with non-string keys, as a list of [key, value] pairs. */
  | { readonly t: "pairs"; readonly key: TypeDef; readonly of: TypeDef }
  | { readonly t: "struct"; readonly def: StructDef };

export interface FieldDef {
  readonly id: number;
  readonly name: string;
  readonly type: TypeDef;
  readonly required: boolean;
}

export interface StructDef {
  readonly name: string;
  /** A union: exactly one field is set. */
  readonly union: boolean;
  readonly fields: readonly FieldDef[];
  readonly byId: ReadonlyMap<number, FieldDef>;
}

/** `[id, name, type]` or `[id, name, type, "req"]`. */
export type FieldRow = readonly [number, string, TypeDef] | readonly [number, string, TypeDef, "req"];

function makeDef(name: string, union: boolean, rows: readonly FieldRow[]): StructDef {
  const fields = rows.map(([id, fname, type, req]) => ({ id, name: fname, type, required: req === "req" }));
  return { name, union, fields, byId: new Map(fields.map((f) => [f.id, f])) };
}

/** Type constructors for schema tables. */
export const T = {
  bool: { t: "bool" },
  byte: { t: "byte" },
  i16: { t: "i16" },
  i32: { t: "i32" },
  i64: { t: "i64" },
  double: { t: "double" },
  string: { t: "string" },
  binary: { t: "binary" },
  list: (of: TypeDef): TypeDef => ({ t: "list", of }),
  set: (of: TypeDef): TypeDef => ({ t: "set", of }),
  record: (of: TypeDef): TypeDef => ({ t: "record", of }),
  pairs: (key: TypeDef, of: TypeDef): TypeDef => ({ t: "pairs", key, of }),
  struct: (name: string, rows: readonly FieldRow[]): TypeDef => ({ t: "struct", def: makeDef(name, false, rows) }),
  union: (name: string, rows: readonly FieldRow[]): TypeDef => ({ t: "struct", def: makeDef(name, true, rows) }),
} as const satisfies Record<string, TypeDef | ((...a: never[]) => TypeDef)>;

/** The StructDef behind a struct TypeDef. */
export function defOf(type: TypeDef): StructDef {
  if (type.t !== "struct") throw new TypeError(`expected a struct type, got ${type.t}`);
  return type.def;
}

const wireType: Record<TypeDef["t"], number> = {
  bool: TType.BOOL,
  byte: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
  list: TType.LIST,
  set: TType.SET,
  record: TType.MAP,
  pairs: TType.MAP,
  struct: TType.STRUCT,
};

/** Raised when a value does not fit its schema; `path` names the offending field. */
export class ThriftEncodeError extends Error {
  override name = "ThriftEncodeError";
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`Cannot encode ${path}: ${problem}`);
  }
}

const isInt = (v: unknown, bits: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1);

function toBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function writeValue(p: TProtocol, type: TypeDef, value: unknown, path: string): void {
  const bad = (what: string): never => {
    throw new ThriftEncodeError(path, `expected ${what}, got ${describe(value)}`);
  };
  switch (type.t) {
    case "bool":
      return typeof value === "boolean" ? p.writeBool(value) : bad("a boolean");
    case "byte":
      return isInt(value, 8) ? p.writeByte(value) : bad("an 8-bit integer");
    case "i16":
      return isInt(value, 16) ? p.writeI16(value) : bad("a 16-bit integer");
    case "i32":
      return isInt(value, 32) ? p.writeI32(value) : bad("a 32-bit integer");
    case "i64": {
      if (typeof value !== "bigint" && !(typeof value === "number" && Number.isSafeInteger(value))) {
        return bad("a bigint or a safe integer");
      }
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(value));
      return p.writeI64(new thrift.Int64(b));
    }
    case "double":
      return typeof value === "number" ? p.writeDouble(value) : bad("a number");
    case "string":
      return typeof value === "string" ? p.writeString(value) : bad("a string");
    case "binary":
      return value instanceof Uint8Array ? p.writeBinary(toBuffer(value)) : bad("a Uint8Array");
    case "list":
    case "set": {
      if (!Array.isArray(value)) return bad("an array");
      const et = wireType[type.of.t];
      if (type.t === "list") p.writeListBegin(et, value.length);
      else p.writeSetBegin(et, value.length);
      value.forEach((v, i) => writeValue(p, type.of, v, `${path}[${i}]`));
      return type.t === "list" ? p.writeListEnd() : p.writeSetEnd();
    }
    case "record": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return bad("an object");
      const entries = Object.entries(value);
      p.writeMapBegin(TType.STRING, wireType[type.of.t], entries.length);
      for (const [k, v] of entries) {
        p.writeString(k);
        writeValue(p, type.of, v, `${path}[${JSON.stringify(k)}]`);
      }
      return p.writeMapEnd();
    }
    case "pairs": {
      if (!Array.isArray(value)) return bad("an array of [key, value] pairs");
      p.writeMapBegin(wireType[type.key.t], wireType[type.of.t], value.length);
      value.forEach((pair: unknown, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new ThriftEncodeError(`${path}[${i}]`, `expected a [key, value] pair, got ${describe(pair)}`);
        }
        writeValue(p, type.key, pair[0], `${path}[${i}].key`);
        writeValue(p, type.of, pair[1], `${path}[${i}].value`);
      });
      return p.writeMapEnd();
    }
    case "struct":
      return writeStruct(p, type.def, value, path);
  }
}

export function writeStruct(p: TProtocol, def: StructDef, value: unknown, path: string = def.name): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ThriftEncodeError(path, `expected a ${def.name} object, got ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  const known = new Set(def.fields.map((f) => f.name));
  const unknown = Object.keys(obj).filter((k) => !known.has(k) && obj[k] !== undefined);
  if (unknown.length > 0) {
    throw new ThriftEncodeError(path, `unknown field(s) ${unknown.join(", ")}; ${def.name} has ${[...known].join(", ")}`);
  }
  const set = def.fields.filter((f) => obj[f.name] !== undefined && obj[f.name] !== null);
  if (def.union && set.length !== 1) {
    throw new ThriftEncodeError(
      path,
      `a ${def.name} union needs exactly one of ${def.fields.map((f) => f.name).join(", ")}; got ${set.length === 0 ? "none" : set.map((f) => f.name).join(", ")}`,
    );
  }
  p.writeStructBegin(def.name);
  for (const f of def.fields) {
    const v = obj[f.name];
    if (v === undefined || v === null) {
      if (f.required) throw new ThriftEncodeError(`${path}.${f.name}`, `required field of ${def.name} is missing`);
      continue;
    }
    p.writeFieldBegin(f.name, wireType[f.type.t], f.id);
    writeValue(p, f.type, v, `${path}.${f.name}`);
    p.writeFieldEnd();
  }
  p.writeFieldStop();
  p.writeStructEnd();
}

/** Raised when bytes from the wire do not decode. */
export class ThriftDecodeError extends Error {
  override name = "ThriftDecodeError";
}

export function readValue(p: TProtocol, type: TypeDef): unknown {
  switch (type.t) {
    case "bool":
      return p.readBool();
    case "byte":
      return p.readByte();
    case "i16":
      return p.readI16();
    case "i32":
      return p.readI32();
    case "i64": {
      const v = p.readI64() as unknown as { buffer: Buffer; offset?: number };
      return v.buffer.readBigInt64BE(v.offset ?? 0);
    }
    case "double":
      return p.readDouble();
    case "string":
      return p.readString();
    case "binary":
      return new Uint8Array(p.readBinary());
    case "list":
    case "set": {
      const { size } = type.t === "list" ? p.readListBegin() : p.readSetBegin();
      const out: unknown[] = [];
      for (let i = 0; i < size; i++) out.push(readValue(p, type.of));
      if (type.t === "list") p.readListEnd();
      else p.readSetEnd();
      return out;
    }
    case "record": {
      const { size } = p.readMapBegin();
      const out: Record<string, unknown> = {};
      for (let i = 0; i < size; i++) {
        const k = p.readString();
        out[k] = readValue(p, type.of);
      }
      p.readMapEnd();
      return out;
    }
    case "pairs": {
      const { size } = p.readMapBegin();
      const out: [unknown, unknown][] = [];
      for (let i = 0; i < size; i++) out.push([readValue(p, type.key), readValue(p, type.of)]);
      p.readMapEnd();
      return out;
    }
    case "struct":
      return readStruct(p, type.def);
  }
}

export function readStruct(p: TProtocol, def: StructDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  p.readStructBegin();
  for (;;) {
    const { ftype, fid } = p.readFieldBegin();
    if (ftype === TType.STOP) break;
    const f = def.byId.get(fid);
    if (f && wireType[f.type.t] === ftype) out[f.name] = readValue(p, f.type);
    else skip(p, ftype);
    p.readFieldEnd();
  }
  p.readStructEnd();
  return out;
}

/** Skips one value of wire type `type` (fields this schema does not know). */
export function skip(p: TProtocol, type: number, depth = 0): void {
  if (depth > 64) throw new ThriftDecodeError("Thrift value nested deeper than 64 levels");
  switch (type) {
    case TType.BOOL:
      p.readBool();
      return;
    case TType.BYTE:
      p.readByte();
      return;
    case TType.I16:
      p.readI16();
      return;
    case TType.I32:
      p.readI32();
      return;
    case TType.I64:
      p.readI64();
      return;
    case TType.DOUBLE:
      p.readDouble();
      return;
    case TType.STRING:
      p.readBinary();
      return;
    case TType.STRUCT:
      p.readStructBegin();
      for (;;) {
        const { ftype } = p.readFieldBegin();
        if (ftype === TType.STOP) break;
        skip(p, ftype, depth + 1);
        p.readFieldEnd();
      }
      p.readStructEnd();
      return;
    case TType.MAP: {
      const { ktype, vtype, size } = p.readMapBegin();
      for (let i = 0; i < size; i++) {
        skip(p, ktype, depth + 1);
        skip(p, vtype, depth + 1);
      }
      p.readMapEnd();
      return;
    }
    case TType.LIST:
    case TType.SET: {
      const { etype, size } = type === TType.LIST ? p.readListBegin() : p.readSetBegin();
      for (let i = 0; i < size; i++) skip(p, etype, depth + 1);
      if (type === TType.LIST) p.readListEnd();
      else p.readSetEnd();
      return;
    }
    default:
      throw new ThriftDecodeError(`unknown Thrift wire type ${type}`);
  }
}

/** Serializes one struct with TBinaryProtocol (no framing). */
export function encodeStruct(type: TypeDef, value: unknown): Buffer {
  let out: Buffer | undefined;
  const trans = new thrift.TFramedTransport(undefined, (framed?: Buffer) => {
    out = framed?.subarray(4);
  });
  const p = new thrift.TBinaryProtocol(trans);
  writeStruct(p, defOf(type), value);
  trans.flush();
  return out ?? Buffer.alloc(0);
}

/** Deserializes one struct written with TBinaryProtocol (no framing). */
export function decodeStruct<V = Record<string, unknown>>(type: TypeDef, bytes: Uint8Array): V {
  const p = new thrift.TBinaryProtocol(new thrift.TFramedTransport(toBuffer(bytes)));
  return readStruct(p, defOf(type)) as V;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
}
