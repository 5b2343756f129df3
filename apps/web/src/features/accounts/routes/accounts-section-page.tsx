import type { AccountSort } from "@medimail/contracts/accounts";
import { AccountState, AccountType, accountStateLabels } from "@medimail/contracts/enums";
import type { StructureDetail } from "@medimail/contracts/structures";
import { type FormEvent, useId, useState } from "react";
import { useLocation, useOutletContext, useSearchParams } from "react-router";
import { useStructureSettings } from "../../shared/api/structures.ts";
import { type AccountSearchParams, useAccountCounts } from "../api/accounts.ts";
import { AccountTable } from "../components/account-table.tsx";
import { ActionsMenu } from "../components/actions-menu.tsx";
import { EmailChangesTable } from "../components/email-changes-table.tsx";

/** The tabs of the section: a search over every state, one list per state, the email change requests. */
const TABS = [
  { key: "recherche", label: "Rechercher", state: null },
  { key: "VALIDATED", label: "Utilisateurs validés", state: "VALIDATED" },
  { key: "PENDING_VALIDATION", label: "Utilisateurs à valider", state: "PENDING_VALIDATION" },
  { key: "PREREGISTERED", label: "Utilisateurs préinscrits", state: "PREREGISTERED" },
  { key: "REJECTED", label: "Utilisateurs rejetés", state: "REJECTED" },
  { key: "changements", label: "Demandes de changement de mail", state: null },
] as const;
type TabKey = (typeof TABS)[number]["key"];

const isSort = (value: string | null): value is AccountSort =>
  value === "name" || value === "email" || value === "createdAt";

/**
 * "Gestion des utilisateurs Medimail". Everything that decides the list lives in the URL (tab, text, type,
 * daughters, sort, page), so a search can be shared and survives a reload.
 */
export function AccountsSectionPage() {
  const structure = useOutletContext<StructureDetail>();
  const [params, setParams] = useSearchParams();
  const daughters = params.get("filles") === "1";
  const counts = useAccountCounts(structure.id, daughters);
  // support staff read the lists; the actions are for those who administer the structure
  const editable = useStructureSettings(structure.id).data?.permissions.administer ?? false;
  const notice = (useLocation().state as { notice?: string } | null)?.notice;

  const stateParam = AccountState.safeParse(params.get("etat"));
  const tab: TabKey = params.has("changements") ? "changements" : stateParam.success ? stateParam.data : "recherche";
  const typeParam = AccountType.safeParse(params.get("type"));
  const sortParam = params.get("tri");
  const search: AccountSearchParams = {
    q: params.get("q") ?? "",
    state: stateParam.success ? stateParam.data : null,
    type: typeParam.success ? typeParam.data : null,
    daughters,
    sort: isSort(sortParam) ? sortParam : "name",
    order: params.get("ordre") === "desc" ? "desc" : "asc",
    after: params.get("apres"),
  };

  /** Changes the URL's criteria; any change of criteria goes back to the first page. */
  const update = (changes: Record<string, string | null>) => {
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === "") next.delete(key);
        else next.set(key, value);
      }
      if (!("apres" in changes)) next.delete("apres");
      return next;
    });
  };

  const selectTab = (key: TabKey) => {
    const next = new URLSearchParams();
    for (const keep of ["q", "type", "filles"]) {
      const value = params.get(keep);
      if (value) next.set(keep, value);
    }
    if (key === "changements") next.set("changements", "en-attente");
    else if (key !== "recherche") next.set("etat", key);
    setParams(next);
  };

  const countOf = (key: TabKey): number | null => {
    if (!counts.data) return null;
    if (key === "changements") return counts.data.emailChanges;
    if (key === "recherche") return null;
    return counts.data[key];
  };

  return (
    <div className="accounts">
      {notice && (
        <p className="alert alert--info" role="status">
          {notice}
        </p>
      )}
      <div className="accounts__toolbar">
        {editable && <ActionsMenu structureId={structure.id} daughters={daughters} />}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={daughters}
            onChange={(event) => update({ filles: event.target.checked ? "1" : null })}
          />
          Inclure les structures filles
        </label>
      </div>

      <div role="tablist" aria-label="Comptes par état" className="tabs">
        {TABS.map((item) => {
          const count = countOf(item.key);
          const selected = item.key === tab;
          return (
            <button
              key={item.key}
              type="button"
              role="tab"
              id={`onglet-${item.key}`}
              aria-selected={selected}
              aria-controls="onglet-contenu"
              tabIndex={selected ? 0 : -1}
              className="tabs__tab"
              onClick={() => selectTab(item.key)}
              onKeyDown={(event) => {
                const index = TABS.findIndex((candidate) => candidate.key === item.key);
                const move = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
                if (move === 0) return;
                const target = TABS[(index + move + TABS.length) % TABS.length];
                if (!target) return;
                selectTab(target.key);
                document.getElementById(`onglet-${target.key}`)?.focus();
              }}
            >
              {item.label}
              {count !== null && <span className="tabs__count">{count.toLocaleString("fr-FR")}</span>}
            </button>
          );
        })}
      </div>

      <div id="onglet-contenu" role="tabpanel" aria-labelledby={`onglet-${tab}`} className="tabs__panel">
        {tab === "changements" ? (
          <EmailChangesTable
            structureId={structure.id}
            editable={editable}
            daughters={daughters}
            after={search.after}
            onPage={(after) => update({ apres: after })}
          />
        ) : (
          <>
            <SearchForm
              key={`${search.q}|${search.type}|${search.state}`}
              initial={search}
              showState={tab === "recherche"}
              onSearch={(q, type, state) => update({ q, type, ...(state ? { etat: state } : {}) })}
            />
            <AccountTable
              structureId={structure.id}
              editable={editable}
              search={search}
              onSort={(sort) =>
                update({
                  tri: sort,
                  ordre: search.sort === sort && search.order === "asc" ? "desc" : "asc",
                })
              }
              onPage={(after) => update({ apres: after })}
            />
          </>
        )}
      </div>
    </div>
  );
}

function SearchForm({
  initial,
  showState,
  onSearch,
}: {
  initial: AccountSearchParams;
  showState: boolean;
  onSearch: (q: string, type: string | null, state: string | null) => void;
}) {
  const [q, setQ] = useState(initial.q);
  const [type, setType] = useState(initial.type ?? "");
  const [state, setState] = useState("");
  const ids = { q: useId(), type: useId(), state: useId() };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(q.trim(), type || null, state || null);
  };
  return (
    <search aria-label="Rechercher un compte">
      <form className="filters" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.q} className="field__label">
            Recherche
          </label>
          <input
            id={ids.q}
            className="field__input"
            type="search"
            placeholder="Adresse mail, nom, prénom, RPPS, ADELI"
            value={q}
            maxLength={200}
            onChange={(event) => setQ(event.target.value)}
          />
        </div>
        {showState && (
          <div className="field">
            <label htmlFor={ids.state} className="field__label">
              État de l'utilisateur
            </label>
            <select id={ids.state} className="field__input" value={state} onChange={(e) => setState(e.target.value)}>
              <option value="">TOUS</option>
              {AccountState.options.map((option) => (
                <option key={option} value={option}>
                  {accountStateLabels[option]}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.type} className="field__label">
            Type d'utilisateur
          </label>
          <select id={ids.type} className="field__input" value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">TOUS</option>
            {AccountType.options.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button">
          Rechercher
        </button>
      </form>
    </search>
  );
}
