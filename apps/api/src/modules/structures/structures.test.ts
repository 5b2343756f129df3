import { StructureDetail, StructureListResponse } from "@medimail/contracts/structures";
import { seedDemo } from "@medimail/db/seed/demo";
import { createAccounts } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../../test/auth.ts";
import { useTestApp } from "../../../test/test-app.ts";

const t = useTestApp((db) => seedDemo(db));
const as: Record<"operator" | "ghtAdmin" | "castresAdmin" | "support", SignedIn> = {} as never;
beforeAll(async () => {
  as.operator = await signInAs(t.db, "operateur@esante-occitanie.fr");
  as.ghtAdmin = await signInAs(t.db, "admin.ght31@ght31.fr");
  as.castresAdmin = await signInAs(t.db, "admin.castres@chic-cm.fr");
  as.support = await signInAs(t.db, "support@esante-occitanie.fr");
});

describe("GET /api/structures", () => {
  it("lists every structure with its parent, its users and its administrators", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/structures", headers: as.operator.headers });
    expect(response.statusCode).toBe(200);
    const { items } = StructureListResponse.parse(response.json());
    expect(items).toHaveLength(7);

    const byName = new Map(items.map((item) => [item.name, item]));
    const root = byName.get("GIP e-santé Occitanie");
    const group = byName.get("GHT Haute-Garonne Tarn-Ouest");
    const purpan = byName.get("CHU de Toulouse — Site Purpan");
    expect(root?.parentId).toBeNull();
    expect(group?.parentName).toBe("GIP e-santé Occitanie");
    expect(purpan?.parentId).toBe(group?.id);
    expect(group?.childCount).toBe(2);
    expect(group?.adminCount).toBe(1);

    // the counts are those of the database, one structure at a time
    for (const item of items) {
      expect(item.totalUsers).toBe(await t.db.account.count({ where: { structureId: item.id } }));
    }
    expect(byName.get("URPS Midi-Pyrénées")?.totalUsers).toBe(0);
  });

  it("keeps the totals right through bulk inserts, moves between structures and deletions (trigger-kept counters)", async () => {
    const [first, second] = await t.db.structure.findMany({ orderBy: { name: "asc" }, take: 2 });
    if (!first || !second) throw new Error("demo structures missing");
    const created = await createAccounts(t.db, first.id, 25);
    await t.db.account.updateMany({
      where: { id: { in: created.slice(0, 10).map((a) => a.id as string) } },
      data: { structureId: second.id },
    });
    await t.db.account.updateMany({
      where: { id: { in: created.slice(10, 12).map((a) => a.id as string) } },
      data: { lastName: "Renommé" },
    });
    await t.db.account.deleteMany({ where: { id: { in: created.slice(20).map((a) => a.id as string) } } });
    const { items } = StructureListResponse.parse(
      (await t.app.inject({ url: "/api/structures", headers: as.operator.headers })).json(),
    );
    for (const item of items) {
      expect(item.totalUsers, item.name).toBe(await t.db.account.count({ where: { structureId: item.id } }));
    }
  });

  it("shows an administrator his structure and its descendants only, rooted at his structure", async () => {
    const response = await t.app.inject({ url: "/api/structures", headers: as.ghtAdmin.headers });
    const { items } = StructureListResponse.parse(response.json());
    expect(items.map((item) => item.name).sort()).toEqual([
      "CHU de Toulouse — Site Purpan",
      "CHU de Toulouse — Site Rangueil",
      "GHT Haute-Garonne Tarn-Ouest",
    ]);
    const group = items.find((item) => item.name === "GHT Haute-Garonne Tarn-Ouest");
    // its mother is outside his scope: neither named nor identified, only said to exist
    expect(group).toMatchObject({ parentId: null, parentName: null, parentOutsideScope: true });
    expect(response.body).not.toContain("GIP e-santé Occitanie");

    const castres = await t.app.inject({ url: "/api/structures", headers: as.castresAdmin.headers });
    expect(StructureListResponse.parse(castres.json()).items.map((item) => item.name)).toEqual([
      "CHIC Castres Mazamet",
    ]);
    const support = await t.app.inject({ url: "/api/structures", headers: as.support.headers });
    expect(StructureListResponse.parse(support.json()).items).toHaveLength(7);
  });

  it("answers 401 to an anonymous caller", async () => {
    const response = await t.app.inject({ url: "/api/structures" });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("GET /api/structures/:id", () => {
  it("answers a structure with its ancestors from the root", async () => {
    const purpan = await t.db.structure.findFirstOrThrow({ where: { name: "CHU de Toulouse — Site Purpan" } });
    const response = await t.app.inject({ url: `/api/structures/${purpan.id}`, headers: as.operator.headers });
    expect(response.statusCode).toBe(200);
    const detail = StructureDetail.parse(response.json());
    expect(detail.ancestors.map((a) => a.name)).toEqual(["GIP e-santé Occitanie", "GHT Haute-Garonne Tarn-Ouest"]);
    expect(detail.mssDomain).toBe("chu-toulouse.mssante.fr");
    expect(detail.identifierType).toBe("FINESS");

    // the GHT administrator's breadcrumb starts at his own structure
    const asAdmin = await t.app.inject({ url: `/api/structures/${purpan.id}`, headers: as.ghtAdmin.headers });
    expect(StructureDetail.parse(asAdmin.json()).ancestors.map((a) => a.name)).toEqual([
      "GHT Haute-Garonne Tarn-Ouest",
    ]);
  });

  it("answers 404, as for an unknown id, for a structure outside the caller's scope", async () => {
    const purpan = await t.db.structure.findFirstOrThrow({ where: { name: "CHU de Toulouse — Site Purpan" } });
    const response = await t.app.inject({ url: `/api/structures/${purpan.id}`, headers: as.castresAdmin.headers });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: "NOT_FOUND", message: "Structure introuvable" });
  });

  it("answers 404 with the error envelope for an unknown structure", async () => {
    const response = await t.app.inject({
      url: "/api/structures/00000000-0000-4000-8000-000000000000",
      headers: as.operator.headers,
    });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ statusCode: 404, code: "NOT_FOUND", message: "Structure introuvable" });
    expect(response.json().requestId).toBe(response.headers["x-request-id"]);
  });

  it("answers 400 with the invalid field for a malformed id", async () => {
    const response = await t.app.inject({ url: "/api/structures/not-a-uuid", headers: as.operator.headers });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: "VALIDATION_FAILED",
      details: [{ path: "params.id", message: "Identifiant invalide" }],
    });
  });
});
