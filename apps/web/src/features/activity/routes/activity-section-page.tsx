import { ACTIVITY_LIST_LIMIT, type ActivitySearchResponse, MessageDirection } from "@medimail/contracts/activity";
import type { StructureDetail } from "@medimail/contracts/structures";
import { useOutletContext, useSearchParams } from "react-router";
import { EmptyState, ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { useUpdateSearchParams } from "../../../lib/use-cursor-pager.ts";
import { DaughtersToggle } from "../../shared/components/daughters-toggle.tsx";
import { MessagesChart } from "../../shared/components/messages-chart.tsx";
import { type ActivityCriteriaParams, useActivitySearch } from "../api/activity.ts";
import { ActivityCriteriaForm } from "../components/activity-criteria-form.tsx";
import { ExportHistory } from "../components/export-history.tsx";
import { ExportRequest } from "../components/export-request.tsx";
import { MessagesTable } from "../components/messages-table.tsx";

const dayLabel = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" });
const formatDay = (day: string) => dayLabel.format(new Date(`${day}T00:00:00Z`));
const isDay = (value: string | null): value is string => value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value);

/**
 * "Activité structure". Opening it searches without criteria (the 300 latest messages); the criteria live in the
 * URL (?adresse=…&du=…&au=…&sens=…&filles=1), so a search can be shared and survives a reload.
 */
export function ActivitySectionPage() {
  const structure = useOutletContext<StructureDetail>();
  const [params] = useSearchParams();
  const direction = MessageDirection.safeParse(params.get("sens"));
  const criteria: ActivityCriteriaParams = {
    address: params.get("adresse") ?? "",
    from: isDay(params.get("du")) ? (params.get("du") as string) : "",
    to: isDay(params.get("au")) ? (params.get("au") as string) : "",
    direction: direction.success ? direction.data : null,
    daughters: params.get("filles") === "1",
  };
  const search = useActivitySearch(structure.id, criteria);

  const update = useUpdateSearchParams();

  return (
    <div className="activity">
      <section aria-labelledby="criteres-titre">
        <h2 id="criteres-titre" className="activity__title">
          Critères
        </h2>
        <div className="accounts__toolbar">
          <DaughtersToggle
            checked={criteria.daughters}
            onChange={(checked) => update({ filles: checked ? "1" : null })}
          />
        </div>
        <ActivityCriteriaForm
          key={`${criteria.address}|${criteria.from}|${criteria.to}|${criteria.direction}`}
          initial={criteria}
          onSearch={(next) => update({ adresse: next.address, du: next.from, au: next.to, sens: next.direction })}
        />
      </section>

      <section aria-labelledby="messages-titre" aria-busy={search.isFetching}>
        <h2 id="messages-titre" className="activity__title">
          Liste des messages
        </h2>
        {search.isPending ? (
          <Loading label="Recherche des messages…" />
        ) : search.isError ? (
          <ErrorState error={search.error} onRetry={() => void search.refetch()} />
        ) : (
          <SearchResults result={search.data} criteria={criteria} />
        )}
        <ExportRequest structureId={structure.id} criteria={criteria} />
      </section>

      <section aria-labelledby="exports-titre">
        <h2 id="exports-titre" className="activity__title">
          Historique des exports
        </h2>
        <p className="muted">
          Les fichiers restent disponibles quelques jours, puis sont supprimés. Le format XLS est produit en XLSX (Excel
          2007 et suivants, LibreOffice).
        </p>
        <ExportHistory structureId={structure.id} />
      </section>
    </div>
  );
}

function SearchResults({ result, criteria }: { result: ActivitySearchResponse; criteria: ActivityCriteriaParams }) {
  const chosenPeriod = criteria.from || criteria.to;
  const chartTitle = `Messages envoyés et reçus par jour, du ${formatDay(result.chart.from)} au ${formatDay(result.chart.to)}`;
  const filtered = criteria.address || criteria.from || criteria.to || criteria.direction;
  return (
    <>
      {result.chart.days.length > 0 && (
        <div className="activity__chart">
          <p className="activity__summary" data-testid="chart-total">
            {result.chartTotal.toLocaleString("fr-FR")} message{result.chartTotal > 1 ? "s" : ""}{" "}
            {chosenPeriod ? "sur la période choisie" : "sur les 30 derniers jours"}
            {criteria.address || criteria.direction ? " pour ces critères" : ""}
          </p>
          <MessagesChart days={result.chart.days} title={chartTitle} />
        </div>
      )}
      {result.items.length === 0 ? (
        <EmptyState title={filtered ? "Aucun message ne correspond à ces critères" : "Aucun message"}>
          <p>
            {filtered
              ? "Vérifiez l'adresse (elle doit être complète), élargissez la période ou incluez les structures filles."
              : "Aucun message n'a encore été envoyé ou reçu par les boîtes de cette structure."}
          </p>
        </EmptyState>
      ) : (
        <>
          {result.more ? (
            <p className="alert alert--info" role="status">
              Seuls les {ACTIVITY_LIST_LIMIT} messages les plus récents sont affichés : d'autres messages correspondent
              à ces critères. Pour les obtenir tous, demandez un export ci-dessous.
            </p>
          ) : (
            <p className="muted" role="status">
              {result.items.length} message{result.items.length > 1 ? "s" : ""}
            </p>
          )}
          <MessagesTable items={result.items} showStructure={criteria.daughters} />
        </>
      )}
    </>
  );
}
