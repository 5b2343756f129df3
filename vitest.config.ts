import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
        },
      },
      {
        // the SPA's component tests: Testing Library in happy-dom (no browser, no server)
        root: "apps/web",
        test: {
          name: "web",
          include: ["src/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
          setupFiles: ["src/test/setup.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["apps/api/src/**/*.test.ts", "prisma/src/**/*.test.ts"],
          // each file starts its own database (an in-memory PGlite, or a fresh database on TEST_DATABASE_URL)
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
    ],
  },
});
