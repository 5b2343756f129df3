import type { StructureSummary } from "@medimail/contracts/structures";
import { ancestorsOf, flattenTree, indexParents } from "@medimail/domain/structure-tree";
import { foldForSearch } from "@medimail/domain/text";
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { EmptyState } from "../../../components/ui/page-states.tsx";

type SortKey = "tree" | "name" | "parentName" | "totalUsers" | "adminCount";

const COLUMNS: { key: Exclude<SortKey, "tree">; label: string; numeric?: boolean }[] = [
  { key: "name", label: "Nom de la structure" },
  { key: "parentName", label: "Structure parente" },
  { key: "totalUsers", label: "Total utilisateurs", numeric: true },
  { key: "adminCount", label: "Administrateurs", numeric: true },
];

// Small trees open fully; big ones (a region has ~800 structures) open on their roots only.
const EXPAND_ALL_BELOW = 50;

/**
 * The structure picker: a tree (mother / daughter structures) that can be expanded and collapsed,
 * filtered by name (matches are shown with their ancestors), or sorted as a flat list by any column.
 */
export function StructureTreeTable({ structures, search }: { structures: StructureSummary[]; search: string }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "tree", descending: false });
  const [collapsed, setCollapsed] = useState<Set<string>>(() =>
    structures.length < EXPAND_ALL_BELOW
      ? new Set()
      : new Set(structures.filter((s) => s.childCount > 0).map((s) => s.id)),
  );

  const parents = useMemo(() => indexParents(structures), [structures]);
  const query = foldForSearch(search);
  const visibleIds = useMemo(() => {
    if (!query) return null;
    const ids = new Set<string>();
    for (const structure of structures) {
      if (!foldForSearch(structure.name).includes(query)) continue;
      ids.add(structure.id);
      for (const ancestor of ancestorsOf(structure.id, parents)) ids.add(ancestor);
    }
    return ids;
  }, [structures, parents, query]);

  const rows = useMemo(() => {
    const filtered = visibleIds ? structures.filter((s) => visibleIds.has(s.id)) : structures;
    if (sort.key === "tree") {
      const flat = flattenTree(filtered, (s) => s.name);
      if (visibleIds) return flat; // searching: show every match with its path, whatever is collapsed
      const hidden = new Set<string>();
      return flat.filter(({ node }) => {
        if (node.parentId && (collapsed.has(node.parentId) || hidden.has(node.parentId))) {
          hidden.add(node.id);
          return false;
        }
        return true;
      });
    }
    const key = sort.key;
    const sorted = [...filtered].sort((a, b) => {
      const left = a[key] ?? "";
      const right = b[key] ?? "";
      const order =
        typeof left === "number" && typeof right === "number"
          ? left - right
          : String(left).localeCompare(String(right), "fr");
      return sort.descending ? -order : order;
    });
    return sorted.map((node) => ({ node, depth: 0 }));
  }, [structures, visibleIds, sort, collapsed]);

  const toggle = (id: string) =>
    setCollapsed((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const sortBy = (key: Exclude<SortKey, "tree">) =>
    setSort((current) =>
      current.key === key
        ? { key, descending: !current.descending }
        : { key, descending: key === "totalUsers" || key === "adminCount" },
    );

  if (structures.length === 0) {
    return (
      <EmptyState title="Aucune structure dans votre périmètre">Les structures sont créées par le GRADeS.</EmptyState>
    );
  }
  if (rows.length === 0) {
    return <EmptyState title={`Aucune structure ne correspond à « ${search} »`} />;
  }

  return (
    <>
      <p className="table-caption" aria-live="polite">
        {rows.length} structure{rows.length > 1 ? "s" : ""} affichée{rows.length > 1 ? "s" : ""}
        {sort.key !== "tree" && (
          <button
            type="button"
            className="button button--link"
            onClick={() => setSort({ key: "tree", descending: false })}
          >
            Revenir à l'arborescence
          </button>
        )}
      </p>
      <div className="table-wrapper">
        <table className="table">
          <caption className="sr-only">Structures de votre périmètre</caption>
          <thead>
            <tr>
              {COLUMNS.map((column) => {
                const active = sort.key === column.key;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    className={column.numeric ? "numeric" : undefined}
                    aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}
                  >
                    <button type="button" className="sort-button" onClick={() => sortBy(column.key)}>
                      {column.label}
                      <span aria-hidden="true" className="sort-button__icon">
                        {active ? (sort.descending ? "▼" : "▲") : "⇅"}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ node, depth }) => {
              const expandable = sort.key === "tree" && !visibleIds && node.childCount > 0;
              const expanded = !collapsed.has(node.id);
              return (
                <tr key={node.id}>
                  <th scope="row" style={{ paddingInlineStart: `${0.75 + depth * 1.5}rem` }}>
                    <span className="tree-cell">
                      {expandable ? (
                        <button
                          type="button"
                          className="tree-toggle"
                          aria-expanded={expanded}
                          aria-label={`${expanded ? "Replier" : "Déplier"} les structures filles de ${node.name}`}
                          onClick={() => toggle(node.id)}
                        >
                          <span aria-hidden="true">{expanded ? "▾" : "▸"}</span>
                        </button>
                      ) : (
                        <span className="tree-toggle tree-toggle--leaf" aria-hidden="true" />
                      )}
                      <Link to={`/structures/${node.id}/accueil`}>{node.name}</Link>
                    </span>
                  </th>
                  <td>{node.parentName ?? (node.parentOutsideScope ? "Structure hors de votre périmètre" : "—")}</td>
                  <td className="numeric">{node.totalUsers.toLocaleString("fr-FR")}</td>
                  <td className="numeric">
                    {node.adminCount === 0 ? (
                      <span className="badge badge--warning" title="Aucun administrateur propre à cette structure">
                        Aucun
                      </span>
                    ) : (
                      node.adminCount
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
