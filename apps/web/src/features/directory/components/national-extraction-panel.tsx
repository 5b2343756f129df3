import {
  DIRECTORY_VISIBILITIES,
  DIRECTORY_VISIBILITY_LABELS,
  type DirectoryVisibility,
  type VisibilityReport,
} from "@medimail/contracts/directory-visibility";
import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { ApiError } from "../../../lib/api-client.ts";
import { formatDateTime } from "../../../lib/format.ts";
import { useCurrentUser } from "../../shared/api/session.ts";
import { useNationalExtraction, useUploadExtraction } from "../api/national-extraction.ts";

const numberFr = new Intl.NumberFormat("fr-FR");

/**
 * "Vérifier la visibilité dans l'annuaire national": the ANS's daily extraction compared with our correspondences
 * (downloaded each morning, or uploaded here by an operator).
 */
export function NationalExtractionPanel() {
  const status = useNationalExtraction();
  const { isOperator } = useCurrentUser();
  return (
    <section aria-labelledby="visibility-title" className="section">
      <h2 id="visibility-title">Visibilité dans l'annuaire national</h2>
      <p className="muted">
        L'ANS publie chaque jour l'extraction des boîtes aux lettres visibles dans l'annuaire national
        (Extraction_Correspondance_MSSante). Elle est comparée aux adresses de nos domaines : une adresse publiée depuis
        plus d'un jour doit y figurer, une adresse en liste rouge ne doit pas y figurer.
      </p>
      {status.isPending ? (
        <Loading label="Chargement de la dernière extraction…" />
      ) : status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <>
          {status.data.latestAttempt?.status === "FAILED" && (
            <div className="alert alert--error" role="alert">
              <p className="alert__title">La dernière importation a échoué</p>
              <p>{status.data.latestAttempt.error}</p>
            </div>
          )}
          <VisibilitySummary report={status.data.report} />
        </>
      )}
      {isOperator && <UploadExtraction />}
    </section>
  );
}

function VisibilitySummary({ report }: { report: VisibilityReport }) {
  if (!report.extraction) {
    return <p>Aucune extraction nationale n'a encore été importée.</p>;
  }
  const { extraction } = report;
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Extraction du</dt>
          <dd>{formatDateTime(extraction.extractedAt)}</dd>
        </div>
        <div>
          <dt>Origine</dt>
          <dd>
            {extraction.source === "DOWNLOAD"
              ? "Téléchargement quotidien"
              : `Dépôt (${extraction.fileName ?? "fichier"})`}
          </dd>
        </div>
        <div>
          <dt>Lignes lues / adresses de nos domaines</dt>
          <dd>
            {numberFr.format(extraction.lines)} / {numberFr.format(extraction.kept)}
          </dd>
        </div>
        {extraction.malformed > 0 && (
          <div>
            <dt>Lignes illisibles</dt>
            <dd>{numberFr.format(extraction.malformed)}</dd>
          </div>
        )}
      </dl>
      <table className="table table--compact">
        <caption>Vérifications</caption>
        <thead>
          <tr>
            <th scope="col">Résultat</th>
            <th scope="col" className="numeric">
              Adresses
            </th>
          </tr>
        </thead>
        <tbody>
          {DIRECTORY_VISIBILITIES.map((visibility) => (
            <tr key={visibility}>
              <th scope="row">{DIRECTORY_VISIBILITY_LABELS[visibility]}</th>
              <td className="numeric">{numberFr.format(report.counts[visibility] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Discrepancies report={report} />
      {extraction.problems.length > 0 && (
        <details>
          <summary>Premières lignes illisibles</summary>
          <ul>
            {extraction.problems.map((problem) => (
              <li key={problem.line}>
                Ligne {numberFr.format(problem.line)} : {problem.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

const ACTION: Partial<Record<DirectoryVisibility, string>> = {
  ABSENT: "Vérifier le rapport d'alimentation et la dernière publication de l'adresse",
  LISTE_ROUGE_VISIBLE: "La mise en liste rouge n'a pas encore été prise en compte par l'annuaire",
  UNKNOWN_HERE: "Adresse d'un de nos domaines créée hors de la console",
  DELETED_HERE: "Le retrait sera publié la nuit prochaine",
};

function Discrepancies({ report }: { report: VisibilityReport }) {
  if (report.discrepanciesTotal === 0) {
    return <p>Aucun écart entre nos adresses et l'annuaire national.</p>;
  }
  const shown = report.discrepancies.length;
  return (
    <table className="table table--compact">
      <caption>
        Écarts avec l'annuaire national
        {report.discrepanciesTotal > shown
          ? ` (les ${numberFr.format(shown)} premiers sur ${numberFr.format(report.discrepanciesTotal)})`
          : ` (${numberFr.format(report.discrepanciesTotal)})`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Adresse</th>
          <th scope="col">Vérification</th>
          <th scope="col">À faire</th>
        </tr>
      </thead>
      <tbody>
        {report.discrepancies.map((line) => (
          <tr key={line.address}>
            <td>
              {line.accountId && line.structureId ? (
                <Link to={`/structures/${line.structureId}/utilisateurs/${line.accountId}`}>{line.address}</Link>
              ) : (
                <>
                  {line.address}
                  {line.nationalName ? ` (${line.nationalName})` : ""}
                </>
              )}
            </td>
            <td>{DIRECTORY_VISIBILITY_LABELS[line.visibility]}</td>
            <td>{ACTION[line.visibility] ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function UploadExtraction() {
  const upload = useUploadExtraction();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    if (!file) {
      setError("Choisissez le fichier de l'extraction nationale.");
      return;
    }
    setError(null);
    setProgress(0);
    upload.mutate(
      { file, onProgress: setProgress },
      {
        onSuccess: (status) => {
          const extraction = status.latestAttempt;
          setDone(
            extraction
              ? `Extraction importée : ${numberFr.format(extraction.lines)} lignes lues, ${numberFr.format(extraction.kept)} adresses de nos domaines.`
              : "Extraction importée.",
          );
        },
        onError: (failure) => setError(failure instanceof ApiError ? failure.message : "L'envoi a échoué. Réessayez."),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="upload-extraction-title">
      <h3 id="upload-extraction-title">Déposer une extraction</h3>
      <div className={`field${error ? " field--error" : ""}`}>
        <label htmlFor={inputId} className="field__label">
          Fichier Extraction_Correspondance_MSSante (texte, colonnes séparées par « | »)
        </label>
        <p id={hintId} className="field__hint">
          Le fichier tel que l'ANS le publie, décompressé (environ 90 Mo).
        </p>
        <input
          id={inputId}
          type="file"
          className="field__input"
          accept=".txt,.csv,text/plain"
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          aria-invalid={error ? true : undefined}
          disabled={upload.isPending}
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setError(null);
          }}
        />
        {error && (
          <p id={errorId} className="error-text" role="alert">
            {error}
          </p>
        )}
      </div>
      {upload.isPending && (
        <div role="status" aria-live="polite">
          {progress < 1 ? (
            <label>
              Envoi du fichier : {Math.round(progress * 100)} %
              <progress max={100} value={Math.round(progress * 100)} />
            </label>
          ) : (
            <p className="state state--loading">
              <span className="spinner" aria-hidden="true" />
              Comparaison avec nos adresses…
            </p>
          )}
        </div>
      )}
      {done && <p role="status">{done}</p>}
      <div className="button-row">
        <button type="submit" className="button" disabled={upload.isPending}>
          {upload.isPending ? "Importation en cours…" : "Importer l'extraction"}
        </button>
      </div>
    </form>
  );
}
