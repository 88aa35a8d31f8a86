/**
 * Real services for the Kafka and PostgreSQL tests: where they are, whether they run, and the rule for
 * when they do not: the tests are skipped loudly, unless CI is "true", where they fail instead.
 */
import * as net from "node:net";

export const KAFKA_BROKERS = process.env["KAFKA_BROKERS"] ?? "127.0.0.1:9092";
export const DATABASE_URL = process.env["DATABASE_URL"] ?? "postgres://squall:squall@127.0.0.1:5433/squall";
export const IN_CI = process.env["CI"] === "true";

const reachable = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });

export const kafkaRunning = (): Promise<boolean> => {
  const [host, port] = KAFKA_BROKERS.split(",")[0]!.split(":");
  return reachable(host!, Number(port ?? 9092));
};

export const postgresRunning = (): Promise<boolean> => {
  const u = new URL(DATABASE_URL);
  return reachable(u.hostname, Number(u.port || 5432));
};

/** Says why tests are skipped (loudly), or throws in CI. Returns whether the service is there. */
export async function service(name: "kafka" | "postgres"): Promise<boolean> {
  const up = name === "kafka" ? await kafkaRunning() : await postgresRunning();
  if (!up) {
    const where = name === "kafka" ? `Kafka at ${KAFKA_BROKERS}` : `PostgreSQL at ${DATABASE_URL}`;
    const message = `${where} is not running: start it with test/services/${name}/start.sh (then source test/services/${name}/env.sh)`;
    if (IN_CI) throw new Error(`CI=true and ${message}`);
    console.warn(`\n*** SKIPPING the ${name} tests: ${message} ***\n`);
  }
  return up;
}
