/**
 * Storm deployment, runtime-neutral: the Thrift model, TopologyDescription -> StormTopology, Flux YAML, and
 * Storm's naming rules. Sockets and files live in adapters/storm.
 *
 * @module
 */
export type * from "./model.ts";
export { TopologyInitialStatus } from "./model.ts";
export { defaultScriptFor, grouping, javaObject, toStormTopology, type StormTopologyOptions } from "./topology.ts";
export { applyStormWorkarounds, JSON_KRYO_REGISTRATIONS, StormPitfallError } from "./workarounds.ts";
export { FLUX_SHELL_BOLT, FLUX_SHELL_SPOUT, toFluxDocument, toFluxYaml, type FluxOptions } from "./flux.ts";
export {
  StormTopologyError,
  TOPOLOGY_NAME_PATTERN,
  stormProblems,
  topologyNameProblems,
  validateForStorm,
  validateTopologyName,
} from "./validate.ts";
