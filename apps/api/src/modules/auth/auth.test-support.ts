import { createDb, type Db } from "@medimail/db/client";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { afterAll, beforeAll } from "vitest";
import { type App, buildApp } from "../../app.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { type LocalPscProvider, startLocalPscProvider } from "./psc/local-psc-provider.ts";

/** Where the local provider sends the browser back: the console's callback (never reached over the network). */
export const PSC_REDIRECT_URI = "http://127.0.0.1:9/api/auth/psc/callback";

export interface PscTestApp {
  database: TestDatabase;
  db: Db;
  provider: LocalPscProvider;
  app: App;
}

/**
 * A test database, the local Pro Santé Connect provider and the app built on both with PSC sign-in turned on: started
 * before the file's tests, stopped after. The fields are set once the file's first `beforeAll` has run.
 */
export function usePscTestApp({ poolSize, auth }: { poolSize: number; auth: Partial<AuthSettings> }): PscTestApp {
  const started = {} as PscTestApp;
  beforeAll(async () => {
    started.database = await createTestDatabase();
    started.db = createDb({ connectionString: started.database.url, max: poolSize });
    started.provider = await startLocalPscProvider({
      port: 0,
      clients: [{ clientId: "console", clientSecret: "secret", redirectUris: [PSC_REDIRECT_URI] }],
    });
    started.app = await buildApp({
      db: started.db,
      auth: {
        ...auth,
        psc: {
          issuer: started.provider.issuer,
          clientId: "console",
          clientSecret: "secret",
          redirectUri: PSC_REDIRECT_URI,
        },
      },
    });
  });
  afterAll(async () => {
    await started.app?.close();
    await started.provider?.close();
    await started.db?.$disconnect();
    await started.database?.drop();
  });
  return started;
}
