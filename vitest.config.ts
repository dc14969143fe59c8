import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/test/**/*.test.ts",
      "apps/*/src/**/*.test.ts",
      "apps/*/test/**/*.test.ts",
      "deploy/test/**/*.test.ts",
      "chaos/**/*.test.ts",
    ],
    exclude: ["**/node_modules/**", "e2e/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Multi-process tests spawn real workers; keep files from starving each other on 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
