/**
 * Finds and loads the project's squall config (squall.config.ts, .js or .json), walking up from the
 * working directory, and resolves the environment a command talks to.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseHostPort, pickEnvironment, validateConfig, type HostPort, type ResolvedEnvironment, type SquallConfig } from "../../lib/config/config.ts";
import { loadModule } from "./load.ts";

export const CONFIG_FILES = ["squall.config.ts", "squall.config.js", "squall.config.mjs", "squall.config.json"] as const;

export interface LoadedConfig {
  readonly file: string;
  readonly config: SquallConfig;
}

/** The nearest config file at or above `from`, loaded and validated; undefined when there is none. */
export async function loadProjectConfig(from = process.cwd()): Promise<LoadedConfig | undefined> {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) continue;
      let value: unknown;
      if (name.endsWith(".json")) {
        try {
          value = JSON.parse(fs.readFileSync(file, "utf8"));
        } catch (error) {
          throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
        }
      } else {
        const exports = await loadModule(file);
        value = exports["default"];
        if (value === undefined) throw new ConfigError(`${file} has no default export; write export default defineConfig({ envs: {...} })`);
      }
      return { file, config: validateConfig(value, file) };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export interface ClusterTarget {
  readonly env: ResolvedEnvironment;
  readonly nimbus: HostPort;
  readonly ui: string;
  readonly logviewer: string;
}

export interface ClusterFlags {
  readonly env?: string;
  readonly nimbus?: string;
  readonly ui?: string;
  readonly logviewer?: string;
}

/** Where a cluster command goes: --nimbus/--ui/--logviewer flags, else the picked environment. */
export async function resolveCluster(flags: ClusterFlags, purpose: string): Promise<ClusterTarget> {
  let env: ResolvedEnvironment;
  if (flags.nimbus !== undefined && flags.env === undefined) {
    env = { name: "(command line)", nimbus: flags.nimbus };
  } else {
    const loaded = await loadProjectConfig();
    env = pickEnvironment(loaded?.config, flags.env, purpose, loaded ? path.relative(process.cwd(), loaded.file) || loaded.file : "squall.config.ts");
  }
  const nimbusText = flags.nimbus ?? env.nimbus;
  if (nimbusText === undefined) {
    throw new ConfigError(`environment "${env.name}" names no nimbus, so ${purpose} cannot reach a Storm cluster; add nimbus: "host:6627" to it`);
  }
  const nimbus = parseHostPort(nimbusText, flags.nimbus !== undefined ? "--nimbus" : `envs.${env.name}.nimbus`);
  return {
    env,
    nimbus,
    ui: (flags.ui ?? env.ui ?? `http://${nimbus.host}:8080`).replace(/\/+$/, ""),
    logviewer: (flags.logviewer ?? env.logviewer ?? `http://${nimbus.host}:8000`).replace(/\/+$/, ""),
  };
}
