/**
 * The worker side of a bundle: `squall-topology.mjs` is this file bundled with the user's topology
 * module, and every component stub calls `runTask(id)`, which serves that component on stdio.
 *
 * Runtime-neutral apart from serve() (which picks the Node, Bun or Deno adapter).
 * @module
 */
import type { TopologyDescription } from "../../lib/topology/description.ts";
import { isTopology } from "../../lib/topology/topology.ts";
import type { SerializerName } from "../../lib/protocol/serializer.ts";
import { serve } from "../serve.ts";

/** What a topology module must give: the description and the component behind each id. */
export interface LoadedTopology {
  readonly description: TopologyDescription;
  component(id: string): unknown;
}

/** Raised when a module has no usable topology; the message says what to export. */
export class TopologyModuleError extends Error {
  override readonly name = "TopologyModuleError";
}

const isDescription = (v: unknown): v is TopologyDescription =>
  typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string" && Array.isArray((v as { components?: unknown }).components);

/**
 * Finds the topology in a module's exports: the default export (or an export named `topology`), as a
 * built Topology, a builder with `.build()`, or a plain TopologyDescription whose squall components
 * name their `exportName` in the same module.
 */
export function topologyFrom(exports: Readonly<Record<string, unknown>>, where: string): LoadedTopology {
  let candidate = exports["default"] ?? exports["topology"];
  if (candidate === undefined) {
    const names = Object.keys(exports);
    throw new TopologyModuleError(
      `${where} exports no topology; add \`export default topology("name").spout(...).bolt(...).build()\` (its exports: ${names.length ? names.join(", ") : "(none)"})`,
    );
  }
  if (!isTopology(candidate) && typeof candidate === "object" && candidate !== null && typeof (candidate as { build?: unknown }).build === "function") {
    candidate = (candidate as { build(): unknown }).build();
  }
  if (isTopology(candidate)) return { description: candidate.describe(), component: (id) => candidate.component(id) };
  if (isDescription(candidate)) {
    const description = candidate;
    return {
      description,
      component: (id) => {
        const c = description.components.find((x) => x.id === id);
        const name = c?.implementation.kind === "squall" ? (c.implementation.exportName ?? id) : id;
        if (!(name in exports)) throw new TopologyModuleError(`${where}: component "${id}" needs an export named "${name}" (set implementation.exportName)`);
        return exports[name];
      },
    };
  }
  throw new TopologyModuleError(
    `${where}: its default export is ${candidate === null ? "null" : typeof candidate}, not a topology; export default topology("name")...build() (or a TopologyDescription)`,
  );
}

/** The `runTask` a bundle exports: serves the component `id` with the bundle's serializer. */
export const makeRunTask =
  (topology: LoadedTopology, serializer: SerializerName) =>
  async (id: string): Promise<void> => {
    await serve(topology.component(id), { serializer, name: id });
  };
