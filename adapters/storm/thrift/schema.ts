/**
 * The part of storm.thrift (Storm 2.x) that squall speaks, as codec tables.
 * Field ids and types follow storm-client/src/storm.thrift; fields squall never reads are left out
 * (the decoder skips them).
 *
 * @module
 */
import { T, type TypeDef } from "./codec.ts";

const { string, i32, bool, binary, list, record, pairs, struct, union } = T;
const NullStruct = struct("NullStruct", []);

export const JavaObjectArg = union("JavaObjectArg", [
  [1, "int_arg", i32],
  [2, "long_arg", T.i64],
  [3, "string_arg", string],
  [4, "bool_arg", bool],
  [5, "binary_arg", binary],
  [6, "double_arg", T.double],
]);

export const JavaObject = struct("JavaObject", [
  [1, "full_class_name", string, "req"],
  [2, "args_list", list(JavaObjectArg), "req"],
]);

export const GlobalStreamId = struct("GlobalStreamId", [
  [1, "componentId", string, "req"],
  [2, "streamId", string, "req"],
]);

export const Grouping = union("Grouping", [
  [1, "fields", list(string)],
  [2, "shuffle", NullStruct],
  [3, "all", NullStruct],
  [4, "none", NullStruct],
  [5, "direct", NullStruct],
  [6, "custom_object", JavaObject],
  [7, "custom_serialized", binary],
  [8, "local_or_shuffle", NullStruct],
]);

export const StreamInfo = struct("StreamInfo", [
  [1, "output_fields", list(string), "req"],
  [2, "direct", bool, "req"],
]);

export const ShellComponent = struct("ShellComponent", [
  [1, "execution_command", string],
  [2, "script", string],
]);

export const ComponentObject = union("ComponentObject", [
  [1, "serialized_java", binary],
  [2, "shell", ShellComponent],
  [3, "java_object", JavaObject],
]);

export const ComponentCommon = struct("ComponentCommon", [
  [1, "inputs", pairs(GlobalStreamId, Grouping), "req"],
  [2, "streams", record(StreamInfo), "req"],
  [3, "parallelism_hint", i32],
  [4, "json_conf", string],
]);

export const SpoutSpec = struct("SpoutSpec", [
  [1, "spout_object", ComponentObject, "req"],
  [2, "common", ComponentCommon, "req"],
]);

export const Bolt = struct("Bolt", [
  [1, "bolt_object", ComponentObject, "req"],
  [2, "common", ComponentCommon, "req"],
]);

export const StateSpoutSpec = struct("StateSpoutSpec", [
  [1, "state_spout_object", ComponentObject, "req"],
  [2, "common", ComponentCommon, "req"],
]);

export const StormTopology = struct("StormTopology", [
  [1, "spouts", record(SpoutSpec), "req"],
  [2, "bolts", record(Bolt), "req"],
  [3, "state_spouts", record(StateSpoutSpec), "req"],
  [7, "storm_version", string],
  [8, "jdk_version", string],
]);

export const SubmitOptions = struct("SubmitOptions", [[1, "initial_status", i32, "req"]]);
export const KillOptions = struct("KillOptions", [[1, "wait_secs", i32]]);
export const RebalanceOptions = struct("RebalanceOptions", [
  [1, "wait_secs", i32],
  [2, "num_workers", i32],
  [3, "num_executors", record(i32)],
]);

const exception = (name: string): TypeDef => struct(name, [[1, "msg", string, "req"]]);
export const AlreadyAliveException = exception("AlreadyAliveException");
export const NotAliveException = exception("NotAliveException");
export const AuthorizationException = exception("AuthorizationException");
export const InvalidTopologyException = exception("InvalidTopologyException");

export const TopologySummary = struct("TopologySummary", [
  [1, "id", string, "req"],
  [2, "name", string, "req"],
  [3, "num_tasks", i32, "req"],
  [4, "num_executors", i32, "req"],
  [5, "num_workers", i32, "req"],
  [6, "uptime_secs", i32, "req"],
  [7, "status", string, "req"],
  [8, "storm_version", string],
  [9, "topology_version", string],
  [513, "sched_status", string],
  [514, "owner", string],
]);

export const SupervisorSummary = struct("SupervisorSummary", [
  [1, "host", string, "req"],
  [2, "uptime_secs", i32, "req"],
  [3, "num_workers", i32, "req"],
  [4, "num_used_workers", i32, "req"],
  [5, "supervisor_id", string, "req"],
  [6, "version", string],
  [12, "blacklisted", bool],
]);

