import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Prisma } from "@medimail/db/client";
import { createAccounts, createStructure } from "@medimail/db/seed/factories";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import {
  type MailboxContact,
  mailboxMetadataOf,
  operationParts,
  type PatchOperation,
} from "./ans-fhir.test-support.ts";
import { ANS } from "./ans-fhir.ts";
import { createDirectoryPublicationJob } from "./directory.jobs.ts";
import { addressOf, changeAndMark, clearPublications, createCorrespondent, night } from "./directory.test-support.ts";
import { deleteCorrespondence, markChanged } from "./directory-changes.repository.ts";
import type { DirectoryPublisher, FeedBatch } from "./directory-publisher.ts";
import { createFhirFilePublisher } from "./fhir-file-publisher.ts";

const t = useTestDb();
let feedDir: string;
let structureId: string;

beforeAll(async () => {
  const structure = await createStructure(t.db, {
    mssDomain: "chu-test.mssante.fr",
    identifierType: "FINESS",
    identifier: "310000000",
  });
  structureId = structure.id;
});
beforeEach(async () => {
  feedDir = await mkdtemp(path.join(os.tmpdir(), "medimail-feed-test-"));
  // every case starts from an empty directory: earlier cases' addresses and runs are not its business
  await clearPublications(t.db);
  await t.db.refProfessional.deleteMany();
  await t.db.refStructure.deleteMany();
});
afterAll(async () => {
  await rm(feedDir, { recursive: true, force: true });
});

/** The file publisher, recording every batch it is handed (resends included). */
function recordingPublisher(options: { failAtCall?: number; failAfterWriteAtCall?: number } = {}) {
  const files = createFhirFilePublisher(feedDir);
  const calls: FeedBatch[] = [];
  const publisher: DirectoryPublisher = {
    target: files.target,
    async publish(batch) {
      calls.push(batch);
      if (calls.length === options.failAtCall) throw new Error("annuaire injoignable");
      const report = await files.publish(batch);
      if (calls.length === options.failAfterWriteAtCall) throw new Error("processus tué après l'écriture");
      return report;
    },
  };
  return { publisher, calls };
}

/** Every request the directory received: the PATCH documents of the feed folder, read back as actions. */
async function feed() {
  const names = (await readdir(feedDir)).filter((name) => name.endsWith(".json")).sort();
  const entries: { action: string; url: string; address: string; contact?: MailboxContact; method: string }[] = [];
  for (const name of names) {
    const bundle = JSON.parse(await readFile(path.join(feedDir, name), "utf8"));
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "batch" });
    for (const entry of bundle.entry) {
      const operations = (entry.resource.parameter as PatchOperation[]).map(operationParts);
      const types = operations.map((op) => op.type).join("+");
      const action = { "delete+insert": "CREATE", replace: "UPDATE", delete: "DELETE" }[types] ?? types;
      const path0 = (operations[0]?.path as string | undefined) ?? "";
      const address = /where\(value = '(.*)'\)/.exec(path0)?.[1] ?? "";
      const contact = operations.map((op) => op.value as MailboxContact | undefined).find((value) => !!value);
      entries.push({ action, url: entry.request.url, address, contact, method: entry.request.method });
    }
  }
  return { files: names, entries };
}
const summary = async () => (await feed()).entries.map((entry) => `${entry.action} ${entry.address}`);
const correspondent = (overrides: Partial<Prisma.AccountCreateManyInput> = {}, prefix?: string, listed = true) =>
  createCorrespondent(t.db, structureId, "chu-test.mssante.fr", { overrides, prefix, listed });
const statusOf = (accountId: string) => addressOf(t.db, accountId);

