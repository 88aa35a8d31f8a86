import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: [
      { find: /^squall$/, replacement: new URL("./lib/mod.ts", import.meta.url).pathname },
      { find: /^squall\/serve$/, replacement: new URL("./adapters/serve.ts", import.meta.url).pathname },
      { find: /^squall\/kafka$/, replacement: new URL("./adapters/kafka/mod.ts", import.meta.url).pathname },
      { find: /^squall\/postgres$/, replacement: new URL("./adapters/postgres/mod.ts", import.meta.url).pathname },
      { find: /^squall\/testing$/, replacement: new URL("./lib/testing/mod.ts", import.meta.url).pathname },
    ],
  },
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    include: ["test/**/*.test.ts", "lib/**/*.test.ts", "adapters/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real processes and real JVMs share two cores: keep files from starving each other.
    maxWorkers: 2,
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
