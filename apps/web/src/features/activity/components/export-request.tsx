import type { ActivityExportFormat } from "@medimail/contracts/activity";
import { useId, useState } from "react";
import type { ActivityCriteriaParams } from "../api/activity.ts";
import { useActivityExports, useRequestActivityExport } from "../api/activity.ts";

/**
 * Asks for an export of the whole result of the current criteria. "XLS" is produced as XLSX (said on the
 * button). Hidden for read-only callers; replaced by a message when the caller has too many exports running.
 */
export function ExportRequest({ structureId, criteria }: { structureId: string; criteria: ActivityCriteriaParams }) {
  const exports = useActivityExports(structureId);
  const request = useRequestActivityExport(structureId);
  const [notice, setNotice] = useState<string | null>(null);
  const headingId = useId();
  if (!exports.data?.mayRequest) return null;
  const atLimit = exports.data.activeOfCaller >= exports.data.maxActive;
  const ask = (format: ActivityExportFormat) => {
    setNotice(null);
    request.mutate(
      {
        format,
        criteria: {
          ...(criteria.address ? { address: criteria.address } : {}),
          ...(criteria.from ? { from: criteria.from } : {}),
          ...(criteria.to ? { to: criteria.to } : {}),
          ...(criteria.direction ? { direction: criteria.direction } : {}),
          daughters: criteria.daughters,
        },
      },
      {
        onSuccess: () =>
          setNotice("Export demandé : il est traité en arrière-plan et apparaît dans l'historique ci-dessous."),
      },
    );
  };
  return (
    <section className="export-request" aria-labelledby={headingId}>
      <h3 id={headingId} className="activity__subtitle">
        Exporter tous les messages de ces critères
      </h3>
      {atLimit ? (
        <p className="alert alert--warning" role="status">
          Vous avez déjà {exports.data.activeOfCaller} exports en attente ou en cours ({exports.data.maxActive} au plus)
          : attendez qu'un export se termine avant d'en demander un autre.
        </p>
      ) : (
        <div className="button-row">
          <button type="button" className="button" disabled={request.isPending} onClick={() => ask("CSV")}>
            Exporter en CSV
          </button>
          <button type="button" className="button" disabled={request.isPending} onClick={() => ask("XLSX")}>
            Exporter en XLS (format XLSX)
          </button>
        </div>
      )}
      {notice && (
        <p className="alert alert--info" role="status">
          {notice}
        </p>
      )}
      {request.isError && (
        <p className="alert alert--error" role="alert">
          {request.error.message}
        </p>
      )}
    </section>
  );
}
