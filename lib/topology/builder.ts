/**
 * The topology builder: spouts and bolts wired by groupings, as a Storm user writes them, checked by
 * the compiler as far as types reach and by {@link descriptionIssues} for the rest.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { Bolt, Spout, stream, topology, type TupleOf } from "squall";
 *
 * const Sentences = stream({ sentence: t.string });
 * const Words = stream({ word: t.string });
 * class SentenceSpout extends Spout({ outputs: { default: Sentences } }) {
 *   nextTuple() {
 *     this.emit({ sentence: "the cow jumped over the moon" });
 *   }
 * }
 * class SplitBolt extends Bolt({ input: Sentences, outputs: { default: Words } }) {
 *   process(tuple: TupleOf<typeof Sentences>) {
 *     return this.ack(tuple.fields.sentence.split(" ").map((word) => this.emit({ word })));
 *   }
 * }
 * class CountBolt extends Bolt({ input: Words, outputs: {} }) {
 *   readonly counts = new Map<string, number>();
 *   process(tuple: TupleOf<typeof Words>) {
 *     this.counts.set(tuple.fields.word, (this.counts.get(tuple.fields.word) ?? 0) + 1);
 *     return this.ack();
 *   }
 * }
 *
 * export default topology("wordcount", { config: { workers: 1, maxSpoutPending: 100 } })
 *   .spout("sentences", SentenceSpout)
 *   .bolt("split", SplitBolt, { parallelism: 2 }).shuffle("sentences")
 *   .bolt("count", CountBolt, { parallelism: 2 }).fields("split", ["word"])
 *   .build();
 * ```
 *
 * A subscription names its source as `"id"` (the source's "default" stream) or `["id", "stream"]`.
 * Naming a component that was not added before, a stream it does not declare, or a field that stream
 * does not carry is a type error.
 * @module
 */
import type { Outputs, StreamSpec } from "../component/stream.ts";
import { toStormConfig, configProblems, type TopologyConfig } from "./config.ts";
import type { ComponentDescription, GroupingDescription, InputDescription, JavaArg, TopologyDescription } from "./description.ts";
import type { ExternalComponent } from "./external.ts";
import { Grouping } from "./grouping.ts";
import { sourceInfo, type ComponentSource } from "./source.ts";
import { Topology } from "./topology.ts";
import { descriptionIssues, TopologyValidationError, type ValidationIssue } from "./validate.ts";

// ---------------------------------------------------------------------------------------------
// types: what the compiler knows about each component (stream -> union of its field names)

/** A component's streams: stream name -> the union of its field names. */
export type Shape = { readonly [stream: string]: string };
/** Component id -> shape. */
export type Shapes = { readonly [id: string]: Shape };

type FieldNames<S> = S extends StreamSpec<infer V> ? keyof V & string : S extends readonly (infer F)[] ? F & string : never;
type ShapeOfOutputs<O> = { readonly [K in keyof O & string]: FieldNames<O[K]> };

type SpoutClassLike = (abstract new () => { readonly kind: "spout" }) & { readonly declaration: { readonly outputs: Outputs } };
type BoltClassLike = (abstract new () => { readonly kind: "bolt" }) & { readonly declaration: { readonly outputs: Outputs } };
/** What `.spout()` takes: a squall spout class, a shell or a JVM component. */
export type SpoutSource = SpoutClassLike | ExternalComponent;
/** What `.bolt()` takes: a squall bolt class, a shell or a JVM component. */
export type BoltSource = BoltClassLike | ExternalComponent;

/** The shape of a component source. */
export type ShapeOf<S> = S extends { readonly declaration: { readonly outputs: infer O } }
  ? ShapeOfOutputs<O>
  : S extends { readonly outputs: infer O }
    ? ShapeOfOutputs<O>
    : never;

/** A subscription's source: `"id"` for its default stream, or `["id", "stream"]`. */
export type SourceRef<C extends Shapes> = {
  [K in keyof C & string]: ("default" extends keyof C[K] ? K : never) | { [S in keyof C[K] & string]: readonly [K, S] }[keyof C[K] & string];
}[keyof C & string];

