import { describe, expect, it } from "vitest";
import { ConfigError, defineConfig, mergeOptions, parseHostPort, parseOption, pickEnvironment, validateConfig } from "../../lib/config/config.ts";

const config = defineConfig({
  envs: {
    local: {},
    prod: { nimbus: "nimbus.example.com", options: { "topology.workers": 4, "topology.debug": false } },
  },
});

describe("project config", () => {
  it("validates and names the file and key of a mistake", () => {
    expect(validateConfig(config, "squall.config.ts")).toEqual(config);
    expect(() => validateConfig({ envs: { prod: { runtime: "python" } } }, "squall.config.json")).toThrowError(/squall.config.json: invalid squall config: .*runtime/);
    expect(() => validateConfig({ envs: { prod: { nimbus: "host:99999" } } }, "c.json")).toThrowError('c.json: envs.prod.nimbus: "host:99999" is not host or host:port');
    expect(() => validateConfig({ envs: {}, defaultEnv: "x" }, "c.json")).toThrowError(/defaultEnv "x" is not one of the envs/);
  });

  it("picks the named environment, else the only one with a nimbus", () => {
    expect(pickEnvironment(config, undefined, "submit").name).toBe("prod");
    expect(pickEnvironment(config, "local", "submit").name).toBe("local");
    expect(() => pickEnvironment(config, "staging", "submit")).toThrowError('no environment "staging" in squall.config.ts; environments: local, prod');
    const two = defineConfig({ envs: { a: { nimbus: "a" }, b: { nimbus: "b" } } });
    expect(() => pickEnvironment(two, undefined, "submit")).toThrowError("several environments name a nimbus (a, b); pick one with -e/--env");
    expect(pickEnvironment({ ...two, defaultEnv: "b" }, undefined, "submit").name).toBe("b");
    expect(() => pickEnvironment(undefined, undefined, "squall list")).toThrowError(/squall list needs a Storm cluster, and there is no squall.config.ts/);
  });

  it("parses host:port with Storm's default port", () => {
    expect(parseHostPort("nimbus", "x")).toEqual({ host: "nimbus", port: 6627 });
    expect(parseHostPort("10.0.0.1:7000", "x")).toEqual({ host: "10.0.0.1", port: 7000 });
    expect(parseHostPort("[::1]:7000", "x")).toEqual({ host: "::1", port: 7000 });
  });

  it("reads -o values as YAML and merges with CLI > topology > environment precedence", () => {
    expect(parseOption("topology.workers=4")).toEqual(["topology.workers", 4]);
    expect(parseOption("topology.debug=true")).toEqual(["topology.debug", true]);
    expect(parseOption("a=[1, 2]")).toEqual(["a", [1, 2]]);
    expect(parseOption("name=hello world")).toEqual(["name", "hello world"]);
    expect(() => parseOption("workers")).toThrowError(ConfigError);
    const merged = mergeOptions(config.envs["prod"]!.options, { "topology.workers": 2, "topology.name": "wc" }, ["topology.workers=8"]);
    expect(merged).toEqual({ "topology.workers": 8, "topology.debug": false, "topology.name": "wc" });
  });
});
