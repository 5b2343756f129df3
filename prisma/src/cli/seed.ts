// pnpm db:seed — loads the demo into DATABASE_URL (migrated first). Refuses a database that has structures.
import { createDb } from "../client.ts";
import { applyMigrations } from "../migrations.ts";
import { DEMO_LOGINS, DEMO_PASSWORD, isEmpty, seedDemo } from "../seed/demo.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("db:seed: set DATABASE_URL (the embedded database loads the demo by itself when empty)");
  process.exit(2);
}
await applyMigrations(url);
const db = createDb({ connectionString: url });
try {
  if (!(await isEmpty(db))) {
    console.error("db:seed: this database already has structures; the demo only goes into an empty database");
    process.exit(1);
  }
  console.log(await seedDemo(db));
  console.log(`demo logins (password "${DEMO_PASSWORD}"): ${DEMO_LOGINS.map((l) => l.email).join(", ")}`);
} finally {
  await db.$disconnect();
}
