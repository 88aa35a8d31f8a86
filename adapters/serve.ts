/**
 * Starts a component as a multilang process on this runtime's stdio.
 *
 * @example
 * ```ts
 * // echo.ts: started by Storm (bundled, as `node echo.mjs`), by `squall run`, or by hand
 * import { Bolt, fields, type Tuple } from "squall";
 * import { serve } from "squall/serve";
 *
 * class Echo extends Bolt({ outputs: { default: fields("value") } }) {
 *   process(tuple: Tuple) {
 *     return this.ack(this.emit({ value: tuple.values[0] }));
 *   }
 * }
 * await serve(Echo, { serializer: "json" });
 * ```
 * @module
 */
import { instantiate, runComponent } from "../lib/component/main.ts";
import type { SerializerName } from "../lib/protocol/serializer.ts";
import { componentIO } from "./runtime.ts";

export interface ServeOptions {
  /** Wire format; default: the SQUALL_SERIALIZER environment variable, else json. */
  readonly serializer?: SerializerName;
  /** Name used in error messages. */
  readonly name?: string;
}

const envSerializer = (): SerializerName | undefined => {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> }; Deno?: { env: { get(k: string): string | undefined } } };
  let value: string | undefined;
  try {
    value = g.Deno ? g.Deno.env.get("SQUALL_SERIALIZER") : g.process?.env?.["SQUALL_SERIALIZER"];
  } catch {
    value = undefined; // no env permission under Deno: use the default
  }
  if (value === undefined || value === "") return undefined;
  if (value !== "json" && value !== "msgpack") throw new Error(`SQUALL_SERIALIZER="${value}": choose json or msgpack`);
  return value;
};

/** Runs `target` (a component class, instance or factory) until Storm closes stdin. */
export async function serve(target: unknown, options: ServeOptions = {}): Promise<void> {
  const io = await componentIO();
  let component;
  try {
    component = instantiate(target, options.name ?? (typeof target === "function" ? target.name : "component"));
  } catch (error) {
    io.writeStderr(`squall: ${(error as Error).message}\n`);
    return io.exit(1);
  }
  await runComponent(component, io, { serializer: options.serializer ?? envSerializer() ?? "json" });
}
