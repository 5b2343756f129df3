import type { StructureSettings } from "@medimail/contracts/structure-settings";
import type { StructureDetail } from "@medimail/contracts/structures";
import { ancestorsOf, indexParents } from "@medimail/domain/structure-tree";
import { type FormEvent, useEffect, useId, useState } from "react";
import { useStructures } from "../../../shared/api/structures.ts";
import { useMoveStructure } from "../../api/structure-settings.ts";

/**
 * "Structure mère": operators attach the structure to another mother. The structure itself and its daughters are
 * not offered (the API refuses them too).
 */
export function ParentBlock({ structure, settings }: { structure: StructureDetail; settings: StructureSettings }) {
  const structures = useStructures();
  const move = useMoveStructure(structure.id);
  const selectId = useId();
  const [saved, setSaved] = useState(false);
  // Controlled, and shown only once the options are there: an uncontrolled default set before its option exists
  // falls back to "Aucune", and saving would then detach the structure from its mother.
  const [parentId, setParentId] = useState(structure.parentId ?? "");
  useEffect(() => setParentId(structure.parentId ?? ""), [structure.parentId]);
  const items = structures.data?.items ?? [];
  const parents = indexParents(items);
  const candidates = items
    .filter((item) => item.id !== structure.id && !ancestorsOf(item.id, parents).includes(structure.id))
    .sort((a, b) => a.name.localeCompare(b.name, "fr"));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!structures.data) return;
    setSaved(false);
    move.mutate(parentId === "" ? null : parentId, { onSuccess: () => setSaved(true) });
  };

  return (
    <section aria-labelledby="mere-titre" className="card">
      <h2 id="mere-titre" className="card__title">
        Structure mère
      </h2>
      {settings.permissions.platformSettings && !structures.data ? (
        <p role="status">
          {structures.isError ? "Impossible de charger les structures." : "Chargement des structures…"}
        </p>
      ) : settings.permissions.platformSettings ? (
        <form onSubmit={submit} className="form form--wide">
          <div className="field">
            <label htmlFor={selectId} className="field__label">
              Rattacher à
            </label>
            <select
              id={selectId}
              name="parentId"
              className="field__input"
              value={parentId}
              onChange={(event) => {
                setParentId(event.target.value);
                setSaved(false);
              }}
            >
              <option value="">Aucune (structure racine)</option>
              {candidates.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </div>
          <div className="button-row">
            <button type="submit" className="button" disabled={move.isPending}>
              {move.isPending ? "Enregistrement…" : "Enregistrer"}
            </button>
            <span role="status" aria-live="polite">
              {saved && <span className="badge badge--success">Modifications enregistrées</span>}
            </span>
            {move.error && (
              <span className="error-text" role="alert">
                {move.error.message}
              </span>
            )}
          </div>
        </form>
      ) : (
        <p>
          {structure.parentName ??
            (structure.parentOutsideScope ? "Structure hors de votre périmètre" : "Aucune (structure racine)")}
        </p>
      )}
    </section>
  );
}
