/**
 * Components not written with squall: shell components in other languages (a Python bolt speaking
 * multilang) and JVM components named by class (Storm's own Kafka spout, say). Both declare their
 * output streams here, because squall cannot read them from the code.
 *
 * @example
 * ```ts
 * import { fields, java, shell } from "squall";
 *
 * // split.py and the helpers/ folder sit next to this module; they ship inside the bundle and the jar.
 * const Split = shell({ command: "python3", script: "split.py", files: ["split.py", "helpers"], outputs: { default: ["word"] } });
 * const Kafka = java({ className: "org.apache.storm.kafka.spout.KafkaSpout", args: ["..."], outputs: { default: fields("topic", "value") } });
 * export { Kafka, Split };
 * ```
 * @module
 */
import type { JavaArg } from "./description.ts";
import type { StreamSpec } from "../component/stream.ts";

/** An output stream of an external component: a StreamSpec, or just the field names. */
export type ExternalStream = StreamSpec<any> | readonly string[];
export type ExternalOutputs = Readonly<Record<string, ExternalStream>>;

export const EXTERNAL = Symbol.for("squall.external");

export interface ShellComponent<O extends ExternalOutputs = ExternalOutputs> {
  readonly [EXTERNAL]: "shell";
  /** argv[0]; Storm runs exactly [command, script], no shell, from the jar's resources/ folder. */
  readonly command: string;
  readonly script: string;
  /**
   * Files and folders the component needs at run time (its script, the libraries it loads), relative
   * to the topology module's folder. `squall bundle`/`jar`/`submit` copy them into the bundle at the
   * same relative paths, so the script is found from the same working directory under `squall run`
   * (the module's folder) and on Storm (the jar's resources/).
   */
  readonly files: readonly string[];
  readonly outputs: O;
}

export interface JavaComponent<O extends ExternalOutputs = ExternalOutputs> {
  readonly [EXTERNAL]: "java";
  readonly className: string;
  readonly args: readonly JavaArg[];
  readonly outputs: O;
}

export type ExternalComponent = ShellComponent | JavaComponent;

/** A shell component (spout or bolt, decided by where the topology puts it). */
export const shell = <const O extends ExternalOutputs = {}>(spec: { command: string; script: string; files?: readonly string[]; outputs?: O }): ShellComponent<O> => ({
  [EXTERNAL]: "shell",
  command: spec.command,
  script: spec.script,
  files: [...(spec.files ?? [])],
  outputs: (spec.outputs ?? {}) as O,
});

/** A JVM component named by class and constructor arguments (runs on Storm only). */
export const java = <const O extends ExternalOutputs = {}>(spec: { className: string; args?: readonly JavaArg[]; outputs?: O }): JavaComponent<O> => ({
  [EXTERNAL]: "java",
  className: spec.className,
  args: spec.args ?? [],
  outputs: (spec.outputs ?? {}) as O,
});

export const isExternal = (value: unknown): value is ExternalComponent =>
  typeof value === "object" && value !== null && EXTERNAL in value;

/** Field names and directness of an external stream. */
export const externalStream = (s: ExternalStream): { fields: readonly string[]; direct: boolean } =>
  Array.isArray(s) ? { fields: s as readonly string[], direct: false } : { fields: (s as StreamSpec<any>).fields, direct: (s as StreamSpec<any>).direct };
