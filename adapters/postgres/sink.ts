/**
 * PostgresSink: a batching bolt that writes each batch to PostgreSQL in one transaction, acks the
 * batch's tuples after COMMIT, and fails them all (Storm replays them) when anything goes wrong.
 *
 * Replays must not double count, so writes should be idempotent. Two ready-made writers:
 * - {@link upsert}: `INSERT ... ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col`: rows whose values
 *   are absolute (a total, a state) are SET, so writing one twice changes nothing;
 * - {@link countOnce}: additive counts with the ids of what was applied kept in a second table, so a
 *   replayed contribution (same id) is skipped and every event is counted exactly once in the table,
 *   however often Storm or Kafka deliver it.
 *
 * @example
 * ```ts
 * import * as t from "io-ts";
 * import { stream } from "squall";
 * import { PostgresSink, upsert } from "squall/postgres";
 *
 * const Totals = stream({ url: t.string, views: t.number });
 * export class SaveTotals extends PostgresSink({
 *   input: Totals,
 *   setup: "create table if not exists totals (url text primary key, views bigint not null)",
 *   write: upsert({ table: "totals", key: ["url"], columns: { url: "text", views: "bigint" }, row: (r) => [r.url, r.views] }),
 *   batchSize: 500,
 * }) {}
 * ```
 * @module
 */
import process from "node:process";
import pg from "pg";
import { BatchingBoltBase, type BatchingBoltDeclaration } from "../../lib/component/batching-bolt.ts";
import type { Outcome } from "../../lib/component/effects.ts";
import type { StreamSpec, Values } from "../../lib/component/stream.ts";
import type { Tuple } from "../../lib/component/tuple.ts";

/** Topology config keys the PostgreSQL sink reads. */
export const POSTGRES_CONF = { url: "squall.postgres.url" } as const;

