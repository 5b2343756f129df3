import type { AccountSort } from "@medimail/contracts/accounts";
import { AccountState, AccountType, accountStateLabels } from "@medimail/contracts/enums";
import type { StructureDetail } from "@medimail/contracts/structures";
import { useState } from "react";
import { useLocation, useOutletContext, useSearchParams } from "react-router";
import { SearchForm } from "../../../components/ui/search-form.tsx";
import { SelectField } from "../../../components/ui/select-field.tsx";
import { Tabs } from "../../../components/ui/tabs.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import { useUpdateSearchParams } from "../../../lib/use-cursor-pager.ts";
import { useStructureSettings } from "../../shared/api/structures.ts";
import { DaughtersToggle } from "../../shared/components/daughters-toggle.tsx";
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
  const search: Omit<AccountSearchParams, "after"> = {
    q: params.get("q") ?? "",
    state: stateParam.success ? stateParam.data : null,
    type: typeParam.success ? typeParam.data : null,
    daughters,
    sort: isSort(sortParam) ? sortParam : "name",
    order: params.get("ordre") === "desc" ? "desc" : "asc",
  };

  /** Changes the URL's criteria; any change of criteria goes back to the first page. */
  const update = useUpdateSearchParams();

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
        <DaughtersToggle checked={daughters} onChange={(checked) => update({ filles: checked ? "1" : null })} />
      </div>

      <Tabs
        label="Comptes par état"
        idPrefix="onglet"
        tabs={TABS.map((item) => ({ key: item.key, label: item.label, count: countOf(item.key) }))}
        selected={tab}
        onSelect={selectTab}
      >
        {tab === "changements" ? (
          <EmailChangesTable structureId={structure.id} editable={editable} daughters={daughters} />
        ) : (
          <>
            <AccountSearchForm
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
            />
          </>
        )}
      </Tabs>
    </div>
  );
}

const stateOptions = AccountState.options.map((option) => ({ value: option, label: accountStateLabels[option] }));
const typeOptions = AccountType.options.map((option) => ({ value: option, label: option }));

function AccountSearchForm({
  initial,
  showState,
  onSearch,
}: {
  initial: Omit<AccountSearchParams, "after">;
  showState: boolean;
  onSearch: (q: string, type: string | null, state: string | null) => void;
}) {
  const [q, setQ] = useState(initial.q);
  const [type, setType] = useState<string>(initial.type ?? "");
  const [state, setState] = useState("");
  return (
    <SearchForm label="Rechercher un compte" onSearch={() => onSearch(q.trim(), type || null, state || null)}>
      <TextField
        label="Recherche"
        type="search"
        placeholder="Adresse mail, nom, prénom, RPPS, ADELI"
        value={q}
        maxLength={200}
        onChange={(event) => setQ(event.target.value)}
      />
      {showState && (
        <SelectField
          label="État de l'utilisateur"
          placeholder="TOUS"
          options={stateOptions}
          value={state}
          onChange={(event) => setState(event.target.value)}
        />
      )}
      <SelectField
        label="Type d'utilisateur"
        placeholder="TOUS"
        options={typeOptions}
        value={type}
        onChange={(event) => setType(event.target.value)}
      />
    </SearchForm>
  );
}
