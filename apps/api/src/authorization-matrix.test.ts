// The authorization matrix: every API route, who may call it, and what the others get. A route added without
// an entry here fails the first test, so no route ships without its access rule being checked.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createDb, type Db } from "@medimail/db/client";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleUser, type SignedIn, signInAs } from "../test/auth.ts";
import { startTestBackground } from "../test/jobs.ts";
import { type App, buildApp } from "./app.ts";
import type { Background } from "./jobs/background.ts";
import { type LocalPscProvider, startLocalPscProvider } from "./modules/auth/psc/local-psc-provider.ts";
import { hashToken } from "./modules/auth/tokens.ts";
import { EXTRACTION_HEADER } from "./modules/directory-visibility/extraction-file.test-support.ts";

/** Structure A (the GHT, with a daughter) and structure B (another hospital) with their fixtures. */
interface World {
  structureA: string;
  daughterOfA: string;
  structureB: string;
  lockedAccountOfB: string;
  accountOfB: string;
  ruleOfB: string;
  daughterOfB: string;
  /** one account per write action, each in the state that action needs (version 1) */
  editableOfB: string;
  pendingOfB: string;
  toRejectOfB: string;
  rejectedOfB: string;
  preregisteredOfB: string;
  movableOfB: string;
  emailChangeOfB: string;
  requestOfB: string;
  requestToCancelOfB: string;
  delegateOfB: string;
  delegationOfB: string;
  mailboxOfB: string;
  /** a finished activity export of B, its file on disk */
  exportOfB: string;
  mssAccountOfB: string;
  mssDeletableOfB: string;
  activationOfB: string;
  /** an analysed import of B, waiting to be applied */
  importOfB: string;
  /** the id of the session B's support user signs in with (its own: "Mon compte" lists and ends sessions) */
  sessionOfSupportB: string;
}
type Request = (world: World) => InjectOptions & { url: string };

type Entry =
  /** anyone, signed in or not (sign-in steps, the development mail page) */
  | { access: "public" }
  /** any signed-in caller: their own account (log out, second factors) or shared referentials (communes) */
  | { access: "self"; request: Request }
  /** an object of structure B: outside the caller's scope it does not exist (404); operatorOnly: B's own
   *  administrators may read it but only operators may change it (403) */
  | { access: "structure"; write: boolean; operatorOnly?: boolean; request: Request }
  /** the platform itself: operators (support may read some of it) */
  | { access: "platform"; write: boolean; supportMayRead?: boolean; request: Request };

/** A one-row user file for the import routes. */
const importFile = Buffer.from(
  "Type de BAL;Adresse mail;Nom;Prénom;Profession;Région\r\nMED;importe.med@b.fr;Martin;Claire;10;76\r\n",
);

/** A valid MED profile for the create and edit requests. */
const medProfile = {
  type: "MED",
  lastName: "Martin",
  firstName: "Claire",
  profession: "AUTRE",
  regionCode: "76",
  phone: null,
  addressLine: null,
  postcode: null,
  city: null,
  unlisted: false,
  notifyOnReception: true,
  notifyDailyDigest: false,
  notifyOnOpening: false,
  dematerialisation: false,
};

