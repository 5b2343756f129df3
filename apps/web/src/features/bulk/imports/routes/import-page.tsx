import { IMPORT_LIMITS, type ImportSummary } from "@medimail/contracts/imports";
import type { StructureDetail } from "@medimail/contracts/structures";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Link, useOutletContext, useSearchParams } from "react-router";
import { ConfirmDialog } from "../../../../components/ui/dialog.tsx";
import { FormError } from "../../../../components/ui/form-actions.tsx";
import { ErrorState, Loading } from "../../../../components/ui/page-states.tsx";
import { usePageTitle } from "../../../../lib/use-page-title.ts";
import { useApplyImport, useImport, useUploadImport } from "../api/imports.ts";
import { RejectedRows } from "../components/rejected-rows.tsx";

const numberFr = new Intl.NumberFormat("fr-FR");
const plural = (count: number, one: string, many: string) => `${numberFr.format(count)} ${count > 1 ? many : one}`;
const MAX_MB = IMPORT_LIMITS.fileBytes / 1024 / 1024;

/**
 * "Importer une liste d'utilisateurs" (loaduser): the template, the file, its dry run (what will be created,
 * updated, left unchanged, rejected and why), then the apply in the background with its progress. The import's id
 * is kept in the URL (?import=…), so a reload or a return to the page finds it where it was.
 */
export function ImportPage() {
  const structure = useOutletContext<StructureDetail>();
  usePageTitle(`Importer une liste d'utilisateurs — ${structure.name}`);
  const [params, setParams] = useSearchParams();
  const importId = params.get("import");
  const current = useImport(structure.id, importId);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const show = (summary: ImportSummary | null) => {
    setParams(summary ? { import: summary.id } : {});
    // the page changes step: the focus goes back to its title, which screen readers read first
    headingRef.current?.focus();
  };

  return (
    <section aria-labelledby="import-titre" className="card import">
      <h2 id="import-titre" className="card__title" tabIndex={-1} ref={headingRef}>
        Importer une liste d'utilisateurs
      </h2>
      <p>
        <Link to=".." relative="path">
          Retour à la liste des utilisateurs
        </Link>
      </p>
      {importId === null ? (
        <UploadStep structureId={structure.id} onAnalysed={show} />
      ) : current.isPending ? (
        <Loading label="Chargement de l'import…" />
      ) : current.isError ? (
        <ErrorState error={current.error} onRetry={() => void current.refetch()} />
      ) : current.data.status === "DRY_RUN_DONE" ? (
        <DryRunStep structure={structure} summary={current.data} onRestart={() => show(null)} />
      ) : current.data.status === "APPLYING" ? (
        <ApplyingStep summary={current.data} />
      ) : (
        <ResultStep structureId={structure.id} summary={current.data} onRestart={() => show(null)} />
      )}
    </section>
  );
}

