/**
 * squall: typed Storm spouts and bolts, topologies as code, and the multilang protocol.
 *
 * This entry is runtime-neutral. Process entry points live in `squall/serve` (adapters/).
 * @module
 */
export * from "./component/stream.ts";
export * from "./component/tuple.ts";
export * from "./component/effects.ts";
export { Component, isComponent, isComponentClass, type ComponentEnv, type ComponentKind, type Declaration } from "./component/component.ts";
export * from "./component/bolt.ts";
export * from "./component/spout.ts";
export * from "./component/reliable-spout.ts";
export * from "./component/batching-bolt.ts";
export { createLogger, type Logger } from "./component/logger.ts";
export { ComponentHost, CONF, type HostIO } from "./component/host.ts";
export { instantiate, runComponent, type RunOptions } from "./component/main.ts";
export type { ComponentIO, FileSystem, RuntimeName } from "./io.ts";
export * from "./protocol/messages.ts";
export * from "./protocol/serializer.ts";
export type * from "./topology/description.ts";
export * from "./topology/mod.ts";
export * from "./pipeline/mod.ts";
export * from "./config/config.ts";
export { PartitionOffsets, TopicOffsets, type OffsetCommit } from "./kafka/offsets.ts";
