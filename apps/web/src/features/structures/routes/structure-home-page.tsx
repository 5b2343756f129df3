import { accountStateLabels, accountTypeLabels } from "@medimail/contracts/enums";
import type { StructureDetail } from "@medimail/contracts/structures";
import { Link, useOutletContext } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { MessagesChart } from "../../shared/components/messages-chart.tsx";
import { useStructureOverview } from "../api/structure-overview.ts";

const quotaText = (quota: number) =>
  quota === -1 ? "illimité" : quota === 0 ? "aucune" : quota.toLocaleString("fr-FR");

/** "Accueil structure": what to look at first, each count leading to the list it summarises. */
export function StructureHomePage() {
  const structure = useOutletContext<StructureDetail>();
  const overview = useStructureOverview(structure.id);
  if (overview.isPending) return <Loading label="Chargement de l'accueil…" />;
  if (overview.isError) return <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />;
  const data = overview.data;
  const toValidate = data.accountsByState.PENDING_VALIDATION;

  return (
    <div className="home-grid">
      <section aria-labelledby="todo-title" className="card">
        <h2 id="todo-title" className="card__title">
          À traiter
        </h2>
        <ul className="stat-list">
          <li>
            <Link to="../utilisateurs?etat=PENDING_VALIDATION">
              <strong>{toValidate.toLocaleString("fr-FR")}</strong> compte{toValidate > 1 ? "s" : ""} à valider
            </Link>
          </li>
          <li>
            <Link to="../utilisateurs?changements=en-attente">
              <strong>{data.pendingEmailChanges.toLocaleString("fr-FR")}</strong> changement
              {data.pendingEmailChanges > 1 ? "s" : ""} d'adresse e-mail en attente
            </Link>
          </li>
          {data.feedReport && (
            <li>
              <Link to="../mssante/rapport">
                Rapport d'alimentation : <strong>{data.feedReport.blocking.toLocaleString("fr-FR")}</strong> erreur
                {data.feedReport.blocking > 1 ? "s" : ""} bloquante{data.feedReport.blocking > 1 ? "s" : ""},{" "}
                <strong>{data.feedReport.warning.toLocaleString("fr-FR")}</strong> warning
                {data.feedReport.warning > 1 ? "s" : ""}
              </Link>
            </li>
          )}
        </ul>
      </section>
      <section aria-labelledby="states-title" className="card">
        <h2 id="states-title" className="card__title">
          Comptes par état
        </h2>
        <ul className="stat-list">
          {Object.entries(data.accountsByState).map(([state, count]) => (
            <li key={state}>
              <Link to={`../utilisateurs?etat=${state}`}>
                <strong>{count.toLocaleString("fr-FR")}</strong>{" "}
                {accountStateLabels[state as keyof typeof accountStateLabels]}
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="types-title" className="card">
        <h2 id="types-title" className="card__title">
          Comptes par type de BAL
        </h2>
        <ul className="stat-list">
          {Object.entries(data.accountsByType).map(([type, count]) => (
            <li key={type}>
              <strong>{count.toLocaleString("fr-FR")}</strong>{" "}
              {accountTypeLabels[type as keyof typeof accountTypeLabels]}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="quota-title" className="card">
        <h2 id="quota-title" className="card__title">
          Adresses MSSanté et quotas
        </h2>
        <ul className="stat-list">
          {(["PER", "ORG", "APP"] as const).map((type) => {
            const { used, quota } = data.mssUsage[type];
            return (
              <li key={type} className="gauge">
                <span>
                  {type} : <strong>{used.toLocaleString("fr-FR")}</strong> utilisée{used > 1 ? "s" : ""} — quota{" "}
                  {quotaText(quota)}
                </span>
                <meter
                  min={0}
                  max={quota > 0 ? quota : Math.max(used, 1)}
                  value={used}
                  high={quota > 0 ? quota * 0.9 : undefined}
                  aria-label={`Adresses ${type} utilisées sur le quota`}
                />
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="messages-title" className="card home-grid__wide">
        <h2 id="messages-title" className="card__title">
          Messages des 30 derniers jours
        </h2>
        <MessagesChart days={data.messagesPerDay} />
      </section>
    </div>
  );
}
