/**
 * PostgresSink against a real PostgreSQL: a batch is one transaction acked after COMMIT and failed on
 * error; upsert and countOnce make replays harmless (a property test replays random batches).
 */
import fc from "fast-check";
import pg from "pg";
import * as t from "io-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stream } from "../../lib/component/stream.ts";
import { countOnce, countOnceTables, PostgresSink, upsert } from "../../adapters/postgres/mod.ts";
import { ComponentHost } from "../../lib/component/host.ts";
import type { Component } from "../../lib/component/component.ts";
import { MemoryFs } from "../support/in-process.ts";

/** Drives a bolt through ComponentHost in-process; its input stream has `fields`. */
const driveInProcess = (component: Component<any>, _conf: Record<string, unknown>, fields: readonly string[] = ["url", "views"]) => {
  const sent: unknown[] = [];
  const stderr: string[] = [];
  const exits: number[] = [];
  const host = new ComponentHost(component, { pid: 4242, fs: new MemoryFs(), send: (m) => sent.push(m), stderr: (t) => stderr.push(t), exit: (c) => exits.push(c) });
  host.receive({
    conf: { "topology.name": "unit" },
    pidDir: "/pids",
    context: { "task->component": { "1": "src", "2": "me" }, taskid: 2, componentid: "me", "source->stream->fields": { src: { default: fields } } },
  });
  const tuple = (id: string, values: unknown[]) => host.receive({ id, comp: "src", stream: "default", task: 1, tuple: values });
  return { host, sent, stderr, exits, tuple };
};
import { DATABASE_URL, service } from "../support/services.ts";

const up = await service("postgres");
const suffix = `${process.pid}_${Date.now().toString(36)}`;

describe.skipIf(!up)("PostgresSink (real PostgreSQL)", () => {
  let db: pg.Client;
  beforeAll(async () => {
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db?.query(`drop table if exists totals_${suffix}, views_${suffix}, views_${suffix}_applied, bad_${suffix}`).catch(() => undefined);
    await db?.end();
  });

  const acksAndFails = (all: readonly unknown[]) => {
    const sent = all as readonly { command?: string; id?: unknown }[];
    return {
    acked: sent.filter((m) => m.command === "ack").map((m) => m.id),
    failed: sent.filter((m) => m.command === "fail").map((m) => m.id),
    };
  };
  const waitFor = async (what: () => boolean, ms = 5000) => {
    const until = Date.now() + ms;
    while (!what()) {
      if (Date.now() > until) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("upsert: a batch is written in one transaction, acked after COMMIT; a replay leaves the table as once", async () => {
    const Totals = stream({ url: t.string, views: t.number });
    class Save extends PostgresSink({
      input: Totals,
      url: DATABASE_URL,
      setup: `create table if not exists totals_${suffix} (url text primary key, views bigint not null)`,
      write: upsert({ table: `totals_${suffix}`, key: ["url"], columns: { url: "text", views: "bigint" }, row: (r: { url: string; views: number }) => [r.url, r.views] }),
      batchSize: 3,
      flushIntervalMs: 0,
    }) {}
    const d = driveInProcess(new Save(), {});
    await waitFor(() => d.host.started);
    await new Promise((r) => setTimeout(r, 200)); // initialize (setup) runs
    for (const round of [1, 2]) {
      d.tuple(`a${round}`, ["/a", 10]);
      d.tuple(`b${round}`, ["/b", 5]);
      d.tuple(`c${round}`, ["/a", 12]); // the same key later in the batch wins
      await waitFor(() => acksAndFails(d.sent).acked.length === round * 3);
    }
    const rows = (await db.query(`select url, views::int from totals_${suffix} order by url`)).rows;
    expect(rows).toEqual([{ url: "/a", views: 12 }, { url: "/b", views: 5 }]);
    expect(acksAndFails(d.sent).failed).toEqual([]);
  });

  it("a batch whose write fails is rolled back and all of its tuples are failed", async () => {
    class Bad extends PostgresSink({
      url: DATABASE_URL,
      setup: `create table if not exists bad_${suffix} (n int primary key)`,
      write: async (q, rows) => {
        await q.query(`insert into bad_${suffix} values (1)`);
        if (rows.length > 0) throw new Error("boom after the first insert");
      },
      batchSize: 2,
      flushIntervalMs: 0,
    }) {}
    const d = driveInProcess(new Bad(), {});
    await new Promise((r) => setTimeout(r, 300));
    d.tuple("x1", [1]);
    d.tuple("x2", [2]);
    await waitFor(() => acksAndFails(d.sent).failed.length === 2);
    expect(acksAndFails(d.sent).acked).toEqual([]);
    expect((await db.query(`select count(*)::int as n from bad_${suffix}`)).rows[0].n).toBe(0); // rolled back
    expect(JSON.stringify(d.sent)).toMatch(/boom after the first insert/);
  });

  it("countOnce: replays, duplicates and partial re-sends in any order count every id exactly once (property)", async () => {
    const spec = { table: `views_${suffix}`, key: { url: "text", window_start: "bigint" }, count: "views", applied: `views_${suffix}_applied` } as const;
    for (const ddl of countOnceTables(spec)) await db.query(ddl);
    type Row = { url: string; w: number; ids: string[] };
    const write = countOnce<Row>({ ...spec, contributions: (r) => ({ key: [r.url, r.w], ids: r.ids }) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ url: fc.constantFrom("/a", "/b", "/c"), w: fc.constantFrom(0, 60_000) }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
        async (events, resends) => {
          run++;
          await db.query(`truncate ${spec.table}, ${spec.applied}`);
          const all: Row[] = events.map((e, i) => ({ url: e.url, w: e.w, ids: [`r${run}-${i}`] }));
          // batches: the events once, plus re-sends of random slices (a replay or a partial window)
          const batches: Row[][] = [all];
          for (const [a, b] of resends) batches.push(all.slice(Math.min(a, b) % all.length, (Math.max(a, b) % all.length) + 1));
          for (const batch of batches.reverse()) {
            await db.query("BEGIN");
            await write(db, batch, []);
            await db.query("COMMIT");
          }
          const expected = new Map<string, number>();
          for (const e of all) expected.set(`${e.url}|${e.w}`, (expected.get(`${e.url}|${e.w}`) ?? 0) + 1);
          const rows = (await db.query(`select url, window_start::int as w, views::int from ${spec.table}`)).rows as { url: string; w: number; views: number }[];
          expect(new Map(rows.map((r) => [`${r.url}|${r.w}`, r.views]))).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("a missing database URL says where to set it", () => {
    class NoUrl extends PostgresSink({ write: async () => {} }) {}
    const saved = process.env["DATABASE_URL"];
    delete process.env["DATABASE_URL"];
    try {
      const d = driveInProcess(new NoUrl(), {});
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          expect(d.stderr.join("\n")).toMatch(/no database URL; set the sink's url option, the topology config "squall.postgres.url" or DATABASE_URL/);
          expect(d.exits).toEqual([1]);
          resolve();
        }, 100),
      );
    } finally {
      if (saved !== undefined) process.env["DATABASE_URL"] = saved;
    }
  });
});
