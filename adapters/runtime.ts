/**
 * Picks the runtime adapter for the current process.
 * @module
 */
import type { ComponentIO, RuntimeName } from "../lib/io.ts";

export const detectRuntime = (): RuntimeName => {
  const g = globalThis as Record<string, unknown>;
  if (g["Deno"] !== undefined) return "deno";
  if (g["Bun"] !== undefined) return "bun";
  return "node";
};

/** The ComponentIO of this runtime (adapters load lazily so each runtime loads only its own). */
export const componentIO = async (): Promise<ComponentIO> => {
  switch (detectRuntime()) {
    case "deno":
      return (await import("./deno/io.ts")).denoIO();
    case "bun":
      return (await import("./bun/io.ts")).bunIO();
    default:
      return (await import("./node/io.ts")).nodeIO();
  }
};
