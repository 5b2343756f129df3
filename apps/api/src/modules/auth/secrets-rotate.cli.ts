// pnpm secrets:rotate — with SECRETS_KEY (the new key) and SECRETS_KEY_PREVIOUS (the old one) set, rewrites every
// authenticator seed under the new key in DATABASE_URL. Seeds are also rewritten lazily at their next use; this
// makes it immediate, so SECRETS_KEY_PREVIOUS can be removed (see the README, "Secrets at rest").
import { createDb } from "@medimail/db/client";
import { ConfigError, loadConfig } from "../../config.ts";
import { secretKeysOf } from "./secrets.ts";
import { reencryptTotpSecrets } from "./totp.ts";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
if (!config.DATABASE_URL || !config.SECRETS_KEY) {
  console.error("usage: DATABASE_URL=… SECRETS_KEY=<new> SECRETS_KEY_PREVIOUS=<old> pnpm secrets:rotate");
  process.exit(2);
}
const db = createDb({ connectionString: config.DATABASE_URL });
try {
  const report = await reencryptTotpSecrets(db, secretKeysOf(config.SECRETS_KEY, config.SECRETS_KEY_PREVIOUS));
  console.log(report);
  if (report.unreadable > 0) {
    console.error("some seeds are under a key that is not configured: set it as SECRETS_KEY_PREVIOUS and run again");
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
