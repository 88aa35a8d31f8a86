/**
 * squall's PostgreSQL sink (on node-postgres): batches written in one transaction each, acked after
 * COMMIT, with idempotent writers so replays do not double count.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { countOnce, countOnceTables, PostgresSink } from "squall/postgres";
 *
 * const Views = stream({ url: t.string, id: t.string });
 * const spec = { table: "views", key: { url: "text" }, count: "n", applied: "views_applied" } as const;
 * export class CountViews extends PostgresSink({
 *   input: Views,
 *   setup: countOnceTables(spec),
 *   write: countOnce({ ...spec, contributions: (v: { url: string; id: string }) => ({ key: [v.url], ids: [v.id] }) }),
 * }) {}
 * ```
 * @module
 */
export {
  countOnce,
  countOnceTables,
  POSTGRES_CONF,
  PostgresSink,
  resolveDatabaseUrl,
  upsert,
  type BatchWriter,
  type CountOnceSpec,
  type PostgresSinkClass,
  type PostgresSinkInstance,
  type PostgresSinkOptions,
  type Queryable,
  type UpsertSpec,
} from "./sink.ts";