export const NimbusSummary = struct("NimbusSummary", [
  [1, "host", string, "req"],
  [2, "port", i32, "req"],
  [3, "uptime_secs", i32, "req"],
  [4, "isLeader", bool, "req"],
  [5, "version", string, "req"],
  [6, "tlsPort", i32],
]);

export const ClusterSummary = struct("ClusterSummary", [
  [1, "supervisors", list(SupervisorSummary), "req"],
  [3, "topologies", list(TopologySummary), "req"],
  [4, "nimbuses", list(NimbusSummary), "req"],
]);

export const ErrorInfo = struct("ErrorInfo", [
  [1, "error", string, "req"],
  [2, "error_time_secs", i32, "req"],
  [3, "host", string],
  [4, "port", i32],
]);

export const ExecutorInfo = struct("ExecutorInfo", [
  [1, "task_start", i32, "req"],
  [2, "task_end", i32, "req"],
]);

export const ExecutorSummary = struct("ExecutorSummary", [
  [1, "executor_info", ExecutorInfo, "req"],
  [2, "component_id", string, "req"],
  [3, "host", string, "req"],
  [4, "port", i32, "req"],
  [5, "uptime_secs", i32, "req"],
]);

export const TopologyInfo = struct("TopologyInfo", [
  [1, "id", string, "req"],
  [2, "name", string, "req"],
  [3, "uptime_secs", i32, "req"],
  [4, "executors", list(ExecutorSummary), "req"],
  [5, "status", string, "req"],
  [6, "errors", record(list(ErrorInfo)), "req"],
  [8, "storm_version", string],
  [513, "sched_status", string],
  [514, "owner", string],
]);

/** TApplicationException, the server's answer to an unknown method or an internal error. */
export const ApplicationException = struct("TApplicationException", [
  [1, "message", string],
  [2, "type", i32],
]);

/** One Nimbus method: its argument fields, its result type (undefined: void) and its declared exceptions. */
export interface MethodDef {
  readonly args: TypeDef;
  readonly result: TypeDef;
}

type ArgRow = readonly [number, string, TypeDef];

function method(name: string, args: readonly ArgRow[], returns: TypeDef | undefined, throws: readonly TypeDef[]): MethodDef {
  const rows = throws.map((t, i) => [i + 1, t.t === "struct" ? t.def.name : "error", t] as const);
  return {
    args: struct(`${name}_args`, args),
    result: struct(`${name}_result`, returns ? [[0, "success", returns], ...rows] : rows),
  };
}

const AZ = AuthorizationException;
const NA = NotAliveException;

/** The Nimbus service methods squall calls (service Nimbus in storm.thrift). */
export const Nimbus = {
  beginFileUpload: method("beginFileUpload", [], string, [AZ]),
  uploadChunk: method("uploadChunk", [[1, "location", string], [2, "chunk", binary]], undefined, [AZ]),
  finishFileUpload: method("finishFileUpload", [[1, "location", string]], undefined, [AZ]),
  submitTopologyWithOpts: method(
    "submitTopologyWithOpts",
    [
      [1, "name", string],
      [2, "uploadedJarLocation", string],
      [3, "jsonConf", string],
      [4, "topology", StormTopology],
      [5, "options", SubmitOptions],
    ],
    undefined,
    [AlreadyAliveException, InvalidTopologyException, AZ],
  ),
  killTopologyWithOpts: method("killTopologyWithOpts", [[1, "name", string], [2, "options", KillOptions]], undefined, [NA, AZ]),
  activate: method("activate", [[1, "name", string]], undefined, [NA, AZ]),
  deactivate: method("deactivate", [[1, "name", string]], undefined, [NA, AZ]),
  rebalance: method(
    "rebalance",
    [[1, "name", string], [2, "options", RebalanceOptions]],
    undefined,
    [NA, InvalidTopologyException, AZ],
  ),
  getClusterInfo: method("getClusterInfo", [], ClusterSummary, [AZ]),
  getTopologySummaries: method("getTopologySummaries", [], list(TopologySummary), [AZ]),
  getLeader: method("getLeader", [], NimbusSummary, [AZ]),
  getTopologyInfo: method("getTopologyInfo", [[1, "id", string]], TopologyInfo, [NA, AZ]),
  getTopologyInfoByName: method("getTopologyInfoByName", [[1, "name", string]], TopologyInfo, [NA, AZ]),
  getNimbusConf: method("getNimbusConf", [], string, [AZ]),
} as const satisfies Record<string, MethodDef>;

export type NimbusMethod = keyof typeof Nimbus;
