import { ImportSummary } from "@medimail/contracts/imports";
import { accountToRow, type LoaduserRow } from "@medimail/contracts/loaduser";
import { createAccount } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { auditable } from "../accounts/accounts.service.ts";
import { FINESS, seedWorld, type World } from "../accounts/accounts.test-support.ts";
import { createImportsRepository } from "./imports.repository.ts";
import { csvOf, importsApi, type Row, run, runImportsJob, validRow, xlsxOf } from "./imports.test-support.ts";

// "Importer une liste d'utilisateurs" through the HTTP API on a real database: the dry run's counts and reasons,
// the apply (creations, updates, unchanged rows), re-imports, an export-like round trip, the notify option, and
// an apply interrupted between two batches then resumed.

const t = useTestApp();
const api = importsApi(t);
let w: World;

beforeAll(async () => {
  w = await seedWorld(t.db);
});

/** Upload, dry run, apply and run the job to the end: the final summary. */
async function importFile(content: Buffer | string, { notifyUsers = false, fileName = "utilisateurs.xlsx" } = {}) {
  const dryRun = await api.dryRun(w.admin, w.chu, content, fileName);
  const applied = await api.apply(w.admin, w.chu, dryRun.id, notifyUsers);
  expect(applied.statusCode, applied.body).toBe(202);
  expect(ImportSummary.parse(applied.json()).status).toBe("APPLYING");
  await runImportsJob(t.db);
  return { dryRun, final: await api.get(w.admin, w.chu, dryRun.id) };
}

const accountByEmail = (email: string) => t.db.account.findUnique({ where: { email: email.toLowerCase() } });

