import { defineConfig } from "prisma/config";

// The database URL is not needed to generate the client; migrations are applied by src/migrate.ts.
export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
});
