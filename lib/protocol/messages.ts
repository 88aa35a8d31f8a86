/**
 * Storm's multilang messages, both ways, as typed values.
 *
 * Messages from Storm are validated with io-ts as they arrive: a malformed frame becomes a
 * {@link ProtocolError} that says what arrived and what was expected, never a crash deep inside a
 * component. Messages to Storm are built by squall itself and are typed, not validated.
 *
 * @module
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { PathReporter } from "io-ts/lib/PathReporter.js";

// ---------------------------------------------------------------------------------------------
// Storm -> component

const Json = t.record(t.string, t.unknown);

/** Grouping as Storm describes it in the handshake context. */
export const ContextGrouping = t.intersection([
  t.type({ type: t.string }),
  t.partial({ fields: t.union([t.array(t.string), t.null]) }),
]);

/** The topology context sent with the handshake. Unknown keys are kept. */
export const TopologyContext = t.intersection([
  t.type({
    "task->component": t.record(t.string, t.string),
    taskid: t.number,
  }),
  t.partial({
    componentid: t.string,
    streams: t.array(t.string),
    "stream->outputfields": t.record(t.string, t.array(t.string)),
    "stream->target->grouping": t.record(t.string, t.record(t.string, ContextGrouping)),
    "source->stream->grouping": t.record(t.string, t.record(t.string, ContextGrouping)),
    "source->stream->fields": t.record(t.string, t.record(t.string, t.array(t.string))),
  }),
]);
export type TopologyContext = t.TypeOf<typeof TopologyContext>;

/** The first message Storm sends: merged config, the pid directory and the task's context. */
export const Handshake = t.type({ conf: Json, pidDir: t.string, context: TopologyContext });
export type Handshake = t.TypeOf<typeof Handshake>;

/** A spout message id: whatever the spout gave its emit (Storm echoes it back on ack/fail). */
export type MessageId = string | number | boolean | Readonly<Record<string, unknown>> | readonly unknown[];

/** Storm -> spout. `activate` precedes the first `next`. Every one of these must be answered with sync. */
export const SpoutCommand = t.union([
  t.type({ command: t.union([t.literal("next"), t.literal("activate"), t.literal("deactivate")]) }),
  t.type({ command: t.union([t.literal("ack"), t.literal("fail")]), id: t.unknown }),
]);
export type SpoutCommand =
  | { readonly command: "next" | "activate" | "deactivate" }
  | { readonly command: "ack" | "fail"; readonly id: MessageId };

/** Storm -> bolt: one input tuple (also heartbeats and ticks, told apart by stream). */
export const BoltTuple = t.type({
  id: t.string,
  comp: t.union([t.string, t.null]),
  stream: t.string,
  task: t.number,
  tuple: t.array(t.unknown),
});
export type BoltTuple = t.TypeOf<typeof BoltTuple>;

/** Storm -> component after an emit that asked for them: the tasks the tuple went to. */
export const TaskIds = t.array(t.number);
export type TaskIds = readonly number[];

export const HEARTBEAT_STREAM = "__heartbeat";
export const TICK_STREAM = "__tick";
export const SYSTEM_COMPONENT = "__system";

/** Any message after the handshake. */
export type StormMessage = SpoutCommand | BoltTuple | TaskIds;

// ---------------------------------------------------------------------------------------------
// component -> Storm

/** Storm's log levels for the `log` command (integer levels honoured from Storm 2.8.1). */
export const LogLevel = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 } as const;
export type LogLevelName = keyof typeof LogLevel;
export type LogLevel = (typeof LogLevel)[LogLevelName];

export interface PidMessage { readonly pid: number }
export interface SyncCommand { readonly command: "sync" }
export interface EmitCommand {
  readonly command: "emit";
  /** Spout: the message id that makes the emit reliable. Absent = unreliable. */
  readonly id?: MessageId;
  readonly stream?: string;
  /** Direct emits only. */
  readonly task?: number;
  /** Bolt emits: the ids of the input tuples this one is anchored to. */
  readonly anchors?: readonly string[];
  readonly tuple: readonly unknown[];
  /** Storm's default is true; squall sends false unless the emitter asked for task ids. */
  readonly need_task_ids?: boolean;
}
export interface AckCommand { readonly command: "ack"; readonly id: string }
export interface FailCommand { readonly command: "fail"; readonly id: string }
export interface LogCommand { readonly command: "log"; readonly msg: string; readonly level?: LogLevel }
export interface ErrorCommand { readonly command: "error"; readonly msg: string }
export interface MetricsCommand { readonly command: "metrics"; readonly name: string; readonly params: unknown }

export type ComponentMessage =
  | PidMessage
  | SyncCommand
  | EmitCommand
  | AckCommand
  | FailCommand
  | LogCommand
  | ErrorCommand
  | MetricsCommand;

// ---------------------------------------------------------------------------------------------
// validation

/** Storm sent something squall cannot understand. The component exits non-zero on it. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

const show = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 300)}... (${text.length} chars)` : text;
};

const decodeWith = <A>(codec: t.Decoder<unknown, A>, value: unknown, expected: string): A => {
  const result = codec.decode(value);
  if (isLeft(result)) {
    const why = PathReporter.report(result).slice(0, 3).join("; ");
    throw new ProtocolError(`malformed message from Storm: expected ${expected}, received ${show(value)} (${why})`);
  }
  return result.right;
};

/** Validates the handshake (the first message). */
export const decodeHandshake = (value: unknown): Handshake =>
  decodeWith(Handshake, value, 'the handshake {"conf":{...},"pidDir":"...","context":{...}}');

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Validates a message sent to a spout: a command or a task id list.
 * The common commands take a fast path; anything unusual goes through the io-ts codec for its report.
 */
export const decodeSpoutMessage = (value: unknown): SpoutCommand | TaskIds => {
  if (Array.isArray(value)) return decodeWith(TaskIds, value, "a list of task ids");
  if (isPlainObject(value)) {
    const command = value["command"];
    if (command === "next" || command === "activate" || command === "deactivate") return { command };
    if ((command === "ack" || command === "fail") && "id" in value) return { command, id: value["id"] as MessageId };
  }
  return decodeWith(SpoutCommand, value, 'a spout command {"command":"next|ack|fail|activate|deactivate"}') as SpoutCommand;
};

/** Validates a message sent to a bolt: a tuple (heartbeat and tick included) or a task id list. */
export const decodeBoltMessage = (value: unknown): BoltTuple | TaskIds => {
  if (Array.isArray(value)) return decodeWith(TaskIds, value, "a list of task ids");
  if (BoltTuple.is(value)) return value;
  return decodeWith(BoltTuple, value, 'a tuple {"id","comp","stream","task","tuple":[...]}');
};
