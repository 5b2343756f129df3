import { AuditPage } from "@medimail/contracts/audit";
import { seedDemo } from "@medimail/db/seed/demo";
import { parisDayStart } from "@medimail/domain/paris-time";
import { beforeAll, describe, expect, it } from "vitest";
import { type SignedIn, signInAs } from "../../../test/auth.ts";
import { useTestApp } from "../../../test/test-app.ts";

const t = useTestApp((db) => seedDemo(db));
const ids = {} as Record<"gip" | "ght" | "purpan" | "castres", string>;
let operator: SignedIn;
let ghtAdmin: SignedIn;

beforeAll(async () => {
  for (const [key, name] of [
    ["gip", "GIP e-santé Occitanie"],
    ["ght", "GHT Haute-Garonne Tarn-Ouest"],
    ["purpan", "CHU de Toulouse — Site Purpan"],
    ["castres", "CHIC Castres Mazamet"],
  ] as const) {
    ids[key] = (await t.db.structure.findFirstOrThrow({ where: { name } })).id;
  }
  const event = (structureId: string, action: string, actorLabel: string, at: string) => ({
    structureId,
    action,
    actorLabel,
    entityType: "account",
    at: new Date(at),
  });
  await t.db.auditEvent.createMany({
    data: [
      event(ids.ght, "auth.login", "admin.ght31@ght31.fr", "2026-11-20T08:00:00Z"),
      event(ids.purpan, "auth.account-unlocked", "operateur@esante-occitanie.fr", "2026-11-21T08:00:00Z"),
      event(ids.castres, "auth.login", "admin.castres@chic-cm.fr", "2026-11-22T08:00:00Z"),
      event(ids.gip, "auth.login", "operateur@esante-occitanie.fr", "2026-11-23T08:00:00Z"),
      ...Array.from({ length: 60 }, (_, i) =>
        event(ids.purpan, "jobs.run-requested", "robot@exemple.fr", `2026-10-01T0${i % 10}:00:00Z`),
      ),
    ],
  });
  operator = await signInAs(t.db, "operateur@esante-occitanie.fr");
  ghtAdmin = await signInAs(t.db, "admin.ght31@ght31.fr");
});

const page = async (who: SignedIn, query: string) => {
  const response = await t.app.inject({ url: `/api/audit?${query}`, headers: who.headers });
  expect(response.statusCode).toBe(200);
  return AuditPage.parse(response.json());
};

describe("GET /api/audit", () => {
  it("shows an administrator the events of his structure and its daughters only", async () => {
    const { items } = await page(ghtAdmin, "limit=200");
    const structures = new Set(items.map((item) => item.structureName));
    expect(structures).toEqual(new Set(["GHT Haute-Garonne Tarn-Ouest", "CHU de Toulouse — Site Purpan"]));
    const all = await page(operator, "limit=200");
    expect(all.items.some((item) => item.structureId === ids.castres)).toBe(true);
  });

  it("filters by structure (with its daughters), actor, action and period in Paris days", async () => {
    const purpan = await page(operator, `structureId=${ids.ght}&action=auth.account-unlocked`);
    expect(purpan.items.map((item) => item.structureName)).toEqual(["CHU de Toulouse — Site Purpan"]);
    const byActor = await page(operator, "actor=CASTRES");
    expect(byActor.items.map((item) => item.actorLabel)).toEqual(["admin.castres@chic-cm.fr"]);
    const period = await page(operator, "from=2026-11-21&to=2026-11-22&limit=200");
    expect(period.items.map((item) => item.at).sort()).toEqual([
      "2026-11-21T08:00:00.000Z",
      "2026-11-22T08:00:00.000Z",
    ]);
    expect(parisDayStart("2026-07-14").toISOString()).toBe("2026-07-13T22:00:00.000Z");
    expect(parisDayStart("2026-12-25").toISOString()).toBe("2026-12-24T23:00:00.000Z");
  });

  it("pages on the server, newest first, without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const result: AuditPage = await page(
        operator,
        `action=jobs.run-requested&limit=25${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(result.items.length).toBeLessThanOrEqual(25);
      seen.push(...result.items.map((item) => item.id));
      cursor = result.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect([...seen].sort((a, b) => Number(b) - Number(a))).toEqual(seen);
  });

  it("answers 404 for a structure outside the caller's scope and 400 for bad filters", async () => {
    const outside = await t.app.inject({ url: `/api/audit?structureId=${ids.castres}`, headers: ghtAdmin.headers });
    expect(outside.statusCode).toBe(404);
    const bad = await t.app.inject({ url: "/api/audit?from=2026-11-30&to=2026-11-01", headers: operator.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([
      { path: "querystring.to", message: "La date de fin précède la date de début" },
    ]);
  });
});
