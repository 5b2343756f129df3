import { Link, NavLink, Outlet, useParams } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { useStructure } from "../api/get-structure.ts";

const SECTIONS = [
  { path: "accueil", label: "Accueil" },
  { path: "parametrage", label: "Paramétrage de la structure" },
  { path: "utilisateurs", label: "Gestion des utilisateurs Medimail" },
  { path: "mssante", label: "Gestion des utilisateurs MSSanté" },
  { path: "activite", label: "Activité structure" },
] as const;

/** A structure: its breadcrumb, its name, its home and the four sections ("rubriques"). */
export function StructurePage() {
  const { structureId = "" } = useParams();
  const structure = useStructure(structureId);
  usePageTitle(structure.data?.name);

  if (structure.isPending) return <Loading label="Chargement de la structure…" />;
  if (structure.isError) return <ErrorState error={structure.error} onRetry={() => void structure.refetch()} />;

  const { data } = structure;
  return (
    <>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <ol>
          <li>
            <Link to="/">Structures</Link>
          </li>
          {data.ancestors.map((ancestor) => (
            <li key={ancestor.id}>
              <Link to={`/structures/${ancestor.id}`}>{ancestor.name}</Link>
            </li>
          ))}
          <li aria-current="page">{data.name}</li>
        </ol>
      </nav>
      <h1>{data.name}</h1>
      <nav aria-label="Rubriques de la structure" className="section-tabs">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.path}>
              <NavLink to={section.path}>{section.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="section-panel">
        <Outlet context={data} />
      </div>
    </>
  );
}