const MATRIX: Record<string, Entry> = {
  "GET /api/auth/session": { access: "public" },
  "POST /api/auth/password": { access: "public" },
  "POST /api/auth/email-code": { access: "public" },
  "POST /api/auth/verify": { access: "public" },
  "GET /api/auth/psc/start": { access: "public" },
  "GET /api/auth/psc/callback": { access: "public" },
  "GET /api/dev/mails": { access: "public" },
  "POST /api/auth/logout": { access: "self", request: () => ({ method: "POST", url: "/api/auth/logout" }) },
  "POST /api/me/totp/setup": { access: "self", request: () => ({ method: "POST", url: "/api/me/totp/setup" }) },
  "POST /api/me/totp/confirm": {
    access: "self",
    request: () => ({ method: "POST", url: "/api/me/totp/confirm", payload: { code: "123456" } }),
  },
  "POST /api/me/totp/disable": {
    access: "self",
    request: () => ({ method: "POST", url: "/api/me/totp/disable", payload: { code: "123456" } }),
  },
  "POST /api/me/recovery-codes": {
    access: "self",
    request: () => ({ method: "POST", url: "/api/me/recovery-codes", payload: { code: "123456" } }),
  },
  "POST /api/me/psc/link": { access: "self", request: () => ({ method: "POST", url: "/api/me/psc/link" }) },
  "POST /api/me/psc/unlink": { access: "self", request: () => ({ method: "POST", url: "/api/me/psc/unlink" }) },
  "POST /api/me/reauth": {
    access: "self",
    request: () => ({ method: "POST", url: "/api/me/reauth", payload: { password: "pas-le-bon" } }),
  },
  "GET /api/me/sessions": { access: "self", request: () => ({ url: "/api/me/sessions" }) },
  // the caller's own current session: 409 (log out instead); another user's session id is a 404 (me.test.ts)
  "DELETE /api/me/sessions/:id": {
    access: "self",
    request: (world) => ({ method: "DELETE", url: `/api/me/sessions/${world.sessionOfSupportB}` }),
  },
  "DELETE /api/me/sessions": { access: "self", request: () => ({ method: "DELETE", url: "/api/me/sessions" }) },
  "GET /api/structures": { access: "structure", write: false, request: () => ({ url: "/api/structures" }) },
  "GET /api/structures/:id": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}` }),
  },
  "GET /api/audit": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/audit?structureId=${world.structureB}` }),
  },
  "POST /api/structures": {
    access: "platform",
    write: true,
    request: (world) => ({
      method: "POST",
      url: "/api/structures",
      payload: { name: "Nouvelle", parentId: world.structureB },
    }),
  },
  "PUT /api/structures/:id/parent": {
    access: "structure",
    write: true,
    operatorOnly: true,
    // B is a root: staying one changes nothing, so the rest of the matrix keeps its tree
    request: (world) => ({
      method: "PUT",
      url: `/api/structures/${world.structureB}/parent`,
      payload: { parentId: null },
    }),
  },
  "GET /api/structures/:id/overview": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/overview` }),
  },
  "GET /api/structures/:id/feed-report": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/feed-report?daughters=true` }),
  },
  "GET /api/structures/:id/feed-report.xlsx": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/feed-report.xlsx` }),
  },
  "GET /api/structures/:id/feed-report.pdf": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/feed-report.pdf?daughters=true` }),
  },
  "GET /api/structures/:id/settings": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/settings` }),
  },
  "PUT /api/structures/:id/identity": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/structures/${world.structureB}/identity`,
      payload: { name: "B", kind: null, identifierType: "SIREN", identifier: "732829320", phone: "05 61 77 22 33" },
    }),
  },
  "PUT /api/structures/:id/mssante": {
    access: "structure",
    write: true,
    operatorOnly: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/structures/${world.structureB}/mssante`,
      payload: { mssDomain: "b.mssante.fr", quotaPer: -1, quotaOrg: 10, quotaApp: 0, mssAdminOnly: false },
    }),
  },
  "PUT /api/structures/:id/notifications": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/structures/${world.structureB}/notifications`,
      payload: {
        notifyOnReception: true,
        notifyDailyDigest: false,
        notifyConnectionAccount: true,
        notifyOnOpening: false,
        adminNotificationEmails: [],
      },
    }),
  },
  "PUT /api/structures/:id/office365": {
    access: "structure",
    write: true,
    operatorOnly: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/structures/${world.structureB}/office365`,
      payload: { office365Quota: 20 },
    }),
  },
  "GET /api/structures/:id/enrolment-rules": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/enrolment-rules` }),
  },
  "POST /api/structures/:id/enrolment-rules": {
    access: "structure",
    write: true,
    operatorOnly: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/enrolment-rules`,
      payload: { emailDomain: "b.fr", practiceStatus: "ANY" },
    }),
  },
  "DELETE /api/structures/:id/enrolment-rules/:ruleId": {
    access: "structure",
    write: true,
    operatorOnly: true,
    request: (world) => ({
      method: "DELETE",
      url: `/api/structures/${world.structureB}/enrolment-rules/${world.ruleOfB}`,
    }),
  },
  "GET /api/communes": { access: "self", request: () => ({ url: "/api/communes?q=toulouse" }) },
  "PUT /api/structures/:id/location": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/structures/${world.structureB}/location`,
      payload: { addressLine: "1 place du Capitole", cityInseeCode: "31555", postcode: "31000" },
    }),
  },
  "GET /api/structures/:id/admins": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/admins` }),
  },
  "GET /api/structures/:id/admin-candidates": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/admin-candidates?q=nom` }),
  },
  "POST /api/structures/:id/admins": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/admins`,
      payload: { accountId: world.accountOfB },
    }),
  },
  "DELETE /api/structures/:id/admins/:accountId": {
    access: "structure",
    write: true,
    request: (world) => ({ method: "DELETE", url: `/api/structures/${world.structureB}/admins/${world.accountOfB}` }),
  },
  "GET /api/structures/:id/accounts": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/accounts?q=nom&daughters=true` }),
  },
  "GET /api/structures/:id/accounts/counts": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/accounts/counts` }),
  },
  "POST /api/structures/:id/accounts": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/accounts`,
      payload: { ...medProfile, email: "nouveau.med@b.fr" },
    }),
  },
  "GET /api/structures/:id/email-changes": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/email-changes` }),
  },
  "POST /api/structures/:id/imports": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/imports?fileName=utilisateurs.csv`,
      headers: { "content-type": "application/octet-stream" },
      payload: importFile,
    }),
  },
  "GET /api/structures/:id/imports/:importId": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/imports/${world.importOfB}` }),
  },
  "GET /api/structures/:id/imports/:importId/errors": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/imports/${world.importOfB}/errors` }),
  },
  "GET /api/structures/:id/imports/:importId/errors.csv": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/imports/${world.importOfB}/errors.csv` }),
  },
  "POST /api/structures/:id/imports/:importId/apply": {
    access: "structure",
    write: true,
    // B's administrator applies it; the operator right after gets 409 (already applying), not 403
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/imports/${world.importOfB}/apply`,
      payload: { notifyUsers: false },
    }),
  },
  "GET /api/structures/:id/activity": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/activity?daughters=true` }),
  },
  "GET /api/structures/:id/activity/exports": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/activity/exports` }),
  },
  "POST /api/structures/:id/activity/exports": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/activity/exports`,
      payload: { format: "CSV", criteria: {} },
    }),
  },
  "GET /api/activity/exports/:exportId/file": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/activity/exports/${world.exportOfB}/file` }),
  },
  "GET /api/accounts/:accountId": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/accounts/${world.accountOfB}` }),
  },
  "PUT /api/accounts/:accountId": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/accounts/${world.editableOfB}`,
      payload: { ...medProfile, version: 1 },
    }),
  },
  "POST /api/accounts/:accountId/validate": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/accounts/${world.pendingOfB}/validate`,
      payload: { version: 1 },
    }),
  },
  "POST /api/accounts/:accountId/reject": {
    access: "structure",
    write: true,
    request: (world) => ({ method: "POST", url: `/api/accounts/${world.toRejectOfB}/reject`, payload: { version: 1 } }),
  },
  "POST /api/accounts/:accountId/rehabilitate": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/accounts/${world.rejectedOfB}/rehabilitate`,
      payload: { version: 1 },
    }),
  },
  "POST /api/accounts/:accountId/remind": {
    access: "structure",
    write: true,
    request: (world) => ({ method: "POST", url: `/api/accounts/${world.preregisteredOfB}/remind` }),
  },
  "PUT /api/accounts/:accountId/structure": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/accounts/${world.movableOfB}/structure`,
      payload: { version: 1, structureId: world.daughterOfB },
    }),
  },
  "POST /api/accounts/:accountId/password-reset": {
    access: "structure",
    write: true,
    request: (world) => ({ method: "POST", url: `/api/accounts/${world.accountOfB}/password-reset` }),
  },
  "POST /api/accounts/:accountId/email-change": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/accounts/${world.emailChangeOfB}/email-change`,
      payload: { newEmail: "nouvelle.adresse@b.fr" },
    }),
  },
  "PUT /api/email-changes/:requestId": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/email-changes/${world.requestOfB}`,
      payload: { newEmail: "corrigee@b.fr" },
    }),
  },
  "DELETE /api/email-changes/:requestId": {
    access: "structure",
    write: true,
    request: (world) => ({ method: "DELETE", url: `/api/email-changes/${world.requestToCancelOfB}` }),
  },
  "POST /api/accounts/:accountId/delegates": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/accounts/${world.accountOfB}/delegates`,
      payload: { email: "delegue@b.fr" },
    }),
  },
  "DELETE /api/accounts/:accountId/delegates/:delegationId": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "DELETE",
      url: `/api/accounts/${world.editableOfB}/delegates/${world.delegationOfB}`,
    }),
  },
  "PUT /api/accounts/:accountId/mailboxes/:mailboxId": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/accounts/${world.accountOfB}/mailboxes/${world.mailboxOfB}`,
      payload: { isDefault: true },
    }),
  },
  "GET /api/structures/:id/loaduser-template.xlsx": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/loaduser-template.xlsx` }),
  },
  "GET /api/structures/:id/exports/users.xlsx": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/exports/users.xlsx?daughters=true` }),
  },
  "GET /api/structures/:id/exports/users.csv": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/exports/users.csv` }),
  },
  "GET /api/structures/:id/exports/inactive-accounts.xlsx": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/exports/inactive-accounts.xlsx` }),
  },
  "GET /api/structures/:id/exports/last-reminder.xlsx": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/exports/last-reminder.xlsx` }),
  },
  "GET /api/structures/:id/reminders/last": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/reminders/last?daughters=true` }),
  },
  "POST /api/structures/:id/reminders": {
    access: "structure",
    write: true,
    // B's administrator reminds; the operator right after gets 409 (a batch less than a minute ago), not 403
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/reminders`,
      payload: { daughters: false },
    }),
  },
  "GET /api/structures/:id/mssante": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/mssante` }),
  },
  "GET /api/structures/:id/mssante/accounts": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/mssante/accounts?tab=NONE` }),
  },
  "POST /api/structures/:id/mssante/activations/preview": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.structureB}/mssante/activations/preview`,
      payload: { daughters: false },
    }),
  },
  "POST /api/structures/:id/mssante/activations": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "POST",
      url: `/api/structures/${world.daughterOfB}/mssante/activations`,
      payload: { daughters: false },
    }),
  },
  "GET /api/structures/:id/mssante/activations/:activationId": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/mssante/activations/${world.activationOfB}` }),
  },
  "GET /api/accounts/:accountId/mss-address": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/accounts/${world.mssAccountOfB}/mss-address` }),
  },
  "PUT /api/accounts/:accountId/mss-address": {
    access: "structure",
    write: true,
    request: (world) => ({
      method: "PUT",
      url: `/api/accounts/${world.mssAccountOfB}/mss-address`,
      payload: { prefix: "martin.claire", listed: true },
    }),
  },
  "DELETE /api/accounts/:accountId/mss-address": {
    access: "structure",
    write: true,
    request: (world) => ({ method: "DELETE", url: `/api/accounts/${world.mssDeletableOfB}/mss-address` }),
  },
  "POST /api/registration": { access: "public" },
  "GET /api/registration/link": { access: "public" },
  "POST /api/registration/password": { access: "public" },
  "POST /api/email-changes/cancel": { access: "public" },
  "GET /api/jobs": { access: "platform", write: false, supportMayRead: true, request: () => ({ url: "/api/jobs" }) },
  "GET /api/directory/publications": {
    access: "platform",
    write: false,
    supportMayRead: true,
    request: () => ({ url: "/api/directory/publications" }),
  },
  "GET /api/jobs/:name/runs": {
    access: "platform",
    write: false,
    supportMayRead: true,
    request: () => ({ url: "/api/jobs/mail.outbox/runs" }),
  },
  "POST /api/directory/national-extraction": {
    access: "platform",
    write: true,
    request: () => ({
      method: "POST",
      url: "/api/directory/national-extraction?fileName=extraction.txt",
      headers: { "content-type": "application/octet-stream" },
      payload: `${EXTRACTION_HEADER}\n`,
    }),
  },
  "GET /api/directory/national-extraction": {
    access: "platform",
    write: false,
    supportMayRead: true,
    request: () => ({ url: "/api/directory/national-extraction" }),
  },
  "GET /api/structures/:id/directory-visibility": {
    access: "structure",
    write: false,
    request: (world) => ({ url: `/api/structures/${world.structureB}/directory-visibility?daughters=true` }),
  },
  "POST /api/jobs/:name/runs": {
    access: "platform",
    write: true,
    request: () => ({ method: "POST", url: "/api/jobs/accounts.definitive-rejection/runs" }),
  },
  "GET /api/security/locked-accounts": {
    access: "platform",
    write: false,
    request: () => ({ url: "/api/security/locked-accounts" }),
  },
  "POST /api/security/locked-accounts/:id/unlock": {
    access: "platform",
    write: true,
    request: (world) => ({ method: "POST", url: `/api/security/locked-accounts/${world.lockedAccountOfB}/unlock` }),
  },
};

let database: TestDatabase;
let db: Db;
let background: Background;
let provider: LocalPscProvider;
let app: App;
const world = {} as World;
const as = {} as Record<"operator" | "adminOfA" | "supportOfB" | "adminOfB", SignedIn>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb({ connectionString: database.url, max: 4 });
  background = await startTestBackground(db, database.url, { runWorkers: false });
  const redirectUri = "http://127.0.0.1:9/api/auth/psc/callback";
  provider = await startLocalPscProvider({
    port: 0,
    clients: [{ clientId: "matrix", clientSecret: "secret", redirectUris: [redirectUri] }],
  });
  app = await buildApp({
    db,
    background,
    auth: {
      loginAttemptsPerMinute: 10_000,
      psc: { issuer: provider.issuer, clientId: "matrix", clientSecret: "secret", redirectUri },
    },
  });

  world.structureA = (await createStructure(db, { name: "A" })).id;
  world.daughterOfA = (await createStructure(db, { name: "Fille de A", parentId: world.structureA })).id;
  world.structureB = (await createStructure(db, { name: "B", office365Quota: 10 })).id;
  world.ruleOfB = (await db.enrolmentRule.create({ data: { structureId: world.structureB, emailDomain: "b.fr" } })).id;
  world.lockedAccountOfB = (await createAccount(db, world.structureB, { lockedAt: new Date() })).id;
  world.accountOfB = (await createAccount(db, world.structureB)).id;
  world.daughterOfB = (await createStructure(db, { name: "Fille de B", parentId: world.structureB })).id;
  world.editableOfB = (await createAccount(db, world.structureB, { type: "MED", rpps: null })).id;
  world.pendingOfB = (await createAccount(db, world.structureB, { state: "PENDING_VALIDATION" })).id;
  world.toRejectOfB = (await createAccount(db, world.structureB)).id;
  world.rejectedOfB = (
    await createAccount(db, world.structureB, { state: "REJECTED", previousState: "VALIDATED", rejectedAt: new Date() })
  ).id;
  world.preregisteredOfB = (await createAccount(db, world.structureB, { state: "PREREGISTERED" })).id;
  world.movableOfB = (await createAccount(db, world.structureB)).id;
  world.emailChangeOfB = (await createAccount(db, world.structureB)).id;
  for (const key of ["requestOfB", "requestToCancelOfB"] as const) {
    const holder = await createAccount(db, world.structureB);
    world[key] = (
      await db.emailChangeRequest.create({
        data: { accountId: holder.id, oldEmail: holder.email, newEmail: `${key.toLowerCase()}@b.fr` },
      })
    ).id;
  }
  await createAccount(db, world.structureB, { email: "delegue@b.fr" });
  world.delegateOfB = (await createAccount(db, world.structureB)).id;
  world.delegationOfB = (
    await db.delegation.create({ data: { accountId: world.editableOfB, delegateId: world.delegateOfB } })
  ).id;
  world.mailboxOfB = (await createAccount(db, world.structureB, { type: "ORG" })).id;
  await db.structure.update({ where: { id: world.structureB }, data: { mssDomain: "b.mssante.fr" } });
  world.mssAccountOfB = (
    await createAccount(db, world.structureB, { type: "PER", lastName: "Martin", firstName: "Claire" })
  ).id;
  world.mssDeletableOfB = (await createAccount(db, world.structureB, { type: "PER" })).id;
  await db.mssAddress.create({ data: { accountId: world.mssDeletableOfB, address: "a.supprimer@b.mssante.fr" } });
  world.activationOfB = (await db.mssActivation.create({ data: { structureId: world.structureB, status: "DONE" } })).id;
  await db.connectionAccount.create({ data: { mailboxId: world.mailboxOfB, accountId: world.accountOfB } });
  world.importOfB = (
    await db.importJob.create({
      data: {
        structureId: world.structureB,
        requestedById: world.accountOfB,
        fileName: "utilisateurs.csv",
        content: importFile,
        fileSize: importFile.length,
        format: "CSV",
        status: "DRY_RUN_DONE",
        totalRows: 1,
      },
    })
  ).id;
  world.exportOfB = (
    await db.exportRequest.create({
      data: {
        kind: "ACTIVITY",
        format: "CSV",
        structureId: world.structureB,
        requestedById: world.accountOfB,
        params: { criteria: { daughters: false }, since: null, until: new Date().toISOString() },
        status: "DONE",
        filePath: "export-of-b.csv",
        processedAt: new Date(),
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    })
  ).id;
  await mkdir(background.exportsDir, { recursive: true });
  await writeFile(path.join(background.exportsDir, "export-of-b.csv"), "\uFEFFDate;Emetteur;Destinataires\r\n");
  as.operator = await signInAs(db, (await createConsoleUser(db, "OPERATOR")).email);
  as.adminOfA = await signInAs(
    db,
    (await createConsoleUser(db, "ADMINISTRATOR", { structureId: world.structureA })).email,
  );
  as.adminOfB = await signInAs(
    db,
    (await createConsoleUser(db, "ADMINISTRATOR", { structureId: world.structureB })).email,
  );
  as.supportOfB = await signInAs(db, (await createConsoleUser(db, "SUPPORT", { structureId: world.structureB })).email);
  world.sessionOfSupportB = hashToken(as.supportOfB.token);
});
afterAll(async () => {
  await app?.close();
  await background?.stop();
  await provider?.close();
  await db?.$disconnect();
  await database?.drop();
});

const apiRoutes = () =>
  app.routeTable
    .filter((route) => route.url.startsWith("/api/") && !route.url.startsWith("/api/docs") && route.method !== "HEAD")
    .map((route) => ({ ...route, key: `${route.method} ${route.url}` }));

function call(entry: Exclude<Entry, { access: "public" }>, caller: SignedIn | null) {
  const request = entry.request(world);
  return app.inject({ ...request, headers: { ...(caller?.headers ?? {}), ...(request.headers ?? {}) } });
}

describe("authorization matrix", () => {
  it("covers every API route, and declares public exactly the routes marked public", () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(Object.keys(MATRIX).length);
    const missing = routes.filter((route) => !(route.key in MATRIX)).map((route) => route.key);
    expect(missing, "routes without an entry in the authorization matrix").toEqual([]);
    const stale = Object.keys(MATRIX).filter((key) => !routes.some((route) => route.key === key));
    expect(stale, "matrix entries without a route").toEqual([]);
    for (const route of routes) {
      expect(route.access === "public", route.key).toBe(MATRIX[route.key]?.access === "public");
    }
  });

  it("answers 401 to an anonymous caller on every route that is not public", async () => {
    for (const [key, entry] of Object.entries(MATRIX)) {
      if (entry.access === "public") continue;
      const response = await call(entry, null);
      expect(response.statusCode, key).toBe(401);
      expect(response.json(), key).toMatchObject({ code: "UNAUTHENTICATED" });
    }
  });

  it("answers 404 to an administrator of A on B's objects, and 403 on the platform's", async () => {
    for (const [key, entry] of Object.entries(MATRIX)) {
      if (entry.access === "public" || entry.access === "self") continue;
      const response = await call(entry, as.adminOfA);
      if (entry.access === "platform") {
        expect(response.statusCode, key).toBe(403);
      } else if (key === "GET /api/structures") {
        // the list answers, without B
        expect(response.statusCode, key).toBe(200);
        expect(response.body, key).not.toContain(world.structureB);
        expect(response.body, key).toContain(world.daughterOfA);
      } else {
        expect(response.statusCode, key).toBe(404);
        expect(response.json(), key).toMatchObject({ code: "NOT_FOUND" });
      }
    }
  });

  it("lets support read within its grants, and refuses it every write (403, or 404 outside its scope)", async () => {
    for (const [key, entry] of Object.entries(MATRIX)) {
      if (entry.access === "public" || entry.access === "self") continue;
      const response = await call(entry, as.supportOfB);
      if (entry.write) {
        expect([403, 404], key).toContain(response.statusCode);
      } else if (entry.access === "platform") {
        expect(response.statusCode, key).toBe(entry.supportMayRead ? 200 : 403);
      } else {
        expect(response.statusCode, key).toBe(200);
      }
    }
  });

  it("lets the right callers through (B's administrator on B, operators everywhere)", async () => {
    // B's administrator first: an add or a removal then done again by the operator may meet a business rule
    // (409 already an administrator, 404 no longer one) but never an access refusal
    for (const [key, entry] of Object.entries(MATRIX)) {
      if (entry.access === "public" || entry.access === "self") continue;
      if (entry.access === "structure") {
        const admin = await call(entry, as.adminOfB);
        if (entry.operatorOnly) expect(admin.statusCode, key).toBe(403);
        else expect(admin.statusCode, key).toBeLessThan(300);
      }
      const operator = await call(entry, as.operator);
      expect([401, 403], key).not.toContain(operator.statusCode);
      if (entry.access === "platform" || entry.operatorOnly) expect(operator.statusCode, key).toBeLessThan(300);
    }
  });

  it("serves the caller's own account to any signed-in caller, support included", async () => {
    for (const [key, entry] of Object.entries(MATRIX)) {
      if (entry.access !== "self" || key === "POST /api/auth/logout") continue;
      const response = await call(entry, as.supportOfB);
      // a wrong code is a 400 and an unknown state a 409: the route ran for this caller
      expect([200, 204, 400, 409], key).toContain(response.statusCode);
    }
  });
});