function UploadStep({
  structureId,
  onAnalysed,
}: {
  structureId: string;
  onAnalysed: (summary: ImportSummary) => void;
}) {
  const upload = useUploadImport(structureId);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!file) {
      setError("Choisissez le fichier à importer.");
      return;
    }
    if (file.size > IMPORT_LIMITS.fileBytes) {
      setError(`Fichier trop volumineux : ${MAX_MB} Mo au plus. Découpez-le en plusieurs fichiers.`);
      return;
    }
    setProgress(0);
    upload.mutate(
      { file, onProgress: setProgress },
      { onSuccess: onAnalysed, onError: (failure) => setError(failure.message) },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <ol className="import-steps">
        <li>
          <a href={`/api/structures/${structureId}/loaduser-template.xlsx`} download>
            Télécharger la dernière version du modèle loaduser
          </a>{" "}
          et le compléter en s'appuyant sur l'onglet <i>Consignes</i>. Un export de la liste d'utilisateurs (XLSX ou
          CSV), modifié dans un tableur, s'importe aussi : c'est une modification en masse.
        </li>
        <li>
          Déposer le fichier : les comptes sont reconnus par leur adresse mail ; les nouveaux sont créés, les existants
          mis à jour. Rien n'est modifié avant votre confirmation.
        </li>
      </ol>
      <div className={`field${error ? " field--error" : ""}`}>
        <label htmlFor={inputId} className="field__label">
          Liste d'utilisateurs à importer (fichier .xlsx ou .csv)
        </label>
        <p id={hintId} className="field__hint">
          {MAX_MB} Mo et {numberFr.format(IMPORT_LIMITS.rows)} lignes au plus. Un fichier .xls (Excel 97-2003) est à
          enregistrer d'abord au format .xlsx ou .csv.
        </p>
        <input
          id={inputId}
          type="file"
          className="field__input"
          accept=".csv,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel"
          aria-describedby={error ? `${hintId} ${errorId}` : hintId}
          aria-invalid={error ? true : undefined}
          disabled={upload.isPending}
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setError(null);
          }}
        />
      </div>
      {error && (
        <div id={errorId} className="alert alert--error" role="alert">
          <p className="alert__title">Fichier refusé</p>
          <p>{error}</p>
        </div>
      )}
      {upload.isPending && (
        <div className="import-progress" role="status" aria-live="polite">
          {progress < 1 ? (
            <label>
              Envoi du fichier : {Math.round(progress * 100)} %
              <progress max={100} value={Math.round(progress * 100)} />
            </label>
          ) : (
            <p className="state state--loading">
              <span className="spinner" aria-hidden="true" />
              Analyse du fichier : chaque ligne est vérifiée comme dans le formulaire de création…
            </p>
          )}
        </div>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={upload.isPending}>
          {upload.isPending ? "Analyse en cours…" : "Analyser le fichier"}
        </button>
      </div>
    </form>
  );
}

