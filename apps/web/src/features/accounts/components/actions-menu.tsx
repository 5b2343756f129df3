import { useEffect, useId, useRef, useState } from "react";
import { Link } from "react-router";
import { useLastReminder, useRemindAll } from "../../bulk/api/bulk.ts";

const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "short", timeZone: "Europe/Paris" });

/**
 * The "Actions" drop-down of the guide: create, remind every pre-registered user (with the last reminder's date),
 * import, the template, the exports. A disclosure button with a list of links and buttons: Escape closes it and
 * gives the focus back, Tab moves through the entries.
 */
export function ActionsMenu({ structureId, daughters }: { structureId: string; daughters: boolean }) {
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const containerRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  const lastReminder = useLastReminder(structureId, daughters);
  const remindAll = useRemindAll(structureId);
  const scope = daughters ? "?daughters=true" : "";

  useEffect(() => {
    if (!open) return;
    const onClick = (event: MouseEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", onClick);
    return () => document.removeEventListener("mousedown", onClick);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const last = lastReminder.data?.lastReminderAt;

  return (
    <div
      ref={containerRef}
      className="actions-menu"
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) close();
      }}
    >
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
              disabled={remindAll.isPending}
              onClick={() =>
                remindAll.mutate(
                  { daughters },
                  {
                    onSuccess: (result) => {
                      close();
                      setMessage(
                        result.count === 0
                          ? "Aucun utilisateur préinscrit à relancer."
                          : `${result.count} utilisateur${result.count > 1 ? "s" : ""} préinscrit${result.count > 1 ? "s" : ""} relancé${result.count > 1 ? "s" : ""}.`,
                      );
                    },
                    onError: (error) => setMessage(error.message),
                  },
                )
              }
            >
              Relancer vos utilisateurs préinscrits (dernière relance le :{" "}
              {last ? dateTime.format(new Date(last)) : "pas de relance"})
            </button>
          </li>
          <li>
            <a href={`/api/structures/${structureId}/exports/last-reminder.xlsx${scope}`} download onClick={close}>
              Exporter la dernière relance (XLSX)
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
    </div>
  );
}
