import { randomBytes } from "node:crypto";
import { DEMO_PASSWORD, seedDemo } from "@medimail/db/seed/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Cluster, startCluster } from "../test/cluster.ts";
import { HttpSession, waitForCode } from "../test/http-session.ts";
import { useTestDb } from "../test/test-app.ts";
import { type SmtpCatcher, startSmtpCatcher } from "./modules/mail/smtp-catcher.ts";

// Three API processes in production mode on one PostgreSQL, behind HAProxy configured as deploy/haproxy.cfg:
// nothing a request needs may live in one process's memory, and a process killed mid-load loses no committed write.
const t = useTestDb();
let catcher: SmtpCatcher;
let cluster: Cluster;
let ghtId: string;
const seen = new Set<string>();
const ADMIN = "admin.ght31@ght31.fr";
const codeFor = (email: string) => waitForCode(() => catcher.mails(), email, seen);
const servedBy = (answer: { headers: Headers }) => answer.headers.get("x-served-by");

beforeAll(async () => {
  await seedDemo(t.db);
  ghtId = (await t.db.structure.findFirstOrThrow({ where: { mssDomain: "ght31.mssante.fr" } })).id;
  catcher = await startSmtpCatcher();
  cluster = await startCluster({
    instances: 3,
    databaseUrl: t.database.url,
    servedByHeader: true,
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      WEB_DIST: "",
      SMTP_URL: catcher.url,
      PUBLIC_URL: "http://127.0.0.1",
      COOKIE_SECURE: "false",
      ALLOW_INSECURE_TRANSPORT: "true",
      SECRETS_KEY: randomBytes(32).toString("base64"),
      TRUST_PROXY: "true",
      RUN_WORKERS: "true",
      DATABASE_POOL_SIZE: "4",
      LOGIN_ATTEMPTS_PER_MINUTE: "10",
    },
  });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  await catcher?.close();
});

describe("three instances behind a load balancer", () => {
  it("signs in across instances: the form's token, the code and the session are shared", async () => {
    const browser = new HttpSession(cluster.url, { "x-forwarded-for": "198.51.100.1" });
    const steps = await browser.signIn(ADMIN, DEMO_PASSWORD, codeFor);
    const pages = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => browser.request("GET", `/api/structures/${ghtId}/accounts?tab=valid`)),
    );
    for (const page of pages) expect(page.status).toBe(200);
    expect(new Set(steps.map(servedBy)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(pages.map(servedBy))).toEqual(new Set(["app1", "app2", "app3"]));
  });

  it("checks the CSRF token on every instance", async () => {
    const browser = new HttpSession(cluster.url, { "x-forwarded-for": "198.51.100.2" });
    await browser.signIn(ADMIN, DEMO_PASSWORD, codeFor);
    const token = browser.csrfToken;
    browser.csrfToken = "";
    const refused = await Promise.all([1, 2, 3].map(() => browser.request("POST", "/api/auth/logout")));
    expect(refused.map((answer) => answer.status)).toEqual([403, 403, 403]);
    expect(new Set(refused.map(servedBy)).size).toBe(3);
    browser.csrfToken = token;
    expect((await browser.request("POST", "/api/auth/logout")).status).toBe(204);
  });

  it("counts sign-in attempts per client whichever instance answers", async () => {
    const browser = new HttpSession(cluster.url, { "x-forwarded-for": "198.51.100.3" });
    await browser.open();
    const answers = [];
    for (let i = 0; i < 11; i++) {
      // an unknown address (answered as a wrong password): the administrator's own address would get locked
      const attempt = { email: "personne@exemple.fr", password: "Mauvais-mot-2026" };
      answers.push(await browser.request("POST", "/api/auth/password", attempt));
    }
    expect(answers.slice(0, 10).map((answer) => answer.status)).toEqual(Array(10).fill(401));
    expect(answers[10]?.status).toBe(429);
    expect(new Set(answers.map(servedBy)).size).toBe(3);
  });

  it("loses no committed write when an instance is killed mid-load, and its work is taken over", async () => {
    const browser = new HttpSession(cluster.url, { "x-forwarded-for": "198.51.100.4" });
    await browser.signIn(ADMIN, DEMO_PASSWORD, codeFor);
    const prefix = `charge.${Date.now()}`;
    const outcomes: { email: string; status: number | "network"; id?: string; order: number }[] = [];
    let sent = 0;
    let killed = false;
    const CONCURRENCY = 6;
    const TOTAL = 150;
    const worker = async () => {
      while (sent < TOTAL) {
        const order = sent++;
        const email = `${prefix}.${order}@ght31.fr`;
        if (!killed && outcomes.filter((outcome) => outcome.status === 201).length >= 40) {
          killed = true;
          cluster.kill("app2");
        }
        try {
          const answer = await browser.request("POST", `/api/structures/${ghtId}/accounts`, {
            type: "MED",
            email,
            lastName: `Charge${order}`,
            firstName: "Test",
            profession: "10",
            regionCode: "76",
            phone: "",
            addressLine: "",
            postcode: "",
            city: "",
            unlisted: false,
            notifyOnReception: true,
            notifyDailyDigest: false,
            notifyOnOpening: false,
            dematerialisation: false,
          });
          outcomes.push({ email, status: answer.status, id: (answer.body as { id?: string })?.id, order });
        } catch {
          outcomes.push({ email, status: "network", order });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(killed).toBe(true);
    const succeeded = outcomes.filter((outcome) => outcome.status === 201);
    const failed = outcomes.filter((outcome) => outcome.status !== 201);
    // only the requests in flight on the killed instance may fail (the proxy answers them 502)
    expect(failed.length).toBeLessThanOrEqual(CONCURRENCY);
    for (const failure of failed) expect([502, 503, "network"]).toContain(failure.status);
    // after the kill settles, everything goes through the other two
    const last = [...outcomes].sort((a, b) => a.order - b.order).slice(-30);
    expect(last.every((outcome) => outcome.status === 201)).toBe(true);
    // every answered write is committed, once; a failed one may or may not have committed, never twice
    const stored = await t.db.account.findMany({ where: { email: { startsWith: prefix } }, select: { email: true } });
    const storedEmails = new Set(stored.map((account) => account.email));
    expect(stored.length).toBe(storedEmails.size);
    for (const success of succeeded) expect(storedEmails.has(success.email)).toBe(true);
    expect(stored.length).toBeLessThanOrEqual(succeeded.length + failed.length);

    // the survivors run the jobs: a sign-in's code is still mailed (outbox delivery) and the session works
    const after = new HttpSession(cluster.url, { "x-forwarded-for": "198.51.100.5" });
    await after.signIn(ADMIN, DEMO_PASSWORD, codeFor);
    expect((await after.request("GET", `/api/structures/${ghtId}/accounts?tab=valid`)).status).toBe(200);
  });
});
