import { describe, expect, it } from "vitest";
import { useTestApp } from "../test/test-app.ts";

const t = useTestApp();

describe("application skeleton", () => {
  it("answers liveness and readiness", async () => {
    expect((await t.app.inject({ url: "/health" })).json()).toEqual({ status: "ok" });
    const ready = await t.app.inject({ url: "/ready" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("keeps the caller's request id and echoes it", async () => {
    const response = await t.app.inject({ url: "/api/nothing-here", headers: { "x-request-id": "support-ticket-42" } });
    expect(response.statusCode).toBe(404);
    expect(response.headers["x-request-id"]).toBe("support-ticket-42");
    expect(response.json()).toEqual({
      statusCode: 404,
      code: "NOT_FOUND",
      message: "Aucune route GET /api/nothing-here",
      requestId: "support-ticket-42",
    });
  });

  it("serves the OpenAPI description generated from the zod schemas", async () => {
    const response = await t.app.inject({ url: "/api/docs/json" });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/structures", "/api/structures/{id}"]));
    expect(document.paths["/api/structures/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path" });
  });

  it("sends security headers", async () => {
    const response = await t.app.inject({ url: "/health" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
  });
});

describe("errors", () => {
  it("never shows internals in a 5xx body", async () => {
    const { buildApp } = await import("../src/app.ts");
    const app = await buildApp({ db: t.db });
    app.get("/boom", { config: { access: "public" } }, async () => {
      throw new Error("password=hunter2 at /srv/secret.ts:12");
    });
    const response = await app.inject({ url: "/boom" });
    await app.close();
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain("hunter2");
    expect(response.json()).toMatchObject({ statusCode: 500, code: "INTERNAL_ERROR", message: "Erreur interne" });
  });

  it("answers readiness 503 when the database is gone", async () => {
    const { createDb } = await import("@medimail/db/client");
    const { buildApp } = await import("../src/app.ts");
    const unreachable = createDb({ connectionString: "postgresql://nobody@127.0.0.1:1/none" });
    const app = await buildApp({ db: unreachable });
    const response = await app.inject({ url: "/ready" });
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: "Base de données injoignable" });
  });
});
