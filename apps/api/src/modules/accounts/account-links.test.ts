import { DelegateSummary } from "@medimail/contracts/accounts";
import { createAccount } from "@medimail/db/seed/factories";
import { delegationWarning } from "@medimail/domain/account-types";
import { describe, expect, it } from "vitest";
import { auditOf, newAccount, useAccountsWorld } from "./accounts.test-support.ts";

// What hangs off an account, through the HTTP API on a real database: delegations, and the settings of the ORG/APP
// mailboxes an individual account connects to. (Its email change requests: email-changes/email-changes.test.ts.)

const { t, send, w, detail } = useAccountsWorld();

describe("delegations", () => {
  it("adds a delegate by email, shows it on the account, refuses a duplicate, removes it; each audited", async () => {
    const account = await createAccount(t.db, w.chu, { type: "PER" });
    const delegate = await createAccount(t.db, w.chu, { type: "ORG", lastName: "Secrétariat", firstName: "Cardio" });
    const added = await send(w.admin, "POST", `/api/accounts/${account.id}/delegates`, {
      email: delegate.email.toUpperCase(),
    });
    expect(added.statusCode, added.body).toBe(201);
    const summary = DelegateSummary.parse(added.json());
    expect(summary).toMatchObject({
      accountId: delegate.id,
      email: delegate.email,
      name: "Cardio Secrétariat",
      type: "ORG",
      warning: null,
    });
    expect((await detail(account.id)).delegates).toEqual([summary]);

    const duplicate = await send(w.admin, "POST", `/api/accounts/${account.id}/delegates`, { email: delegate.email });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().message).toBe(`${delegate.email} est déjà délégué de ce compte.`);

    const removed = await send(w.admin, "DELETE", `/api/accounts/${account.id}/delegates/${summary.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await detail(account.id)).delegates).toEqual([]);
    expect((await send(w.admin, "DELETE", `/api/accounts/${account.id}/delegates/${summary.id}`)).statusCode).toBe(404);

    const events = await auditOf(t.db, account.id);
    expect(events.map((e) => e.action)).toEqual(["account.delegate-added", "account.delegate-removed"]);
    expect(events[0]?.after).toEqual({ delegate: delegate.email });
    expect(events[1]?.before).toEqual({ delegate: delegate.email });
  });

  it("warns when the delegate is a MED account", async () => {
    const account = await createAccount(t.db, w.chu, { type: "ORG" });
    const med = await createAccount(t.db, w.chu, { type: "MED" });
    const response = await send(w.admin, "POST", `/api/accounts/${account.id}/delegates`, { email: med.email });
    expect(response.statusCode).toBe(201);
    expect(response.json().warning).toBe(delegationWarning("MED"));
    expect(response.json().warning).toContain("mssante.fr");
    expect((await detail(account.id)).delegates[0]?.warning).toBe(delegationWarning("MED"));
  });

  it("refuses itself, an unknown address, an APP mailbox and a rejected account, on the email field", async () => {
    const account = await createAccount(t.db, w.chu, { type: "PER" });
    const app = await createAccount(t.db, w.chu, { type: "APP" });
    const rejected = await createAccount(t.db, w.chu, { state: "REJECTED", previousState: "VALIDATED" });
    const cases = [
      [account.email, "Un compte ne peut pas être son propre délégué"],
      ["personne@exemple.fr", "Aucun compte Medimail de votre périmètre n'a cette adresse"],
      [app.email, "Un compte applicatif (APP) ne peut pas être délégué"],
      [rejected.email, "Ce compte est rejeté"],
    ] as const;
    for (const [email, message] of cases) {
      const response = await send(w.admin, "POST", `/api/accounts/${account.id}/delegates`, { email });
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([{ path: "body.email", message }]);
    }
    expect(await t.db.delegation.count({ where: { accountId: account.id } })).toBe(0);
  });

  it("removes only a delegation of that account", async () => {
    const [a, b, delegate] = await Promise.all([
      createAccount(t.db, w.chu),
      createAccount(t.db, w.chu),
      createAccount(t.db, w.chu),
    ]);
    const added = (await send(w.admin, "POST", `/api/accounts/${a.id}/delegates`, { email: delegate.email })).json();
    const wrong = await send(w.admin, "DELETE", `/api/accounts/${b.id}/delegates/${added.id}`);
    expect(wrong.statusCode).toBe(404);
    expect(await t.db.delegation.count({ where: { id: added.id } })).toBe(1);
    const outside = await createAccount(t.db, w.castres);
    const outsideAdd = await send(w.admin, "POST", `/api/accounts/${outside.id}/delegates`, { email: delegate.email });
    expect(outsideAdd.statusCode).toBe(404);
  });
});

describe("linked mailboxes", () => {
  it("makes one mailbox the default (one per account) and sets each reception notification", async () => {
    const person = await createAccount(t.db, w.chu, { type: "PER" });
    const connectedOrg = async () => {
      const created = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
        ...newAccount("ORG", { connectionAccounts: [person.email] }),
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json().id as string;
    };
    const firstId = await connectedOrg();
    const secondId = await connectedOrg();
    const url = (mailbox: string) => `/api/accounts/${person.id}/mailboxes/${mailbox}`;

    expect((await send(w.admin, "PUT", url(firstId), { isDefault: true })).statusCode).toBe(204);
    let mailboxes = (await detail(person.id)).linkedMailboxes;
    expect(mailboxes.filter((m) => m.isDefault).map((m) => m.accountId)).toEqual([firstId]);

    expect((await send(w.admin, "PUT", url(secondId), { isDefault: true })).statusCode).toBe(204);
    mailboxes = (await detail(person.id)).linkedMailboxes;
    expect(mailboxes.filter((m) => m.isDefault).map((m) => m.accountId)).toEqual([secondId]);

    expect((await send(w.admin, "PUT", url(firstId), { receptionNotification: false })).statusCode).toBe(204);
    mailboxes = (await detail(person.id)).linkedMailboxes;
    expect(mailboxes.find((m) => m.accountId === firstId)).toMatchObject({
      isDefault: false,
      receptionNotification: false,
    });
    // a setting left out of the body is kept
    expect(mailboxes.find((m) => m.accountId === secondId)).toMatchObject({
      isDefault: true,
      receptionNotification: true,
    });
    expect((await send(w.admin, "PUT", url(secondId), { isDefault: false })).statusCode).toBe(204);
    expect((await detail(person.id)).linkedMailboxes.every((m) => !m.isDefault)).toBe(true);

    const events = (await auditOf(t.db, person.id)).filter((e) => e.action === "account.linked-mailbox-updated");
    expect(events).toHaveLength(4);
    expect(events[0]?.before).toMatchObject({ mailboxId: firstId, isDefault: false });
    expect(events[0]?.after).toMatchObject({ mailboxId: firstId, isDefault: true });
  });

  it("keeps one default even when two are set at the same time", async () => {
    const person = await createAccount(t.db, w.chu, { type: "MED" });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await send(w.admin, "POST", `/api/structures/${w.chu}/accounts`, {
        ...newAccount("ORG", { connectionAccounts: [person.email] }),
      });
      ids.push(created.json().id);
    }
    const results = await Promise.all(
      ids.map((mailbox) =>
        send(w.admin, "PUT", `/api/accounts/${person.id}/mailboxes/${mailbox}`, { isDefault: true }),
      ),
    );
    expect(results.every((r) => r.statusCode === 204 || r.statusCode === 409)).toBe(true);
    expect(await t.db.connectionAccount.count({ where: { accountId: person.id, isDefault: true } })).toBe(1);
  });

  it("answers 404 for a mailbox the account does not connect to", async () => {
    const person = await createAccount(t.db, w.chu, { type: "PER" });
    const org = await createAccount(t.db, w.chu, { type: "ORG" });
    const response = await send(w.admin, "PUT", `/api/accounts/${person.id}/mailboxes/${org.id}`, { isDefault: true });
    expect(response.statusCode).toBe(404);
    expect(response.json().message).toBe("Ce compte n'est pas compte de connexion de cette boîte");
  });
});
