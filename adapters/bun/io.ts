/**
 * Bun implementation of ComponentIO: Bun's own stdin stream, node:fs for files (Bun implements it).
 * @module
 */
import type { ComponentIO } from "../../lib/io.ts";
import { nodeLikeIO } from "../node/io.ts";

interface BunGlobal {
  readonly stdin: { stream(): ReadableStream<Uint8Array> };
}

export const bunIO = (): ComponentIO => {
  const bun = (globalThis as unknown as { Bun?: BunGlobal }).Bun;
  if (!bun) throw new Error("adapters/bun: not running under Bun");
  return nodeLikeIO("bun", () => bun.stdin.stream() as unknown as AsyncIterable<Uint8Array>);
};
