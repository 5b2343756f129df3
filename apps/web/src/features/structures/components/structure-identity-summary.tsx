import type { StructureDetail } from "@medimail/contracts/structures";
import { useOutletContext } from "react-router";

const IDENTIFIER_LABELS = { FINESS: "FINESS", SIREN: "SIREN", SIRET: "SIRET" } as const;

/** The identity block of "Paramétrage de la structure", read-only until the settings issue adds editing. */
export function StructureIdentitySummary() {
  const structure = useOutletContext<StructureDetail>();
  const rows: [string, string][] = [
    ["Nom", structure.name],
    ["Type", structure.kind ?? "Non renseigné"],
    [
      "Numéro identifiant",
      structure.identifier
        ? `${IDENTIFIER_LABELS[structure.identifierType ?? "FINESS"]} ${structure.identifier}`
        : "Non renseigné",
    ],
    ["Structure mère", structure.parentName ?? "Aucune (structure racine)"],
    ["Domaine de la structure", structure.mssDomain ?? "Aucun domaine MSSanté"],
    ["Localisation", [structure.postcode, structure.city].filter(Boolean).join(" ") || "Non renseignée"],
    ["Utilisateurs", structure.totalUsers.toLocaleString("fr-FR")],
    ["Administrateurs", String(structure.adminCount)],
  ];
  return (
    <section aria-labelledby="identity-title">
      <h2 id="identity-title">Identité</h2>
      <dl className="summary-list">
        {rows.map(([term, value]) => (
          <div key={term} className="summary-list__row">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
