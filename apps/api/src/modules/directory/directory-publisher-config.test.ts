import { createAccount, createStructure } from "@medimail/db/seed/factories";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { loadConfig } from "../../config.ts";
import { createDirectoryPublicationJob } from "./directory.jobs.ts";
import { directoryPublisherOf } from "./directory-publisher-config.ts";

/** production requires one */
const SECRETS_KEY = Buffer.alloc(32, 7).toString("base64");

const t = useTestDb();

describe("the directory publisher chosen by the configuration", () => {
  it("in development, by default: the local stand-in, seeded with the structures, receiving the night's PATCHes", async () => {
    const structure = await createStructure(t.db, {
      mssDomain: "conf.mssante.fr",
      identifierType: "FINESS",
      identifier: "340000000",
    });
    const account = await createAccount(t.db, structure.id, {
      type: "ORG",
      description: "Accueil",
      responsibleLastName: "Roux",
      responsibleFirstName: "Léa",
    });
    await t.db.mssAddress.create({ data: { accountId: account.id, address: "accueil@conf.mssante.fr" } });
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const config = loadConfig({ NODE_ENV: "development", DIRECTORY_STANDIN_PORT: String(port) });
    const directory = await directoryPublisherOf(config, {
      db: t.db,
      log: pino({ level: "silent" }),
      startStandin: true,
    });
    try {
      expect(directory.publisher.target).toBe(`http://127.0.0.1:${port}/fhir/`);
      await createDirectoryPublicationJob({ publisher: directory.publisher })(
        jobContext(t.db, fakeClock("2026-11-26T04:00:00Z")),
      );
      const found = await fetch(`http://127.0.0.1:${port}/fhir/Organization?mailbox-mss=accueil@conf.mssante.fr`).then(
        (r) => r.json(),
      );
      expect(found).toMatchObject({ total: 1, entry: [{ resource: { id: "org-1340000000" } }] });
    } finally {
      await directory.close();
    }
  });

  it("file when asked, and in production by default; api without an address is refused outside development", async () => {
    const file = await directoryPublisherOf(
      loadConfig({ NODE_ENV: "development", DIRECTORY_PUBLISHER: "file", DATA_DIR: "/nonexistent-data" }),
      {
        db: t.db,
        log: pino({ level: "silent" }),
        startStandin: true,
      },
    );
    expect(file.publisher.target).toBe("/nonexistent-data/directory-feed");
    expect(() =>
      loadConfig({
        NODE_ENV: "production",
        SMTP_URL: "smtps://x",
        PUBLIC_URL: "https://x",
        SECRETS_KEY,
        DIRECTORY_PUBLISHER: "api",
      }),
    ).toThrow(/DIRECTORY_API_URL: required with DIRECTORY_PUBLISHER=api/);
    const api = await directoryPublisherOf(
      loadConfig({
        NODE_ENV: "production",
        SMTP_URL: "smtps://x",
        PUBLIC_URL: "https://x",
        SECRETS_KEY,
        DIRECTORY_PUBLISHER: "api",
        DIRECTORY_API_URL: "https://annuaire.example/fhir",
      }),
      { db: t.db, log: pino({ level: "silent" }), startStandin: true },
    );
    expect(api.publisher.target).toBe("https://annuaire.example/fhir/");
  });
});
