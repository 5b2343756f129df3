import {
  MssActivation,
  MssActivationPreview,
  MssAddressDetail,
  MssListResponse,
  MssOverview,
} from "@medimail/contracts/mssante";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { useTestApp } from "../../../test/test-app.ts";
import { auditOf, requester, seedWorld, type World } from "../accounts/accounts.test-support.ts";
import { runMssActivations } from "./mssante.jobs.ts";

// Correspondences through the HTTP API on a real database: the rule of each type, uniqueness, quotas (PER and INT
// share one), the counters, the lists, and "Activer tous les utilisateurs compatibles" with its job.

const t = useTestApp();
const send = requester(t);
let w: World;
const DOMAIN = "chu-toulouse.mssante.fr";

beforeAll(async () => {
  w = await seedWorld(t.db);
});

const put = (accountId: string, prefix: string, listed = true) =>
  send(w.admin, "PUT", `/api/accounts/${accountId}/mss-address`, { prefix, listed });

describe("a correspondence", () => {
  it("takes the PER rule: nom.prenom or prenom.nom in the structure's domain, and is audited", async () => {
    const account = await createAccount(t.db, w.chu, { type: "PER", lastName: "Dupont-Aubigné", firstName: "Élodie" });
    const detail = MssAddressDetail.parse(
      (await send(w.admin, "GET", `/api/accounts/${account.id}/mss-address`)).json(),
    );
    expect(detail).toMatchObject({ address: null, domain: DOMAIN, proposal: `dupont-aubigne.elodie@${DOMAIN}` });

    const wrong = await put(account.id, "elodie");
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details).toEqual([
      {
        path: "body.prefix",
        message: `Les comptes PER ont une adresse nominative : dupont-aubigne.elodie@${DOMAIN} ou elodie.dupont-aubigne@${DOMAIN} (suivie d'un numéro pour un homonyme).`,
      },
    ]);
    expect(await t.db.mssAddress.count({ where: { accountId: account.id } })).toBe(0);

    expect((await put(account.id, "elodie.dupont-aubigne")).statusCode).toBe(204);
    const saved = await t.db.mssAddress.findUniqueOrThrow({ where: { accountId: account.id } });
    expect(saved).toMatchObject({
      address: `elodie.dupont-aubigne@${DOMAIN}`,
      listed: true,
      publicationStatus: "PENDING",
    });
    expect((await auditOf(t.db, account.id)).map((event) => event.action)).toEqual(["mss.address-created"]);

    // liste rouge: the same address, not visible
    expect((await put(account.id, "elodie.dupont-aubigne", false)).statusCode).toBe(204);
    expect((await t.db.mssAddress.findUniqueOrThrow({ where: { accountId: account.id } })).listed).toBe(false);
  });

  it("refuses MED, an address another account has, and an ORG address that names one of its people", async () => {
    const med = await createAccount(t.db, w.chu, { type: "MED", rpps: null });
    expect((await put(med.id, "quelqu.un")).json().message).toBe(
      "Un compte MED ne peut pas avoir de correspondance MSSanté.",
    );

    const first = await createAccount(t.db, w.chu, { type: "PER", lastName: "Martin", firstName: "Jean" });
    const homonym = await createAccount(t.db, w.chu, { type: "PER", lastName: "Martin", firstName: "Jean" });
    expect((await put(first.id, "martin.jean")).statusCode).toBe(204);
    const taken = await put(homonym.id, "martin.jean");
    expect(taken.statusCode).toBe(400);
    expect(taken.json().details[0].message).toBe("Cette adresse MSSanté est déjà celle d'un autre compte");
    expect((await put(homonym.id, "martin.jean2")).statusCode).toBe(204);

    const org = await createAccount(t.db, w.chu, {
      type: "ORG",
      rpps: null,
      lastName: "Cardiologie",
      firstName: "Secrétariat",
      responsibleLastName: "Durand",
      responsibleFirstName: "Anne",
    });
    expect((await put(org.id, "anne.durand")).json().details[0].message).toMatch(/adresse générique/);
    expect((await put(org.id, "secretariat.cardiologie")).statusCode).toBe(204);

    const app = await createAccount(t.db, w.chu, { type: "APP", rpps: null, lastName: "DPI" });
    expect((await put(app.id, "dpi")).json().details[0].message).toBe(
      "Les comptes APP ont une adresse qui commence par noreply ou nepasrepondre.",
    );
    expect((await put(app.id, "noreply.dpi")).statusCode).toBe(204);
  });

  it("counts PER and INT against one quota, ORG and APP against theirs (-1 unlimited)", async () => {
    const clinic = await createStructure(t.db, {
      name: "Clinique à quotas",
      parentId: w.chu,
      mssDomain: "quotas.mssante.fr",
      quotaPer: 1,
      quotaOrg: 0,
    });
    const per = await createAccount(t.db, clinic.id, { type: "PER", lastName: "Petit", firstName: "Luc" });
    const int = await createAccount(t.db, clinic.id, { type: "INT", rpps: null, lastName: "Grand", firstName: "Léa" });
    const org = await createAccount(t.db, clinic.id, { type: "ORG", rpps: null, lastName: "Accueil" });
    expect((await put(per.id, "petit.luc")).statusCode).toBe(204);
    const full = await put(int.id, "grand.lea");
    expect(full.statusCode).toBe(409);
    expect(full.json().message).toBe(
      "Création impossible : le quota d'adresses MSSanté « Personnel et personnel Interne » de Clinique à quotas est atteint (1 sur 1).",
    );
    expect((await put(org.id, "accueil")).statusCode).toBe(409);
    // modifying an existing address never needs a free place
    expect((await put(per.id, "luc.petit")).statusCode).toBe(204);

    const overview = MssOverview.parse((await send(w.admin, "GET", `/api/structures/${clinic.id}/mssante`)).json());
    expect(overview.quotas).toEqual([
      { bucket: "PER", label: "Personnel et personnel Interne", used: 1, quota: 1 },
      { bucket: "ORG", label: "Organisationnel", used: 0, quota: 0 },
      { bucket: "APP", label: "Applicatif", used: 0, quota: -1 },
    ]);
    expect(overview.counts).toEqual({ PER: 1, ORG: 0, APP: 0, NONE: 2 });
  });

  it("is deleted after which the account is in Non MSSanté again; support reads but changes nothing", async () => {
    const account = await createAccount(t.db, w.chu, { type: "PER", lastName: "Roux", firstName: "Marc" });
    expect((await put(account.id, "roux.marc")).statusCode).toBe(204);
    expect((await send(w.support, "DELETE", `/api/accounts/${account.id}/mss-address`)).statusCode).toBe(403);
    expect((await send(w.support, "GET", `/api/accounts/${account.id}/mss-address`)).statusCode).toBe(200);
    expect((await send(w.castresAdmin, "GET", `/api/accounts/${account.id}/mss-address`)).statusCode).toBe(404);
    expect((await send(w.admin, "DELETE", `/api/accounts/${account.id}/mss-address`)).statusCode).toBe(204);
    expect(await t.db.mssAddress.count({ where: { accountId: account.id } })).toBe(0);
    expect((await send(w.admin, "DELETE", `/api/accounts/${account.id}/mss-address`)).statusCode).toBe(404);
    expect((await auditOf(t.db, account.id)).map((event) => event.action)).toEqual([
      "mss.address-created",
      "mss.address-deleted",
    ]);
  });
});

