import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dataAccessLines, layerViolations, mayAccessData } from "./check-layers.ts";

describe("the layer check", () => {
  it("finds raw SQL and Prisma model calls, not transactions or comments", () => {
    const source = [
      "const rows = await db.$queryRaw`SELECT 1`;",
      "await tx.account.update({ where: { id } });",
      "const where = Prisma.sql`a.id = 1`;",
      "return db.$transaction(async (tx) => repository(tx).save());",
      "// db.account.findMany( in a comment",
      "await repository.account(id);",
    ].join("\n");
    expect(dataAccessLines(source).map((hit) => hit.line)).toEqual([1, 2, 3]);
  });

  it("allows repositories, tests and the database set-up only", () => {
    expect(mayAccessData("modules/accounts/accounts.repository.ts")).toBe(true);
    expect(mayAccessData("modules/accounts/accounts.test.ts")).toBe(true);
    expect(mayAccessData("database.ts")).toBe(true);
    expect(mayAccessData("modules/accounts/accounts.service.ts")).toBe(false);
    expect(mayAccessData("modules/accounts/accounts.routes.ts")).toBe(false);
  });

  it("fails on a deliberate violation in a service, and passes once the query is in the repository", () => {
    const root = mkdtempSync(path.join(tmpdir(), "layers-"));
    mkdirSync(path.join(root, "modules", "things"), { recursive: true });
    const service = path.join(root, "modules", "things", "things.service.ts");
    writeFileSync(service, "export const count = (db) => db.thing.count({});\n");
    expect(layerViolations(root)).toEqual([
      `${service}:1: data access outside a repository: export const count = (db) => db.thing.count({});`,
    ]);
    writeFileSync(service, "export const count = (repository) => repository.count();\n");
    writeFileSync(
      path.join(root, "modules", "things", "things.repository.ts"),
      "export const count = (db) => db.thing.count({});\n",
    );
    expect(layerViolations(root)).toEqual([]);
  });
});