describe("nightly directory publication", () => {
  it("creates every new correspondence once, as FHIR with the MSSanté mailbox metadata; run again, sends nothing", async () => {
    const per = await correspondent({ type: "PER", lastName: "Martin", firstName: "Jean" }, "jean.martin");
    const org = await correspondent(
      {
        type: "ORG",
        lastName: "Secrétariat",
        firstName: "Cardiologie",
        responsibleLastName: "Durand",
        responsibleFirstName: "Anne",
        description: "Secrétariat de cardiologie",
        finessSite: "310000001",
      },
      "secretariat.cardio",
    );
    await createAccounts(t.db, structureId, 20).then((rows) =>
      t.db.mssAddress.createMany({
        data: rows.map((row, i) => ({ accountId: row.id as string, address: `lot.${i}@chu-test.mssante.fr` })),
      }),
    );
    const { publisher, calls } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });

    const first = await publish(jobContext(t.db, night(0)));
    expect(first).toMatchObject({ processed: 22, failed: 0, deferred: 0 });
    const publication = await t.db.directoryPublication.findFirstOrThrow();
    expect(publication).toMatchObject({ status: "DONE", created: 22, updated: 0, deleted: 0, held: 0 });
    expect(publication.runDate.toISOString().slice(0, 10)).toBe("2026-11-26");
    expect(calls.length).toBe(Math.ceil(22 / 7));
    const { files, entries } = await feed();
    expect(files[0]).toBe("annuaire-mssante-2026-11-26-000001.json");
    expect(entries.length).toBe(22);
    expect(new Set(entries.map((e) => e.address)).size).toBe(22);

    const perEntry = entries.find((entry) => entry.address === per.address);
    expect(perEntry).toMatchObject({
      method: "PATCH",
      action: "CREATE",
      url: `Practitioner?identifier=${ANS.professionalIdSystem}|8${per.account.rpps}`,
      contact: {
        system: "email",
        value: per.address,
        extension: [
          { url: ANS.emailTypeExtension, valueCoding: { code: "MSSANTE" } },
          { url: ANS.mailboxMetadata, extension: expect.arrayContaining([expect.objectContaining({ url: "type" })]) },
        ],
      },
    });
    const orgEntry = entries.find((entry) => entry.address === org.address);
    expect(orgEntry?.url).toBe(`Organization?identifier=${ANS.structureIdSystem}|1310000001`);
    expect(mailboxMetadataOf(orgEntry?.contact)).toEqual([
      { url: "type", valueCodeableConcept: { coding: [{ system: ANS.mailboxTypeSystem, code: "ORG" }] } },
      { url: "listeRouge", valueBoolean: false },
      { url: "description", valueString: "Secrétariat de cardiologie" },
      { url: "responsible", valueString: "Anne DURAND" },
    ]);

    const stored = await statusOf(per.account.id);
    expect(stored).toMatchObject({
      publicationStatus: "PUBLISHED",
      publishedAddress: per.address,
      publishedType: "PER",
    });
    expect(stored.publishedAt?.toISOString()).toBe("2026-11-26T01:00:00.000Z");

    // the same night again, and the next night: nothing changed, nothing sent
    expect(await publish(jobContext(t.db, night(0)))).toMatchObject({ processed: 0 });
    expect(await publish(jobContext(t.db, night(1)))).toMatchObject({ processed: 0 });
    expect(calls.length).toBe(Math.ceil(22 / 7));
    expect(await t.db.directoryFeedEntry.count()).toBe(22);
    const second = await t.db.directoryPublication.findFirstOrThrow({ where: { runDate: new Date("2026-11-27") } });
    expect(second).toMatchObject({ status: "DONE", created: 0, updated: 0, deleted: 0, held: 0 });
  });

  it("updates a changed entry; a change the directory does not show publishes nothing", async () => {
    const { account, address } = await correspondent(
      { type: "ORG", description: "Accueil", responsibleLastName: "Durand", responsibleFirstName: "Anne" },
      "a.changer",
    );
    const { publisher } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });
    await publish(jobContext(t.db, night(0)));

    // the login changed (email change job): marked, but the directory shows no login
    await changeAndMark(t.db, account.id, (tx) =>
      tx.account.update({ where: { id: account.id }, data: { email: "autre.login@exemple.fr" } }),
    );
    expect((await statusOf(account.id)).publicationStatus).toBe("PENDING");
    await publish(jobContext(t.db, night(1)));
    expect(await statusOf(account.id)).toMatchObject({ publicationStatus: "PUBLISHED", publishedAddress: address });
    expect(await summary()).toEqual([`CREATE ${address}`]);
    // nor its phone: the metadata extension 1.2.0 has none
    await changeAndMark(t.db, account.id, (tx) =>
      tx.account.update({ where: { id: account.id }, data: { phone: "0561000000" } }),
    );
    await publish(jobContext(t.db, night(2)));
    expect(await summary()).toEqual([`CREATE ${address}`]);

    await changeAndMark(t.db, account.id, (tx) =>
      tx.account.update({ where: { id: account.id }, data: { description: "Accueil des urgences" } }),
    );
    await publish(jobContext(t.db, night(2)));
    expect(await summary()).toEqual([`CREATE ${address}`, `UPDATE ${address}`]);
    expect(
      await t.db.directoryPublication.findFirstOrThrow({ where: { runDate: new Date("2026-11-28") } }),
    ).toMatchObject({ updated: 1, created: 0 });
  });

  it("a rerun the same day sends what changed since; a second change of one kind waits for the next night", async () => {
    const { account, address } = await correspondent(
      { type: "ORG", description: "Accueil", responsibleLastName: "Durand", responsibleFirstName: "Anne" },
      "meme.jour",
    );
    const { publisher } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });
    await publish(jobContext(t.db, night(0)));
    const later = await correspondent({ type: "PER" }, "creee.le.jour");
    const phone = async (value: string) =>
      changeAndMark(t.db, account.id, (tx) =>
        tx.account.update({ where: { id: account.id }, data: { description: value } }),
      );
    await phone("0561000001");
    const afternoon = fakeClock("2026-11-26T14:00:00Z");
    await publish(jobContext(t.db, afternoon));
    await phone("0561000002");
    expect(await publish(jobContext(t.db, afternoon))).toMatchObject({ processed: 0, deferred: 1 });
    expect(await summary()).toEqual([`CREATE ${address}`, `CREATE ${later.address}`, `UPDATE ${address}`]);
    expect((await statusOf(account.id)).publicationStatus).toBe("PENDING");
    expect(await t.db.directoryPublication.count()).toBe(1);

    await publish(jobContext(t.db, night(1)));
    const sent = (await feed()).entries;
    expect(sent.map((entry) => `${entry.action} ${entry.address}`).at(-1)).toBe(`UPDATE ${address}`);
    expect(JSON.stringify(sent.at(-1)?.contact)).toContain("0561000002");
    expect((await statusOf(account.id)).publicationStatus).toBe("PUBLISHED");
  });

  it("publishes a type or an address change as a delete then a create", async () => {
    const typed = await correspondent({ type: "PER", lastName: "Type" }, "change.type");
    const moved = await correspondent({ type: "PER", lastName: "Adresse" }, "ancienne.adresse");
    const { publisher } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });
    await publish(jobContext(t.db, night(0)));

    await t.db.$transaction(async (tx) => {
      await tx.account.update({
        where: { id: typed.account.id },
        data: { type: "INT", rpps: null, finessSite: "310000002" },
      });
      await markChanged(tx, typed.account.id);
      await tx.mssAddress.update({
        where: { accountId: moved.account.id },
        data: { address: "nouvelle.adresse@chu-test.mssante.fr" },
      });
      await markChanged(tx, moved.account.id);
    });
    await publish(jobContext(t.db, night(1)));
    const second = (await feed()).entries.slice(2);
    expect(second.map((entry) => `${entry.action} ${entry.address} ${entry.url.split("|")[1]}`)).toEqual([
      `DELETE ${moved.address} 8${moved.account.rpps}`,
      `DELETE ${typed.address} 8${typed.account.rpps}`,
      // INT: as ORG, on its structure's Organization (its FINESS géographique)
      `CREATE ${typed.address} 1310000002`,
      `CREATE nouvelle.adresse@chu-test.mssante.fr 8${moved.account.rpps}`,
    ]);
    expect(await statusOf(typed.account.id)).toMatchObject({ publicationStatus: "PUBLISHED", publishedType: "INT" });
    expect(await statusOf(moved.account.id)).toMatchObject({
      publishedAddress: "nouvelle.adresse@chu-test.mssante.fr",
    });
    expect(
      await t.db.directoryPublication.findFirstOrThrow({ where: { runDate: new Date("2026-11-27") } }),
    ).toMatchObject({ created: 2, deleted: 2, updated: 0 });
  });

  it("liste rouge is an update of the published entry (listeRouge true, then false), not a withdrawal", async () => {
    const { account, address } = await correspondent({ type: "PER" }, "liste.rouge");
    const hidden = await correspondent({ type: "PER" }, "cachee.des.le.debut", false);
    const { publisher } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });
    await publish(jobContext(t.db, night(0)));
    // a new correspondence is inserted with its listeRouge value
    expect(await statusOf(hidden.account.id)).toMatchObject({ publicationStatus: "PUBLISHED", listed: false });
    const created = (await feed()).entries.find((entry) => entry.address === hidden.address);
    expect(mailboxMetadataOf(created?.contact)).toContainEqual({ url: "listeRouge", valueBoolean: true });

    const setListed = (listed: boolean) =>
      changeAndMark(t.db, account.id, (tx) =>
        tx.mssAddress.update({ where: { accountId: account.id }, data: { listed } }),
      );
    await setListed(false);
    await publish(jobContext(t.db, night(1)));
    expect(await statusOf(account.id)).toMatchObject({ publicationStatus: "PUBLISHED", publishedAddress: address });
    await setListed(true);
    await publish(jobContext(t.db, night(2)));
    const mine = (await feed()).entries.filter((entry) => entry.address === address);
    expect(mine.map((entry) => entry.action)).toEqual(["CREATE", "UPDATE", "UPDATE"]);
    expect(
      mine.map((entry) => mailboxMetadataOf(entry.contact).find((m) => m.url === "listeRouge")?.valueBoolean),
    ).toEqual([false, true, false]);
  });

  it("withdraws deleted correspondences, those of deleted accounts included, once", async () => {
    const removed = await correspondent({ type: "PER" }, "supprimee");
    const gone = await correspondent({ type: "PER" }, "compte.supprime");
    const unpublished = await correspondent({ type: "PER" }, "pas.encore");
    const { publisher } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });
    await publish(jobContext(t.db, night(0)));
    const late = await correspondent({ type: "PER" }, "creee.apres");

    await t.db.$transaction((tx) => deleteCorrespondence(tx, removed.account.id));
    await t.db.$transaction((tx) => deleteCorrespondence(tx, late.account.id)); // never published: nothing to withdraw
    await t.db.deletedAccount.create({
      data: {
        id: gone.account.id,
        reason: "INACTIVITY",
        structureId,
        type: "PER",
        mssAddress: gone.address,
        deletedAt: new Date(),
      },
    });
    await t.db.account.delete({ where: { id: gone.account.id } }); // the address goes by cascade
    expect(await t.db.directoryWithdrawal.count({ where: { publishedAt: null } })).toBe(2);

    await publish(jobContext(t.db, night(1)));
    await publish(jobContext(t.db, night(2)));
    expect((await summary()).slice(3).sort()).toEqual([`DELETE ${gone.address}`, `DELETE ${removed.address}`]);
    // on the Practitioner they were published on
    const deletes = (await feed()).entries.slice(3);
    expect(deletes.map((entry) => entry.url).sort()).toEqual(
      [gone, removed].map((c) => `Practitioner?identifier=${ANS.professionalIdSystem}|8${c.account.rpps}`).sort(),
    );
    expect(await t.db.directoryWithdrawal.count({ where: { publishedAt: null } })).toBe(0);
    expect(
      (await t.db.deletedAccount.findUniqueOrThrow({ where: { id: gone.account.id } })).directoryWithdrawnAt,
    ).not.toBe(null);
    expect((await statusOf(unpublished.account.id)).publicationStatus).toBe("PUBLISHED");
  });

  it("holds back entries with a blocking feed-report error, reports them with their codes, sends them once fixed", async () => {
    const noDescription = await correspondent(
      {
        type: "ORG",
        responsibleLastName: "Durand",
        responsibleFirstName: "Anne",
        description: null,
        finessSite: "310000001",
      },
      "sans.description",
    );
    const unknownRpps = await correspondent({ type: "PER", rpps: "19999999999", lastName: "Inconnu" }, "rpps.inconnu");
    const known = await correspondent(
      { type: "PER", rpps: "10000000009", lastName: "Connu", firstName: "Paul" },
      "rpps.connu",
    );
    // a referential is loaded: the RPPS of `unknownRpps` is not in it (MSS008), `known` practises at the structure
    await t.db.refProfessional.create({
      data: {
        nationalId: "810000000009",
        idType: "8",
        rpps: "10000000009",
        lastName: "CONNU",
        firstName: "Paul",
        practicePlaces: { create: { structureIdentifier: "310000000", finessSite: "310000000" } },
      },
    });
    await t.db.refStructure.create({ data: { identifier: "310000000", identifierType: "FINESS", name: "CHU" } });
    await t.db.refStructure.create({ data: { identifier: "310000001", identifierType: "FINESS", name: "CHU site" } });
    const { publisher, calls } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });

    await publish(jobContext(t.db, night(0)));
    expect(await summary()).toEqual([`CREATE ${known.address}`]);
    const publication = await t.db.directoryPublication.findFirstOrThrow({ include: { heldEntries: true } });
    expect(publication).toMatchObject({ created: 1, held: 2 });
    expect(Object.fromEntries(publication.heldEntries.map((held) => [held.address, held.codes]))).toEqual({
      [noDescription.address]: ["MSS029"],
      [unknownRpps.address]: ["MSS008"],
    });
    expect((await statusOf(noDescription.account.id)).publicationStatus).toBe("HELD");

    // the next night, still held: reported again, nothing sent
    await publish(jobContext(t.db, night(1)));
    expect(calls.length).toBe(1);
    expect(await t.db.directoryHeldEntry.count()).toBe(4);

    await changeAndMark(t.db, noDescription.account.id, (tx) =>
      tx.account.update({ where: { id: noDescription.account.id }, data: { description: "Accueil" } }),
    );
    await publish(jobContext(t.db, night(2)));
    expect(await summary()).toEqual([`CREATE ${known.address}`, `CREATE ${noDescription.address}`]);
    expect(await statusOf(noDescription.account.id)).toMatchObject({ publicationStatus: "PUBLISHED" });
    expect(
      (await t.db.directoryPublication.findFirstOrThrow({ where: { runDate: new Date("2026-11-28") } })).held,
    ).toBe(1);
  });
});

