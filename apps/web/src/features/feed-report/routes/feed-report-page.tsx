import { FEED_SEVERITY_LABELS, type FeedReport, type FeedSeverity } from "@medimail/contracts/feed-report";
import type { StructureDetail } from "@medimail/contracts/structures";
import { Link, useOutletContext, useSearchParams } from "react-router";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { useUpdateSearchParams } from "../../../lib/use-cursor-pager.ts";
import { DaughtersToggle } from "../../shared/components/daughters-toggle.tsx";
import { feedReportDownload, useFeedReport } from "../api/feed-report.ts";

const stampFormat = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});
const number = (value: number) => value.toLocaleString("fr-FR");

const GROUPS: { severity: FeedSeverity; title: string; badge: string }[] = [
  { severity: "BLOCKING", title: "Erreurs bloquantes", badge: "badge--error" },
  { severity: "WARNING", title: "Warnings", badge: "badge--warning" },
];

/**
 * "Rapport d'alimentation": what the national directory would refuse (Bloquante: the address is not published) or
 * warn about, for each MSSanté address of the structure (and of its daughters, kept in the URL as `filles=1`).
 */
export function FeedReportPage() {
  const structure = useOutletContext<StructureDetail>();
  const [params] = useSearchParams();
  const update = useUpdateSearchParams();
  const daughters = params.get("filles") === "1";
  const report = useFeedReport(structure.id, daughters);

  return (
    <div className="feed-report">
      <p>
        <Link to={`..${daughters ? "?filles=1" : ""}`} relative="path">
          ← Gestion des utilisateurs MSSanté
        </Link>
      </p>
      <h2>Rapport d'alimentation</h2>
      <div className="alert alert--info">
        <p>
          Les erreurs <strong>bloquantes</strong> empêchent la publication de l'adresse dans l'annuaire national ; les{" "}
          <strong>warnings</strong> sont affichés à titre indicatif et sont sans conséquence sur l'annuaire. Corrigez
          les comptes concernés : la publication a lieu chaque nuit.
        </p>
      </div>
      <div className="accounts__toolbar">
        <DaughtersToggle checked={daughters} onChange={(checked) => update({ filles: checked ? "1" : null })} />
        <span className="button-row">
          <a className="button button--secondary" href={feedReportDownload(structure.id, daughters, "xlsx")} download>
            Exporter en XLSX
          </a>
          <a className="button button--secondary" href={feedReportDownload(structure.id, daughters, "pdf")} download>
            Exporter en PDF
          </a>
        </span>
      </div>
      {report.isPending ? (
        <Loading label="Calcul du rapport d'alimentation…" />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <ReportBody report={report.data} />
      )}
    </div>
  );
}

function ReportBody({ report }: { report: FeedReport }) {
  const rules = new Map(report.rules.map((rule) => [rule.code, rule]));
  return (
    <>
      <section aria-labelledby="feed-summary-title" className="card">
        <h3 id="feed-summary-title" className="card__title">
          Synthèse
        </h3>
        <p className="muted">
          {report.structureName}
          {report.daughters ? " et ses structures filles" : ""} — calculé le{" "}
          {stampFormat.format(new Date(report.generatedAt))}
        </p>
        <ul className="stat-list">
          <li>
            <strong>{number(report.addresses)}</strong> adresse{report.addresses > 1 ? "s" : ""} MSSanté examinée
            {report.addresses > 1 ? "s" : ""}, dont <strong>{number(report.blockedAddresses)}</strong> bloquée
            {report.blockedAddresses > 1 ? "s" : ""}
          </li>
          <li>
            <span className="badge badge--error">Bloquantes</span> <strong>{number(report.counts.BLOCKING)}</strong>
          </li>
          <li>
            <span className="badge badge--warning">Warnings</span> <strong>{number(report.counts.WARNING)}</strong>
          </li>
        </ul>
        {!report.referentialLoaded && (
          <p className="alert alert--warning">
            Le référentiel national n'est pas chargé : seules les règles portant sur les données Medimail ont été
            vérifiées.
          </p>
        )}
      </section>
      {report.rows.length === 0 ? (
        <EmptyState title="Aucune erreur : toutes les adresses peuvent être publiées">
          <p>Aucune adresse MSSanté de {report.daughters ? "ces structures" : "cette structure"} n'est en erreur.</p>
        </EmptyState>
      ) : (
        GROUPS.map((group) => {
          const rows = report.rows.filter((row) => row.severity === group.severity);
          const total = report.counts[group.severity];
          if (total === 0) return null;
          const titleId = `feed-${group.severity.toLowerCase()}-title`;
          return (
            <section key={group.severity} aria-labelledby={titleId} className="feed-report__group">
              <h3 id={titleId}>
                {group.title} <span className={`badge ${group.badge}`}>{number(total)}</span>
              </h3>
              {rows.length < total && (
                <p className="muted">
                  Les {number(rows.length)} premières sont affichées ; exportez le rapport pour la liste complète.
                </p>
              )}
              <div className="table-wrapper">
                <table className="table">
                  <caption className="sr-only">
                    {group.title} ({FEED_SEVERITY_LABELS[group.severity]})
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Code</th>
                      <th scope="col">Compte</th>
                      <th scope="col">Adresse MSSanté</th>
                      <th scope="col">Message</th>
                      <th scope="col">Correctif</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={`${row.accountId}-${row.code}`}>
                        <td>
                          <span className={`badge ${group.badge}`}>{row.code}</span>
                        </td>
                        <td>
                          <Link to={`/structures/${row.structureId}/utilisateurs/${row.accountId}`}>
                            {`${row.lastName} ${row.firstName}`.trim() || row.email}
                          </Link>
                          <br />
                          <span className="muted">
                            {row.type} · {row.email}
                            {report.daughters ? ` · ${row.structureName}` : ""}
                          </span>
                        </td>
                        <td>{row.mssAddress}</td>
                        <td>{rules.get(row.code)?.message}</td>
                        <td>{rules.get(row.code)?.fix}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          );
        })
      )}
    </>
  );
}
