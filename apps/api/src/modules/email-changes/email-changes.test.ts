import { AccountListResponse, EmailChangeListResponse } from "@medimail/contracts/accounts";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { beforeAll, describe, expect, it } from "vitest";
import { fakeClock, jobContext } from "../../../test/jobs.ts";
import { auditOf, mailsTo, uniqueEmail, useAccountsWorld } from "../accounts/accounts.test-support.ts";
import { applyEmailChanges } from "./email-changes.jobs.ts";

// An account's email change requests through the HTTP API on a real database, and the nightly job that applies
// them.

const { t, send, w, detail, counts } = useAccountsWorld();
const emailChanges = async (structureId: string, query = "") => {
  const response = await send(w.admin, "GET", `/api/structures/${structureId}/email-changes?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return EmailChangeListResponse.parse(response.json());
};

describe("email change requests", () => {
  let structureId: string;
  beforeAll(async () => {
    structureId = (await createStructure(t.db, { name: "Clinique des changements", parentId: w.chu })).id;
  });

  it("creates a pending request: listed in its tab, counted, shown on the account and in the list, audited", async () => {
    const account = await createAccount(t.db, structureId, { lastName: "Lefèvre", firstName: "Anne" });
    const newEmail = uniqueEmail("anne.lefevre");
    const response = await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, {
      newEmail: newEmail.toUpperCase(),
    });
    expect(response.statusCode, response.body).toBe(201);
    const { id } = response.json();

    const tab = await emailChanges(structureId);
    expect(tab.items).toEqual([
      expect.objectContaining({
        id,
        accountId: account.id,
        oldEmail: account.email,
        newEmail,
        status: "PENDING",
        doneAt: null,
        accountName: "Anne Lefèvre",
      }),
    ]);
    expect((await counts(structureId)).emailChanges).toBe(1);
    expect((await counts(w.chu)).emailChanges).toBe(0);
    expect((await counts(w.chu, true)).emailChanges).toBe(1);
    expect((await detail(account.id)).pendingEmailChange).toMatchObject({ id, newEmail, status: "PENDING" });
    // the login does not change before the night
    expect((await detail(account.id)).email).toBe(account.email);
    const listed = AccountListResponse.parse(
      (await send(w.admin, "GET", `/api/structures/${structureId}/accounts?q=lefevre`)).json(),
    );
    expect(listed.items[0]).toMatchObject({ id: account.id, hasPendingEmailChange: true });

    const [event] = await auditOf(t.db, account.id);
    expect(event).toMatchObject({ action: "account.email-change-requested", actorLabel: w.adminEmail });
    expect(event?.before).toEqual({ email: account.email });
    expect(event?.after).toEqual({ email: newEmail });
  });

  it("allows one pending request per account", async () => {
    const account = await createAccount(t.db, structureId);
    const first = uniqueEmail();
    expect(
      (await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail: first })).statusCode,
    ).toBe(201);
    for (const newEmail of [uniqueEmail(), first]) {
      const second = await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail });
      expect(second.statusCode).toBe(409);
      expect(second.json().message).toBe(
        `Un changement vers ${first} est déjà en attente : modifiez-le ou supprimez-le.`,
      );
    }
    expect(await t.db.emailChangeRequest.count({ where: { accountId: account.id } })).toBe(1);
  });

  it("creates only one of two simultaneous requests for the same account", async () => {
    const account = await createAccount(t.db, structureId);
    const results = await Promise.all(
      [uniqueEmail(), uniqueEmail(), uniqueEmail()].map((newEmail) =>
        send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await t.db.emailChangeRequest.count({ where: { accountId: account.id, status: "PENDING" } })).toBe(1);
  });

  it("refuses an address already used by an account or asked by another pending request, and the same one", async () => {
    const account = await createAccount(t.db, structureId);
    const other = await createAccount(t.db, w.castres);
    const taken = await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail: other.email });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().details).toEqual([
      { path: "body.newEmail", message: "Cette adresse est déjà celle d'un compte Medimail" },
    ]);
    const asked = uniqueEmail();
    await t.db.emailChangeRequest.create({ data: { accountId: other.id, oldEmail: other.email, newEmail: asked } });
    const askedByOther = await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail: asked });
    expect(askedByOther.statusCode).toBe(400);
    expect(askedByOther.json().details).toEqual([
      { path: "body.newEmail", message: "Un autre changement en attente demande déjà cette adresse" },
    ]);
    const same = await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail: account.email });
    expect(same.statusCode).toBe(400);
    expect(same.json().details).toEqual([{ path: "body.newEmail", message: "C'est déjà l'adresse du compte" }]);
    expect(await t.db.emailChangeRequest.count({ where: { accountId: account.id } })).toBe(0);
  });

  it("edits and cancels a pending request, not a done or cancelled one", async () => {
    const account = await createAccount(t.db, structureId);
    const { id } = (
      await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail: uniqueEmail() })
    ).json();
    const edited = uniqueEmail("corrigee");
    expect((await send(w.admin, "PUT", `/api/email-changes/${id}`, { newEmail: edited })).statusCode).toBe(204);
    expect((await detail(account.id)).pendingEmailChange?.newEmail).toBe(edited);
    // editing to the same value it already has is fine; to the account's own address is not
    expect((await send(w.admin, "PUT", `/api/email-changes/${id}`, { newEmail: edited })).statusCode).toBe(204);
    const own = await send(w.admin, "PUT", `/api/email-changes/${id}`, { newEmail: account.email });
    expect(own.statusCode).toBe(400);
    const someoneElse = await createAccount(t.db, w.chu);
    const taken = await send(w.admin, "PUT", `/api/email-changes/${id}`, { newEmail: someoneElse.email });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().details[0].path).toBe("body.newEmail");

    expect((await send(w.admin, "DELETE", `/api/email-changes/${id}`)).statusCode).toBe(204);
    const cancelled = await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id } });
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.doneAt).not.toBeNull();
    expect((await detail(account.id)).pendingEmailChange).toBeNull();

    for (const [method, payload] of [
      ["PUT", { newEmail: uniqueEmail() }],
      ["DELETE", undefined],
    ] as const) {
      const response = await send(w.admin, method, `/api/email-changes/${id}`, payload);
      expect(response.statusCode).toBe(409);
      expect(response.json().message).toBe(
        "Cette demande n'est plus en attente : elle ne peut plus être modifiée ni supprimée.",
      );
    }
    expect((await auditOf(t.db, account.id)).map((e) => e.action)).toEqual([
      "account.email-change-requested",
      "account.email-change-edited",
      "account.email-change-edited",
      "account.email-change-cancelled",
    ]);
    // after a cancellation, a new request may be made
    expect(
      (await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail: uniqueEmail() })).statusCode,
    ).toBe(201);
  });

  it("is applied by the nightly job: new login, searchable, request done, mailed; not editable any more", async () => {
    const account = await createAccount(t.db, structureId, { lastName: "Nocturne", firstName: "Léa" });
    const newEmail = uniqueEmail("lea.nocturne");
    const { id } = (await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, { newEmail })).json();
    // a second account asks for an address that, by the night, another account has taken
    const loser = await createAccount(t.db, structureId);
    const contested = uniqueEmail("contestee");
    const lost = (
      await send(w.admin, "POST", `/api/accounts/${loser.id}/email-change`, { newEmail: contested })
    ).json();
    await createAccount(t.db, w.castres, { email: contested });

    const clock = fakeClock(new Date(Date.now() + 3_600_000).toISOString());
    const result = await applyEmailChanges(jobContext(t.db, clock));
    expect(result.failed).toBe(1);
    expect(result.processed).toBeGreaterThanOrEqual(1);

    expect((await detail(account.id)).email).toBe(newEmail);
    const request = await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id } });
    expect(request.status).toBe("DONE");
    const found = AccountListResponse.parse(
      (await send(w.admin, "GET", `/api/structures/${structureId}/accounts?q=${encodeURIComponent(newEmail)}`)).json(),
    );
    expect(found.items.map((item) => item.id)).toEqual([account.id]);
    expect((await mailsTo(t.db, newEmail)).map((mail) => mail.subject)).toEqual([
      "Votre identifiant Medimail a changé",
    ]);
    expect((await auditOf(t.db, account.id)).map((e) => e.action)).toContain("account.email-changed");

    const failed = await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id: lost.id } });
    expect(failed).toMatchObject({ status: "FAILED", failureReason: "Adresse déjà utilisée par un autre compte" });
    expect((await detail(loser.id)).email).toBe(loser.email);

    const tab = await emailChanges(structureId, "status=DONE");
    expect(tab.items.map((item) => item.id)).toContain(id);
    expect(tab.items.find((item) => item.id === id)?.doneAt).not.toBeNull();
    expect((await send(w.admin, "PUT", `/api/email-changes/${id}`, { newEmail: uniqueEmail() })).statusCode).toBe(409);
    expect((await send(w.admin, "DELETE", `/api/email-changes/${id}`)).statusCode).toBe(409);
  });

  it("pages the tab newest first, each request once", async () => {
    const paged = (await createStructure(t.db, { name: "Clinique paginée", parentId: w.chu })).id;
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const account = await createAccount(t.db, paged);
      const request = await t.db.emailChangeRequest.create({
        data: {
          accountId: account.id,
          oldEmail: account.email,
          newEmail: uniqueEmail(),
          // two pairs share their date: ties broken by id
          requestedAt: new Date(Date.UTC(2026, 10, 20, 10, Math.floor(i / 2))),
        },
      });
      created.push(request.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await emailChanges(
        paged,
        `limit=3${after ? `&after=${after}` : ""}`,
      );
      seen.push(...page.items.map((item) => item.id));
      after = page.nextCursor;
    } while (after);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created));
    const all = (await emailChanges(paged, "limit=50")).items;
    expect(all.map((item) => item.id)).toEqual(seen);
    const dates = all.map((item) => item.requestedAt);
    expect([...dates].sort().reverse()).toEqual(dates);

    const invalid = await send(w.admin, "GET", `/api/structures/${paged}/email-changes?after=n-importe-quoi`);
    expect(invalid.statusCode).toBe(400);
  });

  it("is reachable only in the caller's scope", async () => {
    const account = await createAccount(t.db, w.castres);
    const refused = await send(w.admin, "POST", `/api/accounts/${account.id}/email-change`, {
      newEmail: uniqueEmail(),
    });
    expect(refused.statusCode).toBe(404);
    const request = await t.db.emailChangeRequest.create({
      data: { accountId: account.id, oldEmail: account.email, newEmail: uniqueEmail() },
    });
    expect(
      (await send(w.admin, "PUT", `/api/email-changes/${request.id}`, { newEmail: uniqueEmail() })).statusCode,
    ).toBe(404);
    expect((await send(w.admin, "DELETE", `/api/email-changes/${request.id}`)).statusCode).toBe(404);
    expect((await send(w.admin, "GET", `/api/structures/${w.castres}/email-changes`)).statusCode).toBe(404);
    expect((await t.db.emailChangeRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe("PENDING");
    const support = await send(w.support, "DELETE", `/api/email-changes/${request.id}`);
    expect(support.statusCode).toBe(404); // castres is outside support's grant too
  });
});
