import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DirectoryPublicationsResponse } from "@medimail/contracts/directory";
import { createDb, type Db } from "@medimail/db/client";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../../../test/auth.ts";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { type App, buildApp } from "../../app.ts";
import { createDirectoryPublicationJob } from "./directory.jobs.ts";
import { createFhirFilePublisher } from "./fhir-file-publisher.ts";

let database: TestDatabase;
let db: Db;
let app: App;
let feedDir: string;
let operator: SignedIn;
let administrator: SignedIn;
let support: SignedIn;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 4 });
  app = await buildApp({ db });
  feedDir = await mkdtemp(path.join(os.tmpdir(), "medimail-feed-routes-"));
  operator = await signInAs(db, (await createConsoleUser(db, "OPERATOR")).email);
  administrator = await signInAs(db, (await createConsoleUser(db, "ADMINISTRATOR")).email);
  support = await signInAs(db, (await createConsoleUser(db, "SUPPORT")).email);
});
afterAll(async () => {
  await app?.close();
  await db?.$disconnect();
  await database?.drop();
  await rm(feedDir, { recursive: true, force: true });
});

describe("GET /api/directory/publications", () => {
  it("lists the nights with their counts and held entries, to operators and support only", async () => {
    const structure = await createStructure(db, {
      name: "CHU Test",
      identifierType: "FINESS",
      identifier: "310000000",
    });
    const ok = await createAccount(db, structure.id, { type: "PER" });
    const refused = await createAccount(db, structure.id, { type: "PER", lastName: "Refuse" });
    const held = await createAccount(db, structure.id, { type: "PER", rpps: null, lastName: "Sansrpps" });
    await db.mssAddress.createMany({
      data: [
        { accountId: ok.id, address: "ok@chu.mssante.fr" },
        { accountId: held.id, address: "sans.rpps@chu.mssante.fr" },
        { accountId: refused.id, address: "refuse@chu.mssante.fr" },
      ],
    });
    // the directory refuses one entry (as the ANS API answers a professional it does not know)
    const files = createFhirFilePublisher(feedDir);
    const publisher = {
      target: files.target,
      async publish(batch: Parameters<typeof files.publish>[0]) {
        await files.publish(batch);
        const entry = batch.entries.find((e) => e.address === "refuse@chu.mssante.fr");
        return {
          rejected: entry
            ? [{ entryId: entry.id, code: "404 not-found", message: "Aucune ressource ne correspond au critère" }]
            : [],
        };
      },
    };
    const publish = createDirectoryPublicationJob({ publisher });
    await publish(jobContext(db, fakeClock("2026-11-26T04:00:00Z")));

    const response = await app.inject({ url: "/api/directory/publications", headers: operator.headers });
    expect(response.statusCode).toBe(200);
    const body = DirectoryPublicationsResponse.parse(response.json());
    expect(body).toMatchObject({ pending: 0, heldNow: 1 });
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({
      runDate: "2026-11-26",
      status: "DONE",
      created: 2,
      held: 1,
      rejected: 1,
      feedFile: feedDir,
      rejectedEntries: [
        {
          address: "refuse@chu.mssante.fr",
          action: "CREATE",
          accountId: refused.id,
          structureName: "CHU Test",
          lastName: "Refuse",
          code: "404 not-found",
          message: "Aucune ressource ne correspond au critère",
        },
      ],
      heldEntries: [
        {
          address: "sans.rpps@chu.mssante.fr",
          accountId: held.id,
          structureName: "CHU Test",
          lastName: "Sansrpps",
          codes: ["MSS007"],
        },
      ],
    });

    expect((await app.inject({ url: "/api/directory/publications", headers: support.headers })).statusCode).toBe(200);
    expect((await app.inject({ url: "/api/directory/publications", headers: administrator.headers })).statusCode).toBe(
      403,
    );
    expect((await app.inject({ url: "/api/directory/publications" })).statusCode).toBe(401);
  });
});
