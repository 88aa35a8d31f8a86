/**
 * A promise-based Nimbus client: TFramedTransport + TBinaryProtocol over a plain TCP socket, the way a
 * non-secure Storm cluster expects (storm.thrift.transport = SimpleTransportPlugin).
 *
 * Calls are serialized on one connection (Thrift has no multiplexing); each has a timeout.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { open } from "node:fs/promises";
import net from "node:net";
import { hostname } from "node:os";
import thrift from "thrift";
import type {
  ClusterSummary,
  NimbusSummary,
  RebalanceOptions,
  StormTopology,
  TopologyInfo,
  TopologySummary,
} from "../../../lib/storm/model.ts";
import { TopologyInitialStatus } from "../../../lib/storm/model.ts";
import { validateTopologyName } from "../../../lib/storm/validate.ts";
import { defOf, readStruct, writeStruct } from "./codec.ts";
import {
  NimbusAlreadyAliveError,
  NimbusAuthorizationError,
  NimbusConnectionError,
  NimbusError,
  NimbusInternalError,
  NimbusInvalidTopologyError,
  NimbusNotAliveError,
  NimbusNotLeaderError,
  NimbusTimeoutError,
  NimbusUnreachableError,
  type NimbusAddress,
} from "./errors.ts";
import { ApplicationException, Nimbus, type NimbusMethod } from "./schema.ts";

/** Storm's own client uploads jars in 300 KiB chunks (below nimbus.thrift.max_buffer_size, 1 MiB by default). */
export const UPLOAD_CHUNK_BYTES = 300 * 1024;
export const DEFAULT_NIMBUS_PORT = 6627;

const MessageType = { CALL: 1, REPLY: 2, EXCEPTION: 3 } as const;
const UNKNOWN_METHOD = 1;

export interface ConnectOptions {
  /** Connect timeout, and the default per-call timeout; 10 s. */
  readonly timeoutMs?: number;
  /** Per-call timeout; defaults to max(timeoutMs, 60 s) since submit and large chunks can be slow. */
  readonly callTimeoutMs?: number;
  /** Largest reply frame accepted; 64 MiB. */
  readonly maxFrameBytes?: number;
}

export interface SubmitTopologyOptions {
  /** Start the topology deactivated (spouts paused); default active. */
  readonly initialStatus?: "active" | "inactive";
}

export interface RebalanceRequest {
  readonly waitSecs?: number;
  readonly numWorkers?: number;
  /** New executor counts by component id. */
  readonly numExecutors?: Readonly<Record<string, number>>;
}

export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

interface Pending {
  readonly seqid: number;
  readonly method: NimbusMethod;
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
}

export class NimbusClient {
  readonly address: NimbusAddress;
  private readonly socket: net.Socket;
  private readonly callTimeoutMs: number;
  private seqid = 0;
  private pending: Pending | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closedError: Error | undefined;

  private constructor(socket: net.Socket, address: NimbusAddress, callTimeoutMs: number, maxFrameBytes: number) {
    this.socket = socket;
    this.address = address;
    this.callTimeoutMs = callTimeoutMs;
    const receive = thrift.TFramedTransport.receiver(
      (frame: InstanceType<typeof thrift.TFramedTransport>) => this.onFrame(frame),
      0,
      // @ts-expect-error -- thrift 0.24 accepts a maximum frame length; @types/thrift 0.10 predates it.
      maxFrameBytes,
    );
    socket.on("data", (data: Buffer) => {
      try {
        receive(data);
      } catch (e) {
        this.fail(new NimbusConnectionError(`Bad reply from Nimbus ${this.where}: ${(e as Error).message}`, address, { cause: e }));
        socket.destroy();
      }
    });
    socket.on("error", (e) => this.fail(new NimbusConnectionError(`Connection to Nimbus ${this.where} failed: ${e.message}`, address, { cause: e })));
    socket.on("close", () =>
      this.fail(
        new NimbusConnectionError(
          `Nimbus ${this.where} closed the connection. If this happened while sending a large request, ` +
            `nimbus.thrift.max_buffer_size may be smaller than the request; otherwise check nimbus.log.`,
          address,
        ),
      ),
    );
  }

