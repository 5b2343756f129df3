import type { AccountDetail } from "@medimail/contracts/accounts";
import { foldForSearch } from "@medimail/domain/text";
import { type FormEvent, useId, useState } from "react";
import { Dialog } from "../../../components/ui/dialog.tsx";
import { FormActions, FormError } from "../../../components/ui/form-actions.tsx";
import { useStructures } from "../../shared/api/structures.ts";
import { useChangeStructure } from "../api/accounts.ts";

const SHOWN = 50;

/** "Changer de structure": among the structures the caller administers (filter by name, pick one). */
export function ChangeStructureDialog({ account, onClose }: { account: AccountDetail; onClose: () => void }) {
  const structures = useStructures();
  const change = useChangeStructure(account.id);
  const [filter, setFilter] = useState("");
  const [target, setTarget] = useState("");
  const [error, setError] = useState<string | null>(null);
  const ids = { filter: useId(), list: useId() };
  const folded = foldForSearch(filter);
  const candidates = (structures.data?.items ?? []).filter(
    (structure) => structure.id !== account.structure.id && foldForSearch(structure.name).includes(folded),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target) return setError("Choisissez la structure de destination");
    setError(null);
    change.mutate({ version: account.version, structureId: target }, { onSuccess: onClose });
  };
  return (
    <Dialog title="Changer de structure" onClose={onClose}>
      <form onSubmit={submit} noValidate className="form">
        <p>
          Structure actuelle : <strong>{account.structure.name}</strong>
        </p>
        <div className="field">
          <label htmlFor={ids.filter} className="field__label">
            Filtrer les structures
          </label>
          <input
            id={ids.filter}
            className="field__input"
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
        <div className={`field${error ? " field--error" : ""}`}>
          <label htmlFor={ids.list} className="field__label">
            Nouvelle structure
          </label>
          {structures.isPending ? (
            <p className="muted">Chargement des structures…</p>
          ) : (
            <select
              id={ids.list}
              className="field__input"
              size={8}
              value={target}
              aria-invalid={error ? true : undefined}
              onChange={(event) => setTarget(event.target.value)}
            >
              {candidates.slice(0, SHOWN).map((structure) => (
                <option key={structure.id} value={structure.id}>
                  {structure.name}
                  {structure.parentName ? ` (${structure.parentName})` : ""}
                </option>
              ))}
            </select>
          )}
          {candidates.length > SHOWN && (
            <p className="field__hint">{candidates.length - SHOWN} autres structures : précisez le filtre.</p>
          )}
          <FormError message={error} />
        </div>
        <FormError message={change.error?.message} />
        <FormActions
          onClose={onClose}
          submitLabel="Changer de structure"
          pendingLabel="Déplacement…"
          pending={change.isPending}
        />
      </form>
    </Dialog>
  );
}