describe("dry run", () => {
  it("counts the rows to create, update, leave unchanged and reject, with each rejected row's line, column and reason", async () => {
    const existing = await createAccount(t.db, w.chu, { type: "MED", rpps: null, email: `existant.${run}@exemple.fr` });
    const before = await t.db.account.count();
    const file = await xlsxOf([
      validRow("MED"),
      validRow("PER"),
      validRow("INT", { finessSite: "123" }),
      validRow("MED", { email: existing.email, lastName: "Renommé" }),
      validRow("PER", { nationalId: "" }),
      validRow("MED", { email: "pas-une-adresse" }),
      validRow("MED", { profession: "Boulanger", regionCode: "" }),
    ]);
    const summary = await api.dryRun(w.admin, w.chu, file);
    expect(summary).toMatchObject({
      status: "DRY_RUN_DONE",
      format: "XLSX",
      fileName: "utilisateurs.xlsx",
      totalRows: 7,
      dryRun: { create: 2, update: 1, unchanged: 0, rejected: 4 },
      applied: { created: 0, updated: 0, unchanged: 0, rejected: 0 },
      warnings: [],
      fileKept: true,
    });
    const { items, total } = await api.errors(w.admin, w.chu, summary.id);
    expect(total).toBe(5);
    expect(items).toEqual([
      {
        line: 4,
        column: "FINESS géographique",
        value: "123",
        reason: "Un numéro FINESS comporte 9 caractères (2A ou 2B pour la Corse)",
      },
      {
        line: 6,
        column: "RPPS / ADELI",
        value: null,
        reason: "Saisissez l'identifiant RPPS (11 chiffres) ou ADELI (9 chiffres)",
      },
      {
        line: 7,
        column: "Adresse mail",
        value: "pas-une-adresse",
        reason: "Adresse e-mail invalide (ex. prenom.nom@chu-toulouse.fr)",
      },
      { line: 8, column: "Profession", value: "Boulanger", reason: "Profession inconnue" },
      { line: 8, column: "Région", value: null, reason: "Choisissez la région" },
    ]);
    // paging
    const second = await t.app.inject({
      url: `/api/structures/${w.chu}/imports/${summary.id}/errors?page=2&limit=2`,
      headers: w.admin.headers,
    });
    expect(second.json()).toMatchObject({ total: 5, items: [{ line: 7 }, { line: 8, column: "Profession" }] });
    // nothing applied, nothing audited
    expect(await t.db.account.count()).toBe(before);
    expect(await t.db.auditEvent.count({ where: { entityId: summary.id } })).toBe(0);
  });

  it("rejects every later row of an address already in the file, naming the first one's line", async () => {
    const twice = validRow("MED");
    const file = csvOf([
      twice,
      validRow("MED"),
      { ...validRow("PER"), email: String(twice.email).toUpperCase() },
      twice,
    ]);
    const summary = await api.dryRun(w.admin, w.chu, file, "doublons.csv");
    expect(summary.dryRun).toEqual({ create: 2, update: 0, unchanged: 0, rejected: 2 });
    const { items } = await api.errors(w.admin, w.chu, summary.id);
    expect(items.map((error) => [error.line, error.column, error.reason])).toEqual([
      [
        4,
        "Adresse mail",
        "Adresse déjà présente ligne 2 du fichier : seule la première de ces lignes est prise en compte",
      ],
      [
        5,
        "Adresse mail",
        "Adresse déjà présente ligne 2 du fichier : seule la première de ces lignes est prise en compte",
      ],
    ]);
  });

  it("never touches an account of another structure: its row is rejected", async () => {
    const elsewhere = await createAccount(t.db, w.castres, { type: "MED", rpps: null });
    const summary = await api.dryRun(w.admin, w.chu, csvOf([validRow("MED", { email: elsewhere.email })]), "a.csv");
    expect(summary.dryRun).toEqual({ create: 0, update: 0, unchanged: 0, rejected: 1 });
    const { items } = await api.errors(w.admin, w.chu, summary.id);
    expect(items[0]).toMatchObject({
      column: "Adresse mail",
      reason: "Adresse utilisée par un compte d'une autre structure : elle ne peut pas être importée ici",
    });
  });

  it("updates the accounts of a daughter structure from the mother's import (they stay in their structure)", async () => {
    const inDaughter = await createAccount(t.db, w.purpan, { type: "MED", rpps: null });
    const { final } = await importFile(csvOf([validRow("MED", { email: inDaughter.email, lastName: "Fille" })]), {
      fileName: "fille.csv",
    });
    expect(final.applied).toMatchObject({ updated: 1 });
    expect(await accountByEmail(inDaughter.email)).toMatchObject({ structureId: w.purpan, lastName: "Fille" });
  });

  it("is refused to an administrator of another structure (404) and to support (403); support reads it", async () => {
    const file = csvOf([validRow("MED")]);
    expect((await api.upload(w.castresAdmin, w.chu, file, "a.csv")).statusCode).toBe(404);
    expect((await api.upload(w.support, w.chu, file, "a.csv")).statusCode).toBe(403);
    const summary = await api.dryRun(w.admin, w.chu, file, "a.csv");
    expect((await api.get(w.support, w.chu, summary.id)).id).toBe(summary.id);
    const castres = await t.app.inject({
      url: `/api/structures/${w.chu}/imports/${summary.id}`,
      headers: w.castresAdmin.headers,
    });
    expect(castres.statusCode).toBe(404);
    // an import is only found under its own structure
    const purpan = await t.app.inject({
      url: `/api/structures/${w.purpan}/imports/${summary.id}`,
      headers: w.admin.headers,
    });
    expect(purpan.statusCode).toBe(404);
    expect((await api.apply(w.support, w.chu, summary.id)).statusCode).toBe(403);
  });
});