describe("a publication interrupted half-way, then run again", () => {
  const COUNT = 60;

  async function changes() {
    const rows = await createAccounts(t.db, structureId, COUNT);
    await t.db.mssAddress.createMany({
      data: rows.map((row, i) => ({ accountId: row.id as string, address: `crash.${i}@chu-test.mssante.fr` })),
    });
    // and a few withdrawals, so that every walk is interrupted at some point
    const published = await createAccounts(t.db, structureId, 5);
    await t.db.mssAddress.createMany({
      data: published.map((row, i) => ({
        accountId: row.id as string,
        address: `retrait.${i}@chu-test.mssante.fr`,
        publicationStatus: "PUBLISHED",
        publishedAddress: `retrait.${i}@chu-test.mssante.fr`,
        publishedType: "PER",
        publishedCarrier: `Practitioner?identifier=${ANS.professionalIdSystem}|8${row.rpps}`,
      })),
    });
    await t.db.mssAddress.deleteMany({ where: { address: { startsWith: "retrait." } } });
  }

  async function expectEveryChangeOnce() {
    const entries = await summary();
    expect(entries.length).toBe(COUNT + 5);
    expect(new Set(entries).size).toBe(COUNT + 5);
    expect(await t.db.directoryFeedEntry.count()).toBe(COUNT + 5);
    expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBe(0);
    expect(await t.db.mssAddress.count({ where: { publicationStatus: "PUBLISHED" } })).toBe(COUNT);
    expect(await t.db.directoryPublication.findFirstOrThrow()).toMatchObject({
      status: "DONE",
      created: COUNT,
      deleted: 5,
    });
  }

  for (const failAtCall of [1, 4]) {
    it(`the directory unreachable at batch ${failAtCall}: the run fails, the rerun sends that batch then the rest`, async () => {
      await changes();
      const broken = recordingPublisher({ failAtCall });
      await expect(createDirectoryPublicationJob(broken)(jobContext(t.db, night(0)))).rejects.toThrow(
        "annuaire injoignable",
      );
      const failed = await t.db.directoryPublication.findFirstOrThrow();
      expect(failed.status).toBe("FAILED");
      expect(failed.error).toBe("annuaire injoignable");
      // committed, not sent: the batch in flight
      expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBeGreaterThan(0);

      const working = recordingPublisher();
      await createDirectoryPublicationJob(working)(jobContext(t.db, night(0)));
      await expectEveryChangeOnce();
      // the rerun handed the interrupted batch over first, with the same key
      expect(working.calls[0]?.key).toBe(broken.calls.at(-1)?.key);
      const delivered = [...broken.calls.slice(0, -1), ...working.calls].flatMap((batch) =>
        batch.entries.map((e) => e.id),
      );
      expect(delivered.length).toBe(COUNT + 5);
      expect(new Set(delivered).size).toBe(COUNT + 5);
    });
  }

  it("killed after the file was written and before it was marked sent: the resend writes nothing twice", async () => {
    await changes();
    const crashing = recordingPublisher({ failAfterWriteAtCall: 3 });
    await expect(createDirectoryPublicationJob(crashing)(jobContext(t.db, night(0)))).rejects.toThrow();
    const filesAtCrash = (await feed()).files;
    expect(filesAtCrash.length).toBe(3);

    const working = recordingPublisher();
    await createDirectoryPublicationJob(working)(jobContext(t.db, night(0)));
    expect(working.calls[0]?.key).toBe(crashing.calls[2]?.key); // handed over again…
    await expectEveryChangeOnce(); // …but in the feed once
  });

  it("two workers on the same night share the work: every change once", async () => {
    await changes();
    const { publisher } = recordingPublisher();
    const publish = createDirectoryPublicationJob({ publisher });
    await Promise.all([publish(jobContext(t.db, night(0))), publish(jobContext(t.db, night(0)))]);
    await expectEveryChangeOnce();
  });

  it("the next night first sends what a failed night committed", async () => {
    await changes();
    await expect(
      createDirectoryPublicationJob(recordingPublisher({ failAtCall: 2 }))(jobContext(t.db, night(0))),
    ).rejects.toThrow();
    const { publisher } = recordingPublisher();
    await createDirectoryPublicationJob({ publisher })(jobContext(t.db, night(1)));
    const entries = await summary();
    expect(new Set(entries).size).toBe(entries.length);
    expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBe(0);
    expect(await t.db.directoryPublication.count({ where: { status: "DONE" } })).toBe(2);
    expect(await t.db.mssAddress.count({ where: { publicationStatus: "PUBLISHED" } })).toBe(COUNT);
  });
});
