import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initialState } from "./account-states.ts";
import {
  ACCOUNT_TYPES,
  canBeConnectionAccount,
  canOwnReturnAddress,
  classifyNationalId,
  delegationWarning,
  TYPE_RULES,
} from "./account-types.ts";

describe("classifyNationalId", () => {
  it("reads 11 digits as RPPS and 9 digits as ADELI", () => {
    expect(classifyNationalId("10101234564")).toBe("RPPS");
    expect(classifyNationalId("810012345")).toBe("ADELI");
  });

  it("refuses every other length, letters, signs and spaces (the contracts strip spaces first)", () => {
    for (const value of [
      "",
      "1",
      "12345678",
      "1234567890",
      "123456789012",
      "1010123456A",
      "81001234X",
      "810 012 345",
    ]) {
      expect(classifyNationalId(value)).toBeNull();
    }
    expect(classifyNationalId("+10101234564")).toBeNull();
    expect(classifyNationalId("１０１０１２３４５６７")).toBeNull(); // full-width digits are not digits here
  });

  it("classifies any string of digits by its length alone (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{0,14}$/), (value) => {
        const expected = value.length === 11 ? "RPPS" : value.length === 9 ? "ADELI" : null;
        expect(classifyNationalId(value)).toBe(expected);
      }),
    );
  });

  it("never classifies a string that contains anything but ASCII digits (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((value) => /[^0-9]/.test(value)),
        (value) => {
          expect(classifyNationalId(value)).toBeNull();
        },
      ),
    );
  });
});

describe("TYPE_RULES", () => {
  it("has one entry per type, the five of the guide", () => {
    expect([...ACCOUNT_TYPES].sort()).toEqual(["APP", "INT", "MED", "ORG", "PER"]);
    expect(Object.keys(TYPE_RULES).sort()).toEqual([...ACCOUNT_TYPES].sort());
  });

  it("says what each type asks for, as the guide's table does", () => {
    expect(TYPE_RULES.MED).toEqual({
      nationalId: false,
      finessSite: false,
      sharedMailbox: false,
      returnAddress: false,
      personal: true,
      mssAddress: false,
    });
    // only PER has an RPPS/ADELI; INT is the professional without one
    expect(ACCOUNT_TYPES.filter((type) => TYPE_RULES[type].nationalId)).toEqual(["PER"]);
    expect(ACCOUNT_TYPES.filter((type) => TYPE_RULES[type].finessSite)).toEqual(["INT", "ORG", "APP"]);
    expect(ACCOUNT_TYPES.filter((type) => TYPE_RULES[type].returnAddress)).toEqual(["APP"]);
    expect(ACCOUNT_TYPES.filter((type) => !TYPE_RULES[type].mssAddress)).toEqual(["MED"]);
  });

  it("is consistent with itself and with the other rules of the domain", () => {
    for (const type of ACCOUNT_TYPES) {
      const rules = TYPE_RULES[type];
      // a mailbox is either a person's (its email is a login) or shared (connection accounts, responsible)
      expect(rules.personal).toBe(!rules.sharedMailbox);
      // individual mailboxes connect to shared ones; shared ones never connect to anything
      expect(canBeConnectionAccount(type)).toBe(rules.personal);
      // a return address belongs to a shared mailbox and shared mailboxes name their structure's site
      if (rules.returnAddress) expect(rules.sharedMailbox).toBe(true);
      if (rules.sharedMailbox) expect(rules.finessSite).toBe(true);
      // only a mailbox that can hold an MSSanté address can be an APP's return address
      if (canOwnReturnAddress(type)) expect(rules.mssAddress).toBe(true);
      // created by an administrator: only shared mailboxes, which have no holder to finish registering, start validated
      expect(initialState(type, "ADMIN") === "VALIDATED").toBe(rules.sharedMailbox);
    }
  });

  it("lets MED, PER and INT be connection accounts, and PER, ORG, INT own an APP's return address", () => {
    expect(ACCOUNT_TYPES.filter(canBeConnectionAccount)).toEqual(["MED", "PER", "INT"]);
    expect(ACCOUNT_TYPES.filter(canOwnReturnAddress)).toEqual(["PER", "INT", "ORG"]);
  });
});

describe("delegationWarning", () => {
  it("warns only when delegating to a MED account, in French, about mssante.fr addresses", () => {
    const warning = delegationWarning("MED");
    expect(warning).toContain("MED");
    expect(warning).toContain("mssante.fr");
    for (const type of ["PER", "INT", "ORG", "APP"] as const) expect(delegationWarning(type)).toBeNull();
  });
});
