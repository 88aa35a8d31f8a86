/**
 * A built topology: the validated plain description, plus the component behind every id.
 *
 * The description is what tools read (the local engine, `squall visualize`, the Storm deployment); the
 * registry is what a worker process needs: it imports the topology module and looks its component up
 * by id (`topology.component("count")`), so one module is the single source of truth for both.
 *
 * @module
 */
import type { TopologyDescription } from "./description.ts";
import type { ComponentSource } from "./source.ts";

export const TOPOLOGY = Symbol.for("squall.topology");

export class Topology {
  readonly [TOPOLOGY] = true;

  constructor(
    readonly description: TopologyDescription,
    /** Component id -> the class (squall), or the shell / JVM component it stands for. */
    readonly components: ReadonlyMap<string, ComponentSource>,
  ) {}

  get name(): string {
    return this.description.name;
  }

  /** The plain-data description (JSON-safe). */
  describe(): TopologyDescription {
    return this.description;
  }

  /** The component behind an id, with an error listing the ids when it is unknown. */
  component(id: string): ComponentSource {
    const found = this.components.get(id);
    if (found === undefined) {
      throw new Error(`topology "${this.name}" has no component "${id}"; its components: ${[...this.components.keys()].join(", ")}`);
    }
    return found;
  }
}

/** Is this a built topology (works across copies of squall, e.g. a bundled topology module)? */
export const isTopology = (value: unknown): value is Topology =>
  typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[TOPOLOGY] === true;