/** The field names of the stream a ref names. */
export type FieldOf<C extends Shapes, R> = R extends readonly [infer K, infer S]
  ? K extends keyof C ? (S extends keyof C[K] ? C[K][S] : never) : never
  : R extends keyof C
    ? C[R] extends { readonly default: infer F } ? F : never
    : never;

export interface ComponentOptions {
  /** Executors (Storm's parallelism hint); default 1. */
  readonly parallelism?: number;
  /** Tasks; default: the parallelism. */
  readonly numTasks?: number;
  /** Per-component Storm config (e.g. topology.tick.tuple.freq.secs for this bolt only). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Names of pipeline operators fused into the component (shown by `squall visualize`). */
  readonly operators?: readonly string[];
}

export interface TopologyOptions {
  readonly config?: TopologyConfig;
}

type With<C extends Shapes, Id extends string, S> = C & { readonly [K in Id]: ShapeOf<S> };

/** Adds components; `.build()` validates and returns the Topology. */
export interface TopologyBuilder<C extends Shapes = {}> {
  /** Adds a spout. */
  spout<const Id extends string, S extends SpoutSource>(id: Id, source: S, options?: ComponentOptions): TopologyBuilder<With<C, Id, S>>;
  /** Adds a bolt; subscribe it with the grouping methods that follow. */
  bolt<const Id extends string, S extends BoltSource>(id: Id, source: S, options?: ComponentOptions): BoltBuilder<With<C, Id, S>>;
  /** Merges topology config. */
  config(config: TopologyConfig): this;
  /** Every problem, without throwing. */
  validate(): ValidationIssue[];
  /** Validates (throwing TopologyValidationError listing every problem) and builds. */
  build(): Topology;
  /** Same as `build().describe()`. */
  describe(): TopologyDescription;
}

/** The builder right after `.bolt(...)`: its subscriptions. Several subscriptions are allowed. */
export interface BoltBuilder<C extends Shapes> extends TopologyBuilder<C> {
  /** Tuples spread evenly across the bolt's tasks. */
  shuffle<const R extends SourceRef<C>>(source: R): BoltBuilder<C>;
  /** Equal values of `fields` always reach the same task. */
  fields<const R extends SourceRef<C>>(source: R, fields: readonly [FieldOf<C, R>, ...FieldOf<C, R>[]]): BoltBuilder<C>;
  /** Every task gets every tuple. */
  all<const R extends SourceRef<C>>(source: R): BoltBuilder<C>;
  /** Every tuple goes to the task with the lowest id. */
  global<const R extends SourceRef<C>>(source: R): BoltBuilder<C>;
  /** No preference (Storm treats it as shuffle). */
  none<const R extends SourceRef<C>>(source: R): BoltBuilder<C>;
  /** The emitter picks the task; the stream must be declared direct. */
  direct<const R extends SourceRef<C>>(source: R): BoltBuilder<C>;
  /** Shuffle, preferring tasks in the same worker. */
  localOrShuffle<const R extends SourceRef<C>>(source: R): BoltBuilder<C>;
  /** A JVM CustomStreamGrouping (Storm only). */
  custom<const R extends SourceRef<C>>(source: R, className: string, args?: readonly JavaArg[]): BoltBuilder<C>;
  /** Any grouping as a value (untyped fields). */
  grouping<const R extends SourceRef<C>>(source: R, grouping: GroupingDescription): BoltBuilder<C>;
}

// ---------------------------------------------------------------------------------------------
// implementation (immutable: each call returns a new builder)

interface Draft {
  readonly id: string;
  readonly type: "spout" | "bolt";
  readonly source: unknown;
  readonly options: ComponentOptions;
  readonly inputs: readonly InputDescription[];
}

class Builder {
  constructor(
    private readonly name: string,
    private readonly topologyConfig: TopologyConfig,
    private readonly drafts: readonly Draft[],
  ) {}

  spout(id: string, source: unknown, options: ComponentOptions = {}): Builder {
    return new Builder(this.name, this.topologyConfig, [...this.drafts, { id, type: "spout", source, options, inputs: [] }]);
  }

  bolt(id: string, source: unknown, options: ComponentOptions = {}): Builder {
    return new Builder(this.name, this.topologyConfig, [...this.drafts, { id, type: "bolt", source, options, inputs: [] }]);
  }

