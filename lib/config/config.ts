/**
 * Project configuration: named environments (where Storm is, how workers run squall, default options),
 * in a typed `squall.config.ts` (or `squall.config.json`) at the project root.
 *
 * @example
 * ```ts
 * // squall.config.ts
 * import { defineConfig } from "squall";
 *
 * export default defineConfig({
 *   topology: "topologies/wordcount.ts", // what `squall run` runs when no module is named
 *   envs: {
 *     local: {},
 *     prod: {
 *       nimbus: "nimbus.example.com:6627",
 *       ui: "http://nimbus.example.com:8080",
 *       logviewer: "http://nimbus.example.com:8000",
 *       runtime: "node",
 *       options: { "topology.workers": 4, "topology.max.spout.pending": 2000 },
 *     },
 *   },
 * });
 * ```
 * @module
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { PathReporter } from "io-ts/lib/PathReporter.js";
import { parse as parseYaml } from "yaml";

export type RuntimeCommand = "node" | "bun" | "deno";

export interface EnvironmentConfig {
  /** Nimbus Thrift address, "host" or "host:port" (default port 6627). Environments without one are local-only. */
  readonly nimbus?: string;
  /** Storm UI base URL, for `squall stats` (default http://<nimbus host>:8080). */
  readonly ui?: string;
  /** Storm logviewer base URL, for `squall tail` (default http://<nimbus host>:8000). */
  readonly logviewer?: string;
  /** The runtime that starts components on the workers (default node). */
  readonly runtime?: RuntimeCommand;
  /** Storm config applied to every topology submitted to this environment (lowest precedence). */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface SquallConfig {
  /** The topology module `squall run` runs when none is named, relative to the config file. */
  readonly topology?: string;
  readonly envs: Readonly<Record<string, EnvironmentConfig>>;
  /** The environment used when none is named (otherwise: the only one with a nimbus). */
  readonly defaultEnv?: string;
}

/** Types a config file's default export. */
export const defineConfig = (config: SquallConfig): SquallConfig => config;

const EnvCodec = t.exact(
  t.partial({
    nimbus: t.string,
    ui: t.string,
    logviewer: t.string,
    runtime: t.union([t.literal("node"), t.literal("bun"), t.literal("deno")]),
    options: t.record(t.string, t.unknown),
  }),
);
const ConfigCodec = t.intersection([t.type({ envs: t.record(t.string, EnvCodec) }), t.partial({ defaultEnv: t.string, topology: t.string })]);

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Checks a loaded config (from TS or JSON), naming the file and the bad key. */
export const validateConfig = (value: unknown, file: string): SquallConfig => {
  const result = ConfigCodec.decode(value);
  if (isLeft(result)) {
    throw new ConfigError(`${file}: invalid squall config: ${PathReporter.report(result).slice(0, 3).join("; ")}`);
  }
  const config = result.right as SquallConfig;
  for (const [name, env] of Object.entries(config.envs)) {
    if (env.nimbus !== undefined) parseHostPort(env.nimbus, `${file}: envs.${name}.nimbus`);
  }
  if (config.defaultEnv !== undefined && !(config.defaultEnv in config.envs)) {
    throw new ConfigError(`${file}: defaultEnv "${config.defaultEnv}" is not one of the envs (${Object.keys(config.envs).join(", ")})`);
  }
  return config;
};

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export const parseHostPort = (text: string, where: string, defaultPort = 6627): HostPort => {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(text.trim());
  const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
  if (!match || !match[1] || !(port > 0 && port < 65536)) {
    throw new ConfigError(`${where}: "${text}" is not host or host:port`);
  }
  return { host: match[1], port };
};

export interface ResolvedEnvironment extends EnvironmentConfig {
  readonly name: string;
}

/**
 * Picks the environment: the one named, else defaultEnv, else the only environment with a nimbus.
 * `purpose` says what it is for, for the error message.
 */
export const pickEnvironment = (config: SquallConfig | undefined, name: string | undefined, purpose: string, file = "squall.config.ts"): ResolvedEnvironment => {
  const envs = config?.envs ?? {};
  const names = Object.keys(envs);
  if (name !== undefined) {
    const env = envs[name];
    if (!env) throw new ConfigError(`no environment "${name}" in ${file}; environments: ${names.length ? names.join(", ") : "(none)"}`);
    return { ...env, name };
  }
  if (config?.defaultEnv !== undefined) return { ...envs[config.defaultEnv]!, name: config.defaultEnv };
  const remote = names.filter((n) => envs[n]!.nimbus !== undefined);
  if (remote.length === 1) return { ...envs[remote[0]!]!, name: remote[0]! };
  if (remote.length === 0) {
    throw new ConfigError(
      `${purpose} needs a Storm cluster, and ${config ? `no environment in ${file} names a nimbus` : "there is no squall.config.ts"}; add one, e.g. envs: { prod: { nimbus: "host:6627" } }, or pass --nimbus host:port`,
    );
  }
  throw new ConfigError(`several environments name a nimbus (${remote.join(", ")}); pick one with -e/--env`);
};

/** Parses a `-o key=value` option; the value is read as YAML (numbers, booleans, lists), as streamparse does. */
export const parseOption = (text: string): [string, unknown] => {
  const at = text.indexOf("=");
  if (at <= 0) throw new ConfigError(`option "${text}" is not key=value (e.g. -o topology.workers=4)`);
  const key = text.slice(0, at).trim();
  const raw = text.slice(at + 1);
  let value: unknown;
  try {
    value = raw === "" ? "" : parseYaml(raw);
  } catch {
    value = raw;
  }
  return [key, value];
};

/** Merges Storm options by precedence: CLI -o > topology config > environment options. */
export const mergeOptions = (
  environment: Readonly<Record<string, unknown>> | undefined,
  topology: Readonly<Record<string, unknown>>,
  cli: readonly string[],
): Record<string, unknown> => ({ ...(environment ?? {}), ...topology, ...Object.fromEntries(cli.map(parseOption)) });
