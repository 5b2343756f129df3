import { useId, useState } from "react";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useCurrentUser } from "../../shared/api/session.ts";
import { useStructures } from "../../shared/api/structures.ts";
import { CreateStructureForm } from "../components/create-structure-form.tsx";
import { StructureTreeTable } from "../components/structure-tree-table.tsx";

export function StructurePickerPage() {
  usePageTitle("Sélectionner la structure à administrer");
  const structures = useStructures();
  const { isOperator } = useCurrentUser();
  const [search, setSearch] = useState("");
  const [creating, setCreating] = useState(false);
  const searchId = useId();

  return (
    <section aria-labelledby="picker-title">
      <h1 id="picker-title">Sélectionner la structure à administrer</h1>
      <p className="muted">
        Les structures de votre périmètre, avec leurs structures filles. Choisissez-en une pour l'administrer.
      </p>
      {isOperator &&
        (creating ? (
          <CreateStructureForm structures={structures.data?.items ?? []} onCancel={() => setCreating(false)} />
        ) : (
          <p>
            <button type="button" className="button" onClick={() => setCreating(true)}>
              Créer une structure
            </button>
          </p>
        ))}
      <div className="search-bar">
        <label htmlFor={searchId}>Rechercher une structure</label>
        <input
          id={searchId}
          type="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="Nom de la structure"
          autoComplete="off"
        />
      </div>
      {structures.isPending ? (
        <Loading label="Chargement des structures…" />
      ) : structures.isError ? (
        <ErrorState error={structures.error} onRetry={() => void structures.refetch()} />
      ) : (
        <StructureTreeTable structures={structures.data.items} search={search} />
      )}
    </section>
  );
}