describe("lists", () => {
  it("puts PER and INT in one tab, others in theirs, accounts without address in Non MSSanté, keyset-paged", async () => {
    const site = await createStructure(t.db, {
      name: "Site des listes",
      parentId: w.chu,
      mssDomain: "listes.mssante.fr",
    });
    const people = [];
    for (let i = 0; i < 7; i++) {
      people.push(
        await createAccount(t.db, site.id, { type: i % 2 ? "INT" : "PER", lastName: `Liste${i}`, firstName: "Ana" }),
      );
    }
    for (const person of people.slice(0, 5))
      expect((await put(person.id, `${person.lastName.toLowerCase()}.ana`)).statusCode).toBe(204);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const query: string = `tab=PER&limit=2${after ? `&after=${after}` : ""}`;
      const page = MssListResponse.parse(
        (await send(w.admin, "GET", `/api/structures/${site.id}/mssante/accounts?${query}`)).json(),
      );
      seen.push(...page.items.map((item) => item.email));
      after = page.nextCursor;
    } while (after);
    expect(seen).toEqual(people.slice(0, 5).map((person) => person.email));
    const none = MssListResponse.parse(
      (await send(w.admin, "GET", `/api/structures/${site.id}/mssante/accounts?tab=NONE`)).json(),
    );
    expect(none.items.map((item) => item.email)).toEqual(people.slice(5).map((person) => person.email));
    const found = MssListResponse.parse(
      (await send(w.admin, "GET", `/api/structures/${site.id}/mssante/accounts?tab=PER&q=liste3.ana`)).json(),
    );
    expect(found.items.map((item) => item.address)).toEqual(["liste3.ana@listes.mssante.fr"]);
  });
  it("answers a 400 in French to a cursor it did not write, never a database error", async () => {
    const forged = Buffer.from(JSON.stringify(["Liste", "pas-un-uuid"])).toString("base64url");
    for (const after of ["pas-un-curseur", forged, Buffer.from("{").toString("base64url")]) {
      const response = await send(w.admin, "GET", `/api/structures/${w.chu}/mssante/accounts?tab=PER&after=${after}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([
        { path: "querystring.after", message: "Curseur de pagination invalide : revenez à la première page." },
      ]);
    }
  });
});

describe("activer tous les utilisateurs compatibles", () => {
  it("previews, then creates each compatible account's address once, and reports the others with why", async () => {
    const site = await createStructure(t.db, {
      name: "Site à activer",
      parentId: w.chu,
      mssDomain: "activer.mssante.fr",
    });
    const a = await createAccount(t.db, site.id, { type: "PER", lastName: "Blanc", firstName: "Paul" });
    const b = await createAccount(t.db, site.id, { type: "PER", lastName: "Blanc", firstName: "Paul" });
    const org = await createAccount(t.db, site.id, { type: "ORG", rpps: null, lastName: "Bloc opératoire" });
    const unnamed = await createAccount(t.db, site.id, { type: "INT", rpps: null, lastName: "?", firstName: "!" });
    await createAccount(t.db, site.id, { type: "MED", rpps: null }); // never proposed
    await createAccount(t.db, site.id, { type: "PER", state: "PREREGISTERED" }); // not yet validated

    const preview = MssActivationPreview.parse(
      (
        await send(w.admin, "POST", `/api/structures/${site.id}/mssante/activations/preview`, { daughters: false })
      ).json(),
    );
    // two homonyms get the two nominative forms (the one sorted first takes nom.prenom), the ORG its service
    const proposed = new Map(preview.proposals.map((p) => [p.accountId, p.address]));
    expect(proposed.size).toBe(3);
    expect(new Set([proposed.get(a.id), proposed.get(b.id)])).toEqual(
      new Set(["blanc.paul@activer.mssante.fr", "paul.blanc@activer.mssante.fr"]),
    );
    expect(proposed.get(org.id)).toBe("bloc.operatoire@activer.mssante.fr");
    expect(preview.refusals).toEqual([
      expect.objectContaining({
        accountId: unnamed.id,
        reason: "Le nom ne permet pas de former une adresse : saisissez-la à la main.",
      }),
    ]);
    expect(await t.db.mssAddress.count({ where: { account: { structureId: site.id } } })).toBe(0); // a preview writes nothing

    const started = await send(w.admin, "POST", `/api/structures/${site.id}/mssante/activations`, { daughters: false });
    expect(started.statusCode).toBe(202);
    const again = await send(w.admin, "POST", `/api/structures/${site.id}/mssante/activations`, { daughters: false });
    expect(again.statusCode).toBe(409);

    const clock = fakeClock(new Date().toISOString());
    expect(await runMssActivations(jobContext(t.db, clock, 2))).toEqual({ processed: 3, failed: 1 });
    const addresses = await t.db.mssAddress.findMany({ where: { account: { structureId: site.id } } });
    expect(addresses).toHaveLength(3);
    expect(new Set(addresses.map((address) => address.address)).size).toBe(3);

    const report = MssActivation.parse(
      (await send(w.admin, "GET", `/api/structures/${site.id}/mssante/activations/${started.json().id}`)).json(),
    );
    expect(report).toMatchObject({ status: "DONE", created: 3, failed: 1 });
    expect(report.failures).toEqual([
      {
        accountId: unnamed.id,
        email: unnamed.email,
        reason: "Le nom ne permet pas de former une adresse : saisissez-la à la main.",
      },
    ]);
    // run again: nothing left to do, nothing doubled
    expect(await runMssActivations(jobContext(t.db, clock, 2))).toEqual({ processed: 0, failed: 0 });
    expect(await t.db.mssAddress.count({ where: { account: { structureId: site.id } } })).toBe(3);
  });

  it("applies the quota in the preview as the job does: past it, a refusal that says which quota and why", async () => {
    const site = await createStructure(t.db, {
      name: "Site au quota",
      parentId: w.chu,
      mssDomain: "quota-apercu.mssante.fr",
      quotaPer: 2,
    });
    const taken = await createAccount(t.db, site.id, { type: "PER", lastName: "Ancien", firstName: "Luc" });
    await t.db.mssAddress.create({ data: { accountId: taken.id, address: "ancien.luc@quota-apercu.mssante.fr" } });
    const people = [];
    for (const name of ["Alpha", "Bravo", "Charlie"]) {
      people.push(await createAccount(t.db, site.id, { type: "PER", lastName: name, firstName: "Eve" }));
    }
    const preview = MssActivationPreview.parse(
      (
        await send(w.admin, "POST", `/api/structures/${site.id}/mssante/activations/preview`, { daughters: false })
      ).json(),
    );
    const reason =
      "Quota atteint : le quota d'adresses MSSanté « Personnel et personnel Interne » de Site au quota est atteint (2 sur 2).";
    expect(preview.proposals.map((proposal) => proposal.address)).toEqual(["alpha.eve@quota-apercu.mssante.fr"]);
    expect(preview.refusals.map((refusal) => [refusal.accountId, refusal.reason])).toEqual([
      [people[1]?.id, reason],
      [people[2]?.id, reason],
    ]);
    // the job agrees with what was previewed
    await send(w.admin, "POST", `/api/structures/${site.id}/mssante/activations`, { daughters: false });
    expect(await runMssActivations(jobContext(t.db, fakeClock(new Date().toISOString()), 10))).toEqual({
      processed: 1,
      failed: 2,
    });
  });

  it("resumes after a crash without giving anyone two addresses", async () => {
    const site = await createStructure(t.db, {
      name: "Site interrompu",
      parentId: w.chu,
      mssDomain: "reprise.mssante.fr",
    });
    const accounts = [];
    for (let i = 0; i < 5; i++) {
      accounts.push(await createAccount(t.db, site.id, { type: "PER", lastName: `Reprise${i}`, firstName: "Zoé" }));
    }
    const activation = await t.db.mssActivation.create({ data: { structureId: site.id, status: "RUNNING" } });
    // the first two were done before the crash: their addresses and the counter committed together
    for (const account of accounts.slice(0, 2)) {
      await t.db.mssAddress.create({
        data: { accountId: account.id, address: `${account.lastName.toLowerCase()}.zoe@reprise.mssante.fr` },
      });
    }
    await t.db.mssActivation.update({ where: { id: activation.id }, data: { created: 2 } });

    expect(await runMssActivations(jobContext(t.db, fakeClock(new Date().toISOString()), 2))).toEqual({
      processed: 3,
      failed: 0,
    });
    expect(await t.db.mssAddress.count({ where: { account: { structureId: site.id } } })).toBe(5);
    expect(await t.db.mssActivation.findUniqueOrThrow({ where: { id: activation.id } })).toMatchObject({
      status: "DONE",
      created: 5,
      failed: 0,
    });
  });
});
