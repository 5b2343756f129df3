import { StructureOverview } from "@medimail/contracts/structure-overview";
import {
  AdminCandidatesResponse,
  StructureAdminsResponse,
  StructureSettings,
} from "@medimail/contracts/structure-settings";
import { seedDemo } from "@medimail/db/seed/demo";
import { parisDayStart } from "@medimail/domain/paris-time";
import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../../test/auth.ts";
import { useTestApp } from "../../../test/test-app.ts";

const t = useTestApp((db) => seedDemo(db));
const ids = {} as Record<"ght" | "purpan" | "castres", string>;
let operator: SignedIn;
let ghtAdmin: SignedIn;
let ghtAdminId: string;

beforeAll(async () => {
  for (const [key, name] of [
    ["ght", "GHT Haute-Garonne Tarn-Ouest"],
    ["purpan", "CHU de Toulouse — Site Purpan"],
    ["castres", "CHIC Castres Mazamet"],
  ] as const) {
    ids[key] = (await t.db.structure.findFirstOrThrow({ where: { name } })).id;
  }
  operator = await signInAs(t.db, "operateur@esante-occitanie.fr");
  ghtAdmin = await signInAs(t.db, "admin.ght31@ght31.fr");
  ghtAdminId = (await t.db.account.findUniqueOrThrow({ where: { email: "admin.ght31@ght31.fr" } })).id;
});

