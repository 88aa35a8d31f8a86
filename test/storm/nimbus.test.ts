import net from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import thrift from "thrift";
import { afterEach, describe, expect, it } from "vitest";
import { defOf, readStruct, writeStruct } from "../../adapters/storm/thrift/codec.ts";
import {
  NimbusAlreadyAliveError,
  NimbusAuthorizationError,
  NimbusInternalError,
  NimbusInvalidTopologyError,
  NimbusNotAliveError,
  NimbusNotLeaderError,
  NimbusTimeoutError,
  NimbusUnreachableError,
} from "../../adapters/storm/thrift/errors.ts";
import { NimbusClient, UPLOAD_CHUNK_BYTES } from "../../adapters/storm/thrift/nimbus.ts";
import { ApplicationException, Nimbus, type NimbusMethod } from "../../adapters/storm/thrift/schema.ts";
import { toStormTopology } from "../../lib/storm/mod.ts";
import { sample } from "./sample.ts";

type Reply = Record<string, unknown> | { appError: { message: string; type: number } } | "silence";
type Handler = (method: NimbusMethod, args: Record<string, unknown>) => Reply;

/** A fake Nimbus: decodes calls with the same schema tables and answers what `handler` says. */
async function fakeNimbus(handler: Handler): Promise<{ port: number; calls: [string, Record<string, unknown>][]; close(): Promise<void> }> {
  const calls: [string, Record<string, unknown>][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("data", thrift.TFramedTransport.receiver((frame) => {
      const input = new thrift.TBinaryProtocol(frame);
      const { fname, rseqid } = input.readMessageBegin();
      const method = fname as NimbusMethod;
      const args = readStruct(input, defOf(Nimbus[method].args));
      calls.push([method, args]);
      const reply = handler(method, args);
      if (reply === "silence") return;
      const trans = new thrift.TFramedTransport(undefined, (buf) => socket.write(buf!));
      const out = new thrift.TBinaryProtocol(trans);
      if ("appError" in reply) {
        out.writeMessageBegin(method, 3, rseqid);
        writeStruct(out, defOf(ApplicationException), reply.appError);
      } else {
        out.writeMessageBegin(method, 2, rseqid);
        writeStruct(out, defOf(Nimbus[method].result), reply);
      }
      out.writeMessageEnd();
      trans.flush();
    }, 0));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    calls,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const summary = (name: string) => ({ id: `${name}-1-1700000000`, name, num_tasks: 4, num_executors: 4, num_workers: 1, uptime_secs: 5, status: "ACTIVE" });
const self = { host: "127.0.0.1", port: 6627, uptime_secs: 1, isLeader: true, version: "2.8.3" };

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(handler: Handler, options = {}) {
  const server = await fakeNimbus(handler);
  const client = await NimbusClient.connect("127.0.0.1", server.port, options);
  cleanup.push(server.close, () => client.close());
  return { server, client };
}

describe("NimbusClient: connecting", () => {
  it("fails fast with NimbusUnreachableError naming host:port on a closed port", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const started = Date.now();
    const err = await NimbusClient.connect("127.0.0.1", port, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(err).toBeInstanceOf(NimbusUnreachableError);
    expect((err as Error).message).toContain(`Cannot reach Nimbus at 127.0.0.1:${port}: connection refused`);
    expect((err as Error).message).toMatch(/Is Nimbus running there\? Check nimbus\.seeds/);
  });
});

describe("NimbusClient: calls against a fake Nimbus", () => {
  it("uploads in 300 KiB chunks, reporting progress, from bytes and from a file", async () => {
    const received = new Map<string, Buffer[]>();
    let n = 0;
    const { client, server } = await setup((method, args) => {
      if (method === "beginFileUpload") {
        const loc = `/storm/inbox/stormjar-${++n}.jar`;
        received.set(loc, []);
        return { success: loc };
      }
      if (method === "uploadChunk") received.get(args["location"] as string)!.push(Buffer.from(args["chunk"] as Uint8Array));
      return {};
    });
    const bytes = Buffer.alloc(UPLOAD_CHUNK_BYTES * 2 + 1234);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const progress: [number, number][] = [];
    const loc = await client.uploadJar(bytes, (s, t) => progress.push([s, t]));
    expect(loc).toBe("/storm/inbox/stormjar-1.jar");
    expect(received.get(loc)!.map((c) => c.length)).toEqual([UPLOAD_CHUNK_BYTES, UPLOAD_CHUNK_BYTES, 1234]);
    expect(Buffer.concat(received.get(loc)!).equals(bytes)).toBe(true);
    expect(progress).toEqual([[0, bytes.length], [UPLOAD_CHUNK_BYTES, bytes.length], [2 * UPLOAD_CHUNK_BYTES, bytes.length], [bytes.length, bytes.length]]);
    expect(server.calls.at(-1)).toEqual(["finishFileUpload", { location: loc }]);

    const dir = await mkdtemp(join(tmpdir(), "squall-up-"));
    cleanup.push(() => rm(dir, { recursive: true }));
    await writeFile(join(dir, "t.jar"), bytes);
    const loc2 = await client.uploadJar(join(dir, "t.jar"));
    expect(Buffer.concat(received.get(loc2)!).equals(bytes)).toBe(true);
    await expect(client.uploadJar(join(dir, "missing.jar"))).rejects.toThrow(/Cannot read the topology jar .*missing\.jar/);
  });

  it("submits with options and sends the topology intact", async () => {
    const { client, server } = await setup(() => ({}));
    const topology = toStormTopology(sample);
    await client.submitTopology("word-count", "/inbox/x.jar", { "topology.workers": 1 }, topology, { initialStatus: "inactive" });
    const [method, args] = server.calls[0]!;
    expect(method).toBe("submitTopologyWithOpts");
    expect(args).toEqual({
      name: "word-count",
      uploadedJarLocation: "/inbox/x.jar",
      jsonConf: '{"topology.workers":1}',
      topology: JSON.parse(JSON.stringify(topology, (_, v) => (typeof v === "bigint" ? `${v}n` : v)), (_, v) =>
        typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
      ),
      options: { initial_status: 2 },
    });
  });

  it("checks Storm's topology name rule before calling Nimbus", async () => {
    const { client, server } = await setup(() => ({}));
    await expect(client.submitTopology("a.b", "/x", {}, toStormTopology(sample))).rejects.toThrow(/contains a character Storm forbids/);
    expect(server.calls).toEqual([]);
  });

  it("kill/activate/deactivate/rebalance send Storm's argument structs", async () => {
    const { client, server } = await setup(() => ({}));
    await client.killTopology("t", 0);
    await client.killTopology("t");
    await client.activate("t");
    await client.deactivate("t");
    await client.rebalance("t", { waitSecs: 2, numWorkers: 3, numExecutors: { split: 4 } });
    expect(server.calls).toEqual([
      ["killTopologyWithOpts", { name: "t", options: { wait_secs: 0 } }],
      ["killTopologyWithOpts", { name: "t", options: {} }],
      ["activate", { name: "t" }],
      ["deactivate", { name: "t" }],
      ["rebalance", { name: "t", options: { wait_secs: 2, num_workers: 3, num_executors: { split: 4 } } }],
    ]);
  });

  it("maps Storm's exceptions to typed errors with advice", async () => {
    const { client } = await setup((method) => {
      switch (method) {
        case "submitTopologyWithOpts":
          return { AlreadyAliveException: { msg: "Topology with name `t` already exists on cluster" } };
        case "activate":
          return { NotAliveException: { msg: "ghost is not alive" } };
        case "getTopologySummaries":
          return { success: [summary("a"), summary("b")] };
        case "rebalance":
          return { InvalidTopologyException: { msg: "Number of executors must be greater than 0" } };
        case "deactivate":
          return { AuthorizationException: { msg: "user x is not authorized" } };
        default:
          return {};
      }
    });
    const topo = toStormTopology(sample);
    const e1 = await client.submitTopology("t", "/x", {}, topo).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(NimbusAlreadyAliveError);
    expect((e1 as Error).message).toMatch(/"t" is already running on Nimbus 127\.0\.0\.1:\d+ .*use --force to kill it first/);
    const e2 = await client.activate("ghost").catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(NimbusNotAliveError);
    expect((e2 as Error).message).toMatch(/No running topology "ghost" on Nimbus .*Running: a, b\./);
    const e3 = await client.rebalance("a", { numExecutors: { split: 0 } }).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(NimbusInvalidTopologyError);
    expect((e3 as Error).message).toContain("Number of executors must be greater than 0");
    const e4 = await client.deactivate("a").catch((e: unknown) => e);
    expect(e4).toBeInstanceOf(NimbusAuthorizationError);
  });

  it("detects a non-leader Nimbus and names the leader", async () => {
    const { client } = await setup((method) => {
      if (method === "submitTopologyWithOpts") return { appError: { message: "Internal error processing submitTopologyWithOpts", type: 6 } };
      if (method === "getClusterInfo") {
        return {
          success: {
            supervisors: [],
            topologies: [],
            nimbuses: [
              { ...self, isLeader: false, port: 1 },
              { ...self, host: "nimbus-2.invalid", port: 6628 },
            ],
          },
        };
      }
      return {};
    });
    const err = await client.submitTopology("t", "/x", {}, toStormTopology(sample)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NimbusNotLeaderError);
    expect((err as Error).message).toMatch(/is not the leader; the leader is nimbus-2\.invalid:6628/);
  });

  it("passes other internal errors through with the server's message", async () => {
    const { client } = await setup((method) => {
      if (method === "killTopologyWithOpts") return { appError: { message: "java.lang.NullPointerException", type: 6 } };
      return { success: { supervisors: [], topologies: [], nimbuses: [self] } };
    });
    const err = await client.killTopology("t").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NimbusInternalError);
    expect((err as Error).message).toMatch(/failed killTopologyWithOpts: java\.lang\.NullPointerException\. See nimbus\.log/);
  });

  it("reads cluster info, leader, summaries (with fallback) and topology info", async () => {
    const info = { id: "a-1-1", name: "a", uptime_secs: 3, executors: [], status: "ACTIVE", errors: {} };
    const { client } = await setup((method) => {
      switch (method) {
        case "getClusterInfo":
          return { success: { supervisors: [], topologies: [summary("a")], nimbuses: [{ ...self, port: 6627 }] } };
        case "getLeader":
          return { success: { ...self, port: 6627 } };
        case "getTopologySummaries":
          return { appError: { message: "Invalid method name: 'getTopologySummaries'", type: 1 } };
        case "getTopologyInfo":
          return { success: info };
        default:
          return {};
      }
    });
    expect((await client.getLeader()).isLeader).toBe(true);
    expect((await client.getClusterInfo()).topologies[0]!.name).toBe("a");
    expect(await client.findTopologyByName("a")).toEqual(summary("a"));
    expect(await client.findTopologyByName("zz")).toBeUndefined();
    expect(await client.getTopologyInfo("a-1-1")).toEqual(info);
    expect((await client.assertLeader()).port).toBe(6627);
  });

  it("times out a call Nimbus never answers, then refuses further calls", async () => {
    const { client } = await setup(() => "silence", { callTimeoutMs: 200 });
    const err = await client.getLeader().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NimbusTimeoutError);
    expect((err as Error).message).toMatch(/did not answer getLeader within 200 ms/);
    await expect(client.getClusterInfo()).rejects.toBeInstanceOf(NimbusTimeoutError);
  });

  it("fails pending calls when Nimbus drops the connection", async () => {
    const { client, server } = await setup(() => "silence");
    const pending = client.getLeader();
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    await expect(pending).rejects.toThrow(/closed the connection/);
  });
});