describe("apply", () => {
  it("creates and updates the accounts, links an ORG to an account created by the same file, audits each, and mails no one", async () => {
    const existing = await createAccount(t.db, w.chu, { type: "PER", rpps: "10000000009" });
    const med = validRow("MED");
    const org = validRow("ORG", { connectionAccounts: `${med.email};${existing.email}` });
    const per = validRow("PER", { addressLine: "1 rue des Lilas", postcode: "31000", city: "Toulouse" });
    const updatedRow = validRow("PER", {
      email: existing.email,
      lastName: "Nouveau-Nom",
      nationalId: "10000000009",
      phone: "05 61 77 22 33",
    });
    const file = await xlsxOf([med, org, per, updatedRow, validRow("INT", { finessSite: "" })], {
      withInstructions: true,
    });
    const auditBefore = await t.db.auditEvent.count();
    const { dryRun, final } = await importFile(file);
    expect(dryRun.dryRun).toEqual({ create: 3, update: 1, unchanged: 0, rejected: 1 });
    expect(final).toMatchObject({
      status: "APPLIED",
      appliedRows: 5,
      applied: { created: 3, updated: 1, unchanged: 0, rejected: 1 },
    });
    expect(final.appliedAt).not.toBeNull();

    const createdMed = await accountByEmail(String(med.email));
    expect(createdMed).toMatchObject({
      structureId: w.chu,
      type: "MED",
      state: "PREREGISTERED",
      lastName: med.lastName,
      profession: "10",
      regionCode: "76",
      // no address in the row: the structure's, as the form would
      addressLine: "2 rue Viguerie",
      postcode: "31059",
      city: "Toulouse",
    });
    const createdOrg = await accountByEmail(String(org.email));
    expect(createdOrg).toMatchObject({ type: "ORG", state: "VALIDATED", responsibleNationalId: "10001234565" });
    const links = await t.db.connectionAccount.findMany({
      where: { mailboxId: createdOrg?.id },
      include: { account: { select: { email: true } } },
    });
    expect(links.map((link) => link.account.email).sort()).toEqual([existing.email, String(med.email)].sort());
    expect(await accountByEmail(String(per.email))).toMatchObject({ addressLine: "1 rue des Lilas", city: "Toulouse" });
    expect(await accountByEmail(existing.email)).toMatchObject({
      lastName: "Nouveau-Nom",
      phone: "0561772233",
      version: existing.version + 1,
    });

    // one event per account written, and the import's own two
    const events = await t.db.auditEvent.findMany({
      where: { id: { gt: BigInt(auditBefore) } },
      orderBy: { id: "asc" },
    });
    expect(events.map((event) => event.action).sort()).toEqual(
      [
        "account.import-requested",
        "account.created",
        "account.created",
        "account.created",
        "account.updated",
        "account.import-applied",
      ].sort(),
    );
    expect(events.every((event) => event.actorLabel === w.adminEmail)).toBe(true);
    // each creation's event holds the account as written, every audited column named (null when empty), as the
    // account form's does, with its connection accounts and the import
    for (const [row, connections] of [
      [med, null],
      [org, [String(med.email), existing.email]],
      [per, null],
    ] as const) {
      const account = await t.db.account.findUniqueOrThrow({ where: { email: String(row.email) } });
      const event = events.find(
        (candidate) => candidate.action === "account.created" && candidate.entityId === account.id,
      );
      expect(event).toMatchObject({ actorLabel: w.adminEmail, structureId: w.chu, before: null });
      expect(event?.after).toEqual({
        ...auditable({ ...account }),
        email: account.email,
        state: account.state,
        connectionAccounts: connections,
        importId: dryRun.id,
      });
    }
    const update = events.find((event) => event.action === "account.updated");
    expect(update).toMatchObject({ entityId: existing.id, structureId: w.chu });
    expect(update?.before).toMatchObject({ lastName: existing.lastName });
    expect(update?.after).toMatchObject({ lastName: "Nouveau-Nom", importId: dryRun.id });
    expect(events.at(-1)).toMatchObject({
      action: "account.import-applied",
      entityId: dryRun.id,
      after: { created: 3, updated: 1, unchanged: 0, rejected: 1 },
    });
    // the rejected row, again at apply time
    const { items } = await api.errors(w.admin, w.chu, dryRun.id, true);
    expect(items).toEqual([expect.objectContaining({ line: 6, column: "FINESS géographique" })]);
    // "notifier les utilisateurs" unchecked: no mail
    expect(await t.db.outboxMail.count({ where: { to: { has: String(med.email) } } })).toBe(0);
    expect(await t.db.oneTimeCode.count({ where: { accountId: createdMed?.id } })).toBe(0);

    // re-importing the same file changes nothing
    const again = await importFile(file);
    expect(again.dryRun.dryRun).toEqual({ create: 0, update: 0, unchanged: 4, rejected: 1 });
    expect(again.final.applied).toEqual({ created: 0, updated: 0, unchanged: 4, rejected: 1 });
    expect(await accountByEmail(existing.email)).toMatchObject({ version: existing.version + 1 });
    expect(
      await t.db.auditEvent.count({
        where: { action: { in: ["account.created", "account.updated"] }, id: { gt: events.at(-1)?.id } },
      }),
    ).toBe(0);
  });

  it("an export edited in a spreadsheet and re-imported is a mass edit: one name changed, one account updated", async () => {
    const ids: string[] = [];
    for (const type of ["MED", "PER", "INT"] as const) {
      const account = await createAccount(t.db, w.chu, {
        type,
        rpps: type === "PER" ? "10000000025" : null,
        finessSite: type === "INT" ? FINESS : null,
        phone: "0561772233",
        addressLine: "1 allée Jean Jaurès",
        postcode: "31000",
        city: "Toulouse",
        unlisted: type === "MED",
      });
      ids.push(account.id);
    }
    const mailbox = await createAccount(t.db, w.chu, {
      type: "ORG",
      rpps: null,
      finessSite: FINESS,
      responsibleLastName: "Durand",
      responsibleFirstName: "Anne",
      responsibleProfession: "10",
      responsibleNationalId: "10001234565",
      description: "Accueil",
    });
    const [connector] = ids;
    await t.db.connectionAccount.create({ data: { mailboxId: mailbox.id, accountId: connector as string } });
    ids.push(mailbox.id);
    // what an export writes for these accounts ("code - libellé", "oui"/"non", formula-safe cells)
    const exported: LoaduserRow[] = [];
    for (const id of ids) {
      const { email } = await t.db.account.findUniqueOrThrow({ where: { id }, select: { email: true } });
      const [account] = await createImportsRepository(t.db).accountsByEmail([email]);
      if (!account) throw new Error(`no account ${email}`);
      const links = await t.db.connectionAccount.findMany({
        where: { mailboxId: id },
        include: { account: { select: { email: true } } },
      });
      exported.push(accountToRow({ ...account, connectionAccounts: links.map((link) => link.account.email) }));
    }
    const edited = exported.map((row, index) => (index === 1 ? { ...row, firstName: "Renommée" } : row));
    const { dryRun, final } = await importFile(await xlsxOf(edited as Row[]), { fileName: "export.xlsx" });
    expect(dryRun.dryRun).toEqual({ create: 0, update: 1, unchanged: 3, rejected: 0 });
    expect(final.applied).toEqual({ created: 0, updated: 1, unchanged: 3, rejected: 0 });
    expect(await t.db.account.findUnique({ where: { id: ids[1] } })).toMatchObject({ firstName: "Renommée" });
    expect(await t.db.account.findUnique({ where: { id: ids[0] } })).toMatchObject({ version: 1, unlisted: true });
    expect(await t.db.connectionAccount.count({ where: { mailboxId: mailbox.id } })).toBe(1);
  });

  it("with 'notifier les utilisateurs', mails the new MED, PER and INT accounts (not ORG, not updated ones), once each", async () => {
    const existing = await createAccount(t.db, w.chu, { type: "MED", rpps: null });
    const med = validRow("MED");
    const per = validRow("PER");
    const int = validRow("INT");
    const org = validRow("ORG", { connectionAccounts: String(med.email) });
    const { dryRun } = await importFile(csvOf([med, per, int, org, validRow("MED", { email: existing.email })]), {
      notifyUsers: true,
      fileName: "notifier.csv",
    });
    for (const row of [med, per, int]) {
      const mails = await t.db.outboxMail.findMany({ where: { to: { has: String(row.email) } } });
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toBe("Votre compte Medimail a été créé : finalisez votre inscription");
      expect(mails[0]?.text).toContain("CHU de Toulouse");
      expect(mails[0]?.text).toMatch(/http:\/\/localhost:3000\/inscription\/finaliser\?jeton=\S+/);
      expect(mails[0]?.idempotencyKey).toMatch(new RegExp(`^pre-registration:import:${dryRun.id}:\\d+$`));
      const account = await accountByEmail(String(row.email));
      expect(await t.db.oneTimeCode.count({ where: { accountId: account?.id, purpose: "REGISTRATION" } })).toBe(1);
    }
    expect(await t.db.outboxMail.count({ where: { to: { has: String(org.email) } } })).toBe(0);
    expect(await t.db.outboxMail.count({ where: { to: { has: existing.email } } })).toBe(0);
    // the link in the mail works: it is the registration link of the account
    const mail = await t.db.outboxMail.findFirstOrThrow({ where: { to: { has: String(med.email) } } });
    const token = decodeURIComponent(mail.text.match(/jeton=(\S+)/)?.[1] ?? "");
    const link = await t.app.inject({ url: `/api/registration/link?token=${encodeURIComponent(token)}` });
    expect(link.statusCode, link.body).toBe(200);
  });

  it("rejects at apply time a row that became invalid after the dry run, and applies the others", async () => {
    const taken = validRow("MED");
    const fine = validRow("PER");
    const dryRun = await api.dryRun(w.admin, w.chu, csvOf([taken, fine]), "a.csv");
    expect(dryRun.dryRun.create).toBe(2);
    // meanwhile, another structure creates that address
    await createAccount(t.db, w.castres, { type: "MED", rpps: null, email: String(taken.email) });
    expect((await api.apply(w.admin, w.chu, dryRun.id)).statusCode).toBe(202);
    await runImportsJob(t.db);
    const final = await api.get(w.admin, w.chu, dryRun.id);
    expect(final).toMatchObject({ status: "APPLIED", applied: { created: 1, rejected: 1 } });
    expect(await accountByEmail(String(taken.email))).toMatchObject({ structureId: w.castres });
    const { items } = await api.errors(w.admin, w.chu, dryRun.id, true);
    expect(items).toEqual([
      expect.objectContaining({ line: 2, reason: expect.stringContaining("compte d'une autre structure") }),
    ]);
  });

  it("applies an import once: a second apply is refused (409), and so is an apply before the dry run is done", async () => {
    const dryRun = await api.dryRun(w.admin, w.chu, csvOf([validRow("MED")]), "a.csv");
    expect((await api.apply(w.admin, w.chu, dryRun.id)).statusCode).toBe(202);
    const second = await api.apply(w.operator, w.chu, dryRun.id);
    expect(second.statusCode).toBe(409);
    expect(second.json().message).toBe("Cet import est déjà en cours.");
    await runImportsJob(t.db);
    const third = await api.apply(w.admin, w.chu, dryRun.id);
    expect(third.json().message).toMatch(/déjà été appliqué/);
    // a job run was recorded for the worker, with the apply
    expect(await t.db.jobRun.count({ where: { name: "accounts.import" } })).toBeGreaterThanOrEqual(1);
  });

  it("resumes after a crash between two batches: every row applied exactly once", async () => {
    const rows = Array.from({ length: 23 }, (_, index) =>
      index === 7 ? validRow("PER", { nationalId: "123" }) : validRow(index % 2 ? "MED" : "PER"),
    );
    // a duplicate after the resume point whose first occurrence was applied before the crash
    rows.push({ ...validRow("MED"), email: rows[1]?.email });
    const dryRun = await api.dryRun(w.admin, w.chu, await xlsxOf(rows), "reprise.xlsx");
    expect(dryRun.dryRun).toEqual({ create: 22, update: 0, unchanged: 0, rejected: 2 });
    await api.apply(w.admin, w.chu, dryRun.id);
    const auditBefore = await t.db.auditEvent.count({ where: { action: "account.created" } });

    // the worker dies after its second batch of 5 (the error stands for the process being killed)
    await expect(
      runImportsJob(t.db, {
        batchRows: 5,
        afterBatch: (_id, applied) => {
          if (applied === 10) throw new Error("worker killed");
        },
      }),
    ).rejects.toThrow("worker killed");
    const midway = await api.get(w.admin, w.chu, dryRun.id);
    expect(midway).toMatchObject({ status: "APPLYING", appliedRows: 10, applied: { created: 9, rejected: 1 } });

    // the next run (pg-boss's retry) starts after the last committed batch
    await runImportsJob(t.db, { batchRows: 5 });
    const final = await api.get(w.admin, w.chu, dryRun.id);
    expect(final).toMatchObject({
      status: "APPLIED",
      appliedRows: 24,
      applied: { created: 22, updated: 0, unchanged: 0, rejected: 2 },
    });
    const emails = rows.map((row) => String(row.email));
    expect(await t.db.account.count({ where: { email: { in: emails } } })).toBe(22);
    expect(await t.db.auditEvent.count({ where: { action: "account.created" } })).toBe(auditBefore + 22);
    const { items } = await api.errors(w.admin, w.chu, dryRun.id, true);
    expect(items.map((error) => error.line)).toEqual([9, 25]);
  });

  it("two runs at once (a retry racing the hourly run) apply each row once", async () => {
    const rows = Array.from({ length: 40 }, () => validRow("MED"));
    const dryRun = await api.dryRun(w.admin, w.chu, csvOf(rows), "course.csv");
    await api.apply(w.admin, w.chu, dryRun.id);
    await Promise.all([runImportsJob(t.db, { batchRows: 3 }), runImportsJob(t.db, { batchRows: 4 })]);
    const final = await api.get(w.admin, w.chu, dryRun.id);
    expect(final).toMatchObject({ status: "APPLIED", applied: { created: 40, rejected: 0 } });
    expect(await t.db.account.count({ where: { email: { in: rows.map((row) => String(row.email)) } } })).toBe(40);
  });

  it("downloads every rejected row as a CSV Excel opens, with formula-like values neutralised", async () => {
    const dryRun = await api.dryRun(
      w.admin,
      w.chu,
      csvOf([validRow("MED", { lastName: "" }), validRow("MED", { profession: '=HYPERLINK("x")' })]),
      "liste;du 3.csv",
    );
    const response = await t.app.inject({
      url: `/api/structures/${w.chu}/imports/${dryRun.id}/errors.csv`,
      headers: w.admin.headers,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toContain("filename*=UTF-8''erreurs-liste_du_3.csv");
    expect(response.body).toBe(
      "\uFEFFLigne;Colonne;Valeur;Motif\r\n" +
        "2;Nom;;Saisissez le nom\r\n" +
        '3;Profession;"\'=HYPERLINK(""x"")";Profession inconnue\r\n',
    );
  });

  it("reads a CSV's file from the database as it applies it, and stops cleanly if the file is emptied meanwhile", async () => {
    // two rows, then 3 MB of blank lines (read, skipped), then three rows: the file is read again a megabyte at a
    // time (and one ahead), so the last rows are read well after the first batches are applied
    const rows = Array.from({ length: 5 }, () => validRow("MED"));
    const [header, ...lines] = csvOf(rows).trimEnd().split("\r\n");
    const blank = Array.from({ length: 3000 }, () => ";".repeat(1000));
    const content = [header, lines[0], lines[1], ...blank, ...lines.slice(2), ""].join("\r\n");
    const dryRun = await api.dryRun(w.admin, w.chu, content, "long.csv");
    expect(dryRun.dryRun.create).toBe(5);
    await api.apply(w.admin, w.chu, dryRun.id);
    await runImportsJob(t.db, {
      batchRows: 1,
      afterBatch: async (importId, appliedRows) => {
        if (appliedRows === 1) await t.db.importJob.update({ where: { id: importId }, data: { content: null } });
      },
    });
    const final = await api.get(w.admin, w.chu, dryRun.id);
    expect(final).toMatchObject({ status: "FAILED", appliedRows: 2, applied: { created: 2 } });
    expect(final.error).toMatch(/effacé avant la fin de l'import/);
    const created = await t.db.account.count({ where: { email: { in: rows.map((row) => String(row.email)) } } });
    expect(created).toBe(2);
  });

  it("keeps files 7 days: the hourly run empties older ones, which can then no longer be applied", async () => {
    const dryRun = await api.dryRun(w.admin, w.chu, csvOf([validRow("MED")]), "ancien.csv");
    await t.db.importJob.update({
      where: { id: dryRun.id },
      data: { createdAt: new Date(Date.now() - 8 * 86_400_000) },
    });
    await runImportsJob(t.db);
    expect((await api.get(w.admin, w.chu, dryRun.id)).fileKept).toBe(false);
    const apply = await api.apply(w.admin, w.chu, dryRun.id);
    expect(apply.statusCode).toBe(409);
    expect(apply.json().message).toMatch(/effacé/);
  });
});
