import { type AccountState, accountStateLabels } from "@medimail/contracts/enums";

const TONE: Record<AccountState, string> = {
  VALIDATED: "badge--success",
  PENDING_VALIDATION: "badge--warning",
  PREREGISTERED: "badge--info",
  REJECTED: "badge--error",
};

export function StateBadge({ state }: { state: AccountState }) {
  return <span className={`badge ${TONE[state]}`}>{accountStateLabels[state]}</span>;
}
