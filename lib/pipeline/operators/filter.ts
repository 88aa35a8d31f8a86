/**
 * filter: keeps the values the predicate accepts (a dropped value's input is acked).
 * @module
 */
import { filter as rxFilter } from "rxjs";
import { stateless, type Operator } from "../operator.ts";

export function filter<A, B extends A>(predicate: (value: A) => value is B): Operator<A, B>;
export function filter<A>(predicate: (value: A) => boolean): Operator<A, A>;
export function filter<A>(predicate: (value: A) => boolean): Operator<A, A> {
  return stateless(
    "filter",
    (item, emit) => {
      if (predicate(item.value as A)) emit(item);
    },
    rxFilter((item) => predicate(item.value as A)),
  );
}
