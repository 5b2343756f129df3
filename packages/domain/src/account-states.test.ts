import { describe, expect, it } from "vitest";
import {
  type AccountAction,
  type AccountState,
  canRemind,
  initialState,
  isAdeli,
  isRpps,
  type StateSnapshot,
  transition,
} from "./account-states.ts";

const STATES: AccountState[] = ["PREREGISTERED", "PENDING_VALIDATION", "VALIDATED", "REJECTED"];
const ACTIONS: AccountAction[] = ["validate", "complete-registration", "reject", "rehabilitate"];
const snapshot = (state: AccountState, previousState: AccountState | null = null): StateSnapshot => ({
  state,
  previousState,
});

describe("first state", () => {
  it("pre-registers individual mailboxes created by an administrator, validates ORG/APP at once", () => {
    expect(initialState("MED", "ADMIN")).toBe("PREREGISTERED");
    expect(initialState("PER", "ADMIN")).toBe("PREREGISTERED");
    expect(initialState("INT", "IMPORT")).toBe("PREREGISTERED");
    expect(initialState("ORG", "ADMIN")).toBe("VALIDATED");
    expect(initialState("APP", "IMPORT")).toBe("VALIDATED");
  });

  it("puts every self-registration in « à valider »", () => {
    for (const type of ["MED", "PER", "INT", "ORG", "APP"] as const) {
      expect(initialState(type, "SELF_REGISTRATION")).toBe("PENDING_VALIDATION");
    }
  });
});

describe("transitions", () => {
  // every (state, action) pair, with the expected outcome: the table is the specification
  const EXPECTED: Record<AccountState, Record<AccountAction, AccountState | null>> = {
    PREREGISTERED: { validate: null, "complete-registration": "VALIDATED", reject: "REJECTED", rehabilitate: null },
    PENDING_VALIDATION: {
      validate: "VALIDATED",
      "complete-registration": null,
      reject: "REJECTED",
      rehabilitate: null,
    },
    VALIDATED: { validate: null, "complete-registration": null, reject: "REJECTED", rehabilitate: null },
    REJECTED: { validate: null, "complete-registration": null, reject: null, rehabilitate: "PENDING_VALIDATION" },
  };

  it("follows the table for every state and action, with a French reason for every refusal", () => {
    for (const state of STATES) {
      for (const action of ACTIONS) {
        const outcome = transition(snapshot(state, state === "REJECTED" ? "PENDING_VALIDATION" : null), action);
        const expected = EXPECTED[state][action];
        if (expected === null) {
          expect(outcome.ok, `${state} ${action}`).toBe(false);
          if (!outcome.ok) expect(outcome.message, `${state} ${action}`).toMatch(/^[A-ZÀ-Ý].+\.$/);
        } else {
          expect(outcome, `${state} ${action}`).toEqual({
            ok: true,
            next: expect.objectContaining({ state: expected }),
          });
        }
      }
    }
  });

  it("keeps the previous state on rejection and restores exactly it on rehabilitation", () => {
    for (const state of ["PREREGISTERED", "PENDING_VALIDATION", "VALIDATED"] as const) {
      const rejected = transition(snapshot(state), "reject");
      expect(rejected).toEqual({ ok: true, next: { state: "REJECTED", previousState: state } });
      if (!rejected.ok) continue;
      expect(transition(rejected.next, "rehabilitate")).toEqual({ ok: true, next: { state, previousState: null } });
    }
  });

  it("refuses to rehabilitate an account whose previous state is unknown", () => {
    const outcome = transition(snapshot("REJECTED", null), "rehabilitate");
    expect(outcome).toEqual({ ok: false, message: expect.stringContaining("inconnu") });
  });

  it("reminds only pre-registered accounts", () => {
    expect(STATES.filter(canRemind)).toEqual(["PREREGISTERED"]);
  });
});

describe("national identifiers", () => {
  it("checks RPPS (11 digits) and ADELI (9 digits) formats", () => {
    expect(isRpps("10003456786")).toBe(true);
    expect(isRpps("1000345678")).toBe(false);
    expect(isRpps("1000345678a")).toBe(false);
    expect(isAdeli("751234567")).toBe(true);
    expect(isAdeli("75123456")).toBe(false);
    expect(isAdeli("7512345678")).toBe(false);
  });
});
