import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "gateway",
          include: ["tests/gateway/**/*.test.ts", "tests/runtime/**/*.test.ts"],
          // Each file starts its own nginx processes; on 2 cores, one file at a time
          // keeps timings (and concurrency tests) honest.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