/** What a writer may run: `query(text, params)` inside the batch's transaction. */
export interface Queryable {
  query(text: string, params?: readonly unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}

/** Writes one batch's rows (inside a transaction the sink opens and commits). */
export type BatchWriter<I> = (db: Queryable, rows: readonly I[], tuples: readonly Tuple<any>[]) => Promise<void>;

export interface PostgresSinkOptions<I extends Values> {
  readonly input?: StreamSpec<I>;
  readonly write: BatchWriter<I>;
  /** Statements run once when a task starts (e.g. CREATE TABLE IF NOT EXISTS). */
  readonly setup?: string | readonly string[];
  /** Connection URL; default: config "squall.postgres.url", else DATABASE_URL. */
  readonly url?: string;
  /** Tuples per transaction at most (default 500). */
  readonly batchSize?: number;
  /** A partial batch is written after this long (default 500 ms). */
  readonly flushIntervalMs?: number;
  /** The batch a tuple belongs to (default: one batch). */
  readonly groupKey?: (values: I) => string;
}

/** A PostgresSink task. */
export interface PostgresSinkInstance<I extends Values> extends BatchingBoltBase<{}, I> {
  processBatch(key: string, tuples: readonly Tuple<I>[]): Promise<Outcome<{}>>;
  /** Rows committed by this task. */
  readonly written: number;
}

export type PostgresSinkClass<I extends Values> = (new () => PostgresSinkInstance<I>) & {
  readonly declaration: BatchingBoltDeclaration<{}, I>;
  readonly options: PostgresSinkOptions<I>;
};

export function resolveDatabaseUrl(option: string | undefined, conf: Readonly<Record<string, unknown>>): string {
  const fromConf = conf[POSTGRES_CONF.url];
  const url = option ?? (typeof fromConf === "string" ? fromConf : undefined) ?? process.env["DATABASE_URL"];
  if (!url) throw new Error(`PostgresSink: no database URL; set the sink's url option, the topology config "${POSTGRES_CONF.url}" or DATABASE_URL (e.g. postgres://user:pass@127.0.0.1:5432/db)`);
  return url;
}

const redact = (url: string): string => url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");

/** Declares a PostgreSQL sink bolt class. */
export function PostgresSink<I extends Values = Values>(options: PostgresSinkOptions<I>): PostgresSinkClass<I> {
  const declaration = { outputs: {}, input: options.input, batchSize: options.batchSize ?? 500, flushIntervalMs: options.flushIntervalMs ?? 500 };

  abstract class DeclaredPostgresSink extends BatchingBoltBase<{}, I> {
    static readonly declaration = declaration;
    static readonly options = options;
    private client: pg.Client | undefined;
    private url = "";
    /** Rows committed by this task. */
    written = 0;

    constructor() {
      super(declaration);
    }

    override groupKey(tuple: Tuple<I>): string {
      return options.groupKey ? options.groupKey(tuple.fields) : "";
    }

    override async initialize(): Promise<void> {
      this.url = resolveDatabaseUrl(options.url, this.conf);
      const client = await this.connect();
      const setup = options.setup === undefined ? [] : typeof options.setup === "string" ? [options.setup] : options.setup;
      for (const statement of setup) {
        try {
          await client.query(statement);
        } catch (error) {
          // Tasks starting together may race on CREATE ... IF NOT EXISTS; one more try settles it.
          await client.query(statement).catch(() => {
            throw new Error(`PostgresSink: setup statement failed: ${(error as Error).message}\n  ${statement}`);
          });
        }
      }
    }

    private async connect(): Promise<pg.Client> {
      if (this.client) return this.client;
      const client = new pg.Client({ connectionString: this.url, application_name: `squall-${this.componentId}-${this.taskId}` });
      client.on("error", (error) => {
        this.log.warn(`PostgresSink: connection lost (${error.message}); reconnecting with the next batch`);
        if (this.client === client) this.client = undefined;
      });
      try {
        await client.connect();
      } catch (error) {
        throw new Error(`PostgresSink: cannot connect to ${redact(this.url)}: ${(error as Error).message}`);
      }
      this.client = client;
      return client;
    }

    async processBatch(_key: string, tuples: readonly Tuple<I>[]): Promise<Outcome<{}>> {
      let client: pg.Client | undefined;
      try {
        client = await this.connect();
        await client.query("BEGIN");
        await options.write(client as unknown as Queryable, tuples.map((t) => t.fields), tuples);
        await client.query("COMMIT");
      } catch (error) {
        await client?.query("ROLLBACK").catch(() => {
          // a broken connection: drop it, the next batch reconnects
          if (this.client === client) this.client = undefined;
          void client?.end().catch(() => undefined);
        });
        const reason = `PostgresSink: batch of ${tuples.length} not written (rolled back; its tuples are failed and replayed): ${(error as Error).message}`;
        this.log.warn(reason);
        this.reportError(reason);
        return this.fail(reason);
      }
      this.written += tuples.length;
      return this.ack();
    }

    override async close(): Promise<void> {
      await this.client?.end().catch(() => undefined);
      this.client = undefined;
    }
  }
  return DeclaredPostgresSink as unknown as PostgresSinkClass<I>;
}

const ident = (name: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) throw new Error(`PostgresSink: ${JSON.stringify(name)} is not a plain SQL identifier (letters, digits, _; optionally schema.name)`);
  return name
    .split(".")
    .map((part) => `"${part}"`)
    .join(".");
};
const sqlType = (type: string): string => {
  if (!/^[A-Za-z][A-Za-z0-9_ ]*(\(\d+(,\s*\d+)?\))?$/.test(type)) throw new Error(`PostgresSink: ${JSON.stringify(type)} is not a PostgreSQL type name`);
  return type;
};

export interface UpsertSpec<I> {
  readonly table: string;
  /** Columns of the conflict target (a primary key or unique index). */
  readonly key: readonly string[];
  /** Every column written, in order, with its PostgreSQL type (keys included). */
  readonly columns: Readonly<Record<string, string>>;
  /** A row's values, in the order of `columns`. */
  readonly row: (values: I) => readonly unknown[];
}

/**
 * A writer that upserts rows with SET semantics: a row whose key exists gets the new values, so
 * writing the same row twice (a replay) leaves the table as once. Within a batch the last row of a
 * key wins. One statement per batch (arrays through unnest).
 */
