/**
 * The local engine's runtime-neutral core: planning, routing, acking, flow control and the
 * deterministic simulator. Processes and terminals live in adapters/engine.
 * @module
 */
export { Acker, ShardedAcker, type Settlement, type TreeEntry } from "./acker.ts";
export { EngineCore, type EngineCoreOptions, type EngineObserver, type TaskTransport } from "./core.ts";
export { LatencyHistogram, ComponentMetrics, type ComponentSnapshot, type MetricsSnapshot } from "./metrics.ts";
export { contextFor, handshakeFor, planTopology, settingsOf, topologyProblems, TopologyError, type EngineSettings, type Plan, type Subscription, type TaskPlan } from "./plan.ts";
export { seededRandom, type Random } from "./random.ts";
export { Router, RoutingError } from "./router.ts";
export { VirtualScheduler, type Scheduler } from "./scheduler.ts";
export { Simulation, type Fault, type FaultKind, type SimulationOptions, type SimulationResult } from "./simulator.ts";
