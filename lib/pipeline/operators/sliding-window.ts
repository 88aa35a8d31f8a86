/**
 * slidingWindow: overlapping windows per key: `{ count: 10, every: 2 }` emits the last 10 elements after
 * every 2; `{ ms: 60_000, every: 10_000 }` emits a minute of elements every 10 seconds. An element in
 * several windows is acked once the last of them is emitted.
 * @module
 */
import type { Operator } from "../operator.ts";
import type { Window, WindowSpec } from "../window.ts";
import { windowOperator } from "./window-operator.ts";

export const slidingWindow = <A>(spec: WindowSpec<A> & { readonly every: number }): Operator<A, Window<A>> => windowOperator("slidingWindow", spec, spec.every);
