// The session, access and CSRF checks hang on the matched route, never on the spelling of the URL: an attacker
// sends raw paths (percent-encoded letters, doubled slashes, dot segments, other cases, `;` parameters) to a
// listening server, as no browser would.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import { createStructure } from "@medimail/db/seed/factories";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, signInAs } from "../../../test/auth.ts";
import { useTestApp } from "../../../test/test-app.ts";
import { type App, buildApp } from "../../app.ts";

const t = useTestApp(async (db) => {
  await createStructure(db, { name: "Hôpital visible" });
});
/** the same app serving a built SPA (its catch-all route must not become a way around the checks) */
let withWeb: App;
let webDist: string;
let base: string;
let webBase: string;

beforeAll(async () => {
  base = await t.app.listen({ port: 0, host: "127.0.0.1" });
  webDist = await mkdtemp(path.join(os.tmpdir(), "route-guard-web-"));
  await mkdir(path.join(webDist, "assets"));
  await writeFile(path.join(webDist, "index.html"), "<!doctype html><title>Console</title>");
  await writeFile(path.join(webDist, "assets", "app.js"), "console.log('spa')");
  withWeb = await buildApp({ db: t.db, webDist });
  webBase = await withWeb.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  await withWeb?.close();
  if (webDist) await rm(webDist, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends the path exactly as written (fetch would normalise dot segments). */
async function raw(
  method: string,
  path: string,
  body?: string,
  { server = base, headers = {} }: { server?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(server);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          ...headers,
          ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const SPELLINGS = [
  (p: string) => p.replace("/api/", "/%61pi/"),
  (p: string) => p.replace("/api/", "/%61%70%69/"),
  (p: string) => p.replace("/api/", "/ap%69/"),
  (p: string) => `/${p}`,
  (p: string) => p.replace("/api/", "/api//"),
  (p: string) => p.replace("/api/", "/api/../api/"),
  (p: string) => p.replace("/api/", "/api/./"),
  (p: string) => p.replace("/api/", "/API/"),
  (p: string) => `${p};x=1`,
  (p: string) => p.replace("/api/", "/api%2f"),
  (p: string) => `${p}%00`,
  (p: string) => `${p}/`,
];

describe("route checks whatever the spelling of the path", () => {
  it("never answers an anonymous caller with data", async () => {
    for (const server of [base, webBase]) {
      for (const path of ["/api/communes?q=toulouse", "/api/structures", "/api/audit", "/api/nothing-here"]) {
        for (const spell of SPELLINGS) {
          const [pathname, query] = path.split("?");
          const sent = spell(pathname as string) + (query ? `?${query}` : "");
          const response = await raw("GET", sent, undefined, { server });
          const seen = `${sent} → ${response.status} ${response.body.slice(0, 120)}`;
          expect([400, 401, 404], seen).toContain(response.status);
          expect(response.headers["content-type"], seen).toMatch(/^application\/json/);
          expect(response.body, sent).not.toContain("Hôpital visible");
          expect(response.body, sent).not.toContain("Toulouse");
        }
      }
    }
  });

  it("still serves the SPA shell and its files to anyone", async () => {
    const shell = await raw("GET", "/comptes/utilisateurs", undefined, { server: webBase });
    expect(shell.status).toBe(200);
    expect(shell.body).toContain("<title>Console</title>");
    const asset = await raw("GET", "/assets/app.js", undefined, { server: webBase });
    expect(asset.status).toBe(200);
    expect(asset.body).toContain("spa");
    expect((await raw("GET", "/health", undefined, { server: webBase })).status).toBe(200);
  });

  it("never lets a state-changing request through without its CSRF token", async () => {
    const body = JSON.stringify({ email: "personne@exemple.fr", password: "x" });
    for (const spell of SPELLINGS) {
      const sent = spell("/api/auth/password");
      const response = await raw("POST", sent, body);
      expect([403, 404], `${sent} → ${response.status} ${response.body.slice(0, 120)}`).toContain(response.status);
      if (response.status === 403) expect(JSON.parse(response.body)).toMatchObject({ code: "CSRF_REJECTED" });
    }
  });
});

describe("API answers are never cached", () => {
  it("says Cache-Control: no-store on data, on errors and on unknown routes", async () => {
    const operator = await signInAs(t.db, (await createConsoleUser(t.db, "OPERATOR")).email);
    const answers = {
      data: await raw("GET", "/api/structures", undefined, { headers: { cookie: operator.headers.cookie } }),
      session: await raw("GET", "/api/auth/session"),
      anonymous: await raw("GET", "/api/structures"),
      badInput: await raw("GET", "/api/structures/not-a-uuid", undefined, {
        headers: { cookie: operator.headers.cookie },
      }),
      unknown: await raw("GET", "/api/nothing-here"),
      csrf: await raw("POST", "/api/auth/logout", "{}", { headers: { cookie: operator.headers.cookie } }),
    };
    expect(answers.data.body).toContain("Hôpital visible");
    for (const [name, answer] of Object.entries(answers)) {
      expect(answer.headers["cache-control"], `${name} (${answer.status})`).toBe("no-store");
    }
  });
});