  config(config: TopologyConfig): Builder {
    return new Builder(this.name, { ...this.topologyConfig, ...config }, this.drafts);
  }

  grouping(ref: string | readonly [string, string], grouping: GroupingDescription): Builder {
    const last = this.drafts[this.drafts.length - 1];
    if (!last) throw new Error(`topology "${this.name}": a grouping must follow .bolt(...)`);
    const [component, stream] = typeof ref === "string" ? [ref, "default"] : ref;
    const input: InputDescription = { component, stream, grouping };
    return new Builder(this.name, this.topologyConfig, [...this.drafts.slice(0, -1), { ...last, inputs: [...last.inputs, input] }]);
  }

  shuffle(ref: string): Builder {
    return this.grouping(ref, Grouping.shuffle());
  }
  fields(ref: string, fields: readonly string[]): Builder {
    return this.grouping(ref, Grouping.fields(fields));
  }
  all(ref: string): Builder {
    return this.grouping(ref, Grouping.all());
  }
  global(ref: string): Builder {
    return this.grouping(ref, Grouping.global());
  }
  none(ref: string): Builder {
    return this.grouping(ref, Grouping.none());
  }
  direct(ref: string): Builder {
    return this.grouping(ref, Grouping.direct());
  }
  localOrShuffle(ref: string): Builder {
    return this.grouping(ref, Grouping.localOrShuffle());
  }
  custom(ref: string, className: string, args: readonly JavaArg[] = []): Builder {
    return this.grouping(ref, Grouping.custom(className, args));
  }

  /** The description and every issue, including those only the sources reveal. */
  private assemble(): { description: TopologyDescription; issues: ValidationIssue[] } {
    const issues: ValidationIssue[] = [];
    const opaque = new Set<string>();
    const components: ComponentDescription[] = [];
    for (const draft of this.drafts) {
      const info = sourceInfo(draft.source);
      const where = `${draft.type} "${draft.id}"`;
      if (typeof info === "string") {
        opaque.add(draft.id);
        issues.push({
          code: "not-a-component",
          component: draft.id,
          message: `${where}: ${info}`,
          hint: `pass a class built with ${draft.type === "spout" ? "Spout({...}) or ReliableSpout({...})" : "Bolt({...}), ManualBolt({...}) or BatchingBolt({...})"}, or shell({...}) / java({...})`,
        });
      } else if (info.kind !== undefined && info.kind !== draft.type) {
        issues.push({
          code: "wrong-kind",
          component: draft.id,
          message: `${where}: the class ${(draft.source as { name?: string }).name || "(anonymous)"} is a ${info.kind}, not a ${draft.type}`,
          hint: `add it with .${info.kind}("${draft.id}", ...)`,
        });
      }
      const { parallelism = 1, numTasks, config = {}, operators } = draft.options;
      components.push({
        id: draft.id,
        type: draft.type,
        implementation: typeof info === "string" ? { kind: "squall" } : info.implementation,
        parallelism,
        ...(numTasks !== undefined && { numTasks }),
        inputs: draft.inputs,
        outputs: typeof info === "string" ? {} : info.outputs,
        config: { ...config },
        ...(operators !== undefined && { operators: [...operators] }),
      });
    }
    const description: TopologyDescription = { name: this.name, config: toStormConfig(this.topologyConfig), components };
    for (const problem of configProblems(this.topologyConfig)) {
      issues.push({ code: "config", message: `topology "${this.name}": ${problem}`, hint: "fix the value in topology(name, { config })" });
    }
    issues.push(...descriptionIssues(description, opaque));
    return { description, issues };
  }

  validate(): ValidationIssue[] {
    return this.assemble().issues;
  }

  build(): Topology {
    const { description, issues } = this.assemble();
    if (issues.length > 0) throw new TopologyValidationError(this.name, issues);
    return new Topology(description, new Map(this.drafts.map((d) => [d.id, d.source as ComponentSource])));
  }

  describe(): TopologyDescription {
    return this.build().describe();
  }
}

/** Starts a topology. Its module's default export should be the built topology. */
export const topology = (name: string, options: TopologyOptions = {}): TopologyBuilder<{}> =>
  new Builder(name, options.config ?? {}, []) as unknown as TopologyBuilder<{}>;
