/**
 * map: one value in, one value out.
 * @module
 */
import { map as rxMap } from "rxjs";
import { stateless, type Operator } from "../operator.ts";

export const map = <A, B>(fn: (value: A) => B): Operator<A, B> =>
  stateless(
    "map",
    (item, emit) => emit({ ...item, value: fn(item.value as A) }),
    rxMap((item) => ({ ...item, value: fn(item.value as A) })),
  );
