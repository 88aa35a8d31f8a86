/**
 * Storm 2.8 pitfalls of multilang components, found on a real cluster (test/services/storm/FINDINGS.md),
 * and what squall does about each when it deploys a topology:
 *
 * - Storm's JsonSerializer parses nested objects and arrays into json-smart's JSONObject/JSONArray, which
 *   Kryo refuses to send between workers ("Class is not registered"). squall registers both classes with
 *   Kryo (topology.kryo.register) for JSON topologies: they are a HashMap and an ArrayList underneath.
 * - Storm's JsonSerializer crashes the worker on a direct emit (it casts the task number to Long, but
 *   small numbers parse as Integer). squall refuses JSON topologies whose multilang components declare a
 *   direct stream, before submitting; squall's msgpack serializer handles direct emits.
 * - The `metrics` command kills a plain shell component (no IShellMetric is registered): squall's
 *   components never send it.
 * - Jars drop execute bits: squall starts every component through an interpreter (node/bun/sh).
 * @module
 */
import type { TopologyDescription } from "../topology/description.ts";

export const JSON_KRYO_REGISTRATIONS = [
  "org.apache.storm.shade.net.minidev.json.JSONObject",
  "org.apache.storm.shade.net.minidev.json.JSONArray",
] as const;

export class StormPitfallError extends Error {
  override readonly name = "StormPitfallError";
}

/** The topology as it must be submitted for `serializer` on Storm 2.8; throws on what cannot work. */
export function applyStormWorkarounds(description: TopologyDescription, serializer: "json" | "msgpack"): TopologyDescription {
  if (serializer !== "json") return description;
  const direct = description.components.flatMap((c) =>
    c.implementation.kind === "java" ? [] : Object.entries(c.outputs).filter(([, s]) => s.direct).map(([name]) => `${c.id}/${name}`),
  );
  if (direct.length > 0) {
    throw new StormPitfallError(
      `direct streams from multilang components (${direct.join(", ")}) crash Storm 2.8's JSON serializer (it casts the task number to Long); deploy this topology with serializer msgpack (--serializer msgpack, or config { serializer: "msgpack" })`,
    );
  }
  const configured = description.config["topology.kryo.register"];
  const existing: unknown[] = Array.isArray(configured) ? configured : configured === undefined || configured === null ? [] : [configured];
  const names = new Set(existing.map((e) => (typeof e === "string" ? e : Object.keys(e as object)[0])));
  const register = [...existing, ...JSON_KRYO_REGISTRATIONS.filter((c) => !names.has(c))];
  return { ...description, config: { ...description.config, "topology.kryo.register": register } };
}
