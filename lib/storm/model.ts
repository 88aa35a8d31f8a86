/**
 * Storm's Thrift data model (storm-client/src/storm.thrift), as plain TypeScript data.
 *
 * Field names are Storm's own, so a value reads like the IDL. Conventions:
 * - a Thrift union is an object with exactly one key: `{ shuffle: {} }`, `{ fields: ["word"] }`;
 * - `map<string, V>` is a plain record; a map with struct keys is a list of `[key, value]` pairs;
 * - i64 is `bigint` when read (a `number` is accepted when written).
 *
 * Pure types: the encoder lives in adapters/storm/thrift.
 *
 * @module
 */

/** Thrift's empty struct, used by the argument-less grouping variants. */
export type NullStruct = Record<string, never>;

export type JavaObjectArg =
  | { readonly int_arg: number }
  | { readonly long_arg: bigint | number }
  | { readonly string_arg: string }
  | { readonly bool_arg: boolean }
  | { readonly binary_arg: Uint8Array }
  | { readonly double_arg: number };

export interface JavaObject {
  readonly full_class_name: string;
  readonly args_list: readonly JavaObjectArg[];
}

export interface GlobalStreamId {
  readonly componentId: string;
  readonly streamId: string;
}

/** An empty `fields` list is Storm's global grouping. */
export type Grouping =
  | { readonly fields: readonly string[] }
  | { readonly shuffle: NullStruct }
  | { readonly all: NullStruct }
  | { readonly none: NullStruct }
  | { readonly direct: NullStruct }
  | { readonly custom_object: JavaObject }
  | { readonly custom_serialized: Uint8Array }
  | { readonly local_or_shuffle: NullStruct };

export interface StreamInfo {
  readonly output_fields: readonly string[];
  readonly direct: boolean;
}

export interface ShellComponent {
  readonly execution_command: string;
  readonly script: string;
}

export type ComponentObject =
  | { readonly serialized_java: Uint8Array }
  | { readonly shell: ShellComponent }
  | { readonly java_object: JavaObject };

export interface ComponentCommon {
  readonly inputs: ReadonlyArray<readonly [GlobalStreamId, Grouping]>;
  readonly streams: Readonly<Record<string, StreamInfo>>;
  readonly parallelism_hint?: number;
  /** JSON text of the component's configuration. */
  readonly json_conf?: string;
}

export interface SpoutSpec {
  readonly spout_object: ComponentObject;
  readonly common: ComponentCommon;
}

export interface Bolt {
  readonly bolt_object: ComponentObject;
  readonly common: ComponentCommon;
}

export interface StateSpoutSpec {
  readonly state_spout_object: ComponentObject;
  readonly common: ComponentCommon;
}

export interface StormTopology {
  readonly spouts: Readonly<Record<string, SpoutSpec>>;
  readonly bolts: Readonly<Record<string, Bolt>>;
  /** Required by Storm; always empty for squall. */
  readonly state_spouts: Readonly<Record<string, StateSpoutSpec>>;
  readonly storm_version?: string;
  readonly jdk_version?: string;
}

/** TopologyInitialStatus. */
export const TopologyInitialStatus = { ACTIVE: 1, INACTIVE: 2 } as const;

export interface SubmitOptions {
  readonly initial_status: (typeof TopologyInitialStatus)[keyof typeof TopologyInitialStatus];
}

export interface KillOptions {
  readonly wait_secs?: number;
}

export interface RebalanceOptions {
  readonly wait_secs?: number;
  readonly num_workers?: number;
  readonly num_executors?: Readonly<Record<string, number>>;
}

export interface TopologySummary {
  readonly id: string;
  readonly name: string;
  readonly num_tasks: number;
  readonly num_executors: number;
  readonly num_workers: number;
  readonly uptime_secs: number;
  /** ACTIVE, INACTIVE, KILLED, REBALANCING. */
  readonly status: string;
  readonly storm_version?: string;
  readonly topology_version?: string;
  readonly sched_status?: string;
  readonly owner?: string;
}

export interface SupervisorSummary {
  readonly host: string;
  readonly uptime_secs: number;
  readonly num_workers: number;
  readonly num_used_workers: number;
  readonly supervisor_id: string;
  readonly version?: string;
  readonly blacklisted?: boolean;
}

export interface NimbusSummary {
  readonly host: string;
  readonly port: number;
  readonly uptime_secs: number;
  readonly isLeader: boolean;
  readonly version: string;
  readonly tlsPort?: number;
}

export interface ClusterSummary {
  readonly supervisors: readonly SupervisorSummary[];
  readonly topologies: readonly TopologySummary[];
  readonly nimbuses: readonly NimbusSummary[];
}

export interface ErrorInfo {
  readonly error: string;
  readonly error_time_secs: number;
  readonly host?: string;
  readonly port?: number;
}

export interface ExecutorInfo {
  readonly task_start: number;
  readonly task_end: number;
}

/** Per-executor stats (field 7) are not decoded: use the Storm UI REST API for numbers. */
export interface ExecutorSummary {
  readonly executor_info: ExecutorInfo;
  readonly component_id: string;
  readonly host: string;
  readonly port: number;
  readonly uptime_secs: number;
}

export interface TopologyInfo {
  readonly id: string;
  readonly name: string;
  readonly uptime_secs: number;
  readonly executors: readonly ExecutorSummary[];
  readonly status: string;
  /** Recent errors by component id. */
  readonly errors: Readonly<Record<string, readonly ErrorInfo[]>>;
  readonly storm_version?: string;
  readonly sched_status?: string;
  readonly owner?: string;
}
