import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { ConfirmDialog } from "../../../components/ui/dialog.tsx";
import { useAccountCounts } from "../api/accounts.ts";
import { useLastReminder, useRemindAll } from "../api/reminders.ts";

const day = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" });
const time = new Intl.DateTimeFormat("fr-FR", { timeStyle: "medium", timeZone: "Europe/Paris" });
/** "06/06/2023 à 10:28:22", as the guide shows it */
const dateTime = (iso: string) => `${day.format(new Date(iso))} à ${time.format(new Date(iso))}`;
const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? "s" : ""}`;

/**
 * The "Actions" drop-down of the guide: create, remind every pre-registered user (with the last reminder's date,
 * after a confirmation saying how many), the last reminder's export, import, the template, the exports. A disclosure
 * button with a list of links and buttons: Escape closes it and gives the focus back, Tab moves through the entries.
 * The downloads are plain links (the browser saves the streamed file).
 */
export function ActionsMenu({ structureId, daughters }: { structureId: string; daughters: boolean }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  const lastReminder = useLastReminder(structureId, daughters);
  const remindAll = useRemindAll(structureId);
  const counts = useAccountCounts(structureId, daughters);
  const preregistered = counts.data?.PREREGISTERED ?? null;
  const scope = daughters ? "?daughters=true" : "";

  useEffect(() => {
    if (!open) return;
    const onClick = (event: MouseEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    // Escape closes the list and gives the focus back to the button
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("mousedown", onClick);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onClick);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const last = lastReminder.data?.lastReminderAt;

  return (
    <div ref={containerRef} className="actions-menu">
      <button
        ref={buttonRef}
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen(!open)}
      >
        Actions <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <ul id={listId} className="actions-menu__list">
          <li>
            <Link to="nouveau">Créer un nouvel utilisateur</Link>
          </li>
          <li>
            <button
              type="button"
              className="button--menu"
              onClick={() => {
                setOpen(false);
                setMessage(null);
                remindAll.reset();
                setConfirming(true);
              }}
            >
              Relancer vos utilisateurs préinscrits (dernière relance le : {last ? dateTime(last) : "aucune relance"})
            </button>
          </li>
          <li>
            <a href={`/api/structures/${structureId}/exports/last-reminder.xlsx${scope}`} download onClick={close}>
              Afficher la dernière relance de vos utilisateurs préinscrits (XLSX)
              {lastReminder.data && lastReminder.data.count > 0
                ? ` — ${plural(lastReminder.data.count, "compte")}`
                : ""}
            </a>
          </li>
          <li>
            <Link to="import">Importer une liste d'utilisateurs</Link>
          </li>
          <li>
            <a href={`/api/structures/${structureId}/loaduser-template.xlsx`} download onClick={close}>
              Télécharger la dernière version du modèle loaduser
            </a>
          </li>
          <li>
            <a href={`/api/structures/${structureId}/exports/users.xlsx${scope}`} download onClick={close}>
              Exporter la liste d'utilisateurs au format XLSX
            </a>
          </li>
          <li>
            <a href={`/api/structures/${structureId}/exports/users.csv${scope}`} download onClick={close}>
              Exporter la liste d'utilisateurs au format CSV
            </a>
          </li>
          <li>
            <a href={`/api/structures/${structureId}/exports/inactive-accounts.xlsx${scope}`} download onClick={close}>
              Exporter la liste des comptes inactifs supprimés depuis 6 mois (et prochainement supprimés)
            </a>
          </li>
        </ul>
      )}
      {message && (
        <p role="status" className="alert alert--info">
          {message}
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title="Relancer vos utilisateurs préinscrits"
          message={
            <>
              <p>
                {preregistered === null
                  ? "Chaque utilisateur préinscrit"
                  : preregistered === 0
                    ? "Aucun utilisateur n'est préinscrit"
                    : `${plural(preregistered, "utilisateur")} préinscrit${preregistered > 1 ? "s" : ""}`}{" "}
                {daughters ? "de la structure et de ses structures filles" : "de la structure"}
                {preregistered === 0
                  ? "."
                  : preregistered !== null && preregistered > 1
                    ? " recevront chacun un nouveau lien pour finaliser leur inscription (valable 7 jours)."
                    : " recevra un nouveau lien pour finaliser son inscription (valable 7 jours)."}
              </p>
              {preregistered !== 0 && (
                <p>Ceux qui ont déjà été relancés il y a moins d'une minute ne le seront pas une seconde fois.</p>
              )}
              {last && <p>Dernière relance le {dateTime(last)}.</p>}
            </>
          }
          confirmLabel="Relancer"
          destructive={false}
          pending={remindAll.isPending}
          error={remindAll.error?.message ?? null}
          onClose={() => {
            setConfirming(false);
            buttonRef.current?.focus();
          }}
          onConfirm={() =>
            remindAll.mutate(
              { daughters },
              {
                onSuccess: (result) => {
                  setConfirming(false);
                  buttonRef.current?.focus();
                  setMessage(
                    result.count === 0
                      ? "Aucun utilisateur préinscrit à relancer."
                      : `${plural(result.count, "utilisateur")} préinscrit${result.count > 1 ? "s" : ""} relancé${result.count > 1 ? "s" : ""} : un nouveau lien d'inscription leur est envoyé par mail.`,
                  );
                },
              },
            )
          }
        />
      )}
    </div>
  );
}
