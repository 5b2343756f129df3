// The API alone on BENCH_SERVER_DATABASE_URL, listening on a free port it prints ("port=1234"): feed-report.ts
// measures the peak RSS of this process while it serves the PDF (nothing else runs in it).
import { buildApp } from "@medimail/api/app";
import { createDb } from "@medimail/db/client";

const db = createDb({ connectionString: process.env.BENCH_SERVER_DATABASE_URL as string });
const app = await buildApp({ db });
const address = await app.listen({ port: 0, host: "127.0.0.1" });
console.log(`port=${new URL(address).port}`);
process.on("SIGTERM", () => {
  void app
    .close()
    .then(() => db.$disconnect())
    .finally(() => process.exit(0));
});
