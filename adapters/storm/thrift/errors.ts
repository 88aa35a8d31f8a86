/**
 * Errors raised by the Nimbus client. Each says what failed, where (which Nimbus), and how to fix it.
 *
 * @module
 */

export interface NimbusAddress {
  readonly host: string;
  readonly port: number;
}

const at = (a: NimbusAddress): string => `${a.host}:${a.port}`;

/** Base class of every Nimbus client error. */
export class NimbusError extends Error {
  override name = "NimbusError";
  constructor(
    message: string,
    readonly address: NimbusAddress,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The TCP connection could not be opened (refused, unknown host, unreachable network, connect timeout). */
export class NimbusUnreachableError extends NimbusError {
  override name = "NimbusUnreachableError";
  constructor(address: NimbusAddress, reason: string, options?: { cause?: unknown }) {
    super(
      `Cannot reach Nimbus at ${at(address)}: ${reason}. Is Nimbus running there? ` +
        `Check nimbus.seeds and nimbus.thrift.port in storm.yaml, or the environment's nimbus setting ("host[:port]", default port 6627).`,
      address,
      options,
    );
  }
}

/** The connection was open but Nimbus did not answer in time, or closed it mid-call. */
export class NimbusTimeoutError extends NimbusError {
  override name = "NimbusTimeoutError";
  constructor(
    address: NimbusAddress,
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(
      `Nimbus at ${at(address)} did not answer ${operation} within ${timeoutMs} ms. ` +
        `It may be overloaded or still starting; retry, or raise the timeout (connect(host, port, { timeoutMs })).`,
      address,
    );
  }
}

/** The connection dropped, or Nimbus answered something this client cannot decode. */
export class NimbusConnectionError extends NimbusError {
  override name = "NimbusConnectionError";
}

/** submitTopology: a topology of that name is already running. */
export class NimbusAlreadyAliveError extends NimbusError {
  override name = "NimbusAlreadyAliveError";
  constructor(
    address: NimbusAddress,
    readonly topologyName: string,
    readonly stormMessage: string,
  ) {
    super(
      `A topology named "${topologyName}" is already running on Nimbus ${at(address)} (Storm: ${stormMessage}). ` +
        `Kill it first (squall kill ${topologyName}), use --force to kill it first, or submit under another name.`,
      address,
    );
  }
}

/** Nimbus rejected the topology or its configuration; the message is Storm's own. */
export class NimbusInvalidTopologyError extends NimbusError {
  override name = "NimbusInvalidTopologyError";
  constructor(
    address: NimbusAddress,
    readonly topologyName: string,
    readonly stormMessage: string,
  ) {
    super(
      `Nimbus ${at(address)} rejected topology "${topologyName}": ${stormMessage}. ` +
        `Fix the topology or its config as the message says, then submit again.`,
      address,
    );
  }
}

/** kill/activate/deactivate/rebalance/getTopologyInfo: no such running topology. */
export class NimbusNotAliveError extends NimbusError {
  override name = "NimbusNotAliveError";
  constructor(
    address: NimbusAddress,
    readonly topology: string,
    readonly stormMessage: string,
    readonly running: readonly string[] | undefined,
  ) {
    super(
      `No running topology "${topology}" on Nimbus ${at(address)} (Storm: ${stormMessage}). ` +
        (running === undefined
          ? "List the running ones with squall list."
          : running.length === 0
            ? "No topology is running there."
            : `Running: ${running.join(", ")}.`),
      address,
    );
  }
}

/** The cluster has an authorizer and the caller lacks the permission. */
export class NimbusAuthorizationError extends NimbusError {
  override name = "NimbusAuthorizationError";
  constructor(
    address: NimbusAddress,
    readonly operation: string,
    readonly stormMessage: string,
  ) {
    super(
      `Nimbus ${at(address)} refused ${operation}: ${stormMessage}. ` +
        `This cluster has an authorizer (nimbus.authorizer); ask its admins for permission, or use a cluster without one (squall speaks plain, non-SASL Thrift).`,
      address,
    );
  }
}

/** The Nimbus reached is not the leader: writes must go to the leader. */
export class NimbusNotLeaderError extends NimbusError {
  override name = "NimbusNotLeaderError";
  constructor(
    address: NimbusAddress,
    readonly leader: NimbusAddress | undefined,
  ) {
    super(
      `Nimbus ${at(address)} is not the leader` +
        (leader ? `; the leader is ${at(leader)}. Point the environment's nimbus setting at ${at(leader)}` : "; no leader is elected yet. Wait for the election (check ZooKeeper) and retry") +
        ".",
      address,
    );
  }
}

/** Nimbus failed internally (a TApplicationException): the message is what the server said. */
export class NimbusInternalError extends NimbusError {
  override name = "NimbusInternalError";
  constructor(
    address: NimbusAddress,
    readonly operation: string,
    readonly serverMessage: string,
    readonly code: number,
  ) {
    super(
      `Nimbus ${at(address)} failed ${operation}: ${serverMessage || "(no message)"}. ` +
        `See nimbus.log on that host for the stack trace.`,
      address,
    );
  }
}
