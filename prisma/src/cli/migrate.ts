// pnpm db:migrate — applies pending migrations to DATABASE_URL.
import { applyMigrations } from "../migrations.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:migrate: set DATABASE_URL (the embedded database migrates itself at start-up)");
  process.exit(2);
}
try {
  const { applied, alreadyApplied } = await applyMigrations(url);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : `up to date (${alreadyApplied} migrations)`);
} catch (error) {
  console.error(`db:migrate: ${(error as Error).message}`);
  process.exit(1);
}
