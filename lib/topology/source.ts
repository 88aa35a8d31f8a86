/**
 * What can stand for a component in a topology, and how each one is described: a squall component
 * class, a shell component or a JVM component.
 *
 * @module
 */
import type { Component } from "../component/component.ts";
import { COMPONENT } from "../component/component.ts";
import type { Outputs, StreamSpec } from "../component/stream.ts";
import type { ImplementationDescription, StreamDescription } from "./description.ts";
import { EXTERNAL, externalStream, isExternal, type ExternalComponent } from "./external.ts";

/** A squall component class (built with Spout, ReliableSpout, Bolt, ManualBolt or BatchingBolt). */
export type ComponentClass = (abstract new () => Component<any>) & { readonly declaration: { readonly outputs: Outputs } };

/** Anything a topology can run as a component. */
export type ComponentSource = ComponentClass | ExternalComponent;

export interface SourceInfo {
  readonly implementation: ImplementationDescription;
  readonly outputs: Record<string, StreamDescription>;
  /** Known for squall classes; external components are whatever the topology makes them. */
  readonly kind?: "spout" | "bolt";
}

const isSquallClass = (value: unknown): value is ComponentClass =>
  typeof value === "function" &&
  (value as unknown as Record<symbol, unknown>)[COMPONENT] === true &&
  typeof (value as { declaration?: { outputs?: unknown } }).declaration?.outputs === "object";

/** Spouts have the host's spout entry point on their prototype chain; bolts do not. */
const classKind = (cls: ComponentClass): "spout" | "bolt" =>
  typeof (cls.prototype as { handleNext?: unknown }).handleNext === "function" ? "spout" : "bolt";

/** Describes a component source, or says (as text) why it is not one. */
export const sourceInfo = (source: unknown): SourceInfo | string => {
  if (isExternal(source)) {
    const outputs: Record<string, StreamDescription> = {};
    for (const [name, s] of Object.entries(source.outputs)) {
      const { fields, direct } = externalStream(s);
      outputs[name] = { fields: [...fields], direct };
    }
    const implementation: ImplementationDescription =
      source[EXTERNAL] === "shell"
        ? { kind: "shell", command: source.command, script: source.script, ...(source.files.length ? { files: [...source.files] } : {}) }
        : { kind: "java", className: source.className, args: [...source.args] };
    return { implementation, outputs };
  }
  if (isSquallClass(source)) {
    const outputs: Record<string, StreamDescription> = {};
    for (const [name, spec] of Object.entries(source.declaration.outputs as Record<string, StreamSpec<any>>)) {
      outputs[name] = { fields: [...spec.fields], direct: spec.direct === true };
    }
    return { implementation: { kind: "squall" }, outputs, kind: classKind(source) };
  }
  const what = typeof source === "function" ? `function ${source.name || "(anonymous)"}` : source === null ? "null" : typeof source;
  return `${what} is not a squall component`;
};