  /** Opens a connection; rejects with NimbusUnreachableError when nothing answers at host:port. */
  static connect(host: string, port: number = DEFAULT_NIMBUS_PORT, options: ConnectOptions = {}): Promise<NimbusClient> {
    const address = { host, port };
    const timeoutMs = options.timeoutMs ?? 10_000;
    const callTimeoutMs = options.callTimeoutMs ?? Math.max(timeoutMs, 60_000);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new NimbusUnreachableError(address, `no TCP connection after ${timeoutMs} ms (firewall, wrong host, or a dead network path)`));
      }, timeoutMs);
      socket.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new NimbusUnreachableError(address, describeSocketError(e), { cause: e }));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new NimbusClient(socket, address, callTimeoutMs, options.maxFrameBytes ?? 64 * 1024 * 1024));
      });
    });
  }

  /** Closes the connection; pending calls fail. */
  close(): Promise<void> {
    this.closedError ??= new NimbusConnectionError(`The client for Nimbus ${this.where} was closed.`, this.address);
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private get where(): string {
    return `${this.address.host}:${this.address.port}`;
  }

  // ---- file upload ----

  /**
   * Uploads a topology jar (bytes, or a file path) with beginFileUpload/uploadChunk/finishFileUpload.
   * Returns the location on Nimbus to pass to submitTopology.
   */
  async uploadJar(source: Uint8Array | string, onProgress?: UploadProgress): Promise<string> {
    const location = (await this.call("beginFileUpload", {})) as string;
    if (typeof source === "string") {
      const file = await open(source, "r").catch((e: NodeJS.ErrnoException) => {
        throw new Error(`Cannot read the topology jar ${source}: ${e.message}. Build it first (squall jar) or pass an existing path.`, { cause: e });
      });
      try {
        const total = (await file.stat()).size;
        const buf = Buffer.alloc(UPLOAD_CHUNK_BYTES);
        let sent = 0;
        onProgress?.(0, total);
        while (sent < total) {
          const { bytesRead } = await file.read(buf, 0, Math.min(UPLOAD_CHUNK_BYTES, total - sent), sent);
          if (bytesRead === 0) break;
          await this.call("uploadChunk", { location, chunk: buf.subarray(0, bytesRead) });
          sent += bytesRead;
          onProgress?.(sent, total);
        }
      } finally {
        await file.close();
      }
    } else {
      onProgress?.(0, source.byteLength);
      for (let off = 0; off < source.byteLength; off += UPLOAD_CHUNK_BYTES) {
        const chunk = source.subarray(off, Math.min(off + UPLOAD_CHUNK_BYTES, source.byteLength));
        await this.call("uploadChunk", { location, chunk });
        onProgress?.(off + chunk.byteLength, source.byteLength);
      }
    }
    await this.call("finishFileUpload", { location });
    return location;
  }

  // ---- topology lifecycle ----

  /** Submits an uploaded jar with its topology; `jsonConf` is the topology config (object or JSON text). */
  async submitTopology(
    name: string,
    jarLocation: string,
    jsonConf: Readonly<Record<string, unknown>> | string,
    topology: StormTopology,
    options: SubmitTopologyOptions = {},
  ): Promise<void> {
    validateTopologyName(name); // Storm's rule, checked before the round trip
    const conf = typeof jsonConf === "string" ? jsonConf : JSON.stringify(jsonConf);
    const initial_status = options.initialStatus === "inactive" ? TopologyInitialStatus.INACTIVE : TopologyInitialStatus.ACTIVE;
    await this.leaderCall("submitTopologyWithOpts", name, {
      name,
      uploadedJarLocation: jarLocation,
      jsonConf: conf,
      topology,
      options: { initial_status },
    });
  }

  /** Kills a topology by name; `waitSecs` lets spouts drain first (Storm's default is the message timeout). */
  async killTopology(name: string, waitSecs?: number): Promise<void> {
    await this.leaderCall("killTopologyWithOpts", name, { name, options: waitSecs === undefined ? {} : { wait_secs: waitSecs } });
  }

  async activate(name: string): Promise<void> {
    await this.leaderCall("activate", name, { name });
  }

  async deactivate(name: string): Promise<void> {
    await this.leaderCall("deactivate", name, { name });
  }

  async rebalance(name: string, request: RebalanceRequest = {}): Promise<void> {
    const options: RebalanceOptions = {
      ...(request.waitSecs !== undefined && { wait_secs: request.waitSecs }),
      ...(request.numWorkers !== undefined && { num_workers: request.numWorkers }),
      ...(request.numExecutors !== undefined && { num_executors: request.numExecutors }),
    };
    await this.leaderCall("rebalance", name, { name, options });
  }

  // ---- queries ----

  async getClusterInfo(): Promise<ClusterSummary> {
    return (await this.call("getClusterInfo", {})) as ClusterSummary;
  }

  /** All topologies (getTopologySummaries, or getClusterInfo on a Nimbus that lacks it). */
  async getTopologySummaries(): Promise<readonly TopologySummary[]> {
    try {
      return (await this.call("getTopologySummaries", {})) as TopologySummary[];
    } catch (e) {
      if (e instanceof NimbusInternalError && e.code === UNKNOWN_METHOD) return (await this.getClusterInfo()).topologies;
      throw e;
    }
  }

  async findTopologyByName(name: string): Promise<TopologySummary | undefined> {
    return (await this.getTopologySummaries()).find((t) => t.name === name);
  }

  /** Topology details by id (see TopologySummary.id, or findTopologyByName). */
  async getTopologyInfo(id: string): Promise<TopologyInfo> {
    return (await this.guarded("getTopologyInfo", id, { id })) as TopologyInfo;
  }

  async getTopologyInfoByName(name: string): Promise<TopologyInfo> {
    return (await this.guarded("getTopologyInfoByName", name, { name })) as TopologyInfo;
  }

  async getLeader(): Promise<NimbusSummary> {
    return (await this.call("getLeader", {})) as NimbusSummary;
  }

  /** Nimbus's own configuration (JSON). */
  async getNimbusConf(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.call("getNimbusConf", {})) as string) as Record<string, unknown>;
  }

  /**
   * Whether this connection reaches the leader. `isThis` compares resolved addresses and port; with a single
   * Nimbus in the cluster it is true.
   */
  async leaderStatus(): Promise<{ leader: NimbusSummary | undefined; isThis: boolean }> {
    const cluster = await this.getClusterInfo();
    const leader = cluster.nimbuses.find((n) => n.isLeader);
    if (!leader) return { leader: undefined, isThis: false };
    if (cluster.nimbuses.length === 1) return { leader, isThis: true };
    return { leader, isThis: leader.port === this.address.port && (await sameHost(leader.host, this.address.host)) };
  }

  /** Throws NimbusNotLeaderError unless this connection reaches the leader Nimbus. */
  async assertLeader(): Promise<NimbusSummary> {
    const { leader, isThis } = await this.leaderStatus();
    if (!leader || !isThis) throw new NimbusNotLeaderError(this.address, leader && { host: leader.host, port: leader.port });
    return leader;
  }

  // ---- plumbing ----

  /** A call naming a topology: Storm's exceptions become typed errors. */
  private async guarded(method: NimbusMethod, topology: string, args: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.call(method, args);
    } catch (e) {
      if (e instanceof StormException) {
        switch (e.kind) {
          case "AlreadyAliveException":
            throw new NimbusAlreadyAliveError(this.address, topology, e.msg);
          case "InvalidTopologyException":
            throw new NimbusInvalidTopologyError(this.address, topology, e.msg);
          case "NotAliveException": {
            const running = await this.getTopologySummaries().then(
              (ts) => ts.map((t) => (method === "getTopologyInfo" ? `${t.name} (id ${t.id})` : t.name)),
              () => undefined,
            );
            throw new NimbusNotAliveError(this.address, topology, e.msg, running);
          }
          case "AuthorizationException":
            throw new NimbusAuthorizationError(this.address, `${method}(${topology})`, e.msg);
        }
      }
      throw e;
    }
  }

  /** A call only the leader serves: an internal error from a non-leader becomes NimbusNotLeaderError. */
  private async leaderCall(method: NimbusMethod, topology: string, args: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.guarded(method, topology, args);
    } catch (e) {
      if (e instanceof NimbusInternalError) {
        const status = await this.leaderStatus().catch(() => undefined);
        if (status && !status.isThis) {
          throw new NimbusNotLeaderError(this.address, status.leader && { host: status.leader.host, port: status.leader.port });
        }
        if (/not a leader/i.test(e.serverMessage)) throw new NimbusNotLeaderError(this.address, undefined);
      }
      throw e;
    }
  }

  /** One Thrift call; resolves with the `success` value, rejects with StormException/NimbusError. */
  private call(method: NimbusMethod, args: Record<string, unknown>): Promise<unknown> {
    const run = (): Promise<unknown> => this.send(method, args).then((result) => this.unwrap(method, result));
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private send(method: NimbusMethod, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const seqid = (this.seqid = (this.seqid + 1) | 0);
    let frame: Buffer | undefined;
    const trans = new thrift.TFramedTransport(undefined, (msg?: Buffer) => {
      frame = msg;
    });
    const proto = new thrift.TBinaryProtocol(trans);
    proto.writeMessageBegin(method, MessageType.CALL, seqid);
    writeStruct(proto, defOf(Nimbus[method].args), args, `${method}(…)`);
    proto.writeMessageEnd();
    trans.flush();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        // The stream is out of step once a reply is missed: drop the connection.
        this.closedError = new NimbusTimeoutError(this.address, method, this.callTimeoutMs);
        this.socket.destroy();
        reject(this.closedError);
      }, this.callTimeoutMs);
      this.pending = {
        seqid,
        method,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(frame!);
    });
  }

  private onFrame(frame: InstanceType<typeof thrift.TFramedTransport>): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) {
      this.fail(new NimbusConnectionError(`Nimbus ${this.where} sent a reply nobody asked for.`, this.address));
      return;
    }
    try {
      const proto = new thrift.TBinaryProtocol(frame);
      const { fname, mtype, rseqid } = proto.readMessageBegin();
      if (rseqid !== pending.seqid || fname !== pending.method) {
        throw new Error(`expected the reply to ${pending.method}#${pending.seqid}, got ${fname}#${rseqid}`);
      }
      if (mtype === MessageType.EXCEPTION) {
        const x = readStruct(proto, defOf(ApplicationException)) as { message?: string; type?: number };
        pending.reject(new NimbusInternalError(this.address, pending.method, x.message ?? "", x.type ?? 0));
        return;
      }
      pending.resolve(readStruct(proto, defOf(Nimbus[pending.method].result)));
    } catch (e) {
      pending.reject(new NimbusConnectionError(`Cannot decode the reply of Nimbus ${this.where} to ${pending.method}: ${(e as Error).message}`, this.address, { cause: e }));
    }
  }

  private unwrap(method: NimbusMethod, result: Record<string, unknown>): unknown {
    for (const [key, value] of Object.entries(result)) {
      if (key !== "success") throw new StormException(key, (value as { msg?: string }).msg ?? "", method);
    }
    return result["success"];
  }

  private fail(error: Error): void {
    this.closedError ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}

/** A declared Storm exception, before the client turns it into a NimbusError. */
class StormException extends Error {
  constructor(
    readonly kind: string,
    readonly msg: string,
    method: string,
  ) {
    super(`${method}: ${kind}: ${msg}`);
  }
}

function describeSocketError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused (nothing listens on that port)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "unknown host name";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    case "ETIMEDOUT":
      return "connection timed out";
    default:
      return e.message;
  }
}

const isLoopback = (a: string): boolean => a.startsWith("127.") || a === "::1";

async function addressesOf(host: string): Promise<Set<string>> {
  const found = await lookup(host, { all: true }).catch(() => [{ address: host }]);
  const local = host === hostname() || found.some((a) => isLoopback(a.address));
  return new Set(local ? ["<local>", ...found.map((a) => a.address)] : found.map((a) => a.address));
}

async function sameHost(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  const [x, y] = await Promise.all([addressesOf(a), addressesOf(b)]);
  return [...x].some((v) => y.has(v));
}

export { NimbusError };