export function upsert<I>(spec: UpsertSpec<I>): BatchWriter<I> {
  const names = Object.keys(spec.columns);
  for (const k of spec.key) if (!names.includes(k)) throw new Error(`upsert(${spec.table}): key column ${k} is not among the columns (${names.join(", ")})`);
  if (spec.key.length === 0) throw new Error(`upsert(${spec.table}): give the key columns (the conflict target)`);
  const rest = names.filter((n) => !spec.key.includes(n));
  const sql =
    `INSERT INTO ${ident(spec.table)} (${names.map(ident).join(", ")}) ` +
    `SELECT * FROM unnest(${names.map((n, i) => `$${i + 1}::${sqlType(spec.columns[n]!)}[]`).join(", ")}) ` +
    `ON CONFLICT (${spec.key.map(ident).join(", ")}) ` +
    (rest.length ? `DO UPDATE SET ${rest.map((n) => `${ident(n)} = EXCLUDED.${ident(n)}`).join(", ")}` : "DO NOTHING");
  const keyIndexes = spec.key.map((k) => names.indexOf(k));
  return async (db, rows) => {
    const last = new Map<string, readonly unknown[]>();
    for (const r of rows) {
      const values = spec.row(r);
      if (values.length !== names.length) throw new Error(`upsert(${spec.table}): row() gave ${values.length} values for ${names.length} columns (${names.join(", ")})`);
      last.set(JSON.stringify(keyIndexes.map((i) => values[i])), values);
    }
    if (last.size === 0) return;
    const columns = names.map((_, i) => [...last.values()].map((v) => v[i]));
    await db.query(sql, columns);
  };
}

export interface CountOnceSpec<I> {
  /** The counts table: key columns plus the count column, with a primary key on the key columns. */
  readonly table: string;
  /** Key columns of the counts table with their types, e.g. { url: "text", window_start: "timestamptz" }. */
  readonly key: Readonly<Record<string, string>>;
  /** The count column (bigint). */
  readonly count: string;
  /** The table of applied ids: (id text primary key, applied_at timestamptz default now()). */
  readonly applied: string;
  /** A row's contributions: its key values (in the order of `key`) and the ids of the events it counts. */
  readonly contributions: (values: I) => { readonly key: readonly unknown[]; readonly ids: readonly string[] };
}

/** DDL for the tables countOnce writes. */
export function countOnceTables(spec: Pick<CountOnceSpec<unknown>, "table" | "key" | "count" | "applied">): string[] {
  const keys = Object.entries(spec.key);
  return [
    `CREATE TABLE IF NOT EXISTS ${ident(spec.table)} (${keys.map(([n, t]) => `${ident(n)} ${sqlType(t)} NOT NULL`).join(", ")}, ${ident(spec.count)} bigint NOT NULL, PRIMARY KEY (${keys.map(([n]) => ident(n)).join(", ")}))`,
    `CREATE TABLE IF NOT EXISTS ${ident(spec.applied)} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  ];
}

/**
 * A writer of additive counts that counts every id once: the batch's ids are inserted into the applied
 * table (ON CONFLICT DO NOTHING), and only the ids that were new add to their key's count, in one
 * statement inside the batch's transaction. A replay (Storm's, or Kafka's after a crash) changes
 * nothing; a partial re-emit adds only what is missing. Prune the applied table by `applied_at` once
 * replays that old can no longer happen.
 */
export function countOnce<I>(spec: CountOnceSpec<I>): BatchWriter<I> {
  const keys = Object.entries(spec.key);
  const k = keys.map(([n]) => ident(n));
  const params = keys.map(([, t], i) => `$${i + 1}::${sqlType(t)}[]`);
  const sql =
    `WITH input AS (SELECT DISTINCT ON (id) * FROM unnest(${params.join(", ")}, $${keys.length + 1}::text[]) AS i(${k.join(", ")}, id)), ` +
    `fresh AS (INSERT INTO ${ident(spec.applied)} (id) SELECT id FROM input ON CONFLICT DO NOTHING RETURNING id) ` +
    `INSERT INTO ${ident(spec.table)} (${k.join(", ")}, ${ident(spec.count)}) ` +
    `SELECT ${k.map((c) => `input.${c}`).join(", ")}, count(*) FROM input JOIN fresh USING (id) GROUP BY ${k.map((c) => `input.${c}`).join(", ")} ` +
    `ON CONFLICT (${k.join(", ")}) DO UPDATE SET ${ident(spec.count)} = ${ident(spec.table)}.${ident(spec.count)} + EXCLUDED.${ident(spec.count)}`;
  return async (db, rows) => {
    const columns: unknown[][] = keys.map(() => []);
    const ids: string[] = [];
    for (const r of rows) {
      const c = spec.contributions(r);
      if (c.key.length !== keys.length) throw new Error(`countOnce(${spec.table}): contributions() gave ${c.key.length} key values for ${keys.length} key columns`);
      for (const id of c.ids) {
        c.key.forEach((v, i) => columns[i]!.push(v));
        ids.push(id);
      }
    }
    if (ids.length === 0) return;
    await db.query(sql, [...columns, ids]);
  };
}
