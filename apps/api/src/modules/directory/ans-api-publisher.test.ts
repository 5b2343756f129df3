import type { Prisma } from "@medimail/db/client";
import { createStructure } from "@medimail/db/seed/factories";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobContext } from "../../../test/jobs.ts";
import { useTestDb } from "../../../test/test-app.ts";
import { createAnsApiPublisher } from "./ans-api-publisher.ts";
import { mailboxMetadataOf, organizationCarrier, practitionerCarrier } from "./ans-fhir.test-support.ts";
import { createDirectoryPublicationJob } from "./directory.jobs.ts";
import { addressOf, changeAndMark, clearPublications, createCorrespondent, night } from "./directory.test-support.ts";
import { deleteCorrespondence } from "./directory-changes.repository.ts";
import type { DirectoryPublisher } from "./directory-publisher.ts";
import { validateDirectoryResource } from "./standin/ans-validator.ts";
import { carrierResource, type DirectoryStandin, startDirectoryStandin } from "./standin/directory-standin.ts";

// The nightly publication through the ANS publisher, over real HTTP, to the directory stand-in.

const t = useTestDb();
const KEY = "cle-annuaire-test";

let structureId: string;
let standin: DirectoryStandin;
/** carrier value → number of requests still to answer 503 */
const unavailable = new Map<string, number>();

beforeAll(async () => {
  structureId = (
    await createStructure(t.db, { mssDomain: "chu-ans.mssante.fr", identifierType: "FINESS", identifier: "310000000" })
  ).id;
});
beforeEach(async () => {
  await clearPublications(t.db);
  unavailable.clear();
  standin = await startDirectoryStandin({
    apiKey: KEY,
    fault: ({ target }) => {
      const value = target.split("|")[1] ?? "";
      const left = unavailable.get(value) ?? 0;
      if (left <= 0) return undefined;
      unavailable.set(value, left - 1);
      return { status: 503 };
    },
  });
  standin.seed([carrierResource(organizationCarrier("310000000"), { organization: "CHU" })]);
});
afterEach(async () => {
  await standin.close();
});
afterAll(async () => {
  await standin?.close();
});

const publisher = () =>
  createAnsApiPublisher({ url: standin.url, apiKey: KEY, concurrency: 3, retries: 4, baseDelayMs: 5, maxDelayMs: 20 });

/** A correspondence, its professional known to the directory. */
async function correspondent(overrides: Partial<Prisma.AccountCreateManyInput>, prefix: string, listed = true) {
  const created = await createCorrespondent(t.db, structureId, "chu-ans.mssante.fr", { overrides, prefix, listed });
  if (created.account.rpps) standin.seed([carrierResource(practitionerCarrier(created.account.rpps))]);
  return created;
}
const change = (accountId: string, run: (tx: Prisma.TransactionClient) => Promise<unknown>) =>
  changeAndMark(t.db, accountId, run);

/** What the directory holds: address → carrier, type and liste rouge. */
function holdings() {
  const held: Record<string, string> = {};
  for (const mailbox of standin.mailboxes()) {
    const metadata = mailboxMetadataOf(mailbox.telecom);
    const type = (metadata?.find((m) => m.url === "type")?.valueCodeableConcept as { coding: { code: string }[] })
      ?.coding[0]?.code;
    const hidden = metadata?.find((m) => m.url === "listeRouge")?.valueBoolean;
    expect(held[mailbox.address], `${mailbox.address} held twice`).toBeUndefined();
    held[mailbox.address] = `${mailbox.id} ${type}${hidden ? " liste rouge" : ""}`;
  }
  return held;
}
function expectAllValid() {
  for (const resource of standin.resources()) expect(validateDirectoryResource(resource)).toEqual([]);
}
const status = (accountId: string) => addressOf(t.db, accountId);

