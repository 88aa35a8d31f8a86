/**
 * The plain-data description of a topology, as Storm sees it.
 *
 * This is the contract between the parts of squall: the topology model and the pipeline compiler
 * produce it, `squall run` (the local engine) executes it, and the Storm deployment (bundle, jar, Flux,
 * Nimbus Thrift) translates it. It is JSON-safe on purpose: `squall bundle` writes it as topology.json.
 *
 * @module
 */

/** How a bolt's input stream is partitioned across the bolt's tasks (Storm's groupings). */
export type GroupingDescription =
  | { readonly type: "shuffle" }
  /** Equal values of `fields` always reach the same task. */
  | { readonly type: "fields"; readonly fields: readonly string[] }
  | { readonly type: "all" }
  /** Every tuple goes to the task with the lowest id. */
  | { readonly type: "global" }
  | { readonly type: "none" }
  /** The emitter picks the task (the source stream must be declared direct). */
  | { readonly type: "direct" }
  | { readonly type: "localOrShuffle" }
  /** A JVM `CustomStreamGrouping`, named by class and constructor arguments (Storm only). */
  | { readonly type: "custom"; readonly className: string; readonly args?: readonly JavaArg[] };

/** A constructor argument of a JVM component or grouping. */
export type JavaArg = string | number | boolean | null;

/** A named output stream of a component. */
export interface StreamDescription {
  /** Field names, in the order values are emitted. */
  readonly fields: readonly string[];
  /** Direct streams are sent with an explicit target task by the emitter. */
  readonly direct: boolean;
}

/** One subscription of a bolt. */
export interface InputDescription {
  readonly component: string;
  readonly stream: string;
  readonly grouping: GroupingDescription;
}

/** How a component is implemented. */
export type ImplementationDescription =
  /** A squall TypeScript component; `module`/`exportName` locate it for bundling and local runs. */
  | { readonly kind: "squall"; readonly module?: string; readonly exportName?: string }
  /**
   * A shell component in another language (e.g. a Python bolt): argv is exactly [command, script].
   * `files` (relative to the topology module's folder) ship with the bundle at the same paths.
   */
  | { readonly kind: "shell"; readonly command: string; readonly script: string; readonly files?: readonly string[] }
  /** A JVM component named by class and constructor arguments (Storm only). */
  | { readonly kind: "java"; readonly className: string; readonly args: readonly JavaArg[] };

export interface ComponentDescription {
  readonly id: string;
  readonly type: "spout" | "bolt";
  readonly implementation: ImplementationDescription;
  /** Number of executors (Storm's parallelism hint); at least 1. */
  readonly parallelism: number;
  /** Number of tasks; defaults to `parallelism`. */
  readonly numTasks?: number;
  /** Subscriptions (bolts only; a spout has none). */
  readonly inputs: readonly InputDescription[];
  /** Output streams by name. */
  readonly outputs: Readonly<Record<string, StreamDescription>>;
  /** Per-component Storm configuration (ComponentCommon.json_conf). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Names of the pipeline operators fused into this component, for display. */
  readonly operators?: readonly string[];
}

export interface TopologyDescription {
  readonly name: string;
  /** Topology-level Storm configuration (e.g. topology.workers, topology.max.spout.pending). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly components: readonly ComponentDescription[];
}
