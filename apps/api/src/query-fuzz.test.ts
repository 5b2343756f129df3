// Every query parameter of every GET route, sent bad values as an attacker would (NUL bytes, broken UTF-8,
// 10,000 characters, forged cursors, absurd numbers): the answer is a 4xx with a French message, never a 5xx.
// The routes come from the app itself (its OpenAPI description), so a new route or parameter is fuzzed too.
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../test/auth.ts";
import { useTestApp } from "../test/test-app.ts";

const t = useTestApp();
const ids: Record<string, string> = {};
let operator: SignedIn;

/** What a route needs to answer 200 before anything is fuzzed: its required parameters. */
const BASE_QUERY: Record<string, string> = {
  "/api/structures/{id}/admin-candidates": "q=ma",
  "/api/communes": "q=toulouse",
  "/api/registration/link": "token=abc",
};
/** Routes whose plain answer is not 200 by design (the fuzz still runs: never a 5xx). */
const BASE_STATUS: Record<string, number> = {
  // an export still being written
  "/api/activity/exports/{exportId}/file": 409,
};

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const UUID = "00000000-0000-4000-8000-000000000000";
/** Already percent-encoded, as sent on the wire. */
const BAD_VALUES = [
  "%00",
  "abc%00def",
  "%01%02%1F",
  "%ED%A0%80", // a lone surrogate, as UTF-8 bytes
  "%F0%9F", // a truncated UTF-8 sequence
  "%uD800",
  "x".repeat(10_000),
  "'",
  "%27%20OR%201%3D1--",
  "9".repeat(400),
  "-1",
  "-9223372036854775809",
  "9007199254740991",
  "2147483648",
  "1e309",
  "NaN",
  "0x10",
  "2026-02-30",
  "!!!~~~",
  b64("pas du JSON"),
  b64('{"a":1}'),
  b64("[1,2]"),
  b64(`["x","pas-un-uuid"]`),
  b64(`["\\u0000","${UUID}"]`),
  b64(`["\\ud800","${UUID}"]`),
  b64(`["${"x".repeat(5000)}","${UUID}"]`),
  b64(`["1","${UUID}"]`),
  `${Date.now()}_${UUID}`,
  `99999999999999999999_${UUID}`,
];

interface QueryRoute {
  path: string;
  url: string;
  params: string[];
}

function getRoutes(): QueryRoute[] {
  const document = t.app.swagger() as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
  };
  return Object.entries(document.paths).flatMap(([path, operations]) => {
    const get = operations.get;
    if (!get || !path.startsWith("/api/")) return [];
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const id = ids[name];
      if (!id) throw new Error(`no fixture for the path parameter ${name} of ${path}`);
      return id;
    });
    const params = (get.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
    return [{ path, url, params }];
  });
}

beforeAll(async () => {
  const structure = await createStructure(t.db, { name: "Fuzz" });
  await t.db.structure.update({ where: { id: structure.id }, data: { mssDomain: "fuzz.mssante.fr" } });
  ids.id = structure.id;
  const account = await createAccount(t.db, structure.id, { type: "PER" });
  ids.accountId = account.id;
  await t.db.mssAddress.create({ data: { accountId: account.id, address: "fuzz@fuzz.mssante.fr" } });
  const content = Buffer.from("Type de BAL;Adresse mail\r\n");
  ids.importId = (
    await t.db.importJob.create({
      data: {
        structureId: structure.id,
        requestedById: account.id,
        fileName: "f.csv",
        content,
        fileSize: content.length,
        format: "CSV",
        status: "DRY_RUN_DONE",
        totalRows: 0,
      },
    })
  ).id;
  ids.activationId = (await t.db.mssActivation.create({ data: { structureId: structure.id, status: "DONE" } })).id;
  ids.exportId = (
    await t.db.exportRequest.create({
      data: {
        kind: "ACTIVITY",
        format: "CSV",
        structureId: structure.id,
        requestedById: account.id,
        params: { criteria: { daughters: false }, since: null, until: new Date().toISOString() },
        status: "PENDING",
      },
    })
  ).id;
  operator = await signInAs(t.db, (await createConsoleUser(t.db, "OPERATOR")).email);
});

describe("bad query input never breaks the server", () => {
  it("reaches every GET route with its plain query first", async () => {
    const routes = getRoutes();
    expect(routes.length).toBeGreaterThan(30);
    for (const route of routes) {
      const base = BASE_QUERY[route.path];
      const response = await t.app.inject({
        url: `${route.url}${base ? `?${base}` : ""}`,
        headers: operator.headers,
      });
      expect(response.statusCode, `${route.path}: ${response.body.slice(0, 200)}`).toBe(BASE_STATUS[route.path] ?? 200);
    }
  });

  it("answers a 4xx with a French message to every bad value of every query parameter", async () => {
    const failures: string[] = [];
    for (const route of getRoutes()) {
      const base = BASE_QUERY[route.path];
      for (const param of route.params) {
        for (const value of [...BAD_VALUES, ...BAD_VALUES.slice(0, 3).map((v) => `${v}&${param}=${v}`)]) {
          const others = (base ?? "")
            .split("&")
            .filter((pair) => pair && !pair.startsWith(`${param}=`))
            .join("&");
          const url = `${route.url}?${others ? `${others}&` : ""}${param}=${value}`;
          const response = await t.app.inject({ url, headers: operator.headers });
          const label = `${route.path} ${param}=${value.slice(0, 40)} → ${response.statusCode}`;
          if (response.statusCode >= 500) failures.push(`${label} ${response.body.slice(0, 120)}`);
          else if (response.statusCode === 400) {
            const body = response.json() as { code: string; message: string; details?: { message: string }[] };
            const messages = [body.message, ...(body.details ?? []).map((detail) => detail.message)];
            if (
              body.code !== "VALIDATION_FAILED" ||
              messages.some((m) => /\b(invalid|expected|too (big|small))\b/i.test(m))
            ) {
              failures.push(`${label} ${response.body.slice(0, 160)}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses a NUL byte or a lone surrogate in a JSON body with a 400, not a database error", async () => {
    for (const name of ["Hôpital\u0000", "Hôpital\ud800"]) {
      const response = await t.app.inject({
        method: "POST",
        url: "/api/structures",
        headers: { ...operator.headers, "content-type": "application/json" },
        payload: JSON.stringify({ name, parentId: null }),
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    }
  });
});