function Counts({ items }: { items: { label: string; value: number }[] }) {
  return (
    <dl className="facts import-counts">
      {items.map((item) => (
        <div key={item.label}>
          <dt>{item.label}</dt>
          <dd>{numberFr.format(item.value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function DryRunStep({
  structure,
  summary,
  onRestart,
}: {
  structure: StructureDetail;
  summary: ImportSummary;
  onRestart: () => void;
}) {
  const apply = useApplyImport(structure.id, summary.id);
  const [notifyUsers, setNotifyUsers] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { dryRun } = summary;
  const changes = dryRun.create + dryRun.update;
  return (
    <>
      <h3>Résultat de l'analyse de « {summary.fileName} »</h3>
      <p role="status">
        {plural(summary.totalRows, "ligne analysée", "lignes analysées")} : rien n'a encore été modifié.
      </p>
      <Counts
        items={[
          { label: "À créer", value: dryRun.create },
          { label: "À mettre à jour", value: dryRun.update },
          { label: "Inchangés", value: dryRun.unchanged },
          { label: "Rejetés", value: dryRun.rejected },
        ]}
      />
      {summary.warnings.length > 0 && (
        <div className="alert alert--warning">
          <p className="alert__title">À vérifier</p>
          <ul>
            {summary.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      )}
      <RejectedRows structureId={structure.id} importId={summary.id} atApply={false} rejectedRows={dryRun.rejected} />
      {!summary.fileKept ? (
        <p className="alert alert--error" role="alert">
          Le fichier de cet import a été effacé (ils sont gardés 7 jours) : déposez-le à nouveau.
        </p>
      ) : (
        <>
          <label className="checkbox import-notify">
            <input type="checkbox" checked={notifyUsers} onChange={(event) => setNotifyUsers(event.target.checked)} />
            Notifier les utilisateurs (e-mail de préinscription aux nouveaux comptes MED, PER, INT)
          </label>
          <FormError message={error} />
        </>
      )}
      <div className="button-row">
        <button type="button" className="button button--secondary" onClick={onRestart}>
          Déposer un autre fichier
        </button>
        {summary.fileKept && (
          <button type="button" className="button" onClick={() => setConfirming(true)}>
            Appliquer l'import
          </button>
        )}
      </div>
      {confirming && (
        <ConfirmDialog
          title="Appliquer l'import ?"
          message={
            <>
              <p>
                {changes === 0
                  ? `Aucun compte ne sera créé ni modifié dans ${structure.name}.`
                  : `Dans ${structure.name} : ${plural(dryRun.create, "compte sera créé", "comptes seront créés")}, ${plural(dryRun.update, "compte sera mis à jour", "comptes seront mis à jour")}.`}
                {dryRun.rejected > 0 &&
                  ` ${plural(dryRun.rejected, "ligne rejetée sera ignorée", "lignes rejetées seront ignorées")}.`}
              </p>
              <p>
                {notifyUsers
                  ? "Les nouveaux comptes MED, PER et INT recevront l'e-mail de préinscription."
                  : "Aucun e-mail ne sera envoyé : les nouveaux comptes pourront être relancés plus tard."}
              </p>
            </>
          }
          confirmLabel="Appliquer l'import"
          pending={apply.isPending}
          error={error}
          onClose={() => setConfirming(false)}
          onConfirm={() => {
            setError(null);
            apply.mutate(
              { notifyUsers },
              {
                onSuccess: () => setConfirming(false),
                onError: (failure) => setError(failure.message),
              },
            );
          }}
        />
      )}
    </>
  );
}

function ApplyingStep({ summary }: { summary: ImportSummary }) {
  const percent = summary.totalRows === 0 ? 0 : Math.floor((summary.appliedRows / summary.totalRows) * 100);
  return (
    <>
      <h3>Import en cours de « {summary.fileName} »</h3>
      <p role="status">L'import est appliqué en arrière-plan : vous pouvez quitter cette page, il se poursuit.</p>
      <div className="import-progress">
        <label>
          {plural(summary.appliedRows, "ligne appliquée", "lignes appliquées")} sur {numberFr.format(summary.totalRows)}{" "}
          ({percent} %)
          <progress max={summary.totalRows} value={summary.appliedRows} />
        </label>
      </div>
    </>
  );
}

function ResultStep({
  structureId,
  summary,
  onRestart,
}: {
  structureId: string;
  summary: ImportSummary;
  onRestart: () => void;
}) {
  const queryClient = useQueryClient();
  // the lists and their counts changed
  useEffect(() => {
    void queryClient.invalidateQueries({ queryKey: ["structures", structureId, "accounts"] });
  }, [queryClient, structureId]);
  const { applied } = summary;
  if (summary.status === "FAILED" || summary.status === "UPLOADED") {
    return (
      <div className="alert alert--error" role="alert">
        <p className="alert__title">L'import n'a pas abouti</p>
        <p>{summary.error ?? "L'analyse de ce fichier ne s'est pas terminée : déposez-le à nouveau."}</p>
        <button type="button" className="button button--secondary" onClick={onRestart}>
          Déposer un autre fichier
        </button>
      </div>
    );
  }
  return (
    <>
      <div className="alert alert--info" role="status">
        <p className="alert__title">Import terminé</p>
        <p>
          « {summary.fileName} » : {plural(applied.created, "compte créé", "comptes créés")},{" "}
          {plural(applied.updated, "compte mis à jour", "comptes mis à jour")},{" "}
          {plural(applied.unchanged, "inchangé", "inchangés")},{" "}
          {plural(applied.rejected, "ligne rejetée", "lignes rejetées")}.
          {summary.notifyUsers && applied.created > 0 && " Les nouveaux comptes MED, PER et INT ont été notifiés."}
        </p>
      </div>
      <Counts
        items={[
          { label: "Créés", value: applied.created },
          { label: "Mis à jour", value: applied.updated },
          { label: "Inchangés", value: applied.unchanged },
          { label: "Rejetés", value: applied.rejected },
        ]}
      />
      <RejectedRows structureId={structureId} importId={summary.id} atApply rejectedRows={applied.rejected} />
      <div className="button-row">
        <Link to=".." relative="path" className="button">
          Voir la liste des utilisateurs
        </Link>
        <button type="button" className="button button--secondary" onClick={onRestart}>
          Importer un autre fichier
        </button>
      </div>
    </>
  );
}
