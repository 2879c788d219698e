import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/setup.ts"],
    // One line naming the tests skipped for a missing Chromium or redis-server (and a failure in CI).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    // The terminal report, plus a machine-readable one that .ci/run summarises as "N passed, N failed".
    reporters: ["default", ["json", { outputFile: ".vitest-results.json" }]],
  },
});