const send = (who: SignedIn, method: "PUT" | "POST" | "DELETE", url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

describe("Identité", () => {
  const identity = { name: "CHU de Toulouse — Site Purpan", kind: "Centre hospitalier", identifierType: "SIRET" };

  it("refuses an identifier whose check digit is wrong, with the message next to the field", async () => {
    const response = await send(ghtAdmin, "PUT", `/api/structures/${ids.purpan}/identity`, {
      ...identity,
      identifier: "73282932000075",
      phone: "05 61 77 22 33",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([
      { path: "body.identifier", message: "Numéro SIRET invalide : la clé de contrôle ne correspond pas" },
    ]);
  });

  it("saves a valid identity (normalised) for an administrator of a mother structure, and audits it", async () => {
    const response = await send(ghtAdmin, "PUT", `/api/structures/${ids.purpan}/identity`, {
      ...identity,
      identifier: "732 829 320 00074",
      phone: "+33 5 61 77 22 33",
    });
    expect(response.statusCode).toBe(204);
    const settings = StructureSettings.parse(
      (await t.app.inject({ url: `/api/structures/${ids.purpan}/settings`, headers: ghtAdmin.headers })).json(),
    );
    expect(settings.identity).toMatchObject({ identifier: "73282932000074", phone: "0561772233" });
    expect(settings.permissions).toEqual({ administer: true, platformSettings: false });
    const audit = await t.db.auditEvent.findFirstOrThrow({ where: { action: "structure.identity-updated" } });
    expect(audit).toMatchObject({ structureId: ids.purpan, actorLabel: "admin.ght31@ght31.fr" });
    expect(audit.after).toMatchObject({ identifier: "73282932000074" });
  });
});

describe("MSSanté (operators only)", () => {
  const mssante = { mssDomain: "ght31.mssante.fr", quotaPer: 500, quotaOrg: 20, quotaApp: -1, mssAdminOnly: true };

  it("refuses a forged call of an administrator", async () => {
    const response = await send(ghtAdmin, "PUT", `/api/structures/${ids.ght}/mssante`, mssante);
    expect(response.statusCode).toBe(403);
    expect((await t.db.structure.findUniqueOrThrow({ where: { id: ids.ght } })).quotaOrg).not.toBe(20);
  });

  it("lets an operator set the domain and the quotas", async () => {
    expect((await send(operator, "PUT", `/api/structures/${ids.ght}/mssante`, mssante)).statusCode).toBe(204);
    const structure = await t.db.structure.findUniqueOrThrow({ where: { id: ids.ght } });
    expect(structure).toMatchObject({ mssDomain: "ght31.mssante.fr", quotaPer: 500, quotaOrg: 20, mssAdminOnly: true });
  });

  it("refuses a quota below the addresses in use, with the numbers", async () => {
    const settings = StructureSettings.parse(
      (await t.app.inject({ url: `/api/structures/${ids.purpan}/settings`, headers: operator.headers })).json(),
    );
    const used = settings.mssante.usage.PER;
    expect(used).toBeGreaterThan(0);
    const response = await send(operator, "PUT", `/api/structures/${ids.purpan}/mssante`, {
      ...settings.mssante,
      quotaPer: used - 1,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([
      {
        path: "body.quotaPer",
        message: `${used} adresses PER sont utilisées : le quota ne peut pas être inférieur à ${used}`,
      },
    ]);
  });

  it("refuses a domain taken by another structure, and a malformed one", async () => {
    const taken = await send(operator, "PUT", `/api/structures/${ids.castres}/mssante`, mssante);
    expect(taken.statusCode).toBe(409);
    expect(taken.json().details[0].message).toBe("Ce domaine est déjà attribué à « GHT Haute-Garonne Tarn-Ouest »");
    const malformed = await send(operator, "PUT", `/api/structures/${ids.castres}/mssante`, {
      ...mssante,
      mssDomain: "castres.fr",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().details[0]).toMatchObject({ path: "body.mssDomain" });
  });
});

describe("Administrateurs", () => {
  it("lists the administrators and warns when there is only one", async () => {
    const response = await t.app.inject({ url: `/api/structures/${ids.ght}/admins`, headers: ghtAdmin.headers });
    const admins = StructureAdminsResponse.parse(response.json());
    expect(admins.items.map((admin) => admin.email)).toEqual(["admin.ght31@ght31.fr"]);
    expect(admins.warnings[0]).toContain("Un seul administrateur");
  });

  it("finds accounts of the structure and its daughters by name, accents aside, and adds one", async () => {
    const someone = await t.db.account.findFirstOrThrow({
      where: { structureId: ids.purpan, state: "VALIDATED", platformRole: null },
      orderBy: { lastName: "asc" },
    });
    const query = someone.lastName
      .toUpperCase()
      .normalize("NFD")
      .replace(/\p{Diacritic}/gu, "");
    const found = AdminCandidatesResponse.parse(
      (
        await t.app.inject({
          url: `/api/structures/${ids.ght}/admin-candidates?q=${encodeURIComponent(query)}`,
          headers: ghtAdmin.headers,
        })
      ).json(),
    );
    expect(found.items.map((item) => item.accountId)).toContain(someone.id);

    expect(
      (await send(ghtAdmin, "POST", `/api/structures/${ids.ght}/admins`, { accountId: someone.id })).statusCode,
    ).toBe(204);
    const again = await send(ghtAdmin, "POST", `/api/structures/${ids.ght}/admins`, { accountId: someone.id });
    expect(again.statusCode).toBe(409);

    // an account outside the administrator's scope does not exist for him (an operator may pick any account)
    const outsider = await t.db.account.findFirstOrThrow({ where: { structureId: ids.castres, state: "VALIDATED" } });
    const refused = await send(ghtAdmin, "POST", `/api/structures/${ids.ght}/admins`, { accountId: outsider.id });
    expect(refused.statusCode).toBe(404);
    const outsiderSearch = AdminCandidatesResponse.parse(
      (
        await t.app.inject({
          url: `/api/structures/${ids.ght}/admin-candidates?q=${encodeURIComponent(outsider.email)}`,
          headers: ghtAdmin.headers,
        })
      ).json(),
    );
    expect(outsiderSearch.items).toEqual([]);
    const byOperator = AdminCandidatesResponse.parse(
      (
        await t.app.inject({
          url: `/api/structures/${ids.ght}/admin-candidates?q=${encodeURIComponent(outsider.email)}`,
          headers: operator.headers,
        })
      ).json(),
    );
    expect(byOperator.items.map((item) => item.accountId)).toEqual([outsider.id]);

    // an administrator cannot remove himself, but removes the other one
    const self = await send(ghtAdmin, "DELETE", `/api/structures/${ids.ght}/admins/${ghtAdminId}`);
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toContain("Vous ne pouvez pas vous retirer vous-même");
    expect((await send(ghtAdmin, "DELETE", `/api/structures/${ids.ght}/admins/${someone.id}`)).statusCode).toBe(204);
    expect(
      await t.db.auditEvent.count({ where: { action: { in: ["structure.admin-added", "structure.admin-removed"] } } }),
    ).toBe(2);
  });
});

describe("creating and moving structures (operators)", () => {
  it("creates a structure under a parent, then refuses to move a structure under its own daughter", async () => {
    const created = await send(operator, "POST", "/api/structures", { name: "Clinique Pasteur", parentId: ids.ght });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect((await t.db.structure.findUniqueOrThrow({ where: { id } })).parentId).toBe(ids.ght);

    const cycle = await send(operator, "PUT", `/api/structures/${ids.ght}/parent`, { parentId: ids.purpan });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().details[0].message).toBe(
      "Une structure ne peut pas être rattachée à elle-même ni à l'une de ses filles",
    );
    const self = await send(operator, "PUT", `/api/structures/${id}/parent`, { parentId: id });
    expect(self.statusCode).toBe(400);

    expect((await send(operator, "PUT", `/api/structures/${id}/parent`, { parentId: ids.castres })).statusCode).toBe(
      204,
    );
    expect((await t.db.structure.findUniqueOrThrow({ where: { id } })).parentId).toBe(ids.castres);
    expect(
      await t.db.auditEvent.count({
        where: { action: { in: ["structure.created", "structure.moved"] }, entityId: id },
      }),
    ).toBe(2);
  });

  it("keeps creating and moving to operators", async () => {
    expect((await send(ghtAdmin, "POST", "/api/structures", { name: "X", parentId: ids.ght })).statusCode).toBe(403);
    expect((await send(ghtAdmin, "PUT", `/api/structures/${ids.purpan}/parent`, { parentId: null })).statusCode).toBe(
      403,
    );
  });

  it("warns about daughters without their own administrator", async () => {
    const response = await t.app.inject({ url: `/api/structures/${ids.ght}/admins`, headers: operator.headers });
    expect(StructureAdminsResponse.parse(response.json()).warnings).toContainEqual(
      expect.stringContaining("Structures filles sans administrateur propre : CHU de Toulouse — Site Purpan"),
    );
  });
});

describe("Notifications, Office 365, Enrôlement automatique", () => {
  it("saves the notification defaults and the admins' contacts (deduplicated), refusing a bad address", async () => {
    const body = {
      notifyOnReception: false,
      notifyDailyDigest: true,
      notifyConnectionAccount: true,
      notifyOnOpening: false,
      adminNotificationEmails: ["Secretariat@ght31.fr", "secretariat@ght31.fr", "dsi@ght31.fr"],
    };
    expect((await send(ghtAdmin, "PUT", `/api/structures/${ids.ght}/notifications`, body)).statusCode).toBe(204);
    const structure = await t.db.structure.findUniqueOrThrow({ where: { id: ids.ght } });
    expect(structure.adminNotificationEmails).toEqual(["secretariat@ght31.fr", "dsi@ght31.fr"]);
    expect(structure.notifyOnReception).toBe(false);
    const bad = await send(ghtAdmin, "PUT", `/api/structures/${ids.ght}/notifications`, {
      ...body,
      adminNotificationEmails: ["pas-une-adresse"],
    });
    expect(bad.json().details).toEqual([
      { path: "body.adminNotificationEmails.0", message: "Adresse e-mail invalide" },
    ]);
  });

  it("changes the Office 365 quota only where it applies, and only for operators", async () => {
    const body = { office365Quota: 40 };
    expect((await send(operator, "PUT", `/api/structures/${ids.purpan}/office365`, body)).statusCode).toBe(409);
    await t.db.structure.update({ where: { id: ids.purpan }, data: { office365Quota: 10 } });
    expect((await send(ghtAdmin, "PUT", `/api/structures/${ids.purpan}/office365`, body)).statusCode).toBe(403);
    expect((await send(operator, "PUT", `/api/structures/${ids.purpan}/office365`, body)).statusCode).toBe(204);
    expect((await t.db.structure.findUniqueOrThrow({ where: { id: ids.purpan } })).office365Quota).toBe(40);
  });

  it("lets operators add and remove enrolment rules (at least one criterion), which administrators read", async () => {
    const empty = await send(operator, "POST", `/api/structures/${ids.castres}/enrolment-rules`, {
      emailDomain: "",
      regionCode: "",
      departmentCode: "",
      postcode: "",
      city: "",
      profession: "",
      practiceStatus: "ANY",
    });
    expect(empty.json().details).toEqual([{ path: "body.emailDomain", message: "Renseignez au moins un critère" }]);
    const rule = { emailDomain: "CH-Lavaur.fr", departmentCode: "81", practiceStatus: "NON_LIBERAL" };
    const full = { regionCode: "", postcode: "", city: "", profession: "", ...rule };
    expect((await send(ghtAdmin, "POST", `/api/structures/${ids.ght}/enrolment-rules`, full)).statusCode).toBe(403);
    const added = await send(operator, "POST", `/api/structures/${ids.castres}/enrolment-rules`, full);
    expect(added.statusCode).toBe(201);
    const listed = await t.app.inject({
      url: `/api/structures/${ids.castres}/enrolment-rules`,
      headers: operator.headers,
    });
    expect(listed.json().items).toContainEqual(
      expect.objectContaining({ emailDomain: "ch-lavaur.fr", departmentCode: "81" }),
    );
    const removed = await send(operator, "DELETE", `/api/structures/${ids.castres}/enrolment-rules/${added.json().id}`);
    expect(removed.statusCode).toBe(204);
    expect(await t.db.enrolmentRule.count({ where: { id: added.json().id } })).toBe(0);
  });
});

describe("Localisation", () => {
  it("suggests communes, and saves an address whose département and région follow from the commune", async () => {
    const found = await t.app.inject({ url: "/api/communes?q=saint-gir", headers: ghtAdmin.headers });
    expect(found.json().items[0]).toMatchObject({ name: "Saint-Girons", departmentCode: "09" });

    const wrongPostcode = await send(ghtAdmin, "PUT", `/api/structures/${ids.purpan}/location`, {
      addressLine: "Place du Docteur Baylac",
      cityInseeCode: "31555",
      postcode: "09200",
    });
    expect(wrongPostcode.statusCode).toBe(400);
    expect(wrongPostcode.json().details[0]).toMatchObject({ path: "body.postcode" });
    expect(wrongPostcode.json().details[0].message).toContain("n'est pas un code postal de Toulouse");

    const saved = await send(ghtAdmin, "PUT", `/api/structures/${ids.purpan}/location`, {
      addressLine: "Place du Docteur Baylac",
      cityInseeCode: "31555",
      postcode: "31300",
    });
    expect(saved.statusCode).toBe(204);
    const settings = StructureSettings.parse(
      (await t.app.inject({ url: `/api/structures/${ids.purpan}/settings`, headers: ghtAdmin.headers })).json(),
    );
    expect(settings.location).toEqual({
      addressLine: "Place du Docteur Baylac",
      postcode: "31300",
      city: "Toulouse",
      cityInseeCode: "31555",
      departmentCode: "31",
      departmentName: "Haute-Garonne",
      regionCode: "76",
      regionName: "Occitanie",
    });
  });
});

describe("Accueil structure", () => {
  it("counts accounts by state and type, MSSanté use against quotas, and messages per Paris day over 30 days", async () => {
    const response = await t.app.inject({ url: `/api/structures/${ids.purpan}/overview`, headers: ghtAdmin.headers });
    expect(response.statusCode).toBe(200);
    const overview = StructureOverview.parse(response.json());
    const accounts = await t.db.account.count({ where: { structureId: ids.purpan } });
    expect(Object.values(overview.accountsByState).reduce((a, b) => a + b, 0)).toBe(accounts);
    expect(Object.values(overview.accountsByType).reduce((a, b) => a + b, 0)).toBe(accounts);
    expect(overview.accountsByState.PENDING_VALIDATION).toBe(
      await t.db.account.count({ where: { structureId: ids.purpan, state: "PENDING_VALIDATION" } }),
    );
    // PER and INT share the "Personnel et personnel Interne" quota
    expect(overview.mssUsage.PER.used).toBe(
      await t.db.mssAddress.count({ where: { account: { structureId: ids.purpan, type: { in: ["PER", "INT"] } } } }),
    );
    expect(overview.messagesPerDay).toHaveLength(30);
    const since = parisDayStart(overview.messagesPerDay[0]?.day as string);
    const messages = await t.db.message.count({ where: { structureId: ids.purpan, sentAt: { gte: since } } });
    const counted = overview.messagesPerDay.reduce((total, day) => total + day.sent + day.received, 0);
    expect(counted).toBe(messages);
    expect(messages).toBeGreaterThan(0);
  });
});