describe("publication through the ANS FHIR API (stand-in over HTTP)", () => {
  it("one mailbox of each type and each change kind: the directory ends up with valid resources holding exactly them", async () => {
    await t.db.account.deleteMany({ where: { structureId } });
    const per = await correspondent({ type: "PER", lastName: "Martin" }, "jean.martin");
    const retyped = await correspondent({ type: "PER", lastName: "Type" }, "change.type");
    const moved = await correspondent({ type: "PER", lastName: "Adresse" }, "ancienne.adresse");
    const removed = await correspondent({ type: "PER", lastName: "Supprime" }, "supprimee");
    const hidden = await correspondent({ type: "PER", lastName: "Cache" }, "cachee", false);
    standin.seed([carrierResource(organizationCarrier("310000001"), { organization: "CHU site" })]);
    const org = await correspondent(
      {
        type: "ORG",
        description: "Secrétariat",
        responsibleLastName: "Durand",
        responsibleFirstName: "Anne",
        finessSite: "310000001",
      },
      "secretariat",
    );
    const app = await correspondent(
      { type: "APP", description: "Logiciel", responsibleLastName: "Roux", responsibleFirstName: "Luc" },
      "noreply.dpi",
    );
    const int = await correspondent({ type: "INT", rpps: null, lastName: "Curie", firstName: "Marie" }, "marie.curie");
    const publish = createDirectoryPublicationJob({ publisher: publisher() });
    const pract = (c: { account: { rpps: string | null } }) => `pract-8${c.account.rpps}`;

    await publish(jobContext(t.db, night(0)));
    expect(holdings()).toEqual({
      [per.address]: `${pract(per)} PER`,
      [retyped.address]: `${pract(retyped)} PER`,
      [moved.address]: `${pract(moved)} PER`,
      [removed.address]: `${pract(removed)} PER`,
      [hidden.address]: `${pract(hidden)} PER liste rouge`,
      [org.address]: "org-1310000001 ORG",
      [app.address]: "org-1310000000 APP",
      [int.address]: "org-1310000000 ORG",
    });
    expectAllValid();

    // an update, liste rouge on, a type change, an address change, a deletion
    await change(org.account.id, (tx) =>
      tx.account.update({ where: { id: org.account.id }, data: { description: "Accueil" } }),
    );
    await change(per.account.id, (tx) =>
      tx.mssAddress.update({ where: { accountId: per.account.id }, data: { listed: false } }),
    );
    await change(retyped.account.id, (tx) =>
      tx.account.update({ where: { id: retyped.account.id }, data: { type: "INT", rpps: null } }),
    );
    await change(moved.account.id, (tx) =>
      tx.mssAddress.update({
        where: { accountId: moved.account.id },
        data: { address: "nouvelle.adresse@chu-ans.mssante.fr" },
      }),
    );
    await t.db.$transaction((tx) => deleteCorrespondence(tx, removed.account.id));
    await publish(jobContext(t.db, night(1)));
    // liste rouge off again
    await change(per.account.id, (tx) =>
      tx.mssAddress.update({ where: { accountId: per.account.id }, data: { listed: true } }),
    );
    await change(hidden.account.id, (tx) =>
      tx.mssAddress.update({ where: { accountId: hidden.account.id }, data: { listed: true } }),
    );
    await publish(jobContext(t.db, night(2)));

    expect(holdings()).toEqual({
      [per.address]: `${pract(per)} PER`,
      [retyped.address]: "org-1310000000 ORG",
      "nouvelle.adresse@chu-ans.mssante.fr": `${pract(moved)} PER`,
      [hidden.address]: `${pract(hidden)} PER`,
      [org.address]: "org-1310000001 ORG",
      [app.address]: "org-1310000000 APP",
      [int.address]: "org-1310000000 ORG",
    });
    expect(JSON.stringify(standin.mailboxes().find((m) => m.address === org.address)?.telecom)).toContain(
      '"valueString":"Accueil"',
    );
    expectAllValid();
    expect(await t.db.directoryFeedEntry.count({ where: { rejectedCode: { not: null } } })).toBe(0);
    // and a night with nothing new sends nothing
    const before = standin.patches;
    await publish(jobContext(t.db, night(3)));
    expect(standin.patches).toBe(before);
  });

  it("404 for one professional, 412 for another, 503 for a while: the others are published, the two refused with the directory's codes, nothing doubled", async () => {
    const unknown = await correspondent({ type: "PER", lastName: "Inconnu" }, "inconnu");
    standin.close(); // reseeded below without the unknown professional
    standin = await startDirectoryStandin({
      apiKey: KEY,
      fault: ({ target }) => {
        const value = target.split("|")[1] ?? "";
        const left = unavailable.get(value) ?? 0;
        if (left <= 0) return undefined;
        unavailable.set(value, left - 1);
        return { status: 503 };
      },
    });
    const twice = await correspondent({ type: "PER", lastName: "Double" }, "en.double");
    standin.seed([{ ...carrierResource(practitionerCarrier(twice.account.rpps as string)), id: "double-bis" }]);
    const flaky = await correspondent({ type: "PER", lastName: "Instable" }, "instable");
    unavailable.set(`8${flaky.account.rpps}`, 3);
    const others = [];
    for (let i = 0; i < 5; i++) others.push(await correspondent({ type: "PER", lastName: `Autre${i}` }, `autre.${i}`));

    const result = await createDirectoryPublicationJob({ publisher: publisher() })(jobContext(t.db, night(0)));
    expect(result).toMatchObject({ processed: 8 });
    const publication = await t.db.directoryPublication.findFirstOrThrow();
    expect(publication).toMatchObject({ status: "DONE", created: 8, rejected: 2 });
    expect(Object.keys(holdings()).sort()).toEqual([flaky.address, ...others.map((o) => o.address)].sort());
    expect(unavailable.get(`8${flaky.account.rpps}`)).toBe(0); // answered 503 three times, then taken

    const refused = await t.db.directoryFeedEntry.findMany({
      where: { rejectedCode: { not: null } },
      orderBy: { address: "asc" },
    });
    expect(refused.map((entry) => [entry.address, entry.rejectedCode])).toEqual([
      [twice.address, "412 multiple-matches"],
      [unknown.address, "404 not-found"],
    ]);
    expect(refused[1]?.rejectedMessage).toBe("Aucune ressource ne correspond au critère");
    expect(await status(unknown.account.id)).toMatchObject({
      publicationStatus: "REJECTED",
      publishedAddress: null,
      rejectionCode: "404 not-found",
      rejectionMessage: "Aucune ressource ne correspond au critère",
    });
    expect(await status(flaky.account.id)).toMatchObject({ publicationStatus: "PUBLISHED", rejectionCode: null });

    // refused entries are tried again each night: the professional now in the directory, published
    standin.seed([carrierResource(practitionerCarrier(unknown.account.rpps as string))]);
    await createDirectoryPublicationJob({ publisher: publisher() })(jobContext(t.db, night(1)));
    expect(await status(unknown.account.id)).toMatchObject({ publicationStatus: "PUBLISHED", rejectionCode: null });
    expect(await status(twice.account.id)).toMatchObject({
      publicationStatus: "REJECTED",
      rejectionCode: "412 multiple-matches",
    });
    expect(holdings()[unknown.address]).toBeDefined();
  });

  it("the directory unavailable beyond the retries stops the night; the rerun publishes the rest once", async () => {
    const down = await correspondent({ type: "PER", lastName: "Panne" }, "panne");
    const fine = await correspondent({ type: "PER", lastName: "Bien" }, "bien");
    unavailable.set(`8${down.account.rpps}`, 100);
    await expect(createDirectoryPublicationJob({ publisher: publisher() })(jobContext(t.db, night(0)))).rejects.toThrow(
      /indisponible après 5 tentatives/,
    );
    expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBe(2);
    unavailable.clear();
    await createDirectoryPublicationJob({ publisher: publisher() })(jobContext(t.db, night(0)));
    expect(Object.keys(holdings()).sort()).toEqual([down.address, fine.address].sort());
    expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBe(0);
  });

  it("a crash between sending and marking, then a rerun: the directory is left unchanged", async () => {
    const ones: Awaited<ReturnType<typeof correspondent>>[] = [];
    for (let i = 0; i < 4; i++) ones.push(await correspondent({ type: "PER", lastName: `Crash${i}` }, `crash.${i}`));
    const published = await correspondent({ type: "PER", lastName: "Parti" }, "partie");
    await createDirectoryPublicationJob({ publisher: publisher() })(jobContext(t.db, night(0)));
    // the next night: a creation, an update (liste rouge), a deletion, and the process dies once the directory took them
    const late = await correspondent({ type: "PER", lastName: "Tard" }, "tardive");
    await change(ones[0]?.account.id as string, (tx) =>
      tx.mssAddress.update({ where: { accountId: ones[0]?.account.id }, data: { listed: false } }),
    );
    await t.db.$transaction((tx) => deleteCorrespondence(tx, published.account.id));
    // every batch: sent, then the process dies before marking it; the next run sends it again first
    const real = publisher();
    const seen = new Set<string>();
    const unchangedByResend: boolean[] = [];
    const withoutMeta = () => JSON.stringify(standin.resources().map(({ meta: _meta, ...resource }) => resource));
    const dying: DirectoryPublisher = {
      target: real.target,
      async publish(batch) {
        if (!seen.has(batch.key)) {
          seen.add(batch.key);
          await real.publish(batch);
          throw new Error("processus tué après l'envoi");
        }
        const before = withoutMeta();
        const sentBefore = standin.patches;
        const report = await real.publish(batch);
        expect(standin.patches).toBeGreaterThan(sentBefore);
        unchangedByResend.push(withoutMeta() === before);
        return report;
      },
    };
    let crashes = 0;
    for (;;) {
      try {
        await createDirectoryPublicationJob({ publisher: dying })(jobContext(t.db, night(1)));
        break;
      } catch {
        crashes++;
        if (crashes > 10) throw new Error("too many crashes");
      }
    }
    // the withdrawal, the creation and the liste rouge update were each resent once, changing nothing
    expect(crashes).toBeGreaterThanOrEqual(2);
    expect(unchangedByResend).toEqual(Array(crashes).fill(true));
    const held = holdings();
    expect(held[late.address]).toBeDefined();
    expect(held[published.address]).toBeUndefined();
    expect(held[ones[0]?.address as string]).toMatch(/liste rouge$/);
    expect(Object.keys(held)).toHaveLength(5);
    expect(await t.db.directoryFeedEntry.count({ where: { sentAt: null } })).toBe(0);
    expect(await t.db.directoryFeedEntry.count({ where: { rejectedCode: { not: null } } })).toBe(0);
    expectAllValid();
  });
});
