/**
 * tumblingWindow: consecutive, non-overlapping windows per key, by count (`{ count: 100 }`) or by time
 * (`{ ms: 60_000 }`, with `timestamp` for event time and `allowedLatenessMs` for stragglers).
 * Emits a {@link Window} anchored to every element in it. See window.ts for the exact semantics.
 * @module
 */
import type { Operator } from "../operator.ts";
import type { Window, WindowSpec } from "../window.ts";
import { windowOperator } from "./window-operator.ts";

export const tumblingWindow = <A>(spec: WindowSpec<A>): Operator<A, Window<A>> => windowOperator("tumblingWindow", spec, undefined);
