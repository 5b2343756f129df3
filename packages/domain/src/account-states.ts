// The life of a Medimail account: its states ("préinscrit", "à valider", "validé", "rejeté") and the actions that
// move it. Pure: the API applies the outcome in one guarded update and records it in the audit log.

export type AccountState = "PREREGISTERED" | "PENDING_VALIDATION" | "VALIDATED" | "REJECTED";
export type AccountType = "MED" | "PER" | "INT" | "ORG" | "APP";

/** How an account came to be. */
export type AccountOrigin = "ADMIN" | "SELF_REGISTRATION" | "IMPORT";

/**
 * The first state. Created by an administrator (or an import), individual mailboxes are "préinscrit" until their
 * holder finishes registering; ORG/APP mailboxes have no holder to do so and are "validé" at once. A
 * self-registration waits for an administrator ("à valider").
 */
export function initialState(type: AccountType, origin: AccountOrigin): AccountState {
  if (origin === "SELF_REGISTRATION") return "PENDING_VALIDATION";
  return type === "ORG" || type === "APP" ? "VALIDATED" : "PREREGISTERED";
}

export type AccountAction =
  /** an administrator accepts a self-registration */
  | "validate"
  /** the holder of a pre-registered account finishes registering */
  | "complete-registration"
  /** an administrator rejects the account, from any list; the previous state is kept */
  | "reject"
  /** an administrator restores a rejected account to its previous state */
  | "rehabilitate";

export interface StateSnapshot {
  state: AccountState;
  /** the state before a rejection (only for REJECTED) */
  previousState: AccountState | null;
}

export type Transition = { ok: true; next: StateSnapshot } | { ok: false; message: string };

const refuse = (message: string): Transition => ({ ok: false, message });

export const accountActionLabels: Record<AccountAction, string> = {
  validate: "Valider",
  "complete-registration": "Finaliser l'inscription",
  reject: "Rejeter",
  rehabilitate: "Réhabiliter",
};

/** The outcome of an action on an account in a given state, or why it is refused (in French, for the user). */
export function transition(current: StateSnapshot, action: AccountAction): Transition {
  switch (action) {
    case "validate":
      if (current.state === "PENDING_VALIDATION")
        return { ok: true, next: { state: "VALIDATED", previousState: null } };
      return refuse(
        current.state === "VALIDATED"
          ? "Ce compte est déjà validé."
          : current.state === "PREREGISTERED"
            ? "Ce compte est préinscrit : son titulaire doit finaliser son inscription (vous pouvez le relancer)."
            : "Ce compte est rejeté : réhabilitez-le d'abord.",
      );
    case "complete-registration":
      if (current.state === "PREREGISTERED") return { ok: true, next: { state: "VALIDATED", previousState: null } };
      return refuse("Seul un compte préinscrit peut finaliser son inscription.");
    case "reject":
      if (current.state === "REJECTED") return refuse("Ce compte est déjà rejeté.");
      return { ok: true, next: { state: "REJECTED", previousState: current.state } };
    case "rehabilitate":
      if (current.state !== "REJECTED") return refuse("Seul un compte rejeté peut être réhabilité.");
      if (current.previousState === null || current.previousState === "REJECTED") {
        return refuse("L'état de ce compte avant son rejet est inconnu : il ne peut pas être réhabilité.");
      }
      return { ok: true, next: { state: current.previousState, previousState: null } };
  }
}

/** A reminder ("relance") goes only to pre-registered accounts. */
export function canRemind(state: AccountState): boolean {
  return state === "PREREGISTERED";
}

/** RPPS: 11 digits. ADELI: 9 digits. (Format only: both registers hold numbers whose keys vary by era.) */
export function isRpps(value: string): boolean {
  return /^\d{11}$/.test(value);
}
export function isAdeli(value: string): boolean {
  return /^\d{9}$/.test(value);
}
