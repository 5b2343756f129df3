import { MessageDirection, messageDirectionLabels } from "@medimail/contracts/activity";
import { useId, useState } from "react";
import { SearchForm } from "../../../components/ui/search-form.tsx";
import { SelectField } from "../../../components/ui/select-field.tsx";
import { TextField } from "../../../components/ui/text-field.tsx";
import type { ActivityCriteriaParams } from "../api/activity.ts";

const directionOptions = MessageDirection.options.map((option) => ({
  value: option,
  label: `${option === "SENT" ? "Envoyés" : "Reçus"} (${messageDirectionLabels[option].toLowerCase()})`,
}));

/** "Critères": an address, a period in Paris days, a direction. Submitting puts them in the URL. */
export function ActivityCriteriaForm({
  initial,
  onSearch,
}: {
  initial: ActivityCriteriaParams;
  onSearch: (criteria: Omit<ActivityCriteriaParams, "daughters">) => void;
}) {
  const [address, setAddress] = useState(initial.address);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [direction, setDirection] = useState<string>(initial.direction ?? "");
  const ids = { address: useId(), hint: useId() };
  const submit = () => {
    const parsed = MessageDirection.safeParse(direction);
    onSearch({ address: address.trim(), from, to, direction: parsed.success ? parsed.data : null });
  };
  const reset = () => {
    setAddress("");
    setFrom("");
    setTo("");
    setDirection("");
    onSearch({ address: "", from: "", to: "", direction: null });
  };
  return (
    <SearchForm
      label="Critères de recherche des messages"
      onSearch={submit}
      actions={
        <button type="button" className="button button--secondary" onClick={reset}>
          Effacer les critères
        </button>
      }
    >
      <div className="field">
        <label htmlFor={ids.address} className="field__label">
          Adresse
        </label>
        <input
          id={ids.address}
          className="field__input"
          type="email"
          aria-describedby={ids.hint}
          placeholder="prenom.nom@structure.mssante.fr"
          value={address}
          maxLength={254}
          onChange={(event) => setAddress(event.target.value)}
        />
        <p id={ids.hint} className="field__hint">
          Émetteur ou destinataire (adresse complète)
        </p>
      </div>
      <TextField
        label="Du"
        type="date"
        value={from}
        max={to || undefined}
        onChange={(event) => setFrom(event.target.value)}
      />
      <TextField
        label="Au"
        type="date"
        value={to}
        min={from || undefined}
        onChange={(event) => setTo(event.target.value)}
      />
      <SelectField
        label="Sens"
        placeholder="Envoyés et reçus"
        options={directionOptions}
        value={direction}
        onChange={(event) => setDirection(event.target.value)}
      />
    </SearchForm>
  );
}
