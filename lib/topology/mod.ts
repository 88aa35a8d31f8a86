/**
 * Topologies as code: the builder, validation, groupings and the renderers.
 * @module
 */
export { topology, type BoltBuilder, type BoltSource, type ComponentOptions, type FieldOf, type Shape, type ShapeOf, type Shapes, type SourceRef, type SpoutSource, type TopologyBuilder, type TopologyOptions } from "./builder.ts";
export { MULTILANG_SERIALIZERS, toStormConfig, type SerializerChoice, type TopologyConfig } from "./config.ts";
export { java, shell, isExternal, type ExternalComponent, type ExternalOutputs, type ExternalStream, type JavaComponent, type ShellComponent } from "./external.ts";
export { Grouping, chooseTasks, fieldsTask, fnv1a, type RouteState } from "./grouping.ts";
export { sourceInfo, type ComponentClass, type ComponentSource } from "./source.ts";
export { Topology, isTopology } from "./topology.ts";
export { TOPOLOGY_NAME, TopologyValidationError, descriptionIssues, validateDescription, type IssueCode, type ValidationIssue } from "./validate.ts";
export { render, toDot, toMermaid, toSvg, type RenderFormat } from "./render/mod.ts";
